//! The graphics adapters wgpu can train on, listed on a background task when asked (the probe
//! takes a moment and may start a driver).

use super::tasks::{BackgroundTasks, Task};
use crate::train::device::{AdapterSummary, list_adapters};

/// The adapters found, once listed.
#[derive(Default)]
pub struct AdapterList {
    found: Option<Vec<AdapterSummary>>,
    probing: Option<Task<Vec<AdapterSummary>>>,
}

impl AdapterList {
    /// Starts listing the adapters on one of `tasks` (unless listed or listing already).
    pub fn look(&mut self, tasks: &mut BackgroundTasks) {
        if self.found.is_some() || self.probing.is_some() {
            return;
        }
        if let Ok(task) = tasks.spawn("adapters", list_adapters) {
            self.probing = Some(task);
        }
    }

    /// Collects a finished listing.
    pub fn poll(&mut self) {
        if let Some(task) = &self.probing
            && let Some(Ok(found)) = task.poll()
        {
            self.found = Some(found);
            self.probing = None;
        }
    }

    /// The adapters, most capable first, once listed.
    pub fn found(&self) -> Option<&[AdapterSummary]> {
        self.found.as_deref()
    }

    /// Whether the listing runs now.
    pub fn is_looking(&self) -> bool {
        self.probing.is_some()
    }
}
