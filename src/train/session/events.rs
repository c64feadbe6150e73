//! What flows between a training session and whoever drives it (CLI or window):
//! [`Command`]s in, [`Event`]s out. Plain structs only, never tensors.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::query::QueryFn;
use crate::eval::RankingMetrics;
use crate::eval::synthetic::SyntheticQuality;
use crate::train::run_folder::RunSummary;

/// Loss values of one logged step by component name: `loss` (the total), `ce`, and for the
/// full model `cl`, `g_loss`, `d_loss`, `d_acc`, …
pub type LossValues = BTreeMap<String, f64>;

/// One optimisation step, as logged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// 1-based step within the epoch.
    pub step: usize,
    /// Steps in one epoch.
    pub steps_per_epoch: usize,
    /// Steps since the run began.
    pub global_step: usize,
    /// Wall-clock seconds since training began (pauses excluded).
    pub elapsed_seconds: f64,
    /// Training sequences per second over the last logged interval.
    pub sequences_per_second: f64,
    /// The loss components.
    pub losses: LossValues,
}

/// The end of one epoch: validation metrics and early-stopping state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// Validation metrics (full ranking).
    pub valid: RankingMetrics,
    /// Seconds spent training this epoch (validation excluded).
    pub epoch_seconds: f64,
    /// Seconds spent on validation.
    pub eval_seconds: f64,
    /// Wall-clock seconds since training began (pauses excluded).
    pub elapsed_seconds: f64,
    /// Whether this epoch set a new best validation NDCG@10 (and was checkpointed).
    pub improved: bool,
    /// The best epoch so far.
    pub best_epoch: usize,
}

/// One synthetic sequence as the window shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyntheticSample {
    /// Dense user index of the training sequence the real prefix came from.
    pub source_user: usize,
    /// Item indices, oldest first; the first `prefix_len` are real.
    pub items: Vec<u32>,
    /// Length of the real prefix.
    pub prefix_len: usize,
    /// The discriminator's probability that the sequence is real.
    pub d_score: f32,
}

/// The GAN's output of one epoch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyntheticReport {
    /// 1-based recommender epoch.
    pub epoch: usize,
    /// Sequences generated before the discriminator filter.
    pub generated: usize,
    /// Sequences the filter kept (all of them train the recommender this epoch).
    pub kept: usize,
    /// The kept sequences (those used in training), at most a few hundred for display.
    pub samples: Vec<SyntheticSample>,
    /// Real held-back windows, the reference of the monitors (a few hundred for display).
    pub real_samples: Vec<Vec<u32>>,
    /// Quality monitors, synthetic vs held-back real (docs/MODEL.md §4).
    pub quality: SyntheticQuality,
    /// Synthetic distinct-2 fell below half the real value.
    pub mode_collapse: bool,
}

/// Coarse state of a run, for a status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Loading data, building the model.
    Preparing,
    /// Optimisation steps are running.
    Training,
    /// Paused by the user.
    Paused,
    /// Running validation or the final test.
    Evaluating,
    /// Done, with a summary.
    Finished,
    /// Stopped by the user before the end.
    Stopped,
    /// Stopped by an error.
    Failed,
}

/// Everything a session reports.
#[derive(Clone, Debug)]
pub enum Event {
    /// A state change with a human-readable line.
    Status {
        /// New state.
        status: RunStatus,
        /// What is happening, for people.
        message: String,
    },
    /// The device training runs on.
    Device {
        /// E.g. "cpu: burn flex, 2 threads".
        description: String,
    },
    /// A logged optimisation step.
    Step(StepReport),
    /// A finished epoch with validation metrics.
    Epoch(EpochReport),
    /// This epoch's GAN-generated sequences and their quality monitors (SeqUDA-Rec only).
    Synthetic(Box<SyntheticReport>),
    /// Something the user should know that does not stop the run (e.g. mode collapse).
    Warning {
        /// One plain-language line.
        message: String,
    },
    /// The run finished (normally, by early stopping, or stopped by the user after at least
    /// one checkpoint): test metrics of the best checkpoint.
    Finished(Box<RunSummary>),
    /// The run failed; the message is one plain-language line.
    Failed {
        /// What went wrong and what to do.
        message: String,
    },
}

/// Requests to a running session.
pub enum Command {
    /// Hold before the next step.
    Pause,
    /// Continue after a pause.
    Resume,
    /// Stop as soon as possible; the best checkpoint so far is evaluated on test.
    Stop,
    /// Run a query against the current model between steps (also while paused).
    Query(QueryFn),
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Pause => "Pause",
            Self::Resume => "Resume",
            Self::Stop => "Stop",
            Self::Query(_) => "Query",
        })
    }
}
