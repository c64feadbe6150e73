//! Helpers shared by the window tests: a harness around the app with scripted file choice,
//! waiting for background work, small training settings.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sequda::settings::{DeviceChoice, ModelKind, TrainConfig};
use sequda::ui::files::ScriptedPicker;
use sequda::ui::{LaunchOptions, StudioApp};

/// The bundled sample log.
pub fn sample_events() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join("ad_events.csv")
}

/// A window of `size` whose file dialogs answer from `picker`, writing runs to `runs`.
pub fn harness(
    picker: ScriptedPicker,
    runs: &Path,
    size: egui::Vec2,
) -> Harness<'static, StudioApp> {
    let runs = runs.to_path_buf();
    Harness::builder()
        .with_size(size)
        .with_max_steps(400)
        .build_eframe(move |cc| {
            StudioApp::new(
                cc,
                LaunchOptions {
                    runs_dir: runs,
                    picker: Arc::new(picker),
                    deterministic: true,
                    restore_state: false,
                    ..LaunchOptions::default()
                },
            )
        })
}

/// Steps frames until `done` holds, failing after `timeout` with `what`.
pub fn step_until(
    harness: &mut Harness<'static, StudioApp>,
    what: &str,
    timeout: Duration,
    done: impl Fn(&StudioApp) -> bool,
) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness.state()) {
            return;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// Clicks the widget labelled `label` and draws two frames (the click lands in the first, its
/// effect shows in the second).
pub fn click(harness: &mut Harness<'static, StudioApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.step();
    harness.step();
}

/// Steps a few frames (layout settles, answers arrive).
pub fn settle(harness: &mut Harness<'static, StudioApp>, frames: usize) {
    for _ in 0..frames {
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A training configuration small enough for tests (a few seconds on one CPU core).
pub fn tiny_config(epochs: usize) -> TrainConfig {
    let mut config = TrainConfig {
        model: ModelKind::Sasrec,
        epochs,
        patience: 5,
        batch_size: 256,
        learning_rate: 5e-3,
        seed: 3,
        device: DeviceChoice::Cpu,
        log_every: 1,
        ..TrainConfig::default()
    };
    config.encoder.max_len = 20;
    config.encoder.dim = 16;
    config.encoder.blocks = 1;
    config.encoder.heads = 2;
    config.encoder.dropout = 0.1;
    config
}

/// Whether the last training finished with a summary and its checkpoint answers queries.
pub fn trained_and_reopened(app: &StudioApp) -> bool {
    let ws = app.workspace();
    let finished = ws
        .live
        .as_ref()
        .is_some_and(|live| !live.is_running() && live.summary.is_some());
    let worker = ws.worker.state();
    finished && worker.has_model && !worker.busy
}
