//! What the app does with a command (menus, shortcuts, the palette, pane buttons) and with the
//! files the user picks or drops.

use std::path::PathBuf;
use std::sync::Arc;

use super::studio_app::{Pick, StudioApp};
use crate::analysis::report::ReportRequest;
use crate::data::guess_item_meta;
use crate::studio::{ImportPreview, LoadRequest, Preset, sample_data_paths};
use crate::ui::commands::UiCommand;
use crate::ui::files::{FileRequest, ask};
use crate::ui::goals::Goal;
use crate::ui::layout::{PaneKind, default_tree, show_pane};
use crate::ui::state::ThemeChoice;

impl StudioApp {
    pub(super) fn pick(&mut self, pick: Pick, request: FileRequest) {
        if let Some(reply) = ask(self.workspace.tasks(), &self.options.picker, request) {
            self.picks.push((pick, reply));
        }
    }

    pub(super) fn poll_picks(&mut self, ctx: &egui::Context) {
        let mut waiting = Vec::new();
        for (pick, reply) in std::mem::take(&mut self.picks) {
            match reply.poll() {
                Some(Ok(Some(path))) => self.picked(pick, path),
                Some(Ok(None) | Err(_)) => {}
                None => waiting.push((pick, reply)),
            }
        }
        if !waiting.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.picks = waiting;
    }

    pub(super) fn picked(&mut self, pick: Pick, path: PathBuf) {
        match pick {
            Pick::Data => self.open_path(path, None),
            Pick::Import => {
                let request = self.request_for(path, None);
                self.open_import(request, None);
            }
            Pick::Items => match &self.workspace.data {
                Some(data) => {
                    let mut request = data.request.clone();
                    request.items = Some(path);
                    self.workspace.open(request);
                }
                None => self.notes.warn("Open a data file before its item titles."),
            },
            Pick::RunsFolder => self.workspace.set_runs_dir(path),
        }
    }

    pub(super) fn open_path(&mut self, path: PathBuf, items: Option<PathBuf>) {
        let request = self.request_for(path, items);
        self.workspace.open(request);
    }

    /// The load of the file at `path`: its item titles (given, or guessed from the folder) and
    /// the format and columns it last loaded with.
    pub(super) fn request_for(&self, path: PathBuf, items: Option<PathBuf>) -> LoadRequest {
        LoadRequest {
            items: items.or_else(|| guess_item_meta(&path)),
            options: self.state.mapping_for(&path).unwrap_or_default(),
            path,
            bytes: None,
        }
    }

    /// Shows the import step for `request`'s file; `failure` says why it did not load as it
    /// is. A file whose first rows cannot be read is reported instead (after a failed load,
    /// the load's own error already is). Returns whether the step opened.
    pub(super) fn open_import(&mut self, request: LoadRequest, failure: Option<String>) -> bool {
        let after_failure = failure.is_some();
        match ImportPreview::read(request, failure) {
            Ok(preview) => {
                self.import.open(preview);
                true
            }
            Err(error) if !after_failure => {
                self.notes.error(error.to_string());
                false
            }
            Err(_) => false,
        }
    }

    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        let Some(file) = dropped.first() else {
            return;
        };
        let path = file.path().to_path_buf();
        if path.is_file() {
            self.open_path(path, None);
            return;
        }
        match file.bytes() {
            Ok(bytes) => self.workspace.open(LoadRequest {
                path,
                bytes: Some(Arc::new(bytes)),
                ..LoadRequest::default()
            }),
            Err(error) => self
                .notes
                .error(format!("Cannot read the dropped file: {error}")),
        }
    }

    pub(super) fn execute(&mut self, command: UiCommand, ctx: &egui::Context) {
        match command {
            UiCommand::OpenData => self.pick(Pick::Data, FileRequest::OpenData),
            UiCommand::OpenItems => self.pick(Pick::Items, FileRequest::OpenItems),
            UiCommand::OpenRecent(path) => self.open_path(path, None),
            UiCommand::OpenSample => {
                let (data, items) = sample_data_paths();
                self.open_path(data, Some(items));
            }
            UiCommand::ImportData => self.pick(Pick::Import, FileRequest::OpenData),
            UiCommand::RemapData => match &self.workspace.data {
                Some(data) => {
                    let request = data.request.clone();
                    self.open_import(request, None);
                }
                None => self.notes.warn("Open a data file first."),
            },
            UiCommand::ExportReport => self.export_report(),
            UiCommand::Goal(goal) => self.start_goal(goal, ctx),
            UiCommand::ChooseRunsFolder => self.pick(Pick::RunsFolder, FileRequest::RunsFolder),
            UiCommand::RescanRuns => self.workspace.rescan_runs(),
            UiCommand::ReopenRun(dir) => {
                if let Err(message) = self.workspace.reopen_run(&dir) {
                    self.notes.error(message);
                }
            }
            UiCommand::ResumeRun(dir) => {
                let resumed = self.workspace.resume_run(&dir);
                self.training_started(resumed, ctx);
            }
            UiCommand::StartTraining => {
                let config = self.state.selections.train.clone();
                let started = self.workspace.start_training(config);
                self.training_started(started, ctx);
            }
            UiCommand::PauseResume | UiCommand::StopTraining => self.control_training(&command),
            UiCommand::LookForGpus => self.workspace.look_for_adapters(),
            UiCommand::ResetLayout => self.state.tree = default_tree(),
            UiCommand::ToggleTheme => {
                self.state.theme = match self.state.theme {
                    ThemeChoice::Dark => ThemeChoice::Light,
                    ThemeChoice::Light => ThemeChoice::Dark,
                };
            }
            UiCommand::ShowPane(pane) => {
                show_pane(&mut self.state.tree, pane);
            }
            UiCommand::SequdaSettings => self.sequda_settings.open = true,
            UiCommand::OpenPalette => self.palette.show(),
            UiCommand::ZoomIn => self.state.zoom = (self.state.zoom * 1.1).min(3.0),
            UiCommand::ZoomOut => self.state.zoom = (self.state.zoom / 1.1).max(0.5),
            UiCommand::ZoomReset => self.state.zoom = 1.0,
        }
        ctx.request_repaint();
    }

    /// After a start or resume: timings and the loss curves in front, or the error.
    fn training_started(&mut self, outcome: Result<(), String>, ctx: &egui::Context) {
        match outcome {
            Ok(()) => {
                self.timings.training_started(ctx);
                show_pane(&mut self.state.tree, PaneKind::LossCurves);
            }
            Err(message) => self.notes.error(message),
        }
    }

    /// Opens the pane that answers `goal`; when no model can answer it yet and nothing trains,
    /// trains the Quick demo (a small SeqUDA-Rec) on the open data first.
    fn start_goal(&mut self, goal: Goal, ctx: &egui::Context) {
        let pane = goal.pane();
        if !goal.needs_model() {
            show_pane(&mut self.state.tree, pane);
            let tested = self
                .workspace
                .library
                .runs
                .iter()
                .filter(|r| r.test().is_some());
            if tested.count() < 2 {
                self.notes.info(
                    "Compare runs needs two finished runs of the same data: train one model, pick another under Training settings, and train again.",
                );
            }
            return;
        }
        let answered = match goal {
            Goal::InspectSequences => self
                .workspace
                .live
                .as_ref()
                .is_some_and(|live| live.synthetic.is_some()),
            _ => self.workspace.worker.state().has_model,
        };
        if answered || self.workspace.is_training() {
            show_pane(&mut self.state.tree, pane);
            return;
        }
        let Some(data) = &self.workspace.data else {
            self.notes
                .warn("Open a log first: File, then Open data… or Open sample data.");
            return;
        };
        let selections = &mut self.state.selections;
        selections.preset = Preset::QuickDemo;
        if let Some(config) = Preset::QuickDemo.settings(Some(&data.stats)) {
            selections.train = config;
        }
        let started = self.workspace.start_training(selections.train.clone());
        let ok = started.is_ok();
        self.training_started(started, ctx);
        show_pane(&mut self.state.tree, pane);
        if ok {
            self.notes.info(format!(
                "Training the Quick demo (a small SeqUDA-Rec, about a minute on two cores); {} fills in from its first epoch.",
                pane.title()
            ));
        }
    }

    /// Asks where to save the report of the run that answers the panes, compared with the
    /// runs chosen in the Compare pane (when they are other runs of the runs folder).
    fn export_report(&mut self) {
        let Some(run) = self.workspace.worker.state().run else {
            self.notes.warn(
                "No run to report on yet: train a model, or reopen a saved run from Compare runs.",
            );
            return;
        };
        let selections = &self.state.selections;
        let mut request = ReportRequest::new(run.clone());
        for name in [&selections.compare_baseline, &selections.compare_run]
            .into_iter()
            .flatten()
        {
            if let Some(saved) = self.workspace.library.get(name)
                && saved.dir != run
                && !request.compare.contains(&saved.dir)
            {
                request.compare.push(saved.dir.clone());
            }
        }
        let name = run
            .file_name()
            .map_or_else(|| "run".into(), |n| n.to_string_lossy().into_owned());
        self.exports
            .export_report(&format!("{name}-report.html"), request);
    }

    /// Pause / resume, or stop, the running training.
    fn control_training(&mut self, command: &UiCommand) {
        match (command, &mut self.workspace.live) {
            (UiCommand::PauseResume, Some(live)) if live.is_running() => {
                if live.is_paused() {
                    live.resume();
                } else {
                    live.pause();
                }
            }
            (UiCommand::StopTraining, Some(live)) if live.is_running() => live.stop(),
            _ => self.notes.warn("No training is running."),
        }
    }
}
