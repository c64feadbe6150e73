//! The window frame around the panes: menu bar, status bar, drag-and-drop overlay.

use egui::{Color32, RichText, Ui};

use super::commands::UiCommand;
use super::layout::PaneKind;
use super::widgets::labelled::thousands;
use crate::studio::Workspace;

/// A menu entry for `command` (label, shortcut, tooltip); queues it when clicked.
fn command_button_ui(
    ui: &mut Ui,
    command: UiCommand,
    commands: &mut Vec<UiCommand>,
    enabled: bool,
) {
    let mut button = egui::Button::new(command.label());
    if let Some(shortcut) = command.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
    }
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(command.tooltip())
        .clicked()
    {
        commands.push(command);
        ui.close();
    }
}

/// The menu bar.
pub fn menu_bar(
    ui: &mut Ui,
    ws: &Workspace,
    recent: &[std::path::PathBuf],
    commands: &mut Vec<UiCommand>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            command_button_ui(ui, UiCommand::OpenData, commands, true);
            command_button_ui(ui, UiCommand::ImportData, commands, true);
            command_button_ui(ui, UiCommand::OpenItems, commands, ws.data.is_some());
            command_button_ui(ui, UiCommand::OpenSample, commands, true);
            ui.menu_button("Open recent", |ui| {
                if recent.is_empty() {
                    ui.weak("Nothing yet");
                }
                for path in recent {
                    command_button_ui(ui, UiCommand::OpenRecent(path.clone()), commands, true);
                }
            });
            ui.separator();
            let has_run = ws.worker.state().run.is_some();
            command_button_ui(ui, UiCommand::ExportReport, commands, has_run);
            ui.separator();
            command_button_ui(ui, UiCommand::ChooseRunsFolder, commands, true);
            command_button_ui(ui, UiCommand::RescanRuns, commands, true);
        });
        ui.menu_button("Training", |ui| {
            let training = ws.is_training();
            command_button_ui(
                ui,
                UiCommand::StartTraining,
                commands,
                ws.data.is_some() && !training,
            );
            command_button_ui(ui, UiCommand::PauseResume, commands, training);
            command_button_ui(ui, UiCommand::StopTraining, commands, training);
            ui.separator();
            command_button_ui(ui, UiCommand::SequdaSettings, commands, true);
        });
        ui.menu_button("View", |ui| {
            for pane in PaneKind::ALL {
                command_button_ui(ui, UiCommand::ShowPane(pane), commands, true);
            }
            ui.separator();
            command_button_ui(ui, UiCommand::ResetLayout, commands, true);
            command_button_ui(ui, UiCommand::ToggleTheme, commands, true);
            command_button_ui(ui, UiCommand::ZoomIn, commands, true);
            command_button_ui(ui, UiCommand::ZoomOut, commands, true);
            command_button_ui(ui, UiCommand::ZoomReset, commands, true);
        });
        ui.menu_button("Help", |ui| {
            command_button_ui(ui, UiCommand::OpenPalette, commands, true);
            ui.separator();
            ui.label("Shortcuts:");
            for (shortcut, command) in UiCommand::with_shortcuts() {
                ui.label(format!(
                    "{} — {}",
                    ui.ctx().format_shortcut(&shortcut),
                    command.label()
                ));
            }
        });
    });
}

/// The status bar: data, training, where queries are answered.
pub fn status_bar(ui: &mut Ui, ws: &Workspace) {
    ui.horizontal(|ui| {
        match (&ws.data, &ws.loading) {
            (_, Some(job)) => {
                ui.spinner();
                ui.label(format!("Loading {}…", job.request.path.display()));
            }
            (Some(data), None) => {
                ui.label(format!(
                    "{} · {} users · {} items · {} interactions",
                    data.name(),
                    thousands(data.stats.users),
                    thousands(data.stats.items),
                    thousands(data.stats.interactions)
                ));
            }
            (None, None) => {
                ui.label("No data open");
            }
        }
        ui.separator();
        match &ws.live {
            Some(live) if live.is_running() => {
                let progress = live.progress();
                ui.label(format!(
                    "{}: {} · {:.0}% · step {}/{}",
                    live.name(),
                    live.phase().label(),
                    progress.fraction * 100.0,
                    progress.step,
                    progress.steps_per_epoch
                ));
            }
            Some(live) if live.failure.is_some() => {
                ui.label(
                    RichText::new(format!("{} failed", live.name()))
                        .color(ui.visuals().error_fg_color),
                );
            }
            Some(live) => {
                ui.label(format!("{} finished", live.name()));
            }
            None => {
                ui.label("Not training");
            }
        }
    });
}

/// Dims the window and says what will happen while files are dragged over it.
pub fn drop_overlay(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let screen = ctx.content_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_overlay"),
    ));
    painter.rect_filled(screen, 0.0, Color32::from_black_alpha(170));
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        "Drop to open this behaviour log",
        egui::FontId::proportional(28.0),
        Color32::WHITE,
    );
}
