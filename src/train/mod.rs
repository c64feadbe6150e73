//! Training: a session thread that owns the model and the device ([`session`]), one run from
//! start to summary ([`run`]), the epoch loop every model shares (`epochs`), the trainers of
//! SASRec-CE, SeqUDA-Rec and its GAN (`trainers`), the run folder's files ([`run_folder`]),
//! experiment plans ([`experiment`]), the one helper that reads tensors back during training
//! ([`readback`]), device selection ([`device`]) and the command-line
//! tools built on them ([`tools`]). docs/ARCHITECTURE.md draws the map.

pub mod device;
pub mod epochs;
mod error;
pub mod experiment;
pub mod readback;
pub mod run;
pub mod run_folder;
pub mod session;
pub mod tools;
pub mod trainers;

pub use error::TrainError;
pub use run::{TrainJob, run_training};
pub use run_folder::RunDir;
pub use session::TrainingSession;
