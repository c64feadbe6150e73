//! End-to-end: `sequda experiment --plan ablation` trains every variant with every seed and
//! writes the Markdown and JSON tables with mean ± std and a paired test against SASRec-CE.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{ablation_args, copy_as_cut_while_moving_in, read_json, repo, sequda, sequda_ok};
use sequda::train::run_folder::RunDir;

#[test]
fn ablation_plan_writes_tables_with_paired_tests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("ablation");
    let out_str = out.to_str().expect("utf-8 path");
    let output = sequda(&ablation_args(out_str, "2", &[]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // The settings sized to the data are said once, before the plan starts.
    let settings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("settings: "))
        .collect();
    assert_eq!(settings.len(), 1, "{stderr}");
    assert!(
        settings[0].contains("epochs 1, patience 3, max_len 10, dropout 0.2")
            && settings[0].contains("under 100000: 30 epochs, patience 3"),
        "{stderr}"
    );
    // Seed by seed: every row has its seed-1 run before any row starts seed 2.
    let done: Vec<&str> = stderr.lines().filter(|l| l.contains(": done")).collect();
    assert_eq!(done.len(), 14, "{stderr}");
    assert!(
        done[..7].iter().all(|l| l.contains(" seed 1: "))
            && done[7..].iter().all(|l| l.contains(" seed 2: ")),
        "{done:#?}"
    );
    // One line per trained epoch (Pop trains none), with what it cost: a long plan's pace.
    let epochs: Vec<&str> = stderr.lines().filter(|l| l.contains(": epoch ")).collect();
    assert_eq!(epochs.len(), 12, "{stderr}");
    assert!(
        epochs
            .iter()
            .all(|l| l.contains("valid NDCG@10 ") && l.ends_with(" s validation")),
        "{epochs:#?}"
    );
    let results = read_json(&out.join("results.json"));
    assert_eq!(results["plan"], "ablation");
    assert_eq!(results["seeds"], serde_json::json!([1, 2]));
    let rows = results["rows"].as_array().expect("rows");
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().expect("variant"))
        .collect();
    for expected in [
        "pop",
        "sasrec",
        "sasrec-mix",
        "sequda",
        "sequda-no-gan",
        "sequda-no-cl",
        "sequda-no-graph",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for row in rows {
        let variant = row["variant"].as_str().expect("variant");
        assert_eq!(row["runs"].as_array().expect("runs").len(), 2, "{variant}");
        let summary = row["summary"].as_array().expect("summary");
        assert!(!summary.is_empty());
        for entry in summary {
            let mean = entry[1].as_f64().expect("mean");
            let std = entry[2].as_f64().expect("std");
            assert!(
                (0.0..=1.0).contains(&mean) && std >= 0.0,
                "{variant}: {entry}"
            );
        }
        // The validation column is each seed's figure from its run's own summary, averaged.
        let folder = out.join(variant);
        let valid: Vec<f64> = [1, 2]
            .map(|seed| {
                let summary = read_json(&folder.join(format!("seed{seed}")).join("summary.json"));
                summary["valid"]["ndcg@10"].as_f64().expect("valid ndcg@10")
            })
            .to_vec();
        let mean = row["valid_ndcg_10"][0].as_f64().expect("valid mean");
        assert!(
            (mean - (valid[0] + valid[1]) / 2.0).abs() < 1e-12,
            "{variant}: {mean} from {valid:?}"
        );
        if variant.starts_with("sequda") || variant == "sasrec-mix" {
            assert_eq!(row["baseline"], "sasrec", "{variant}");
            let p = row["paired_test"]["p_value"].as_f64();
            assert!(
                p.is_none_or(|p| (0.0..=1.0).contains(&p)),
                "{variant}: p = {p:?}"
            );
            assert!(row["paired_test"].is_object(), "{variant}");
        }
    }
    for seed in [1, 2] {
        let run = out.join("sasrec").join(format!("seed{seed}"));
        assert!(run.join("summary.json").is_file(), "{}", run.display());
        assert!(run.join("test_ranks.json").is_file(), "{}", run.display());
    }
    let markdown = std::fs::read_to_string(out.join("results.md")).expect("results.md");
    assert!(markdown.contains("| variant | HR@10 | NDCG@10 |"));
    assert!(markdown.contains("| p | valid NDCG@10 |"), "{markdown}");
    assert!(markdown.contains("| sequda-no-gan |"));
    assert!(markdown.contains(" ± "));

    // `generate` samples from the full model's saved GAN: one CSV row per sequence, each with
    // its discriminator score and its nearest real training sequence.
    let full = out.join("sequda").join("seed1");
    let csv_path = dir.path().join("synthetic.csv");
    let generated = generate_60(&full, &csv_path);
    let stderr = String::from_utf8_lossy(&generated.stderr);
    assert!(generated.status.success(), "{stderr}");
    assert!(stderr.contains("wrote 60 sequences"), "{stderr}");
    let mut reader = csv::Reader::from_path(&csv_path).expect("synthetic CSV");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} missing from {header:?}"))
    };
    let (score, items, nearest, similarity, shared) = (
        column("d_score"),
        column("items"),
        column("nearest_real_user"),
        column("nearest_similarity"),
        column("longest_shared_run"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 60);
    for row in &rows {
        let d: f64 = row[score].parse().expect("d_score");
        assert!((0.0..=1.0).contains(&d), "{row:?}");
        let length = row[items].split(' ').count();
        let jaccard: f64 = row[similarity].parse().expect("similarity");
        let run: usize = row[shared].parse().expect("shared run");
        assert!((0.0..=1.0).contains(&jaccard) && run <= length, "{row:?}");
        // Every sequence continues a real training prefix, so it shares items with someone.
        assert!(
            !row[nearest].is_empty() && jaccard > 0.0 && run >= 1,
            "{row:?}"
        );
    }
    generates_from_a_run_cut_before_its_checkpoint_moved_in(&full, dir.path(), &csv_path);
    // A run without a GAN is refused by name.
    let plain = out.join("sasrec").join("seed1");
    let refused = sequda(&["generate", "--run", plain.to_str().expect("utf-8 path")]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("has no GAN"));
}

/// `sequda generate` of 60 sequences from `run` into the CSV file `out`, on the CPU.
fn generate_60(run: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    sequda(&[
        "generate",
        "--run",
        run.to_str().expect("utf-8 path"),
        "--count",
        "60",
        "--device",
        "cpu",
        "--out",
        out.to_str().expect("utf-8 path"),
    ])
}

/// A copy of the finished SeqUDA-Rec run `full` as if cut while moving its best checkpoint in
/// (weights and GAN files still sealed in the staging folder) generates what `full` generated
/// into `expected`, and moves nothing.
fn generates_from_a_run_cut_before_its_checkpoint_moved_in(
    full: &std::path::Path,
    scratch: &std::path::Path,
    expected: &std::path::Path,
) {
    let cut = scratch.join("cut-sequda");
    let staging = copy_as_cut_while_moving_in(
        full,
        &cut,
        &["model.bpk", "gan_generator.bpk", "gan_discriminator.bpk"],
    );
    let csv_path = scratch.join("synthetic-cut.csv");
    let generated = generate_60(&cut, &csv_path);
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    assert_eq!(
        std::fs::read(&csv_path).expect("cut run's CSV"),
        std::fs::read(expected).expect("finished run's CSV"),
        "the staged GAN generates what the finished run's does"
    );
    assert!(
        staging.join("gan_generator.bpk").is_file(),
        "opening moved nothing"
    );
    assert!(!cut.join("gan_generator.bpk").exists());
}

#[test]
fn selected_variants_run_with_their_baseline_and_finished_runs_are_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("ablation");
    let out_str = out.to_str().expect("utf-8 path");
    sequda_ok(&ablation_args(
        out_str,
        "1",
        &["--variants", "sequda-no-gan"],
    ));
    let first = read_json(&out.join("results.json"));
    let names: Vec<&str> = first["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["variant"].as_str().expect("variant"))
        .collect();
    assert_eq!(
        names,
        ["sasrec", "sequda-no-gan"],
        "the baseline comes along"
    );
    assert!(
        !out.join("sequda").exists(),
        "unselected rows are not trained"
    );
    let config = std::fs::read_to_string(out.join("sasrec").join("seed1").join("config.toml"))
        .expect("config.toml");
    assert!(
        config.contains("items = \"sample_data/ads.csv\""),
        "the titles beside the data are found as `train` finds them:\n{config}"
    );

    // Again, with one more row: the two finished runs are reused, not trained again.
    let checkpoint = out.join("sasrec").join("seed1").join("model.bpk");
    let trained_at = std::fs::metadata(&checkpoint)
        .and_then(|m| m.modified())
        .expect("checkpoint time");
    let output = sequda(&ablation_args(
        out_str,
        "1",
        &["--variants", "sequda-no-gan,pop"],
    ));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("reusing the finished run").count(),
        2,
        "{stderr}"
    );
    assert!(
        stderr.contains("3 rows × 1 seed in ")
            && stderr.contains("2 finished (reused), 0 cut (resumed), 1 to train"),
        "the plan's outlook comes first:\n{stderr}"
    );
    let reused_at = std::fs::metadata(&checkpoint)
        .and_then(|m| m.modified())
        .expect("checkpoint time");
    assert_eq!(
        trained_at, reused_at,
        "the reused run's checkpoint is untouched"
    );
    let second = read_json(&out.join("results.json"));
    let rows = second["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["variant"], "pop");
    assert_eq!(rows[1]["runs"], first["rows"][0]["runs"]);
    assert_eq!(rows[2]["runs"], first["rows"][1]["runs"]);

    rerank_top_is_judged_by_eval(
        &out.join("sequda-no-gan").join("seed1"),
        &out.join("sasrec").join("seed1"),
    );
    eval_graph_modes_keep_their_promises(&out.join("sequda-no-gan").join("seed1"));

    // Other settings are a different run: refused, and the finished run is left as it was.
    let output = sequda(&ablation_args(
        out_str,
        "1",
        &["--variants", "sasrec", "--patience", "2"],
    ));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("sasrec/seed1 already holds a run with other settings")
            && stderr.contains("`patience = 2`")
            && stderr.contains("Choose another --out"),
        "{stderr}"
    );
    let kept_at = std::fs::metadata(&checkpoint)
        .and_then(|m| m.modified())
        .expect("checkpoint time");
    assert_eq!(trained_at, kept_at, "the finished run is not trained over");

    // The same file named another way (absolute, through `..`) is the same data: reused.
    let twisted = std::env::current_dir()
        .expect("working folder")
        .join("sample_data/../sample_data/ad_events.csv");
    let mut args = ablation_args(out_str, "1", &["--variants", "sasrec"]);
    args[2] = twisted.to_str().expect("utf-8 path");
    let output = sequda(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("reusing the finished run"), "{stderr}");

    // Cut before testing (no summary, no ranks): resumed from its checkpoint, and the line
    // saying so comes from the run once it holds the folder, with the epoch it goes on from.
    let sasrec = out.join("sasrec").join("seed1");
    std::fs::remove_file(sasrec.join("summary.json")).expect("summary");
    std::fs::remove_file(sasrec.join("test_ranks.json")).expect("ranks");
    let output = sequda(&ablation_args(out_str, "1", &["--variants", "sasrec"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("0 finished (reused), 1 cut (resumed), 0 to train")
            && stderr.contains("sasrec seed 1: resuming from the checkpoint of epoch 1")
            && stderr.contains("sasrec seed 1: done"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("resuming").count(),
        1,
        "said once:\n{stderr}"
    );
    let resumed = read_json(&out.join("results.json"));
    assert_eq!(
        resumed["rows"][0]["runs"], first["rows"][0]["runs"],
        "the resumed run tests its best checkpoint"
    );

    let output = sequda(&ablation_args(out_str, "1", &["--variants", "bert4rec"]));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown variant 'bert4rec'") && stderr.contains("sequda-no-cl"),
        "{stderr}"
    );
}

#[test]
fn a_run_another_process_is_training_is_left_to_it_and_taken_up_when_free() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("ablation");
    let out_str = out.to_str().expect("utf-8 path");
    // This test stands for a second experiment training SASRec-CE seed 1 into the folder.
    let held = RunDir::new(out.join("sasrec").join("seed1"));
    held.create().expect("run folder");
    let mut claim = Some(held.claim().expect("claim"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sequda"))
        .args(ablation_args(
            out_str,
            "1",
            &["--variants", "sequda-no-gan,pop"],
        ))
        .current_dir(repo())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sequda binary runs");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("stderr line");
        if line.contains("waiting for the other process to finish") {
            claim = None; // the other run ends: its lock is released
        }
        lines.push(line);
    }
    let status = child.wait().expect("exit status");
    let log = lines.join("\n");
    assert!(status.success(), "{log}");
    assert!(claim.is_none(), "the plan waited for the held run:\n{log}");
    assert!(
        log.contains("2 to train, 1 being trained by another process"),
        "the outlook counts the held run:\n{log}"
    );
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?}:\n{log}"))
    };
    let deferred = at("sasrec seed 1: another process is training");
    let other_row = at("sequda-no-gan seed 1: done");
    let waiting = at("sasrec seed 1: waiting for the other process");
    let taken_up = at("sasrec seed 1: done");
    assert!(
        deferred < other_row && other_row < waiting && waiting < taken_up,
        "the held run is skipped, the rows after it train, then it is taken up:\n{log}"
    );
    let results = read_json(&out.join("results.json"));
    let rows = results["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3, "{results}");
    for row in rows {
        assert_eq!(row["runs"].as_array().expect("runs").len(), 1, "{row}");
    }
    let baseline = rows
        .iter()
        .find(|r| r["variant"] == "sasrec")
        .expect("sasrec row");
    let summary = read_json(&held.summary_path());
    assert_eq!(
        baseline["runs"][0]["users"], summary["test"]["users"],
        "the table holds the run it waited for: {baseline}"
    );
    let ndcg = |v: &serde_json::Value| v["ndcg@10"].as_f64().expect("ndcg@10");
    assert!(
        (ndcg(&baseline["runs"][0]) - ndcg(&summary["test"])).abs() < 1e-12,
        "{baseline}"
    );
}

/// `eval --rerank-top` on a finished SeqUDA-Rec run (`with_head`) and on SASRec-CE.
fn rerank_top_is_judged_by_eval(with_head: &std::path::Path, sasrec: &std::path::Path) {
    let eval = |run: &std::path::Path, top: &str| {
        let run = run.to_str().expect("utf-8 path");
        let args = [
            "eval",
            "--run",
            run,
            "--split",
            "valid",
            "--device",
            "cpu",
            "--rerank-top",
            top,
        ];
        sequda(&args)
    };
    let plain = eval_json(eval(with_head, "0"));
    let reranked = eval_json(eval(with_head, "5"));
    assert_eq!(plain["rerank_top"], 0);
    assert_eq!(reranked["rerank_top"], 5);
    let metric =
        |report: &serde_json::Value, name: &str| report["metrics"][name].as_f64().expect("metric");
    let summary = read_json(&with_head.join("summary.json"));
    let validated = summary["valid"]["ndcg@10"].as_f64().expect("valid ndcg");
    assert!(
        (metric(&plain, "ndcg@10") - validated).abs() < 1e-6,
        "rerank 0 is how the run was validated: {plain} vs {validated}"
    );
    // Re-ranking the top 5 only reorders them, so the top-10 set and HR@10 stay (up to one
    // user whose target ties at rank 10 under the two scoring paths' rounding).
    let one_user = 1.0 / metric(&plain, "users");
    let moved = (metric(&reranked, "hr@10") - metric(&plain, "hr@10")).abs();
    assert!(moved <= one_user + 1e-9, "{reranked} vs {plain}");

    let refused = eval(sasrec, "5");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("--rerank-top") && stderr.contains("target-attention"),
        "{stderr}"
    );

    // A graph mode names only a graph that was used: none for SASRec-CE, which refuses one.
    assert_eq!(plain["graph"], "train");
    let sasrec = sasrec.to_str().expect("utf-8 path");
    let sasrec_eval = |extra: &[&str]| {
        let mut args = vec![
            "eval", "--run", sasrec, "--split", "test", "--device", "cpu",
        ];
        args.extend_from_slice(extra);
        sequda(&args)
    };
    let sasrec_report = eval_json(sasrec_eval(&[]));
    assert!(sasrec_report["graph"].is_null());
    // Without a head there is no re-ranking to report, and asking for none is no error.
    assert!(sasrec_report["rerank_top"].is_null());
    let off = eval_json(sasrec_eval(&["--rerank-top", "0"]));
    assert_eq!(off["metrics"], sasrec_report["metrics"]);
    let refused = sasrec_eval(&["--graph", "inputs"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("a 'sasrec' run has no user–item graph") && stderr.contains("--graph"),
        "{stderr}"
    );
}

/// `eval --graph` on a finished SeqUDA-Rec run with the graph: the modes that name the
/// training graph reproduce the default exactly, the others run and say which graph they used.
fn eval_graph_modes_keep_their_promises(run: &std::path::Path) {
    let eval = |split: &str, graph: &str| {
        let run = run.to_str().expect("utf-8 path");
        let args = [
            "eval", "--run", run, "--split", split, "--device", "cpu", "--graph", graph,
        ];
        sequda(&args)
    };
    // The validation inputs are the training items, and test under `lagged` is one item
    // behind its inputs: both are the training graph.
    for (split, same) in [("valid", "inputs"), ("test", "lagged")] {
        let default = eval_json(eval(split, "train"));
        let named = eval_json(eval(split, same));
        assert_eq!(named["graph"], same);
        assert_eq!(default["graph"], "train");
        assert_eq!(named["metrics"], default["metrics"], "{split} under {same}");
    }
    let lagged = eval_json(eval("valid", "lagged"));
    let inputs = eval_json(eval("test", "inputs"));
    for report in [&lagged, &inputs] {
        let ndcg = report["metrics"]["ndcg@10"].as_f64().expect("ndcg@10");
        assert!((0.0..=1.0).contains(&ndcg), "{report}");
    }
    let refused = eval("valid", "everything");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("--graph") && stderr.contains("lagged"),
        "{stderr}"
    );
}

/// The JSON report of a successful `sequda eval`.
fn eval_json(output: std::process::Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("eval JSON")
}
