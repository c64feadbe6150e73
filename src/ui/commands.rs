//! Every user action as one enum: menus, keyboard shortcuts and the command palette all
//! produce a [`UiCommand`], and the app runs them at the end of the frame.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::goals::Goal;
use super::layout::PaneKind;
use crate::studio::file_name;

/// A user action.
#[derive(Clone, Debug, PartialEq)]
pub enum UiCommand {
    /// Choose an interaction file to open.
    OpenData,
    /// Choose an item metadata file (titles, categories) for the open data.
    OpenItems,
    /// Open a file from the recent list.
    OpenRecent(PathBuf),
    /// Open the bundled sample data.
    OpenSample,
    /// Choose a log and pick its columns in the import step before it loads.
    ImportData,
    /// Pick the columns of the open data's file again in the import step.
    RemapData,
    /// Write a self-contained HTML report of the run that answers the panes.
    ExportReport,
    /// Start from a goal: open the pane that answers it, training the Quick demo if needed.
    Goal(Goal),
    /// Choose the folder where runs are saved and compared.
    ChooseRunsFolder,
    /// Read the runs folder again.
    RescanRuns,
    /// Reopen a saved run: its data and its best checkpoint answer the analysis panes.
    ReopenRun(PathBuf),
    /// Go on training a saved run that was stopped or cut before its test.
    ResumeRun(PathBuf),
    /// Start training with the current settings.
    StartTraining,
    /// Pause a running training, or resume a paused one.
    PauseResume,
    /// Stop training (the best checkpoint so far is kept).
    StopTraining,
    /// List the graphics adapters training could use.
    LookForGpus,
    /// Put the panes back where they started.
    ResetLayout,
    /// Switch between dark and light.
    ToggleTheme,
    /// Bring a pane to the front.
    ShowPane(PaneKind),
    /// Open the window of SeqUDA-Rec's own settings (graph, contrastive, GAN).
    SequdaSettings,
    /// Open the command palette.
    OpenPalette,
    /// Make everything bigger.
    ZoomIn,
    /// Make everything smaller.
    ZoomOut,
    /// Back to normal size.
    ZoomReset,
}

impl UiCommand {
    /// The text in menus and the palette.
    pub fn label(&self) -> String {
        match self {
            Self::OpenData => "Open data…".into(),
            Self::OpenItems => "Open item titles…".into(),
            Self::OpenRecent(path) => path.display().to_string(),
            Self::OpenSample => "Open sample data".into(),
            Self::ImportData => "Import with column choices…".into(),
            Self::RemapData => "Change columns…".into(),
            Self::ExportReport => "Export report…".into(),
            Self::Goal(goal) => goal.title().into(),
            Self::ChooseRunsFolder => "Choose runs folder…".into(),
            Self::RescanRuns => "Rescan runs".into(),
            Self::ReopenRun(path) => format!("Reopen run {}", file_name(path)),
            Self::ResumeRun(path) => format!("Resume run {}", file_name(path)),
            Self::StartTraining => "Start training".into(),
            Self::PauseResume => "Pause / resume training".into(),
            Self::StopTraining => "Stop training".into(),
            Self::LookForGpus => "Look for GPUs".into(),
            Self::ResetLayout => "Reset layout".into(),
            Self::ToggleTheme => "Toggle dark / light theme".into(),
            Self::ShowPane(pane) => format!("Show {}", pane.title()),
            Self::SequdaSettings => "SeqUDA-Rec settings…".into(),
            Self::OpenPalette => "Command palette…".into(),
            Self::ZoomIn => "Zoom in".into(),
            Self::ZoomOut => "Zoom out".into(),
            Self::ZoomReset => "Reset zoom".into(),
        }
    }

    /// A plain-language explanation (tooltips).
    pub fn tooltip(&self) -> &'static str {
        match self {
            Self::OpenData => {
                "Pick a behaviour log (CSV/TSV, SASRec text, MovieLens); you can also drop a file on the window"
            }
            Self::OpenItems => {
                "Pick a file of item ids with titles and categories, to show names instead of ids"
            }
            Self::OpenRecent(_) => "Open this file again",
            Self::OpenSample => "Open the bundled ad-interaction log (2,500 users, 300 ads)",
            Self::ImportData => {
                "Pick a behaviour log, see its first rows and choose which column is the user, the item, the time and the behaviour before it loads"
            }
            Self::RemapData => {
                "Choose again which columns of the open file are the user, the item, the time and the behaviour, and reload it"
            }
            Self::Goal(goal) => goal.question(),
            Self::ExportReport => {
                "One HTML page of the finished or reopened run (data, curves, test metrics, attention, synthetic sequences, an audience) that opens in any browser, offline"
            }
            Self::ChooseRunsFolder => "Pick the folder where training runs are saved and compared",
            Self::RescanRuns => "Look for new or changed runs in the runs folder",
            Self::ReopenRun(_) => {
                "Load this run's data and best checkpoint so the analysis panes use it"
            }
            Self::ResumeRun(_) => {
                "Go on training this run from its best checkpoint, with its own settings and data, in its own folder"
            }
            Self::StartTraining => {
                "Train a model on the open data with the settings in the Train pane"
            }
            Self::PauseResume => "Hold training between steps, or continue it",
            Self::StopTraining => {
                "End training now; the best checkpoint so far is kept, and Resume in Compare runs goes on with it later"
            }
            Self::LookForGpus => "List the graphics adapters wgpu can use (takes a moment)",
            Self::ResetLayout => "Put every pane back in its original place",
            Self::ToggleTheme => "Switch between the dark and the light colour theme",
            Self::ShowPane(pane) => pane.purpose(),
            Self::SequdaSettings => {
                "Graph, contrastive, target-attention and GAN settings of the next SeqUDA-Rec run"
            }
            Self::OpenPalette => "Search every command by name",
            Self::ZoomIn => "Make text and controls bigger",
            Self::ZoomOut => "Make text and controls smaller",
            Self::ZoomReset => "Back to the normal size",
        }
    }

    /// The keyboard shortcut, if any.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        let shift_command = Modifiers::COMMAND | Modifiers::SHIFT;
        match self {
            Self::OpenData => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::O)),
            Self::StartTraining => Some(KeyboardShortcut::new(Modifiers::NONE, Key::F5)),
            Self::PauseResume => Some(KeyboardShortcut::new(Modifiers::NONE, Key::F6)),
            Self::StopTraining => Some(KeyboardShortcut::new(Modifiers::SHIFT, Key::F5)),
            Self::ResetLayout => Some(KeyboardShortcut::new(shift_command, Key::R)),
            Self::ToggleTheme => Some(KeyboardShortcut::new(shift_command, Key::T)),
            Self::OpenPalette => Some(KeyboardShortcut::new(shift_command, Key::P)),
            _ => None,
        }
    }

    /// Commands that take no argument, plus "Show …" for every pane: what the palette lists.
    pub fn palette() -> Vec<UiCommand> {
        let mut all = vec![
            Self::OpenData,
            Self::ImportData,
            Self::OpenItems,
            Self::OpenSample,
            Self::ExportReport,
            Self::ChooseRunsFolder,
            Self::RescanRuns,
            Self::StartTraining,
            Self::PauseResume,
            Self::StopTraining,
            Self::SequdaSettings,
            Self::ResetLayout,
            Self::ToggleTheme,
            Self::ZoomIn,
            Self::ZoomOut,
            Self::ZoomReset,
        ];
        all.extend(Goal::ALL.into_iter().map(Self::Goal));
        all.extend(PaneKind::ALL.into_iter().map(Self::ShowPane));
        all
    }

    /// Commands with shortcuts (checked every frame).
    pub fn with_shortcuts() -> Vec<(KeyboardShortcut, UiCommand)> {
        Self::palette()
            .into_iter()
            .chain([Self::OpenPalette])
            .filter_map(|command| Some((command.shortcut()?, command)))
            .collect()
    }

    /// Whether `query` (case-insensitive words) matches this command's label.
    pub fn matches(&self, query: &str) -> bool {
        let label = self.label().to_lowercase();
        query
            .to_lowercase()
            .split_whitespace()
            .all(|word| label.contains(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique_and_labels_searchable() {
        let shortcuts = UiCommand::with_shortcuts();
        assert!(shortcuts.len() >= 6);
        for (i, (a, _)) in shortcuts.iter().enumerate() {
            for (b, _) in &shortcuts[i + 1..] {
                assert_ne!(a, b);
            }
        }
        let hits: Vec<UiCommand> = UiCommand::palette()
            .into_iter()
            .filter(|c| c.matches("show att"))
            .collect();
        assert_eq!(hits, vec![UiCommand::ShowPane(PaneKind::Attention)]);
        assert!(UiCommand::palette().iter().all(|c| !c.tooltip().is_empty()));
    }
}
