//! `sequda resume`: a training process killed mid-run goes on from its best checkpoint in
//! its own folder and finishes like a run trained in one go.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{read_json, repo, sequda};
use sequda::train::RunDir;

/// `(epoch, validation NDCG@10)` of every epoch record in a `metrics.jsonl` text, and the
/// `from_epoch` of every resume record.
fn epochs_and_resumes(text: &str) -> (Vec<(u64, f64)>, Vec<u64>) {
    let mut epochs = Vec::new();
    let mut resumes = Vec::new();
    for line in text.lines() {
        let Ok(record) = serde_json::from_str::<serde_json::Value>(line) else {
            continue; // the killed process may have left its last line half-written
        };
        match record["kind"].as_str() {
            Some("epoch") => epochs.push((
                record["epoch"].as_u64().expect("epoch"),
                record["valid"]["ndcg@10"].as_f64().expect("ndcg@10"),
            )),
            Some("resume") => resumes.push(record["from_epoch"].as_u64().expect("from_epoch")),
            _ => {}
        }
    }
    (epochs, resumes)
}

#[test]
fn a_killed_run_resumes_from_its_best_checkpoint_and_finishes() {
    const EPOCHS: u64 = 8;
    let dir = tempfile::tempdir().expect("tempdir");
    let run_dir = dir.path().join("run");
    let run = run_dir.to_str().expect("utf-8 path");
    let epochs = EPOCHS.to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sequda"))
        .args([
            "train",
            "--data",
            "sample_data/ad_events.csv",
            "--model",
            "sasrec",
            "--device",
            "cpu",
            "--seed",
            "1",
            "--epochs",
            &epochs,
            "--patience",
            &epochs,
            "--out",
            run,
        ])
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sequda starts");

    // Kill it once two epochs are validated (a best checkpoint is staged before its record and
    // moved in after it, so the kill may fall between the two: the resume settles that).
    let metrics = run_dir.join("metrics.jsonl");
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let text = std::fs::read_to_string(&metrics).unwrap_or_default();
        if epochs_and_resumes(&text).0.len() >= 2 {
            break;
        }
        if let Some(status) = child.try_wait().expect("poll") {
            panic!("training ended ({status}) before it could be cut");
        }
        assert!(
            Instant::now() < deadline,
            "no second epoch within 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
    assert!(
        !run_dir.join("summary.json").exists(),
        "the cut run never finished"
    );
    let (before, _) = epochs_and_resumes(&std::fs::read_to_string(&metrics).expect("metrics"));
    assert!(
        (before.len() as u64) < EPOCHS,
        "cut too late to test anything: {before:?}"
    );
    let best = before
        .iter()
        .fold((0, f64::MIN), |b, &(e, v)| if v > b.1 { (e, v) } else { b })
        .0;

    // `train` into the cut folder is refused rather than overwriting it, and says what to do.
    let retrain = sequda(&["train", "--data", "sample_data/ad_events.csv", "--out", run]);
    assert!(!retrain.status.success(), "the cut run was overwritten");
    let message = String::from_utf8_lossy(&retrain.stderr);
    assert!(message.contains("sequda resume"), "{message}");

    // The device comes from the run's saved config (cpu).
    let resumed = sequda(&["resume", "--run", run]);
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(resumed.status.success(), "{stderr}");
    // On the CPU nothing starts wgpu (restoring the optimiser state used to, on burn's default
    // device, and its driver probing printed errors).
    assert!(
        !stderr.contains("wgpu") && !stderr.contains("EGL"),
        "{stderr}"
    );
    let summary = read_json(&run_dir.join("summary.json"));
    assert_eq!(summary["epochs_run"], EPOCHS, "{summary}");
    assert_eq!(
        summary["resumed_after"],
        serde_json::json!([best]),
        "{summary}"
    );
    assert!(summary["test"]["ndcg@10"].is_number(), "{summary}");
    assert!(run_dir.join("test_ranks.json").is_file());

    // The log reads like one run: epochs 1..=EPOCHS once each, those up to the best kept as
    // they were, and one resume record naming the checkpoint it went on from.
    let (after, resumes) = epochs_and_resumes(&std::fs::read_to_string(&metrics).expect("metrics"));
    let numbers: Vec<u64> = after.iter().map(|&(e, _)| e).collect();
    assert_eq!(numbers, (1..=EPOCHS).collect::<Vec<_>>());
    assert_eq!(&after[..best as usize], &before[..best as usize]);
    assert_eq!(resumes, vec![best]);
    let best_valid = after.iter().map(|&(_, v)| v).fold(f64::MIN, f64::max);
    let reported = summary["valid"]["ndcg@10"].as_f64().expect("valid ndcg@10");
    assert!(
        (reported - best_valid).abs() < 1e-12,
        "{reported} vs {best_valid}"
    );

    // A finished run is not resumed again.
    let again = sequda(&["resume", "--run", run]);
    assert!(!again.status.success());
    let message = String::from_utf8_lossy(&again.stderr);
    assert!(message.contains("nothing to resume"), "{message}");
}

/// Trains the popularity model on `data` into `run`; panics with stderr on failure.
fn train_pop(data: &std::path::Path, run: &std::path::Path) {
    let output = sequda(&[
        "train",
        "--data",
        data.to_str().expect("utf-8 path"),
        "--model",
        "pop",
        "--device",
        "cpu",
        "--out",
        run.to_str().expect("utf-8 path"),
    ]);
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn data_changed_with_the_same_counts_is_refused_unless_the_run_kept_no_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("log.csv");
    let rows = "u1,a\nu1,b\nu1,c\nu2,b\nu2,c\nu2,a\nu3,c\nu3,a\nu3,b\n";
    std::fs::write(&data, format!("user,item\n{rows}")).expect("data");
    let run = dir.path().join("run");
    train_pop(&data, &run);
    let run_str = run.to_str().expect("utf-8 path");
    // The same users, items and interaction count, in another order.
    let reordered = rows.replace("u1,a\nu1,b", "u1,b\nu1,a");
    std::fs::write(&data, format!("user,item\n{reordered}")).expect("changed data");
    for command in [
        &["eval", "--run", run_str][..],
        &["resume", "--run", run_str],
    ] {
        let output = sequda(command);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command:?}: {stderr}");
        assert!(
            stderr.contains("log.csv changed since the run was made")
                && stderr.contains("its content differs"),
            "{command:?}: {stderr}"
        );
    }
    // A run made before the hash was kept is checked by its counts only.
    let config = run.join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config.toml");
    assert!(text.contains("content_hash"), "{text}");
    let older: String = text
        .lines()
        .filter(|l| !l.starts_with("content_hash"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, older).expect("older config.toml");
    let output = sequda(&["eval", "--run", run_str, "--device", "cpu"]);
    assert!(output.status.success(), "{output:?}");
}

/// `sequda args` started in the background from the repository root, its output discarded.
fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sequda"))
        .args(args)
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sequda starts")
}

/// Kills `child` (SIGKILL: no destructor runs, no lock is released by hand) as soon as
/// `ready()` holds; panics if it ends first or nothing happens for ten minutes.
fn kill_when(mut child: Child, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(600);
    while !ready() {
        if let Some(status) = child.try_wait().expect("poll") {
            panic!("sequda ended ({status}) before it could be killed");
        }
        assert!(Instant::now() < deadline, "not ready within 10 minutes");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
}

/// A tiny SASRec-CE `train` into `run` with `extra` arguments.
fn tiny_train<'a>(run: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "train",
        "--data",
        "sample_data/ad_events.csv",
        "--model",
        "sasrec",
        "--device",
        "cpu",
        "--epochs",
        "1000",
        "--patience",
        "1000",
        "--max-len",
        "10",
        "--dim",
        "8",
        "--batch",
        "512",
        "--out",
        run,
    ];
    args.extend_from_slice(extra);
    args
}

/// Whether `run` holds a `.lock` file that no process holds.
fn stale_lock(run: &Path) -> bool {
    run.join(".lock").is_file() && !RunDir::new(run).in_use()
}

#[test]
fn a_lock_file_left_by_a_killed_process_blocks_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = dir.path().join("run");
    let run_str = run.to_str().expect("utf-8 path");
    // Killed once its first checkpoint is in place: `resume` goes on with it.
    kill_when(spawn(&tiny_train(run_str, &[])), || {
        run.join("model.bpk").is_file()
    });
    assert!(
        stale_lock(&run),
        "the killed run left its .lock file, unheld"
    );
    let config = std::fs::read_to_string(run.join("config.toml")).expect("config.toml");
    let shorter = config.replace("\nepochs = 1000\n", "\nepochs = 2\n");
    assert_ne!(config, shorter, "{config}");
    std::fs::write(run.join("config.toml"), shorter).expect("two epochs");
    let resumed = sequda(&["resume", "--run", run_str]);
    assert!(resumed.status.success(), "{resumed:?}");

    // Killed while training: `train --overwrite` replaces it.
    kill_when(spawn(&tiny_train(run_str, &["--overwrite"])), || {
        RunDir::new(&run).in_use()
    });
    assert!(stale_lock(&run));
    let data = "sample_data/ad_events.csv";
    let overwritten = sequda(&[
        "train",
        "--data",
        data,
        "--model",
        "pop",
        "--device",
        "cpu",
        "--out",
        run_str,
        "--overwrite",
    ]);
    assert!(overwritten.status.success(), "{overwritten:?}");

    // An experiment killed while training a row: run again, it takes the row up at once.
    let plan = dir.path().join("plan");
    let experiment = [
        "experiment",
        "--data",
        "sample_data/ad_events.csv",
        "--plan",
        "ablation",
        "--variants",
        "pop",
        "--seeds",
        "1",
        "--epochs",
        "2",
        "--max-len",
        "10",
        "--dim",
        "8",
        "--batch",
        "512",
        "--device",
        "cpu",
        "--out",
        plan.to_str().expect("utf-8 path"),
    ];
    let rows = [plan.join("sasrec/seed1"), plan.join("pop/seed1")];
    kill_when(spawn(&experiment), || {
        rows.iter().any(|row| RunDir::new(row).in_use())
    });
    assert!(rows.iter().any(|row| stale_lock(row)));
    let again = sequda(&experiment);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(!stderr.contains("another process"), "{stderr}");
}
