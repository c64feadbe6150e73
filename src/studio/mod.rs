//! The studio: what the window works on, without the window. The open data and its loader,
//! the live training run, the worker answering model queries, presets and the runs folder,
//! and the one owner of their background threads ([`BackgroundTasks`]), which reports through
//! a repaint callback rather than a toolkit context. No window toolkit here: `ui` draws these
//! plain types and sends its commands to [`Workspace`]; `studio` drives `train` and `analysis`.

mod adapters;
mod baseline;
mod import_preview;
mod library;
mod live_query;
mod live_run;
mod loader;
mod notice;
mod presets;
mod samples;
mod tasks;
mod worker;
mod workspace;

pub use adapters::AdapterList;
pub use import_preview::{IMPORT_PREVIEW_ROWS, ImportPreview, PreviewError, RowCheck};
pub use library::RunLibrary;
pub use live_query::LiveQuery;
pub use live_run::{LiveRun, Phase, Progress, RunNews, next_run_dir};
pub use loader::{FailedLoad, LoadJob, LoadRequest, LoadedData, PREVIEW_ROWS, file_name};
pub use notice::{Level, Notice};
pub use presets::{Preset, paper, quick_demo};
pub use samples::sample_data_paths;
pub use tasks::{BackgroundTasks, Repaint, Task, TaskError};
pub use worker::{ModelWorker, WorkerState};
pub use workspace::{Polled, Workspace};

pub use crate::train::device::AdapterSummary;
pub use crate::train::run_folder::RunSummary;
pub use crate::train::session::{RunStatus, SyntheticReport, SyntheticSample};
