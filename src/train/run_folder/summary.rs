//! `summary.json`: the result of a run (README, "Command line").

use serde::{Deserialize, Serialize};

use crate::eval::RankingMetrics;

/// The dataset a run was trained on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// Path as given.
    pub path: String,
    /// Users in the file.
    pub users: usize,
    /// Items in the file.
    pub items: usize,
    /// Interactions used.
    pub interactions: usize,
}

/// What `summary.json` holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Model variant, e.g. "sasrec" or "pop".
    pub model: String,
    /// Device description.
    pub device: String,
    /// The data.
    pub dataset: DatasetSummary,
    /// Epochs trained.
    pub epochs_run: usize,
    /// Epoch of the checkpoint that was tested (best validation NDCG@10).
    pub best_epoch: usize,
    /// Seconds of training (validation included, final test excluded).
    pub train_seconds: f64,
    /// Median seconds of one training epoch (validation excluded).
    pub seconds_per_epoch: f64,
    /// Validation metrics of the best checkpoint.
    pub valid: RankingMetrics,
    /// Test metrics of the best checkpoint, evaluated once; absent when the user stopped the
    /// run (`sequda eval --run DIR` computes them later).
    pub test: Option<RankingMetrics>,
    /// Why training ended: "max epochs", "early stopping", "stopped by user".
    pub stop_reason: String,
    /// The epochs a cut run was resumed from (`sequda resume`), oldest first; empty (and
    /// absent from the file) for a run trained in one go.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resumed_after: Vec<usize>,
}
