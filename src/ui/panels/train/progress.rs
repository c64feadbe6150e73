//! The Train pane's progress: status, run folder and device; the progress bar with throughput
//! and time left; validation and test results; and who answers the analysis panes.

use egui::{RichText, Ui};

use crate::studio::{LiveRun, Phase, RunStatus};
use crate::ui::panels::PaneContext;
use crate::ui::widgets::labelled::{duration, note, thousands};

/// Progress of the current (or last) run.
pub(super) fn progress_ui(ui: &mut Ui, cx: &PaneContext<'_>) {
    let Some(live) = &cx.ws.live else {
        note(
            ui,
            "Not trained yet. Press Start training: the loss curve moves within seconds.",
        );
        return;
    };
    status_ui(ui, live, cx.deterministic);
    bar_ui(ui, live, cx.deterministic);
    results_ui(ui, live);
    let worker = cx.ws.worker.state();
    let source = if cx.ws.is_training() {
        "the live training run (current weights)".to_owned()
    } else {
        worker.description
    };
    ui.weak(format!("Analysis panes answer from {source}."));
}

/// Status (the phase: training, validation, GAN round, test), run folder and device.
fn status_ui(ui: &mut Ui, live: &LiveRun, deterministic: bool) {
    let status = match (live.phase(), &live.summary) {
        (Phase::Ended, _) if live.status == RunStatus::Stopped => "Stopped".to_owned(),
        // The epoch cap is the planned end; anything else ending a run is said.
        (Phase::Ended, Some(summary)) if summary.stop_reason == "max epochs" => {
            "Finished".to_owned()
        }
        (Phase::Ended, Some(summary)) => format!("Finished ({})", summary.stop_reason),
        (phase, _) => phase.label(),
    };
    let status = if live.stop_requested && live.is_running() {
        "Stopping…".to_owned()
    } else {
        status
    };
    ui.label(RichText::new(format!("Status: {status}")).strong());
    if deterministic {
        ui.label(format!("Run folder: {}", live.name()));
    } else {
        ui.label(format!("Run folder: {}", live.run_dir.display()));
    }
    if let Some(device) = &live.device {
        let device = if deterministic {
            device.split(',').next().unwrap_or(device)
        } else {
            device
        };
        ui.label(format!("Device: {device}"));
    }
}

/// The progress bar with throughput and time left (or a spinner while the model is built).
fn bar_ui(ui: &mut Ui, live: &LiveRun, deterministic: bool) {
    let progress = live.progress();
    if progress.steps_per_epoch > 0 {
        let detail = match &live.summary {
            Some(summary) => format!(
                "done: {} epoch{} of at most {} ({})",
                summary.epochs_run,
                if summary.epochs_run == 1 { "" } else { "s" },
                live.config.epochs,
                summary.stop_reason
            ),
            None => format!(
                "epoch {} of at most {} · step {} of {}",
                progress.epoch, live.config.epochs, progress.step, progress.steps_per_epoch
            ),
        };
        ui.add(egui::ProgressBar::new(progress.fraction).show_percentage())
            .on_hover_text(detail);
        if !deterministic {
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
}

/// The latest validation, the best epoch and test once finished, or the failure.
fn results_ui(ui: &mut Ui, live: &LiveRun) {
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
}
