//! What an experiment folder already holds for a plan, read before anything is trained.

use std::path::{Path, PathBuf};

use super::plan::{Variant, planned_runs};
use super::reuse::{PlannedRun, planned_run};
use crate::data::Dataset;
use crate::settings::DataSource;
use crate::train::TrainError;

/// What an experiment folder already holds for a plan: how many of its runs are finished
/// (reused), cut with a checkpoint (resumed) and still to train, and which folders hold runs
/// the plan must not train over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOutlook {
    /// Finished runs with the same settings and data, reused as they are.
    pub finished: usize,
    /// Runs cut before they finished, resumed from their best checkpoint.
    pub resumable: usize,
    /// Runs to train from the start.
    pub to_train: usize,
    /// Runs another process is training into now: left to it, reused when it finishes.
    pub in_use: usize,
    /// Run folders holding a run with other settings or data, each with what differs: while
    /// there is one, [`super::run_experiment`] refuses to start.
    pub conflicts: Vec<(PathBuf, String)>,
}

impl PlanOutlook {
    /// The refusal [`super::run_experiment`] gives while the folder holds conflicting runs, naming
    /// each folder and what differs, or `None` when there is none.
    pub fn refusal(&self) -> Option<TrainError> {
        let (first, reason) = self.conflicts.first()?;
        let others = match self.conflicts.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more folder)".to_string(),
            more => format!(" (and {more} more folders)"),
        };
        Some(TrainError::Mismatch(format!(
            "{} already holds {reason}{others}; the plan would train over it. Choose another \
             --out, or move the folder away",
            first.display()
        )))
    }
}

/// Reads `out` for the runs [`super::run_experiment`] would reuse, resume and train; changes nothing.
pub fn plan_outlook(
    variants: &[Variant],
    dataset: &Dataset,
    source: &DataSource,
    seeds: &[u64],
    out: &Path,
) -> PlanOutlook {
    let mut outlook = PlanOutlook::default();
    for (_, config, dir) in planned_runs(variants, seeds, out) {
        match planned_run(&dir, source, dataset, &config) {
            PlannedRun::Finished(_) => outlook.finished += 1,
            PlannedRun::Resumable => outlook.resumable += 1,
            PlannedRun::Fresh => outlook.to_train += 1,
            PlannedRun::InUse => outlook.in_use += 1,
            PlannedRun::Conflict(reason) => outlook.conflicts.push((dir, reason)),
        }
    }
    outlook
}
