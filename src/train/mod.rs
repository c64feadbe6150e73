//! The training session: one thread owns model + device; [`Command`]s in, [`Event`]s out;
//! checkpoints, device selection, run folders.

pub mod batches;
pub mod bench;
pub mod checkpoint;
pub mod config;
pub mod control;
pub mod device;
pub mod epoch_loop;
pub mod error;
pub mod eval_graph;
pub mod evaluation;
pub mod events;
pub mod experiment;
pub mod experiment_reuse;
pub mod gan;
pub mod grouped_loss;
pub mod models;
pub mod query;
pub mod recipe;
pub mod reopen;
pub mod run;
pub mod run_dir;
pub mod sasrec_trainer;
pub mod sequda_trainer;
pub mod session;
pub mod sparsity;
pub mod summary;
pub mod synthetic;

pub use config::{DataSource, ModelKind, RunConfig, TrainConfig};
pub use device::{DeviceChoice, SelectedDevice, select_device};
pub use error::TrainError;
pub use events::{Command, EpochReport, Event, RunStatus, StepReport};
pub use run::{TrainJob, run_training};
pub use run_dir::RunDir;
pub use session::TrainingSession;
pub use summary::{DatasetSummary, RunSummary};
