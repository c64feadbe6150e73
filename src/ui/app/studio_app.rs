//! The app's state, its per-frame logic (collect results from the studio's background work,
//! shortcuts, dropped files) and its per-frame ui (menu, panes, status, notifications,
//! palette).

use std::path::PathBuf;
use std::sync::Arc;

use super::launch::LaunchOptions;
use crate::data::{LoadOptions, guess_item_meta};
use crate::studio::{LoadRequest, Repaint, Task, Workspace};
use crate::ui::commands::UiCommand;
use crate::ui::exports::Exports;
use crate::ui::import_step::ImportStep;
use crate::ui::notifications::Notifications;
use crate::ui::palette::Palette;
use crate::ui::panels::{PaneBehavior, PaneContext, Panes};
use crate::ui::sequda_settings::SequdaSettingsWindow;
use crate::ui::shell::{drop_overlay, menu_bar, status_bar};
use crate::ui::state::{AppState, ThemeChoice};
use crate::ui::timings::Timings;

/// What a pending file choice is for.
pub(super) enum Pick {
    Data,
    Import,
    Items,
    RunsFolder,
}

/// SeqUDA Studio.
pub struct StudioApp {
    pub(super) state: AppState,
    pub(super) workspace: Workspace,
    pub(super) panes: Panes,
    pub(super) exports: Exports,
    pub(super) notes: Notifications,
    pub(super) palette: Palette,
    pub(super) sequda_settings: SequdaSettingsWindow,
    pub(super) import: ImportStep,
    pub(super) commands: Vec<UiCommand>,
    pub(super) picks: Vec<(Pick, Task<Option<PathBuf>>)>,
    pub(super) options: LaunchOptions,
    pub(super) timings: Timings,
    applied: Option<(ThemeChoice, f32)>,
    autotrain_done: bool,
    frames_with_data: u64,
}

impl StudioApp {
    /// Creates the app inside eframe (restores saved state when asked).
    pub fn new(cc: &eframe::CreationContext<'_>, options: LaunchOptions) -> Self {
        let saved = if options.restore_state {
            cc.storage
                .and_then(|storage| eframe::get_value::<AppState>(storage, eframe::APP_KEY))
        } else {
            None
        };
        Self::with_context(&cc.egui_ctx, options, saved)
    }

    /// Creates the app on a bare egui context (headless benchmarks); `saved` restores state.
    pub fn with_context(
        ctx: &egui::Context,
        options: LaunchOptions,
        saved: Option<AppState>,
    ) -> Self {
        let state = saved.unwrap_or_default();
        let repaint_ctx = ctx.clone();
        let repaint: Repaint = Arc::new(move || repaint_ctx.request_repaint());
        let mut workspace = Workspace::new(repaint, options.runs_dir.clone());
        if let Some(path) = &options.data {
            let items = options.items.clone().or_else(|| guess_item_meta(path));
            // Columns given on the command line win over the ones remembered for the file.
            let load_options = if options.load_options == LoadOptions::default() {
                state.mapping_for(path).unwrap_or_default()
            } else {
                options.load_options.clone()
            };
            workspace.open(LoadRequest {
                path: path.clone(),
                items,
                options: load_options,
                ..LoadRequest::default()
            });
        }
        Self {
            state,
            workspace,
            panes: Panes::default(),
            exports: Exports::new(Arc::clone(&options.picker)),
            notes: Notifications::default(),
            palette: Palette::default(),
            sequda_settings: SequdaSettingsWindow::default(),
            import: ImportStep::default(),
            commands: Vec::new(),
            picks: Vec::new(),
            timings: Timings::start(options.print_timings, options.started_at),
            options,
            applied: None,
            autotrain_done: false,
            frames_with_data: 0,
        }
    }

    /// The persisted state (layout, selections).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The persisted state, to change (tests, scripted demos).
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    /// Data, training, queries, runs.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The panes' view states.
    pub fn panes(&self) -> &Panes {
        &self.panes
    }

    /// Notifications shown and logged.
    pub fn notifications(&self) -> &Notifications {
        &self.notes
    }

    /// Whether the import step is shown.
    pub fn import_step_open(&self) -> bool {
        self.import.is_open()
    }

    /// Removes every notification from the screen.
    pub fn clear_notifications(&mut self) {
        self.notes.clear();
    }

    /// Files written by Save PNG / Export CSV so far.
    pub fn exported_files(&self) -> &[PathBuf] {
        &self.exports.files
    }

    /// Whether an export is still waiting for its file.
    pub fn exports_busy(&self) -> bool {
        self.exports.busy()
    }

    /// Queues a command, as a menu click would.
    pub fn run_command(&mut self, command: UiCommand) {
        self.commands.push(command);
    }

    /// Collects results from other threads; call once per frame before [`Self::ui_pass`].
    pub fn logic_pass(&mut self, ctx: &egui::Context) {
        self.apply_look(ctx);
        let data_before = self.workspace.data.as_ref().map(Arc::as_ptr);
        let polled = self.workspace.poll(ctx.input(|i| i.time));
        if let Some(data) = &self.workspace.data
            && data_before != Some(Arc::as_ptr(data))
        {
            // Runs are only judged when other data was open before: at start-up the runs
            // folder may not be read yet.
            let runs = data_before.map(|_| self.workspace.library.runs.as_slice());
            self.state.selections.keep_what_belongs_to(data, runs);
        }
        let mut notices = polled.notices;
        if let Some(failed) = polled.failed {
            let message = failed.message.clone();
            if self.open_import(failed.request, Some(failed.message)) {
                // The import step shows why; a toast would only repeat it.
                notices.retain(|notice| notice.text != message);
            }
        }
        self.notes.forward(notices);
        if let Some(path) = polled.opened {
            if let Some(data) = &self.workspace.data {
                self.state.remember_mapping(&path, &data.request.options);
            }
            self.state.remember_recent(path);
        }
        if let Some(delay) = polled.repaint_after {
            ctx.request_repaint_after(delay);
        }
        self.exports
            .poll(ctx, self.workspace.tasks(), &mut self.notes);
        self.poll_picks(ctx);
        self.take_dropped_files(ctx);
        for (shortcut, command) in UiCommand::with_shortcuts() {
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.commands.push(command);
            }
        }
        if self.options.autotrain && !self.autotrain_done && self.workspace.data.is_some() {
            self.autotrain_done = true;
            self.commands.push(UiCommand::StartTraining);
        }
        self.timings.observe(ctx, &self.workspace);
        if self.options.exit_after_training && self.timings.training_finished() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if self.workspace.data.is_some() {
            self.frames_with_data += 1;
            if self
                .options
                .exit_after_frames
                .is_some_and(|frames| self.frames_with_data >= frames)
            {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else if self.options.exit_after_frames.is_some() {
                ctx.request_repaint();
            }
        }
    }

    /// Draws the window; call once per frame.
    pub fn ui_pass(&mut self, ui: &mut egui::Ui) {
        let started = std::time::Instant::now();
        egui::Panel::top("menu_bar").show(ui, |ui| {
            menu_bar(ui, &self.workspace, &self.state.recent, &mut self.commands);
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| status_bar(ui, &self.workspace));
        // An opaque background: screenshots (Save PNG, snapshots) must not be transparent.
        let background = egui::Frame::central_panel(ui.style()).inner_margin(egui::Margin::ZERO);
        egui::CentralPanel::default()
            .frame(background)
            .show(ui, |ui| {
                let mut behavior = PaneBehavior {
                    panes: &mut self.panes,
                    cx: PaneContext {
                        ws: &self.workspace,
                        sel: &mut self.state.selections,
                        commands: &mut self.commands,
                        exports: &mut self.exports,
                        deterministic: self.options.deterministic,
                    },
                };
                self.state.tree.ui(&mut behavior, ui);
            });
        let fallback = crate::ui::exports::fallback_dir(&self.workspace.runs_dir);
        self.exports.ask(self.workspace.tasks(), &fallback);
        let ctx = ui.ctx().clone();
        self.notes.ui(&ctx);
        if let Some(command) = self.palette.ui(&ctx) {
            self.commands.push(command);
        }
        let training = self.workspace.is_training();
        let selections = &mut self.state.selections;
        if self
            .sequda_settings
            .ui(&ctx, &mut selections.train.sequda, training)
        {
            selections.preset = crate::studio::Preset::Custom;
        }
        if let Some(request) = self.import.ui(&ctx) {
            self.workspace.open(request);
        }
        drop_overlay(&ctx);
        for command in std::mem::take(&mut self.commands) {
            self.execute(command, &ctx);
        }
        self.timings
            .frame_drawn(started.elapsed().as_secs_f64(), &self.workspace);
    }

    fn apply_look(&mut self, ctx: &egui::Context) {
        let wanted = (self.state.theme, self.state.zoom);
        if self.applied != Some(wanted) {
            ctx.set_theme(match self.state.theme {
                ThemeChoice::Dark => egui::Theme::Dark,
                ThemeChoice::Light => egui::Theme::Light,
            });
            ctx.set_zoom_factor(self.state.zoom.clamp(0.5, 3.0));
            self.applied = Some(wanted);
        }
    }
}

impl eframe::App for StudioApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.logic_pass(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_pass(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.options.restore_state {
            eframe::set_value(storage, eframe::APP_KEY, &self.state);
        }
    }
}
