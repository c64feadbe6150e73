//! What the shared epoch loop needs from a model being trained.

use super::step_losses::StepLosses;
use crate::model::inference::InferenceModel;
use crate::train::TrainError;
use crate::train::run_folder::{MetricsWriter, RunDir};
use crate::train::session::Control;

/// A model variant's training: its optimisation step, its snapshots and its checkpoint.
pub trait Recipe {
    /// Work before an epoch's steps (a GAN round, new graph views); may log records and send
    /// events.
    fn begin_epoch(
        &mut self,
        epoch: usize,
        control: &mut Control,
        metrics: &mut MetricsWriter,
    ) -> Result<(), TrainError> {
        let _ = (epoch, control, metrics);
        Ok(())
    }

    /// One optimisation step on these users' training sequences at learning rate `rate` (the
    /// schedule's, [`crate::settings::LrSchedule`]). The returned components include `loss`
    /// (the total) and stay on the device: a step reads nothing back. The loop reads them
    /// every logging interval, and a non-finite `loss` then stops the run.
    fn step(&mut self, users: &[usize], rate: f64) -> Result<StepLosses, TrainError>;

    /// The current weights in inference mode (dropout off, graph tables computed).
    fn snapshot(&self) -> InferenceModel;

    /// Called once, before the first step, when a cut run resumes from its checkpoint of
    /// `best_epoch` in `run_dir`: restores what [`Self::save`] wrote for that epoch.
    fn resume(&mut self, run_dir: &RunDir, best_epoch: usize) -> Result<(), TrainError>;

    /// Writes the checkpoint of `snapshot` into the run folder (atomically).
    fn save(&self, snapshot: &InferenceModel, run_dir: &RunDir) -> Result<(), TrainError>;
}
