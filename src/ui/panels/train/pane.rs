//! The Train pane itself: the goals to start from, then presets, model, settings and device
//! (folded away until asked for, locked while training), the graphics adapters, Start /
//! Pause / Resume / Stop, and progress.

use egui::{RichText, Ui};

use super::device::device_ui;
use super::goals::goals_ui;
use super::hyperparameters::hyperparameters_ui;
use super::loss_choice::loss_ui;
use super::progress::progress_ui;
use crate::settings::ModelKind;
use crate::studio::Preset;
use crate::ui::commands::UiCommand;
use crate::ui::panels::PaneContext;

/// Train pane view state (the adapters it lists live in the studio's workspace).
#[derive(Default)]
pub struct TrainPane;

impl TrainPane {
    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        egui::ScrollArea::vertical()
            .id_salt("train_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                goals_ui(ui, cx);
                ui.separator();
                // The form is folded away until asked for: the goals above train the Quick
                // demo by themselves.
                egui::CollapsingHeader::new("Training settings")
                    .id_salt("training_settings")
                    .default_open(false)
                    .show(ui, |ui| settings_ui(ui, cx));
                ui.separator();
                controls_ui(ui, cx);
                ui.separator();
                progress_ui(ui, cx);
            });
    }
}

fn settings_ui(ui: &mut Ui, cx: &mut PaneContext<'_>) {
    let running = cx.ws.is_training();
    ui.add_enabled_ui(!running, |ui| {
        let before = cx.sel.preset;
        egui::ComboBox::from_label("Preset")
            .selected_text(cx.sel.preset.label())
            .show_ui(ui, |ui| {
                for preset in Preset::ALL {
                    ui.selectable_value(&mut cx.sel.preset, preset, preset.label())
                        .on_hover_text(preset.tooltip());
                }
            })
            .response
            .on_hover_text("Ready-made settings; changing any value below makes them Custom");
        if cx.sel.preset != before
            && let Some(config) = cx
                .sel
                .preset
                .settings(cx.ws.data.as_ref().map(|d| &d.stats))
        {
            cx.sel.train = config;
        }
        let config = &mut cx.sel.train;
        egui::ComboBox::from_label("Model")
            .selected_text(model_label(config.model))
            .show_ui(ui, |ui| {
                for kind in ModelKind::ALL {
                    ui.selectable_value(&mut config.model, kind, model_label(kind));
                }
            })
            .response
            .on_hover_text("SASRec learns from the order of each user's interactions; SeqUDA-Rec adds the interaction graph, contrastive learning and GAN-generated sequences; popularity is the baseline to beat");
        let mut edited = hyperparameters_ui(ui, config);
        let n_items = cx.ws.data.as_ref().map(|d| d.dataset.n_items());
        edited |= loss_ui(ui, &mut cx.sel.train, n_items);
        let config = &mut cx.sel.train;
        device_ui(ui, &mut config.device, cx.ws.adapters.found());
        if edited {
            cx.sel.preset = Preset::Custom;
        }
        adapters_ui(ui, cx);
    });
    if let Err(problem) = cx.sel.train.validate() {
        ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
    }
}

/// The adapters found, or the button that looks for them.
fn adapters_ui(ui: &mut Ui, cx: &mut PaneContext<'_>) {
    let adapters = &cx.ws.adapters;
    egui::CollapsingHeader::new("Graphics adapters").show(ui, |ui| match adapters.found() {
        Some([]) => {
            ui.label("No graphics adapter found: training runs on the CPU.");
        }
        Some(found) => {
            for (index, adapter) in found.iter().enumerate() {
                ui.label(format!("{index}  {}", adapter.describe()))
                    .on_hover_text("Choose it in Device above (adapter:N on the command line)");
            }
        }
        None if adapters.is_looking() => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Looking for adapters…");
            });
        }
        None => {
            let look = UiCommand::LookForGpus;
            if ui
                .add_enabled(!cx.deterministic, egui::Button::new(look.label()))
                .on_hover_text(look.tooltip())
                .clicked()
            {
                cx.commands.push(look);
            }
        }
    });
}

fn model_label(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Sasrec => "SASRec (cross-entropy)",
        ModelKind::Pop => "Popularity baseline",
        ModelKind::Sequda => "SeqUDA-Rec (full model)",
        ModelKind::SequdaNoGan => "SeqUDA-Rec without GAN sequences",
        ModelKind::SequdaNoCl => "SeqUDA-Rec without contrastive loss",
        ModelKind::SequdaNoGraph => "SeqUDA-Rec without the graph",
    }
}

fn controls_ui(ui: &mut Ui, cx: &mut PaneContext<'_>) {
    let has_data = cx.ws.data.is_some();
    let running = cx.ws.is_training();
    let valid = cx.sel.train.validate().is_ok();
    let live = cx.ws.live.as_ref();
    let paused = live.is_some_and(|l| l.is_paused());
    let stopping = live.is_some_and(|l| l.stop_requested) && running;
    ui.horizontal(|ui| {
        let start = ui
            .add_enabled(
                has_data && !running && valid,
                egui::Button::new(RichText::new("Start training").strong()),
            )
            .on_hover_text("Train on the open data with these settings (F5)")
            .on_disabled_hover_text(if has_data {
                "Training is running, or a setting is invalid"
            } else {
                "Open a data file first"
            });
        if start.clicked() {
            cx.commands.push(UiCommand::StartTraining);
        }
        let pause_text = if paused { "Resume" } else { "Pause" };
        if ui
            .add_enabled(running && !stopping, egui::Button::new(pause_text))
            .on_hover_text("Hold training between steps, or continue it (F6)")
            .clicked()
        {
            cx.commands.push(UiCommand::PauseResume);
        }
        if ui
            .add_enabled(running && !stopping, egui::Button::new("Stop"))
            .on_hover_text(
                "End training now; the best checkpoint so far is kept, and Resume in Compare runs goes on with it (Shift+F5)",
            )
            .clicked()
        {
            cx.commands.push(UiCommand::StopTraining);
        }
    });
}
