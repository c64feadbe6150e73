//! Why a training run could not go on.

use std::path::PathBuf;

use crate::data::DataError;
use crate::eval::EvalError;
use crate::settings::InvalidConfig;
use crate::train::device::DeviceError;

/// A training, evaluation or run-folder failure, as one plain-language line.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The data could not be loaded.
    #[error(transparent)]
    Data(#[from] DataError),
    /// No usable device.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// A setting cannot work.
    #[error(transparent)]
    Config(#[from] InvalidConfig),
    /// Evaluation failed.
    #[error("evaluation failed: {0}")]
    Eval(#[from] EvalError),
    /// Reading or writing a run file failed.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What happened.
        message: String,
    },
    /// The loss became NaN or infinite.
    #[error(
        "the loss became {value} at epoch {epoch}, step {step}{}; training stopped {} (try a lower learning rate)",
        read_range(*.read_steps),
        kept_checkpoint(*.kept_epoch)
    )]
    NonFiniteLoss {
        /// Epoch.
        epoch: usize,
        /// Step in the epoch (the first whose loss was not finite; 0 for a GAN round).
        step: usize,
        /// The steps whose losses were read together when it was found (losses stay on the
        /// device between logged steps), if it was found in such a read.
        read_steps: Option<(usize, usize)>,
        /// The value seen.
        value: f64,
        /// The epoch whose checkpoint the run folder keeps (the best so far), if any.
        kept_epoch: Option<usize>,
    },
    /// The backend reported a failure.
    #[error("the compute backend failed: {0}")]
    Backend(String),
    /// The data has too little to train or evaluate on.
    #[error("{0}")]
    NotEnoughData(String),
    /// The run folder does not match the data it names.
    #[error("{0}")]
    Mismatch(String),
    /// Another training run is writing the same run folder.
    #[error(
        "{0} is being written by another training run (another window or `sequda` process); choose another output folder or wait for that run to end"
    )]
    RunFolderInUse(PathBuf),
}

/// Which steps' losses were read together, for the message.
fn read_range(read_steps: Option<(usize, usize)>) -> String {
    match read_steps {
        Some((first, last)) => format!(" (found reading the losses of steps {first}–{last})"),
        None => String::new(),
    }
}

/// What a run stopped by a non-finite loss left behind, for its message.
fn kept_checkpoint(kept_epoch: Option<usize>) -> String {
    match kept_epoch {
        Some(epoch) => format!("and the checkpoint of epoch {epoch}, the best so far, was kept"),
        None => "before its first validation, so no checkpoint was saved".to_string(),
    }
}

impl TrainError {
    /// `self`, where it is a [`TrainError::NonFiniteLoss`], saying that the run folder keeps
    /// the checkpoint of `best_epoch` (none when 0).
    pub fn keeping_checkpoint_of(self, best_epoch: usize) -> Self {
        match self {
            Self::NonFiniteLoss {
                epoch,
                step,
                read_steps,
                value,
                ..
            } => Self::NonFiniteLoss {
                epoch,
                step,
                read_steps,
                value,
                kept_epoch: (best_epoch > 0).then_some(best_epoch),
            },
            other => other,
        }
    }

    /// A file error with its path.
    pub fn file(path: impl Into<PathBuf>, error: impl std::fmt::Display) -> Self {
        Self::File {
            path: path.into(),
            message: error.to_string(),
        }
    }
}
