//! Subcommand implementations. Errors carry context (`anyhow`) and are printed as one line.

mod adapters_cmd;
pub mod args;
mod audience_cmd;
mod bench_cmd;
mod compare_cmd;
mod data_cmd;
mod dispatch;
mod eval_cmd;
mod experiment_cmd;
mod export_args;
mod export_cmd;
mod generate_cmd;
mod gui_cmd;
mod input;
pub mod logging;
mod recommend_cmd;
mod report_cmd;
mod resume_cmd;
mod scale_args;
mod train_cmd;
mod values;

pub use dispatch::{dispatch, one_line};
