//! One training run from start to summary (device, split, run folder, model, final test), a
//! cut run resumed, and a finished run reopened for evaluation and queries.

mod models;
mod reopen;
mod resume;
mod split;
mod training;

pub use models::{load_inference, recipe};
pub use reopen::{OpenedRun, open_run, reload_dataset};
pub use resume::resume_job;
pub use split::training_split;
pub use training::{TrainJob, evaluate_popularity, median, run_training};
