//! The top of the Train pane: "What do you want to do?" with the three goals as large
//! buttons, each with the question it answers (issue #37 item 6).

use egui::{RichText, Ui};

use crate::ui::commands::UiCommand;
use crate::ui::goals::Goal;
use crate::ui::panels::PaneContext;

/// Width of a goal's button.
const BUTTON_WIDTH: f32 = 200.0;

/// The goal buttons, one row each with the question beside it (the pane is often narrow);
/// a click queues [`UiCommand::Goal`].
pub fn goals_ui(ui: &mut Ui, cx: &mut PaneContext<'_>) {
    ui.label(RichText::new("What do you want to do?").heading());
    for goal in Goal::ALL {
        ui.horizontal(|ui| {
            let button = egui::Button::new(RichText::new(goal.title()).strong().size(15.0))
                .min_size(egui::vec2(BUTTON_WIDTH, 32.0));
            if ui.add(button).on_hover_text(goal.question()).clicked() {
                cx.commands.push(UiCommand::Goal(goal));
            }
            ui.add(egui::Label::new(RichText::new(goal.question()).weak()).wrap());
        });
    }
}
