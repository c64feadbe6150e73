//! The Train pane's number fields, two to a row: training length, optimisation, the
//! encoder's shape, regularisation, seed and logging.

use egui::Ui;

use crate::settings::{ScheduleKind, TrainConfig};
use crate::ui::widgets::labelled::labelled_drag;

/// The number fields; returns whether any changed.
pub(super) fn hyperparameters_ui(ui: &mut Ui, config: &mut TrainConfig) -> bool {
    let mut changed = false;
    egui::Grid::new("hyperparameters")
        .num_columns(4)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            changed |= training_rows_ui(ui, config);
            changed |= encoder_rows_ui(ui, config);
            changed |= regularisation_rows_ui(ui, config);
        });
    changed
}

/// Epochs and patience; batch size and learning rate. Returns whether any changed.
fn training_rows_ui(ui: &mut Ui, config: &mut TrainConfig) -> bool {
    let mut changed = false;
    changed |= labelled_drag(
        ui,
        "Epochs",
        "Most passes over the training users",
        &mut config.epochs,
        1..=1000,
        0.2,
    )
    .changed();
    changed |= labelled_drag(
        ui,
        "Patience",
        "Stop after this many epochs without a better validation NDCG@10",
        &mut config.patience,
        1..=100,
        0.1,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Batch size",
        "Users per optimisation step",
        &mut config.batch_size,
        1..=4096,
        1.0,
    )
    .changed();
    changed |= labelled_drag(
        ui,
        "Learning rate",
        "Adam step size; larger learns faster but less stably",
        &mut config.learning_rate,
        1e-5..=1e-1,
        1e-4,
    )
    .changed();
    ui.end_row();
    changed |= schedule_row_ui(ui, config);
    changed
}

/// The learning-rate schedule: constant or cosine, and the cosine's warm-up. Returns whether
/// either changed.
fn schedule_row_ui(ui: &mut Ui, config: &mut TrainConfig) -> bool {
    let tooltip = "Cosine: the learning rate warms up linearly, then decays along a cosine to a \
                   tenth of it at the last epoch. Off: the same rate throughout.";
    ui.label("Schedule").on_hover_text(tooltip);
    let mut cosine = config.schedule.kind == ScheduleKind::Cosine;
    let mut changed = ui
        .checkbox(&mut cosine, "Cosine decay")
        .on_hover_text(tooltip)
        .changed();
    if changed {
        config.schedule.kind = if cosine {
            ScheduleKind::Cosine
        } else {
            ScheduleKind::Constant
        };
    }
    changed |= labelled_drag(
        ui,
        "Warm-up epochs",
        "Epochs over which the cosine schedule's learning rate rises from zero (used only \
         with Cosine decay)",
        &mut config.schedule.warmup_epochs,
        0.0..=50.0,
        0.05,
    )
    .changed();
    ui.end_row();
    changed
}

/// The encoder: its window and width; blocks and heads. Returns whether any changed.
fn encoder_rows_ui(ui: &mut Ui, config: &mut TrainConfig) -> bool {
    let mut changed = false;
    changed |= labelled_drag(
        ui,
        "Max length",
        "How many recent interactions the model reads per user",
        &mut config.encoder.max_len,
        1..=1000,
        1.0,
    )
    .changed();
    changed |= labelled_drag(
        ui,
        "Hidden size",
        "Width of the item embeddings and hidden states",
        &mut config.encoder.dim,
        4..=1024,
        1.0,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Blocks",
        "Transformer blocks stacked in the encoder",
        &mut config.encoder.blocks,
        1..=12,
        0.05,
    )
    .changed();
    changed |= labelled_drag(
        ui,
        "Heads",
        "Attention heads per block (must divide the hidden size)",
        &mut config.encoder.heads,
        1..=16,
        0.05,
    )
    .changed();
    ui.end_row();
    changed
}

/// Dropout and seed; how often the loss is reported. Returns whether any changed.
fn regularisation_rows_ui(ui: &mut Ui, config: &mut TrainConfig) -> bool {
    let mut changed = false;
    changed |= labelled_drag(
        ui,
        "Dropout",
        "Share of activations dropped during training, against overfitting",
        &mut config.encoder.dropout,
        0.0..=0.9,
        0.01,
    )
    .changed();
    changed |= labelled_drag(
        ui,
        "Seed",
        "Makes initialisation and shuffling repeatable",
        &mut config.seed,
        0..=u64::MAX,
        1.0,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Log every",
        "Report the loss every this many steps",
        &mut config.log_every,
        1..=1000,
        0.1,
    )
    .changed();
    ui.end_row();
    changed
}
