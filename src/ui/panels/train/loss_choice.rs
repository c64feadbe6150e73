//! The Train pane's loss picker (`[train] loss`, `--loss`): auto, the full softmax or the
//! sampled one, with the sampled loss's negatives and their source when it applies.

use egui::Ui;

use crate::settings::{LossChoice, NegativeSource, ResolvedLoss, TrainConfig};
use crate::ui::widgets::labelled::labelled_drag;

/// What a loss choice means, for its menu entry.
fn choice_label(choice: LossChoice) -> &'static str {
    match choice {
        LossChoice::Auto => "Auto",
        LossChoice::Full => "Full softmax (exact)",
        LossChoice::Sampled => "Sampled softmax (large catalogues)",
    }
}

/// What a negative source means, for its menu entry.
fn source_label(source: NegativeSource) -> &'static str {
    match source {
        NegativeSource::Uniform => "Uniform",
        NegativeSource::Popularity => "Popularity-mixed",
        NegativeSource::InBatch => "In-batch targets",
    }
}

/// The loss picker; `n_items` (once data is loaded) says what `auto` resolves to. Returns
/// whether any setting changed.
pub(super) fn loss_ui(ui: &mut Ui, config: &mut TrainConfig, n_items: Option<usize>) -> bool {
    let before = (config.loss, config.sampled.negatives, config.sampled.source);
    let selected = match (config.loss, n_items) {
        (LossChoice::Auto, Some(items)) => format!(
            "Auto: {} for {items} items",
            config.loss.resolve(items).name()
        ),
        (choice, _) => choice_label(choice).to_string(),
    };
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Loss")
            .selected_text(selected)
            .show_ui(ui, |ui| {
                for choice in LossChoice::ALL {
                    ui.selectable_value(&mut config.loss, choice, choice_label(choice));
                }
            })
            .response
            .on_hover_text(format!(
                "The next-item loss. The full softmax scores every item at every step: exact, \
                 but its cost grows with the catalogue. The sampled one scores the target \
                 against negatives shared by the batch. Auto uses the full softmax up to {} \
                 items. Evaluation always ranks every item.",
                crate::settings::AUTO_SAMPLED_ABOVE_ITEMS
            ));
    });
    let sampled = n_items.map_or(config.loss == LossChoice::Sampled, |items| {
        config.loss.resolve(items) == ResolvedLoss::Sampled
    });
    if sampled {
        sampled_settings_ui(ui, config);
    }
    before != (config.loss, config.sampled.negatives, config.sampled.source)
}

/// Negatives per step and where they come from.
fn sampled_settings_ui(ui: &mut Ui, config: &mut TrainConfig) {
    egui::Grid::new("sampled_loss")
        .num_columns(4)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            labelled_drag(
                ui,
                "Negatives",
                "Items scored against the target at each step, shared by the batch; more is \
                 closer to the full softmax and slower",
                &mut config.sampled.negatives,
                1..=65_536,
                8.0,
            );
            ui.label("Drawn");
            egui::ComboBox::from_id_salt("negative_source")
                .selected_text(source_label(config.sampled.source))
                .show_ui(ui, |ui| {
                    for source in NegativeSource::ALL {
                        ui.selectable_value(
                            &mut config.sampled.source,
                            source,
                            source_label(source),
                        );
                    }
                })
                .response
                .on_hover_text(
                    "Popularity-mixed (default) draws half by training popularity and half \
                     uniformly; a correction keeps the estimate fair either way",
                );
            ui.end_row();
        });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;

    #[test]
    fn auto_names_what_it_resolves_to_and_sampled_shows_its_settings() {
        let mut harness = Harness::new_ui_state(
            |ui, config: &mut TrainConfig| {
                loss_ui(ui, config, Some(300));
            },
            TrainConfig::default(),
        );
        harness.run();
        assert!(harness.query_by_value("Auto: full for 300 items").is_some());
        assert!(
            harness.query_by_label("Negatives").is_none(),
            "a full softmax has no negatives to set"
        );
        harness.get_by_label("Loss").click();
        harness.run();
        harness
            .get_by_label("Sampled softmax (large catalogues)")
            .click();
        harness.run();
        assert_eq!(harness.state().loss, LossChoice::Sampled);
        assert!(harness.query_by_label("Negatives").is_some());
    }

    #[test]
    fn auto_on_a_large_catalogue_shows_the_sampled_settings() {
        let mut harness = Harness::new_ui_state(
            |ui, config: &mut TrainConfig| {
                loss_ui(ui, config, Some(1_000_000));
            },
            TrainConfig::default(),
        );
        harness.run();
        assert!(
            harness
                .query_by_value("Auto: sampled for 1000000 items")
                .is_some()
        );
        assert!(harness.query_by_label("Negatives").is_some());
    }
}
