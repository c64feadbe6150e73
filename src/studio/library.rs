//! The runs folder, read on a background task.

use std::path::Path;

use super::notice::Notice;
use super::tasks::{BackgroundTasks, Task};
use crate::analysis::runs::{SavedRun, scan_runs};

/// What a scan found: the runs, and the folders it skipped (why, for people).
type Scan = (Vec<SavedRun>, Vec<String>);

/// Saved runs, refreshed on demand.
#[derive(Default)]
pub struct RunLibrary {
    /// Runs found, sorted by folder name.
    pub runs: Vec<SavedRun>,
    /// Whether a scan is running.
    pub scanning: bool,
    pending: Option<Task<Scan>>,
}

impl RunLibrary {
    /// Reads `dir` again on one of `tasks`.
    pub fn rescan(&mut self, dir: &Path, tasks: &mut BackgroundTasks) {
        let dir = dir.to_path_buf();
        if let Ok(task) = tasks.spawn("runs", move || scan_runs(&dir)) {
            self.scanning = true;
            self.pending = Some(task);
        }
    }

    /// Collects a finished scan; returns a warning per skipped folder.
    pub fn poll(&mut self) -> Vec<Notice> {
        let Some(task) = &self.pending else {
            return Vec::new();
        };
        let Some(Ok((runs, problems))) = task.poll() else {
            return Vec::new();
        };
        self.runs = runs;
        self.scanning = false;
        self.pending = None;
        problems
            .into_iter()
            .map(|problem| Notice::warn(format!("Skipped a run folder: {problem}")))
            .collect()
    }

    /// The run with this folder name.
    pub fn get(&self, name: &str) -> Option<&SavedRun> {
        self.runs.iter().find(|run| run.name == name)
    }
}
