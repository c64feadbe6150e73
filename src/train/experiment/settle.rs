//! One planned run of an experiment, settled: a finished run is reused, a cut one resumed,
//! a missing one trained, and one another process is training left to it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::channel;

use super::reuse::{PlannedRun, planned_run};
use crate::data::Dataset;
use crate::settings::{DataSource, TrainConfig};
use crate::train::TrainError;
use crate::train::run::{TrainJob, run_training};
use crate::train::run_folder::RunSummary;
use crate::train::session::Control;
use crate::train::session::{Event, RunStatus};

/// How often a plan waiting for a run another process is training looks at its folder again.
pub(super) const HELD_RUN_POLL: std::time::Duration = std::time::Duration::from_secs(5);

/// A status line from the plan itself (not from a run's training).
pub(super) fn preparing(message: String) -> Event {
    Event::Status {
        status: RunStatus::Preparing,
        message,
    }
}

/// Makes `dir` hold a finished, tested run of `config`: reuses one that is there, resumes a
/// cut one or trains it. `Ok(false)` when another process holds the folder (before or while
/// this one tries to claim it), which leaves the folder untouched.
pub(super) fn settle_run(
    dataset: &Arc<Dataset>,
    source: &DataSource,
    config: TrainConfig,
    dir: &Path,
    report: &mut dyn FnMut(&Event),
) -> Result<bool, TrainError> {
    let planned = planned_run(dir, source, dataset, &config);
    let summary = match planned {
        PlannedRun::InUse => return Ok(false),
        PlannedRun::Finished(summary) => {
            report(&Event::Status {
                status: RunStatus::Finished,
                message: format!("reusing the finished run in {}", dir.display()),
            });
            *summary
        }
        PlannedRun::Conflict(reason) => {
            // Checked before the plan started; only a folder changed while it runs gets here.
            return Err(TrainError::Mismatch(format!(
                "{} now holds {reason}; the plan stopped rather than train over it",
                dir.display()
            )));
        }
        PlannedRun::Resumable | PlannedRun::Fresh => {
            // The run itself says it resumes, once it holds the folder.
            let resuming = planned == PlannedRun::Resumable;
            let summary = match run_one(dataset, source, config, dir, resuming, report) {
                Err(TrainError::RunFolderInUse(_)) => return Ok(false),
                outcome => outcome?,
            };
            report(&Event::Finished(Box::new(summary.clone())));
            summary
        }
    };
    if summary.test.is_none() {
        return Err(TrainError::Mismatch(format!(
            "{}: the run was stopped before testing",
            dir.display()
        )));
    }
    Ok(true)
}

fn run_one(
    dataset: &Arc<Dataset>,
    source: &DataSource,
    config: TrainConfig,
    dir: &Path,
    resuming: bool,
    progress: &mut dyn FnMut(&Event),
) -> Result<RunSummary, TrainError> {
    let (_commands, command_rx) = channel();
    let (event_tx, event_rx) = channel();
    let job = TrainJob {
        dataset: Arc::clone(dataset),
        source: source.clone(),
        config,
        run_dir: PathBuf::from(dir),
    };
    let mut control = Control::new(command_rx, event_tx);
    let result = std::thread::scope(|scope| {
        let worker = scope.spawn(move || run_training(&job, &mut control, resuming));
        // The sender lives in `control` on the worker; the loop ends when it is dropped.
        for event in event_rx.iter() {
            progress(&event);
        }
        worker.join()
    });
    match result {
        Ok(outcome) => outcome,
        Err(_) => Err(TrainError::Backend("a training run panicked".into())),
    }
}
