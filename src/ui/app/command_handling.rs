//! What the app does with a command (menus, shortcuts, the palette, pane buttons) and with the
//! files the user picks or drops.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Pick, StudioApp, sample_data_paths};
use crate::data::guess_item_meta;
use crate::ui::commands::UiCommand;
use crate::ui::files::FileRequest;
use crate::ui::layout::{PaneKind, default_tree, show_pane};
use crate::ui::state::ThemeChoice;
use crate::ui::workspace::loader::LoadRequest;

impl StudioApp {
    pub(super) fn pick(&mut self, pick: Pick, request: FileRequest) {
        let reply = self.options.picker.request(request);
        self.picks.push((pick, reply));
    }

    pub(super) fn poll_picks(&mut self, ctx: &egui::Context) {
        let mut waiting = Vec::new();
        for (pick, reply) in std::mem::take(&mut self.picks) {
            match reply.try_recv() {
                Ok(Some(path)) => self.picked(pick, path, ctx),
                Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
                Err(std::sync::mpsc::TryRecvError::Empty) => waiting.push((pick, reply)),
            }
        }
        if !waiting.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.picks = waiting;
    }

    pub(super) fn picked(&mut self, pick: Pick, path: PathBuf, ctx: &egui::Context) {
        match pick {
            Pick::Data => self.open_path(path, None, ctx),
            Pick::Items => match &self.workspace.data {
                Some(data) => {
                    let mut request = data.request.clone();
                    request.items = Some(path);
                    self.workspace.open(request, ctx);
                }
                None => self.notes.warn("Open a data file before its item titles."),
            },
            Pick::RunsFolder => {
                self.workspace.runs_dir = path;
                self.workspace.library.rescan(&self.workspace.runs_dir, ctx);
            }
        }
    }

    pub(super) fn open_path(&mut self, path: PathBuf, items: Option<PathBuf>, ctx: &egui::Context) {
        let items = items.or_else(|| guess_item_meta(&path));
        self.workspace.open(
            LoadRequest {
                path,
                items,
                ..LoadRequest::default()
            },
            ctx,
        );
    }

    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        let Some(file) = dropped.first() else {
            return;
        };
        let path = file.path().to_path_buf();
        if path.is_file() {
            self.open_path(path, None, ctx);
            return;
        }
        match file.bytes() {
            Ok(bytes) => self.workspace.open(
                LoadRequest {
                    path,
                    bytes: Some(Arc::new(bytes)),
                    ..LoadRequest::default()
                },
                ctx,
            ),
            Err(error) => self
                .notes
                .error(format!("Cannot read the dropped file: {error}")),
        }
    }

    pub(super) fn execute(&mut self, command: UiCommand, ctx: &egui::Context) {
        match command {
            UiCommand::OpenData => self.pick(Pick::Data, FileRequest::OpenData),
            UiCommand::OpenItems => self.pick(Pick::Items, FileRequest::OpenItems),
            UiCommand::OpenRecent(path) => self.open_path(path, None, ctx),
            UiCommand::OpenSample => {
                let (data, items) = sample_data_paths();
                self.open_path(data, Some(items), ctx);
            }
            UiCommand::ChooseRunsFolder => self.pick(Pick::RunsFolder, FileRequest::RunsFolder),
            UiCommand::RescanRuns => self.workspace.library.rescan(&self.workspace.runs_dir, ctx),
            UiCommand::ReopenRun(dir) => {
                if let Err(message) = self.workspace.reopen_run(&dir, ctx) {
                    self.notes.error(message);
                }
            }
            UiCommand::ResumeRun(dir) => match self.workspace.resume_run(&dir, ctx) {
                Ok(()) => {
                    self.timings.training_started(ctx);
                    show_pane(&mut self.state.tree, PaneKind::LossCurves);
                }
                Err(message) => self.notes.error(message),
            },
            UiCommand::StartTraining => {
                match self
                    .workspace
                    .start_training(self.state.selections.train.clone())
                {
                    Ok(()) => {
                        self.timings.training_started(ctx);
                        show_pane(&mut self.state.tree, PaneKind::LossCurves);
                    }
                    Err(message) => self.notes.error(message),
                }
            }
            UiCommand::PauseResume => match &mut self.workspace.live {
                Some(live) if live.is_running() => {
                    if live.is_paused() {
                        live.resume();
                    } else {
                        live.pause();
                    }
                }
                _ => self.notes.warn("No training is running."),
            },
            UiCommand::StopTraining => match &mut self.workspace.live {
                Some(live) if live.is_running() => live.stop(),
                _ => self.notes.warn("No training is running."),
            },
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
}
