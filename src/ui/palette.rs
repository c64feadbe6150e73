//! The command palette: type to filter every command, Enter runs the first match.

use egui::{Key, Ui};

use super::commands::UiCommand;

/// Palette state.
#[derive(Default)]
pub struct Palette {
    /// Whether it is open.
    pub open: bool,
    query: String,
    focus_requested: bool,
}

impl Palette {
    /// Opens it with an empty query.
    pub fn show(&mut self) {
        self.open = true;
        self.query.clear();
        self.focus_requested = false;
    }

    /// Draws it when open; returns the command picked, if any.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<UiCommand> {
        if !self.open {
            return None;
        }
        let mut picked = None;
        let matches: Vec<UiCommand> = UiCommand::palette()
            .into_iter()
            .filter(|c| c.matches(&self.query))
            .collect();
        let response =
            egui::Modal::new(egui::Id::unique("command_palette")).show(ctx, |ui: &mut Ui| {
                ui.set_width(420.0);
                ui.heading("Commands");
                let label = ui.label("Search commands");
                let edit = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.query)
                            .hint_text("type to filter, Enter to run"),
                    )
                    .labelled_by(label.id);
                if !self.focus_requested {
                    edit.request_focus();
                    self.focus_requested = true;
                }
                if edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    picked = matches.first().cloned();
                }
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .show(ui, |ui| {
                        for command in &matches {
                            let mut button = egui::Button::new(command.label());
                            if let Some(shortcut) = command.shortcut() {
                                button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
                            }
                            if ui.add(button).on_hover_text(command.tooltip()).clicked() {
                                picked = Some(command.clone());
                            }
                        }
                        if matches.is_empty() {
                            ui.weak("No command matches.");
                        }
                    });
            });
        let escape = ctx.input(|i| i.key_pressed(Key::Escape));
        if picked.is_some() || response.backdrop_response.clicked() || escape {
            self.open = false;
        }
        picked
    }
}
