//! An image snapshot of every pane (seeded data, a small seeded SeqUDA-Rec run, mocked time, no
//! wall-clock figures), compared with `tests/snapshots/pane_*.png` (rendered with wgpu; in CI
//! on Mesa lavapipe). A matching snapshot of the default set is also copied to
//! `assets/screenshots/` for the README. Create or update them with
//! `UPDATE_SNAPSHOTS=1 cargo test --test ui_snapshots` (on a CPU with AVX-512 they go to
//! `tests/snapshots/avx512/`: see [`snapshot_folder`]).

mod ui_common;

use std::path::PathBuf;
use std::time::Duration;

use sequda::ui::StudioApp;
use sequda::ui::files::ScriptedPicker;
use sequda::ui::layout::PaneKind;
use ui_common::{
    click, harness, sample_events, settle, step_until, tiny_config, trained_and_reopened,
};

const WAIT: Duration = Duration::from_secs(300);

/// Whether the pane's background answers are in.
fn ready(app: &StudioApp, pane: PaneKind) -> bool {
    let panes = app.panes();
    match pane {
        PaneKind::Attention => panes.attention.map().is_some(),
        PaneKind::Recommend => panes.recommend.recommendations().is_some(),
        PaneKind::Audience => panes.audience.audience().is_some(),
        PaneKind::Graph => panes.graph.layout().is_some_and(|l| l.is_settled()),
        PaneKind::Compare => {
            !app.workspace().library.runs.is_empty() && !app.workspace().library.scanning
        }
        _ => true,
    }
}

/// `tests/snapshots`, or `tests/snapshots/avx512` on a CPU with AVX-512. The snapshots show a
/// real seeded training run, and burn's CPU backend (through `macerator`) picks its SIMD width
/// at run time: with 512-bit registers its sums round differently, so the same seed trains to
/// slightly different loss curves, attention weights and rankings (lavapipe itself reported
/// 256-bit rendering on such a machine). Each kind of machine is compared with snapshots made
/// on its own kind; every one of them is exact. The flag says whether the set is the default
/// one, the only one copied to the README's screenshots (so a test run on an AVX-512 machine
/// leaves the working tree as it was).
fn snapshot_folder() -> (PathBuf, bool) {
    let snapshots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("snapshots");
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        return (snapshots.join("avx512"), false);
    }
    (snapshots, true)
}

#[test]
fn every_pane_matches_its_snapshot() {
    let runs = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        ..ScriptedPicker::default()
    };
    // A fixed folder name: the Compare pane shows it.
    let runs_dir = runs.path().join("runs");
    let mut h = harness(picker, &runs_dir, egui::vec2(1280.0, 800.0));
    click(&mut h, "Data");
    click(&mut h, "Open data…");
    step_until(&mut h, "the sample data", WAIT, |app| {
        app.workspace().data.is_some()
    });
    {
        let selections = &mut h.state_mut().state_mut().selections;
        // The full model, so the synthetic-sequence pane has generated sequences to show.
        selections.train = tiny_config(2);
        selections.train.model = sequda::train::ModelKind::Sequda;
        // The snapshots were drawn from a run with the synthetic-loss weighting of the time;
        // pinning it keeps them (and both SIMD sets) valid when the model default moves on.
        selections.train.sequda.gan_settings.synthetic_weighting =
            sequda::model::gan::SyntheticWeighting::BatchMean;
        selections.user = Some("u1337".into());
        selections.item = Some("ad042".into());
    }
    click(&mut h, "Train");
    click(&mut h, "Start training");
    step_until(&mut h, "training and reopening", WAIT, trained_and_reopened);
    settle(&mut h, 3);

    let screenshots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join("screenshots");
    let (snapshots, readme_set) = snapshot_folder();
    let options = egui_kittest::SnapshotOptions::new().output_path(&snapshots);
    let mut failures = Vec::new();
    for pane in PaneKind::ALL {
        click(&mut h, pane.title());
        step_until(&mut h, pane.title(), WAIT, |app| ready(app, pane));
        settle(&mut h, 6);
        h.state_mut().clear_notifications();
        settle(&mut h, 2);
        let name = format!("pane_{}", pane.slug());
        h.check_accessibility();
        match h.try_snapshot_options(&name, &options) {
            Ok(()) if !readme_set => {}
            Ok(()) => {
                if let Err(error) = std::fs::create_dir_all(&screenshots).and_then(|()| {
                    std::fs::copy(
                        snapshots.join(format!("{name}.png")),
                        screenshots.join(format!("{}.png", pane.slug())),
                    )
                }) {
                    failures.push(format!(
                        "{name}: cannot copy to assets/screenshots: {error}"
                    ));
                }
            }
            Err(error) => failures.push(format!("{name}: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "snapshot problems:\n{}",
        failures.join("\n")
    );
}
