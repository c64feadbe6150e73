//! The runs folder, read on a helper thread.

use std::path::Path;
use std::sync::mpsc::{Receiver, channel};

use crate::analysis::runs::{SavedRun, scan_runs};
use crate::ui::notifications::Notifications;

/// Saved runs, refreshed on demand.
#[derive(Default)]
pub struct RunLibrary {
    /// Runs found, sorted by folder name.
    pub runs: Vec<SavedRun>,
    /// Whether a scan is running.
    pub scanning: bool,
    pending: Option<Receiver<(Vec<SavedRun>, Vec<String>)>>,
}

impl RunLibrary {
    /// Reads `dir` again in the background.
    pub fn rescan(&mut self, dir: &Path, ctx: &egui::Context) {
        let (sender, receiver) = channel();
        let dir = dir.to_path_buf();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("sequda-runs".into())
            .spawn(move || {
                let _ = sender.send(scan_runs(&dir));
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.scanning = true;
            self.pending = Some(receiver);
        }
    }

    /// Collects a finished scan.
    pub fn poll(&mut self, notes: &mut Notifications) {
        let Some(receiver) = &self.pending else {
            return;
        };
        if let Ok((runs, problems)) = receiver.try_recv() {
            self.runs = runs;
            self.scanning = false;
            self.pending = None;
            for problem in problems {
                notes.warn(format!("Skipped a run folder: {problem}"));
            }
        }
    }

    /// The run with this folder name.
    pub fn get(&self, name: &str) -> Option<&SavedRun> {
        self.runs.iter().find(|run| run.name == name)
    }
}
