//! The "SeqUDA-Rec settings" window (Training menu, command palette): the graph, contrastive,
//! target-attention and GAN numbers of the next SeqUDA-Rec run, which the Train pane has no
//! room for. Which parts are on is the Train pane's model choice.

use egui::Ui;

use crate::settings::SeqUdaConfig;
use crate::ui::widgets::labelled::labelled_drag;

/// The window's title.
pub const TITLE: &str = "SeqUDA-Rec settings";

/// Window state.
#[derive(Default)]
pub struct SequdaSettingsWindow {
    /// Whether it is shown.
    pub open: bool,
}

impl SequdaSettingsWindow {
    /// Draws the window while it is open, editing `settings` unless `locked` (a run is
    /// training: its settings are fixed). Returns whether a value changed.
    pub fn ui(&mut self, ctx: &egui::Context, settings: &mut SeqUdaConfig, locked: bool) -> bool {
        let mut changed = false;
        egui::Window::new(TITLE)
            .open(&mut self.open)
            .default_pos([40.0, 60.0])
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label("For the next SeqUDA-Rec run; the Model choice in the Train pane decides which parts are on.");
                if locked {
                    ui.weak("Training is running: these apply to the next run.");
                }
                ui.add_enabled_ui(!locked, |ui| {
                    changed |= settings_grid_ui(ui, settings);
                    if ui
                        .button("Reset to defaults")
                        .on_hover_text("Put every SeqUDA-Rec setting back to its documented default")
                        .clicked()
                        && *settings != SeqUdaConfig::default()
                    {
                        *settings = SeqUdaConfig::default();
                        changed = true;
                    }
                });
                if let Err(problem) = settings.validate() {
                    ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
                }
            });
        changed
    }
}

/// The number fields, grouped by part; returns whether any changed.
fn settings_grid_ui(ui: &mut Ui, settings: &mut SeqUdaConfig) -> bool {
    let mut changed = false;
    egui::Grid::new("sequda_settings")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            changed |= graph_rows_ui(ui, settings);
            changed |= contrastive_rows_ui(ui, settings);
            changed |= gan_rows_ui(ui, settings);
        });
    changed
}

/// The graph and its two contrastive views. Returns whether any changed.
fn graph_rows_ui(ui: &mut Ui, settings: &mut SeqUdaConfig) -> bool {
    let mut changed = false;
    ui.strong("Graph and contrastive loss");
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Graph layers K",
        "LightGCN propagation layers over the user–item graph",
        &mut settings.graph_layers,
        1..=4,
        0.05,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Edge dropout",
        "Share of edges each contrastive view drops",
        &mut settings.edge_dropout,
        0.0..=0.9,
        0.005,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Node dropout",
        "Share of users and items each contrastive view drops with all their edges",
        &mut settings.node_dropout,
        0.0..=0.9,
        0.005,
    )
    .changed();
    ui.end_row();
    let tooltip = "Draw the two perturbed graph views afresh before every training step (slower), instead of every few epochs";
    let label = ui.label("New views every step").on_hover_text(tooltip);
    changed |= ui
        .checkbox(&mut settings.views_each_step, "")
        .labelled_by(label.id)
        .on_hover_text(tooltip)
        .changed();
    ui.end_row();
    let tooltip = "How often the two perturbed graph views are drawn again (when not every step)";
    let label = ui.label("New views every (epochs)").on_hover_text(tooltip);
    changed |= ui
        .add_enabled(
            !settings.views_each_step,
            egui::DragValue::new(&mut settings.views_every)
                .range(1..=50)
                .speed(0.05),
        )
        .labelled_by(label.id)
        .on_hover_text(tooltip)
        .changed();
    ui.end_row();
    changed
}

/// The contrastive loss, then the target-attention head. Returns whether any changed.
fn contrastive_rows_ui(ui: &mut Ui, settings: &mut SeqUdaConfig) -> bool {
    let mut changed = false;
    changed |= labelled_drag(
        ui,
        "Temperature τ",
        "InfoNCE temperature: lower sharpens the contrast between nodes",
        &mut settings.temperature,
        0.01..=2.0,
        0.005,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Contrastive weight λ_cl",
        "Weight of the graph InfoNCE loss next to the recommendation loss",
        &mut settings.contrastive_weight,
        0.0..=5.0,
        0.005,
    )
    .changed();
    ui.end_row();
    ui.strong("Target attention");
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Target-attention weight λ_ta",
        "Weight of the target-attention head's loss",
        &mut settings.target_attention_weight,
        0.0..=5.0,
        0.005,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Re-rank top",
        "How many top candidates the head re-ranks (0 = off)",
        &mut settings.rerank_top,
        0..=500,
        0.2,
    )
    .changed();
    ui.end_row();
    changed
}

/// The GAN sequences. Returns whether any changed.
fn gan_rows_ui(ui: &mut Ui, settings: &mut SeqUdaConfig) -> bool {
    let mut changed = false;
    ui.strong("GAN sequences");
    ui.end_row();
    let gan = &mut settings.gan_settings;
    changed |= labelled_drag(
        ui,
        "Pretraining epochs",
        "Generator epochs of maximum likelihood before adversarial training",
        &mut gan.pretrain_epochs,
        0..=100,
        0.05,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Sequences per epoch",
        "Synthetic sequences generated each epoch (before filtering)",
        &mut gan.synthetic_per_epoch,
        0..=1_000_000,
        10.0,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Keep threshold",
        "Smallest discriminator score a synthetic sequence needs to join training",
        &mut gan.keep_threshold,
        0.0..=1.0,
        0.005,
    )
    .changed();
    ui.end_row();
    changed |= labelled_drag(
        ui,
        "Synthetic weight λ_syn",
        "Weight of the synthetic sequences' loss",
        &mut gan.synthetic_weight,
        0.0..=5.0,
        0.005,
    )
    .changed();
    ui.end_row();
    changed
}
