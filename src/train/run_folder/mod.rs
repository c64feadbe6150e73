//! A run folder and every file in it: `config.toml`, `metrics.jsonl` with its resume records,
//! the best checkpoint with its optimiser and GAN state (staged while being saved),
//! `test_ranks.json` and `summary.json`. The window and the command line read and write the
//! same files; only this module knows their names and formats.

mod checkpoint;
mod clear;
mod folder;
mod metrics_log;
mod ranks;
mod resume_point;
pub mod staging;
mod summary;

pub use checkpoint::{
    load_checkpoint, restore_optimizer, save_checkpoint, save_optimizer, warm_start,
};
pub use clear::clear_earlier_run;
pub use folder::{
    CHECKPOINT_FILE, CONFIG_FILE, DISCRIMINATOR_FILE, DISCRIMINATOR_OPTIMIZER_FILE, GENERATOR_FILE,
    GENERATOR_OPTIMIZER_FILE, LOCK_FILE, METRICS_FILE, OPTIMIZER_FILE, RunDir, RunLock,
    SUMMARY_FILE, write_atomically,
};
pub use metrics_log::{MetricsWriter, epoch_record, step_record};
pub use ranks::{TEST_RANKS_FILE, read_test_ndcg, read_test_ranks, write_test_ranks};
pub use resume_point::{
    RESUME_KIND, ResumePoint, check_resumable, prepare_resume, read_resume_point, resume_record,
};
pub use summary::{DatasetSummary, RunSummary};
