//! The app: state, the per-frame logic (collect results from other threads) and the per-frame
//! ui (menu, panes, status, notifications, palette); `command_handling` carries out the
//! commands that tie them together.

mod command_handling;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use super::commands::UiCommand;
use super::exports::Exports;
use super::files::{FilePicker, SystemPicker};
use super::notifications::Notifications;
use super::palette::Palette;
use super::panels::{PaneBehavior, PaneContext, Panes};
use super::sequda_settings::SequdaSettingsWindow;
use super::shell::{drop_overlay, menu_bar, status_bar};
use super::state::{AppState, Preset, ThemeChoice};
use super::timings::Timings;
use super::workspace::Workspace;
use super::workspace::loader::LoadRequest;
use crate::data::guess_item_meta;

/// How the window starts.
pub struct LaunchOptions {
    /// Data to open at start.
    pub data: Option<PathBuf>,
    /// Item metadata for that data (guessed from the folder when `None`).
    pub items: Option<PathBuf>,
    /// Where runs are written and compared.
    pub runs_dir: PathBuf,
    /// File choice (the system dialog, or scripted answers in tests).
    pub picker: Arc<dyn FilePicker>,
    /// Hide wall-clock figures and settle animations at once (tests, screenshots).
    pub deterministic: bool,
    /// Restore the layout and selections saved by the last session.
    pub restore_state: bool,
    /// Start training (with the saved settings, "Quick demo" by default) once the data is in.
    pub autotrain: bool,
    /// Close the window when that training ends.
    pub exit_after_training: bool,
    /// Print start-up and training timings to stderr.
    pub print_timings: bool,
    /// Close the window after this many frames with the data on screen (smoke tests).
    pub exit_after_frames: Option<u64>,
    /// When the program started (timings count from here).
    pub started_at: std::time::Instant,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            data: None,
            items: None,
            runs_dir: PathBuf::from("runs"),
            picker: Arc::new(SystemPicker),
            deterministic: false,
            restore_state: true,
            autotrain: false,
            exit_after_training: false,
            print_timings: false,
            exit_after_frames: None,
            started_at: std::time::Instant::now(),
        }
    }
}

/// What a pending file choice is for.
enum Pick {
    Data,
    Items,
    RunsFolder,
}

/// SeqUDA Studio.
pub struct StudioApp {
    state: AppState,
    workspace: Workspace,
    panes: Panes,
    exports: Exports,
    notes: Notifications,
    palette: Palette,
    sequda_settings: SequdaSettingsWindow,
    commands: Vec<UiCommand>,
    picks: Vec<(Pick, Receiver<Option<PathBuf>>)>,
    options: LaunchOptions,
    timings: Timings,
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
        let mut workspace = Workspace::new(ctx, options.runs_dir.clone());
        if let Some(path) = &options.data {
            let items = options.items.clone().or_else(|| guess_item_meta(path));
            workspace.open(
                LoadRequest {
                    path: path.clone(),
                    items,
                    ..LoadRequest::default()
                },
                ctx,
            );
        }
        Self {
            state,
            workspace,
            panes: Panes::default(),
            exports: Exports::new(Arc::clone(&options.picker)),
            notes: Notifications::default(),
            palette: Palette::default(),
            sequda_settings: SequdaSettingsWindow::default(),
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
        self.workspace
            .poll(ctx, &mut self.notes, &mut self.state.recent);
        self.exports.poll(ctx, &mut self.notes);
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
                        ws: &mut self.workspace,
                        sel: &mut self.state.selections,
                        commands: &mut self.commands,
                        exports: &mut self.exports,
                        notes: &mut self.notes,
                        deterministic: self.options.deterministic,
                    },
                };
                self.state.tree.ui(&mut behavior, ui);
            });
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
            selections.preset = Preset::Custom;
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

/// The bundled sample data and its item titles: `sample_data/` in the current folder, else in
/// the source tree this binary was built from.
pub fn sample_data_paths() -> (PathBuf, PathBuf) {
    let local = PathBuf::from("sample_data");
    let folder = if local.join("ad_events.csv").is_file() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_data")
    };
    (folder.join("ad_events.csv"), folder.join("ads.csv"))
}
