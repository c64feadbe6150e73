//! The real window under a virtual X server (Xvfb), without a GPU: it starts on the bundled
//! sample data with software rendering and closes cleanly. Needs `xvfb-run`; in CI
//! (`SEQUDA_REQUIRE_ADAPTER=1`) a missing `xvfb-run` is a failure.

use std::process::Command;

#[test]
fn the_window_starts_on_the_sample_data_without_a_gpu() {
    let available = Command::new("xvfb-run").arg("--help").output().is_ok();
    if !available {
        assert!(
            std::env::var_os("SEQUDA_REQUIRE_ADAPTER").is_none(),
            "xvfb-run is required in CI"
        );
        eprintln!("xvfb-run not found: the window smoke test did not run");
        return;
    }
    let runs = tempfile::tempdir().expect("tempdir");
    let runs_dir = runs.path().to_str().expect("utf-8 path");
    let output = Command::new("xvfb-run")
        .args([
            "-a",
            env!("CARGO_BIN_EXE_sequda"),
            "gui",
            "--fresh",
            "--timings",
        ])
        .args(["--exit-after-frames", "30", "--runs", runs_dir])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("xvfb-run runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the window failed:\n{stderr}");
    assert!(stderr.contains("timing: first frame"), "{stderr}");
    assert!(
        stderr.contains("timing: data ad_events.csv on screen"),
        "{stderr}"
    );
}
