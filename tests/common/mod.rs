//! Helpers shared by the end-to-end tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample log.
pub fn sample_events() -> PathBuf {
    repo().join("sample_data").join("ad_events.csv")
}

/// Runs the `sequda` binary with `args`, from the repository root.
pub fn sequda(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sequda"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the sequda binary runs")
}

/// stdout of a successful run, or a panic showing stderr.
pub fn sequda_ok(args: &[&str]) -> String {
    let output = sequda(args);
    assert!(
        output.status.success(),
        "sequda {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Copies the finished run folder `run` to `cut` as a run cut while moving its best checkpoint
/// in: its settings and log in place, the checkpoint files `staged` still in the staging
/// folder, sealed with the best epoch, and no summary. Returns the staging folder.
pub fn copy_as_cut_while_moving_in(run: &Path, cut: &Path, staged: &[&str]) -> PathBuf {
    let staging = cut.join(".checkpoint-next");
    std::fs::create_dir_all(&staging).expect("staging folder");
    for file in ["config.toml", "metrics.jsonl"] {
        std::fs::copy(run.join(file), cut.join(file)).expect("copy");
    }
    for file in staged {
        std::fs::copy(run.join(file), staging.join(file)).expect("staged copy");
    }
    let best_epoch = read_json(&run.join("summary.json"))["best_epoch"]
        .as_u64()
        .expect("best_epoch");
    std::fs::write(staging.join("epoch"), best_epoch.to_string()).expect("seal");
    staging
}

/// `sequda experiment --plan ablation` with tiny shapes and one epoch (this checks the
/// plumbing, not the model) and any `extra` arguments.
pub fn ablation_args<'a>(out: &'a str, seeds: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "experiment",
        "--data",
        "sample_data/ad_events.csv",
        "--plan",
        "ablation",
        "--seeds",
        seeds,
        "--epochs",
        "1",
        "--max-len",
        "10",
        "--dim",
        "8",
        "--batch",
        "512",
        "--device",
        "cpu",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

/// Trains a small `model` (dimension 16, sequences cut to 20) on the sample data for `epochs`
/// into `dir/name`, seed 1 on the CPU; returns the run folder.
pub fn train_small(dir: &Path, name: &str, model: &str, epochs: &str) -> String {
    let out = dir.join(name);
    let out = out.to_str().expect("utf-8 path").to_owned();
    sequda_ok(&[
        "train",
        "--data",
        "sample_data/ad_events.csv",
        "--model",
        model,
        "--device",
        "cpu",
        "--seed",
        "1",
        "--epochs",
        epochs,
        "--dim",
        "16",
        "--max-len",
        "20",
        "--out",
        &out,
    ]);
    out
}
