//! What every pane is given: the studio's workspace to read, its persisted selections and view
//! settings to change, and the command list its buttons push to.

use std::sync::Arc;

use crate::studio::{LoadedData, Workspace};
use crate::ui::commands::UiCommand;
use crate::ui::exports::Exports;
use crate::ui::state::Selections;

/// What every pane may read and change. The workspace is read-only: a pane that wants
/// something done (open a file, train, reopen a run) pushes a [`UiCommand`], which the app
/// carries out at the end of the frame.
pub struct PaneContext<'a> {
    /// Data, training, queries, saved runs.
    pub ws: &'a Workspace,
    /// Persisted selections and settings.
    pub sel: &'a mut Selections,
    /// Commands to run at the end of the frame.
    pub commands: &'a mut Vec<UiCommand>,
    /// Save PNG / Export CSV.
    pub exports: &'a mut Exports,
    /// Hide wall-clock figures and settle animations at once (tests, screenshots).
    pub deterministic: bool,
}

impl PaneContext<'_> {
    /// The open data, if any.
    pub fn data(&self) -> Option<Arc<LoadedData>> {
        self.ws.data.clone()
    }
}
