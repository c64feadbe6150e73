//! The Train pane: model, hyperparameters with presets, device, Start / Pause / Resume /
//! Stop, and progress (ETA that ignores warm-up, throughput, status).

use std::sync::mpsc::Receiver;

use egui::{RichText, Ui};

use super::PaneContext;
use crate::settings::{DeviceChoice, ModelKind, TrainConfig};
use crate::train::device::{AdapterSummary, list_adapters};
use crate::train::session::RunStatus;
use crate::ui::commands::UiCommand;
use crate::ui::state::Preset;
use crate::ui::widgets::labelled::{duration, labelled_drag, note, thousands};
use crate::ui::workspace::presets;

/// Train pane view state.
#[derive(Default)]
pub struct TrainPane {
    adapters: Option<Vec<AdapterSummary>>,
    probing: Option<Receiver<Vec<AdapterSummary>>>,
}

impl TrainPane {
    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        egui::ScrollArea::vertical()
            .id_salt("train_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.settings_ui(ui, cx);
                ui.separator();
                controls_ui(ui, cx);
                ui.separator();
                progress_ui(ui, cx);
            });
    }

    fn settings_ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
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
            if cx.sel.preset != before {
                match cx.sel.preset {
                    Preset::QuickDemo => cx.sel.train = presets::quick_demo(),
                    Preset::Paper => {
                        cx.sel.train = presets::paper(cx.ws.data.as_ref().map(|d| &d.stats));
                    }
                    Preset::Custom => {}
                }
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
            let edited = hyperparameters_ui(ui, config);
            device_ui(ui, &mut config.device, self.adapters.as_deref());
            if edited {
                cx.sel.preset = Preset::Custom;
            }
            self.adapters_ui(ui, cx.deterministic);
        });
        if let Err(problem) = cx.sel.train.validate() {
            ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
        }
    }

    fn adapters_ui(&mut self, ui: &mut Ui, deterministic: bool) {
        if let Some(receiver) = &self.probing
            && let Ok(found) = receiver.try_recv()
        {
            self.adapters = Some(found);
            self.probing = None;
        }
        egui::CollapsingHeader::new("Graphics adapters").show(ui, |ui| {
            match (&self.adapters, &self.probing) {
                (Some(found), _) if found.is_empty() => {
                    ui.label("No graphics adapter found: training runs on the CPU.");
                }
                (Some(found), _) => {
                    for (index, adapter) in found.iter().enumerate() {
                        ui.label(format!("{index}  {}", adapter.describe()))
                            .on_hover_text(
                                "Choose it in Device above (adapter:N on the command line)",
                            );
                    }
                }
                (None, Some(_)) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Looking for adapters…");
                    });
                }
                (None, None) => {
                    if ui
                        .add_enabled(!deterministic, egui::Button::new("Look for GPUs"))
                        .on_hover_text("List the graphics adapters wgpu can use (takes a moment)")
                        .clicked()
                    {
                        let (sender, receiver) = std::sync::mpsc::channel();
                        let ctx = ui.ctx().clone();
                        let spawned = std::thread::Builder::new()
                            .name("sequda-adapters".into())
                            .spawn(move || {
                                let _ = sender.send(list_adapters());
                                ctx.request_repaint();
                            });
                        if spawned.is_ok() {
                            self.probing = Some(receiver);
                        }
                    }
                }
            }
        });
    }
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

/// The number fields; returns whether any changed.
fn hyperparameters_ui(ui: &mut Ui, config: &mut TrainConfig) -> bool {
    let mut changed = false;
    egui::Grid::new("hyperparameters")
        .num_columns(4)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let encoder = &mut config.encoder;
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
            changed |= labelled_drag(
                ui,
                "Max length",
                "How many recent interactions the model reads per user",
                &mut encoder.max_len,
                1..=1000,
                1.0,
            )
            .changed();
            changed |= labelled_drag(
                ui,
                "Hidden size",
                "Width of the item embeddings and hidden states",
                &mut encoder.dim,
                4..=1024,
                1.0,
            )
            .changed();
            ui.end_row();
            changed |= labelled_drag(
                ui,
                "Blocks",
                "Transformer blocks stacked in the encoder",
                &mut encoder.blocks,
                1..=12,
                0.05,
            )
            .changed();
            changed |= labelled_drag(
                ui,
                "Heads",
                "Attention heads per block (must divide the hidden size)",
                &mut encoder.heads,
                1..=16,
                0.05,
            )
            .changed();
            ui.end_row();
            changed |= labelled_drag(
                ui,
                "Dropout",
                "Share of activations dropped during training, against overfitting",
                &mut encoder.dropout,
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
        });
    changed
}

/// The device picker. `adapters` (once listed) names the adapter an `adapter:N` choice means.
fn device_ui(ui: &mut Ui, device: &mut DeviceChoice, adapters: Option<&[AdapterSummary]>) {
    let label = |choice: DeviceChoice| match choice {
        DeviceChoice::Auto => "Auto (a GPU if found, else CPU)".to_string(),
        DeviceChoice::Cpu => "CPU".to_string(),
        DeviceChoice::Gpu => "GPU (fails without one)".to_string(),
        DeviceChoice::Wgpu => "Software GPU (for testing, slow)".to_string(),
        DeviceChoice::Adapter(index) => {
            match adapters.and_then(|found| found.get(usize::from(index))) {
                Some(adapter) => format!("Adapter {index}: {}", adapter.name),
                None => format!("Adapter {index}"),
            }
        }
    };
    let listed = adapters.map_or(0, <[AdapterSummary]>::len);
    egui::ComboBox::from_label("Device")
        .selected_text(label(*device))
        .show_ui(ui, |ui| {
            let general = [
                DeviceChoice::Auto,
                DeviceChoice::Cpu,
                DeviceChoice::Gpu,
                DeviceChoice::Wgpu,
            ];
            let each_adapter =
                (0..listed).filter_map(|i| u16::try_from(i).ok().map(DeviceChoice::Adapter));
            for choice in general.into_iter().chain(each_adapter) {
                ui.selectable_value(device, choice, label(choice));
            }
        })
        .response
        .on_hover_text(
            "Where training runs. Without a GPU, the CPU is much faster than a software GPU. \
             \"Look for GPUs\" below adds each adapter found, for a machine with several.",
        );
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

fn progress_ui(ui: &mut Ui, cx: &mut PaneContext<'_>) {
    let Some(live) = &cx.ws.live else {
        note(
            ui,
            "Not trained yet. Press Start training: the loss curve moves within seconds.",
        );
        return;
    };
    let progress = live.progress();
    let status = match live.status {
        RunStatus::Preparing => "Preparing",
        RunStatus::Training => "Training",
        RunStatus::Paused => "Paused",
        RunStatus::Evaluating => "Validating",
        RunStatus::Finished => "Finished",
        RunStatus::Stopped => "Stopped",
        RunStatus::Failed => "Failed",
    };
    let status = if live.stop_requested && live.is_running() {
        "Stopping…"
    } else {
        status
    };
    ui.label(RichText::new(format!("Status: {status}")).strong());
    if cx.deterministic {
        ui.label(format!("Run folder: {}", live.name()));
    } else {
        ui.label(format!("Run folder: {}", live.run_dir.display()));
    }
    if let Some(device) = &live.device {
        let device = if cx.deterministic {
            device.split(',').next().unwrap_or(device)
        } else {
            device
        };
        ui.label(format!("Device: {device}"));
    }
    if progress.steps_per_epoch > 0 {
        ui.add(
            egui::ProgressBar::new(progress.fraction)
                .text(format!(
                    "epoch {} of at most {} · step {} of {}",
                    progress.epoch, live.config.epochs, progress.step, progress.steps_per_epoch
                ))
                .show_percentage(),
        );
        if !cx.deterministic {
            ui.label(format!(
                "Throughput: {} sequences/s",
                thousands(progress.sequences_per_second.round() as usize)
            ));
            if live.is_running() {
                ui.label(match progress.eta_seconds {
                    Some(eta) => format!(
                        "Time left: at most {} (early stopping may end sooner)",
                        duration(eta)
                    ),
                    None => "Time left: estimating after warm-up…".into(),
                });
            }
        }
    } else if live.is_running() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Building the model…");
        });
    }
    if let Some(epoch) = live.history.epochs.last() {
        ui.label(format!(
            "Validation after epoch {}: HR@10 {:.4} · NDCG@10 {:.4} · MRR {:.4}{}",
            epoch.epoch,
            epoch.valid.hr_10,
            epoch.valid.ndcg_10,
            epoch.valid.mrr,
            if epoch.improved { " (best so far)" } else { "" }
        ));
    }
    if let Some(summary) = &live.summary {
        ui.label(format!(
            "Best epoch {} of {} ({}).",
            summary.best_epoch, summary.epochs_run, summary.stop_reason
        ));
        match &summary.test {
            Some(test) => ui.label(
                RichText::new(format!(
                    "Test (held-out last item): HR@10 {:.4} · NDCG@10 {:.4} · MRR {:.4}",
                    test.hr_10, test.ndcg_10, test.mrr
                ))
                .strong(),
            ),
            None => {
                ui.label("No test score: the run was stopped (sequda eval --run DIR computes it).")
            }
        };
    }
    if let Some(failure) = &live.failure {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Training failed: {failure}"),
        );
    }
    let worker = cx.ws.worker.state();
    let source = if cx.ws.is_training() {
        "the live training run (current weights)".to_owned()
    } else {
        worker.description
    };
    ui.weak(format!("Analysis panes answer from {source}."));
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;

    #[test]
    fn each_listed_adapter_can_be_chosen_by_name() {
        let adapter = |name: &str, device_type: &str| AdapterSummary {
            name: name.into(),
            backend: "Vulkan".into(),
            is_gpu: true,
            device_type: device_type.into(),
        };
        let adapters = vec![
            adapter("RTX 4070", "DiscreteGpu"),
            adapter("RTX 3060", "DiscreteGpu"),
        ];
        let mut harness = Harness::new_ui_state(
            move |ui, device: &mut DeviceChoice| device_ui(ui, device, Some(&adapters)),
            DeviceChoice::Auto,
        );
        harness.get_by_label("Device").click();
        harness.run();
        harness.get_by_label("Adapter 1: RTX 3060").click();
        harness.run();
        assert_eq!(*harness.state(), DeviceChoice::Adapter(1));
        assert!(
            harness.query_by_value("Adapter 1: RTX 3060").is_some(),
            "the closed picker names the chosen adapter"
        );
    }
}
