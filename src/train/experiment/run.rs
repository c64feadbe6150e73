//! Running a plan: every variant with every seed, finished runs reused and cut ones resumed,
//! then the results table.

use std::path::Path;
use std::sync::Arc;

use super::outlook::plan_outlook;
use super::plan::{Plan, Variant, planned_runs};
use super::record::{record_dir_of, restore_run_record, save_results_record, save_run_record};
use super::results::{ExperimentResults, collect_results};
use super::settle::{HELD_RUN_POLL, preparing, settle_run};
use crate::data::Dataset;
use crate::settings::DataSource;
use crate::train::TrainError;
use crate::train::session::Event;

/// Where a plan keeps its runs, and its record (`--record`, [`super::record`]) if any.
#[derive(Clone, Copy, Debug)]
pub struct PlanFolders<'a> {
    /// One run folder per variant and seed, plus `results.md` / `results.json`.
    pub out: &'a Path,
    /// The record: each finished run's small files and the results table, for git.
    pub record: Option<&'a Path>,
}

/// Restores every recorded run that matches its planned run into its empty run folder under
/// `folders.out` (so the plan reuses it instead of training it again); returns how many.
/// Does nothing without a record.
pub fn restore_records(
    variants: &[Variant],
    dataset: &Dataset,
    source: &DataSource,
    seeds: &[u64],
    folders: PlanFolders<'_>,
) -> Result<usize, TrainError> {
    let Some(record) = folders.record else {
        return Ok(0);
    };
    let mut restored = 0;
    for (_, config, dir) in planned_runs(variants, seeds, folders.out) {
        let recorded = record_dir_of(record, folders.out, &dir);
        if restore_run_record(&recorded, &dir, source, dataset, &config)? {
            restored += 1;
        }
    }
    Ok(restored)
}

/// Runs every variant with every seed under `out/<variant>/seed<S>`, seed by seed (every
/// row gets seed 1 before any row gets seed 2, so a plan cut short still covers every row),
/// then writes `out/results.json` and `out/results.md`. A run folder that already holds a
/// finished run with the same settings and data is reused, and one cut before it finished is
/// resumed from its best checkpoint, so an interrupted experiment picks up where it stopped.
/// A run another process is training (a second `sequda experiment` on the same folder) is
/// left to it: this one trains the runs after it and then waits for it, so two processes on
/// one folder share the plan. A folder holding a run with other settings or data is never
/// trained over: the plan is refused before any run starts ([`super::PlanOutlook::refusal`]).
/// With a record, each run's small files are saved to it as soon as the run has finished,
/// and the results table at the end. `progress` receives each run's events.
pub fn run_experiment(
    plan: Plan,
    variants: &[Variant],
    dataset: &Arc<Dataset>,
    source: &DataSource,
    seeds: &[u64],
    folders: PlanFolders<'_>,
    progress: &mut dyn FnMut(&str, u64, &Event),
) -> Result<ExperimentResults, TrainError> {
    let out = folders.out;
    let save = |dir: &Path| match folders.record {
        Some(record) => save_run_record(dir, &record_dir_of(record, out, dir)),
        None => Ok(()),
    };
    if let Some(refusal) = plan_outlook(variants, dataset, source, seeds, out).refusal() {
        return Err(refusal);
    }
    let mut held_elsewhere = Vec::new();
    for (index, config, dir) in planned_runs(variants, seeds, out) {
        let (name, seed) = (variants[index].name.as_str(), config.seed);
        let mut report = |event: &Event| progress(name, seed, event);
        if settle_run(dataset, source, config.clone(), &dir, &mut report)? {
            save(&dir)?;
        } else {
            report(&preparing(format!(
                "another process is training {}; going on with the next runs and coming \
                 back to it",
                dir.display()
            )));
            held_elsewhere.push((index, config, dir));
        }
    }
    for (index, config, dir) in held_elsewhere {
        let (name, seed) = (variants[index].name.as_str(), config.seed);
        let mut report = |event: &Event| progress(name, seed, event);
        report(&preparing(format!(
            "waiting for the other process to finish {}",
            dir.display()
        )));
        while !settle_run(dataset, source, config.clone(), &dir, &mut report)? {
            std::thread::sleep(HELD_RUN_POLL);
        }
        save(&dir)?;
    }
    let results = collect_results(plan, variants, source, seeds, out)?;
    if let Some(record) = folders.record {
        save_results_record(out, record)?;
    }
    Ok(results)
}
