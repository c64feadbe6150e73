//! Running a plan: every variant with every seed, finished runs reused and cut ones resumed,
//! then the results table.

use std::path::Path;
use std::sync::Arc;

use super::outlook::plan_outlook;
use super::plan::{Plan, Variant, planned_runs};
use super::results::{ExperimentResults, collect_results};
use super::settle::{HELD_RUN_POLL, preparing, settle_run};
use crate::data::Dataset;
use crate::settings::DataSource;
use crate::train::TrainError;
use crate::train::session::Event;

/// Runs every variant with every seed under `out/<variant>/seed<S>`, seed by seed (every
/// row gets seed 1 before any row gets seed 2, so a plan cut short still covers every row),
/// then writes `out/results.json` and `out/results.md`. A run folder that already holds a
/// finished run with the same settings and data is reused, and one cut before it finished is
/// resumed from its best checkpoint, so an interrupted experiment picks up where it stopped.
/// A run another process is training (a second `sequda experiment` on the same folder) is
/// left to it: this one trains the runs after it and then waits for it, so two processes on
/// one folder share the plan. A folder holding a run with other settings or data is never
/// trained over: the plan is refused before any run starts ([`super::PlanOutlook::refusal`]).
/// `progress` receives each run's events.
pub fn run_experiment(
    plan: Plan,
    variants: &[Variant],
    dataset: &Arc<Dataset>,
    source: &DataSource,
    seeds: &[u64],
    out: &Path,
    progress: &mut dyn FnMut(&str, u64, &Event),
) -> Result<ExperimentResults, TrainError> {
    if let Some(refusal) = plan_outlook(variants, dataset, source, seeds, out).refusal() {
        return Err(refusal);
    }
    let mut held_elsewhere = Vec::new();
    for (index, config, dir) in planned_runs(variants, seeds, out) {
        let (name, seed) = (variants[index].name.as_str(), config.seed);
        let mut report = |event: &Event| progress(name, seed, event);
        if !settle_run(dataset, source, config.clone(), &dir, &mut report)? {
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
    }
    collect_results(plan, variants, source, seeds, out)
}
