//! End-to-end: the CLI trains SASRec-CE and popularity on the bundled sample data, writes the
//! run folder as the README describes, and SASRec clearly beats popularity.

mod common;

use std::collections::HashSet;
use std::process::Command;

use common::{copy_as_cut_while_moving_in, read_json, sample_events, sequda, sequda_ok};

/// Counts users, items and rows of the sample log independently of the library's loader.
fn independent_counts() -> (usize, usize, usize) {
    let text = std::fs::read_to_string(sample_events()).expect("sample data");
    let mut users = HashSet::new();
    let mut items = HashSet::new();
    let mut rows = 0;
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let mut fields = line.split(',');
        users.insert(fields.next().expect("user").to_string());
        items.insert(fields.next().expect("item").to_string());
        rows += 1;
    }
    (users.len(), items.len(), rows)
}

#[test]
fn data_stats_reports_the_sample_counts() {
    let stats: serde_json::Value =
        serde_json::from_str(&sequda_ok(&["data", "stats", "sample_data/ad_events.csv"]))
            .expect("stats JSON");
    let (users, items, rows) = independent_counts();
    assert_eq!(stats["users"], users);
    assert_eq!(stats["items"], items);
    assert_eq!(stats["interactions"], rows);
}

#[test]
fn sasrec_beats_popularity_and_the_run_folder_is_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pop_dir = dir.path().join("pop");
    let sasrec_dir = dir.path().join("sasrec");
    let pop = pop_dir.to_str().expect("utf-8 path");
    let sasrec = sasrec_dir.to_str().expect("utf-8 path");
    let data = "sample_data/ad_events.csv";
    sequda_ok(&[
        "train", "--data", data, "--model", "pop", "--device", "cpu", "--out", pop,
    ]);
    sequda_ok(&[
        "train", "--data", data, "--model", "sasrec", "--device", "cpu", "--seed", "1", "--epochs",
        "4", "--out", sasrec,
    ]);

    // A folder holding a run is not trained into again unless asked to.
    let again = sequda(&[
        "train", "--data", data, "--model", "pop", "--device", "cpu", "--out", pop,
    ]);
    assert!(!again.status.success(), "a finished run was overwritten");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a finished run"));
    sequda_ok(&[
        "train",
        "--data",
        data,
        "--model",
        "pop",
        "--device",
        "cpu",
        "--out",
        pop,
        "--overwrite",
    ]);

    for run in [&pop_dir, &sasrec_dir] {
        for file in ["config.toml", "metrics.jsonl", "summary.json"] {
            assert!(run.join(file).is_file(), "{} missing", file);
        }
    }
    assert!(sasrec_dir.join("model.bpk").is_file());
    assert!(
        !sasrec_dir.join(".checkpoint-next").exists(),
        "every staged checkpoint was moved in"
    );

    let pop_summary = read_json(&pop_dir.join("summary.json"));
    let summary = read_json(&sasrec_dir.join("summary.json"));
    for key in [
        "model",
        "device",
        "dataset",
        "epochs_run",
        "best_epoch",
        "train_seconds",
        "seconds_per_epoch",
        "valid",
        "test",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    for key in ["hr@10", "ndcg@10", "mrr", "hr@20", "ndcg@20"] {
        assert!(summary["test"][key].is_number(), "test.{key}");
        assert!(summary["valid"][key].is_number(), "valid.{key}");
    }
    assert_eq!(summary["model"], "sasrec");
    let (users, _, _) = independent_counts();
    assert_eq!(summary["dataset"]["users"], users);

    let ndcg = summary["test"]["ndcg@10"].as_f64().expect("ndcg");
    let pop_ndcg = pop_summary["test"]["ndcg@10"].as_f64().expect("ndcg");
    assert!(
        pop_ndcg > 0.0,
        "popularity should find something: {pop_ndcg}"
    );
    assert!(
        ndcg >= 1.5 * pop_ndcg,
        "SASRec NDCG@10 {ndcg} should be at least 1.5x popularity's {pop_ndcg}"
    );

    // `compare` pairs the two runs' test users: the means are the summaries' and SASRec-CE's
    // lead over popularity is significant.
    let comparison: serde_json::Value =
        serde_json::from_str(&sequda_ok(&["compare", "--baseline", pop, "--run", sasrec]))
            .expect("compare prints JSON");
    assert_eq!(comparison["baseline"]["model"], "pop");
    assert_eq!(comparison["users"], users);
    let compared = |side: &str| comparison[side]["ndcg_10"].as_f64().expect("ndcg_10");
    assert!((compared("run") - ndcg).abs() < 1e-6, "{comparison}");
    assert!(
        (compared("baseline") - pop_ndcg).abs() < 1e-6,
        "{comparison}"
    );
    let t_test = &comparison["t_test"];
    assert!(t_test["mean_diff"].as_f64().expect("mean_diff") > 0.0);
    assert!(
        t_test["p_value"].as_f64().expect("p_value") < 0.05,
        "{comparison}"
    );

    // `eval --save-ranks` restores the test ranks of a run that lacks them (one cut before
    // testing), byte for byte what training wrote, and never overwrites them.
    let ranks_file = sasrec_dir.join("test_ranks.json");
    let written_by_training = std::fs::read(&ranks_file).expect("test ranks");
    let refused = sequda(&["eval", "--run", sasrec, "--device", "cpu", "--save-ranks"]);
    assert!(!refused.status.success(), "an existing ranks file is kept");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already exists"));
    let wrong_split = sequda(&["eval", "--run", sasrec, "--split", "valid", "--save-ranks"]);
    assert!(
        !wrong_split.status.success(),
        "validation ranks are not test ranks"
    );
    std::fs::remove_file(&ranks_file).expect("remove ranks");
    let saved: serde_json::Value = serde_json::from_str(&sequda_ok(&[
        "eval",
        "--run",
        sasrec,
        "--device",
        "cpu",
        "--save-ranks",
    ]))
    .expect("eval JSON");
    assert!(saved["saved_ranks"].is_string(), "{saved}");
    assert_eq!(
        std::fs::read(&ranks_file).expect("saved ranks"),
        written_by_training
    );

    // metrics.jsonl: step lines with losses, one epoch line per epoch run.
    let metrics = std::fs::read_to_string(sasrec_dir.join("metrics.jsonl")).expect("metrics");
    let records: Vec<serde_json::Value> = metrics
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let epochs = records.iter().filter(|r| r["kind"] == "epoch").count();
    assert_eq!(
        epochs as u64,
        summary["epochs_run"].as_u64().expect("epochs_run")
    );
    assert!(
        records
            .iter()
            .any(|r| r["kind"] == "step" && r["ce"].is_number())
    );

    // `eval` re-evaluates the best checkpoint to the same test numbers.
    let eval_ndcg = |run: &str| {
        let eval: serde_json::Value =
            serde_json::from_str(&sequda_ok(&["eval", "--run", run, "--device", "cpu"]))
                .expect("eval JSON");
        eval["metrics"]["ndcg@10"].as_f64().expect("ndcg")
    };
    let again = eval_ndcg(sasrec);
    assert!(
        (again - ndcg).abs() < 1e-6,
        "eval {again} vs summary {ndcg}"
    );

    // A run cut while moving its best checkpoint in (its weights still sealed in the staging
    // folder, no summary yet) opens with those weights, and opening it moves nothing.
    let cut = dir.path().join("cut");
    let staging = copy_as_cut_while_moving_in(&sasrec_dir, &cut, &["model.bpk"]);
    let reopened_ndcg = eval_ndcg(cut.to_str().expect("utf-8 path"));
    assert!(
        (reopened_ndcg - ndcg).abs() < 1e-6,
        "cut run {reopened_ndcg} vs summary {ndcg}"
    );
    assert!(staging.join("model.bpk").is_file(), "opening moved nothing");
    assert!(!cut.join("model.bpk").exists());

    // Sampled protocols are labelled and differ from full ranking.
    let sampled: serde_json::Value = serde_json::from_str(&sequda_ok(&[
        "eval",
        "--run",
        sasrec,
        "--device",
        "cpu",
        "--protocol",
        "uniform-100",
    ]))
    .expect("eval JSON");
    assert_eq!(sampled["protocol"], "uniform-100");
    assert!(
        sampled["metrics"]["hr@10"].as_f64().expect("hr")
            > summary["test"]["hr@10"].as_f64().expect("hr")
    );

    // `recommend` never returns the user's own history.
    let events = std::fs::read_to_string(sample_events()).expect("sample");
    let user = "u0001";
    let history: HashSet<&str> = events
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{user},")))
        .filter_map(|rest| rest.split(',').next())
        .collect();
    assert!(!history.is_empty());
    let recs: serde_json::Value = serde_json::from_str(&sequda_ok(&[
        "recommend",
        "--run",
        sasrec,
        "--user",
        user,
        "--json",
        "--device",
        "cpu",
    ]))
    .expect("recommend JSON");
    let items = recs["items"].as_array().expect("items");
    assert_eq!(items.len(), 10);
    // Trained without --items, the run found sample_data/ads.csv beside the log: titles, not ids.
    let titles: std::collections::HashMap<String, String> =
        csv::Reader::from_path("sample_data/ads.csv")
            .expect("ads.csv")
            .records()
            .map(|row| {
                let row = row.expect("ads.csv row");
                (row[0].to_string(), row[1].to_string())
            })
            .collect();
    for item in items {
        let id = item["item"].as_str().expect("item id");
        assert!(!history.contains(id), "{id} is in {user}'s history");
        let title = item["title"].as_str().expect("title");
        assert_eq!(
            titles.get(id).map(String::as_str),
            Some(title),
            "{id}'s title is not the one in ads.csv"
        );
    }

    // `audience` ranks every user for one ad and writes a spreadsheet-safe CSV.
    let audience_csv = dir.path().join("audience.csv");
    let audience_run = sequda(&[
        "audience",
        "--run",
        sasrec,
        "--item",
        "ad042",
        "--top",
        "25",
        "--device",
        "cpu",
        "--out",
        audience_csv.to_str().expect("utf-8 path"),
    ]);
    let report = String::from_utf8_lossy(&audience_run.stderr);
    assert!(audience_run.status.success(), "{report}");
    // The window's verdict, the small-check warning (the sample has 10 held-out engagers of
    // ad042) and the stated tie rule.
    assert!(report.contains("verdict: "), "{report}");
    assert!(report.contains("held-out engagers"), "{report}");
    assert!(
        report.contains("warning: Only 10 held-out engagers (fewer than 30)"),
        "{report}"
    );
    assert!(
        report.contains("ties in score are broken by dataset order"),
        "{report}"
    );
    let text = std::fs::read_to_string(&audience_csv).expect("audience CSV");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("rank,user_id,probability,interactions,attended_items")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 25);
    let probabilities: Vec<f64> = rows
        .iter()
        .map(|r| r[2].parse().expect("probability"))
        .collect();
    assert!(probabilities.windows(2).all(|w| w[0] >= w[1]));
    assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
    let distinct: HashSet<&str> = rows.iter().map(|r| r[1]).collect();
    assert_eq!(distinct.len(), 25, "each user once");
    let unknown = sequda(&["audience", "--run", sasrec, "--item", "no-such-ad"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no-such-ad"));
}

#[test]
fn unknown_user_and_missing_run_fail_with_one_line() {
    let output = sequda(&["recommend", "--run", "/nonexistent/run", "--user", "x"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("/nonexistent/run: no such run folder"),
        "{stderr}"
    );
    // A folder that is there but holds no run says so, rather than "file not found".
    let output = sequda(&["generate", "--run", "sample_data", "--count", "5"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("sample_data: not a run folder (it has no config.toml"),
        "{stderr}"
    );
}

#[test]
fn zero_counts_are_refused_with_the_flag_named() {
    for args in [
        &["recommend", "--run", "r", "--user", "u", "--k", "0"][..],
        &["audience", "--run", "r", "--item", "i", "--top", "0"],
        &["generate", "--run", "r", "--count", "0"],
        &["bench", "--epochs", "0"],
        &[
            "experiment",
            "--data",
            "d",
            "--plan",
            "ablation",
            "--seeds",
            "0",
        ],
    ] {
        let output = sequda(args);
        assert!(!output.status.success(), "{args:?} ran");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let flag = args[args.len() - 2];
        assert!(
            stderr.contains(&format!("'{flag} <")) && stderr.contains("must be at least 1"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn settings_that_cannot_train_fail_before_a_run_folder_is_made() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (flag, value, named) in [
        ("--lr", "-0.001", "learning_rate"),
        ("--batch", "0", "batch_size"),
    ] {
        let out = dir.path().join(named);
        let out = out.to_str().expect("utf-8 path");
        let output = sequda(&[
            "train",
            "--data",
            "sample_data/ad_events.csv",
            "--device",
            "cpu",
            &format!("{flag}={value}"),
            "--out",
            out,
        ]);
        assert!(!output.status.success(), "{flag} {value} trained");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(named), "{stderr}");
        assert!(
            !std::path::Path::new(out).exists(),
            "{flag} {value} left a run folder"
        );
    }
}

#[test]
fn adapters_are_numbered_and_a_missing_one_is_named_before_a_run_folder_is_made() {
    let listed = sequda_ok(&["adapters"]);
    // Without a desktop session (a container, CI) the adapter probe prints nothing of the
    // drivers' own (Mesa's device-select layer would print two Wayland errors).
    let sessionless = Command::new(env!("CARGO_BIN_EXE_sequda"))
        .arg("adapters")
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("NODEVICE_SELECT")
        .output()
        .expect("the sequda binary runs");
    let noise = String::from_utf8_lossy(&sessionless.stderr);
    assert!(sessionless.status.success(), "{noise}");
    assert!(!noise.contains("XDG_RUNTIME_DIR"), "{noise}");
    assert_eq!(String::from_utf8_lossy(&sessionless.stdout), listed);
    let lines: Vec<&str> = listed.lines().collect();
    let adapters = if lines
        .first()
        .is_some_and(|l| l.starts_with("no graphics adapter"))
    {
        0
    } else {
        for (index, line) in lines.iter().enumerate() {
            assert!(
                line.starts_with(&format!("{index}  "))
                    && line.ends_with(&format!("--device adapter:{index}")),
                "{listed}"
            );
        }
        lines.len()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    let out = out.to_str().expect("utf-8 path");
    let missing = format!("adapter:{}", adapters + 3);
    let output = sequda(&[
        "train",
        "--data",
        "sample_data/ad_events.csv",
        "--device",
        &missing,
        "--out",
        out,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("there is no adapter {}", adapters + 3)),
        "{stderr}"
    );
    assert!(!std::path::Path::new(out).exists(), "a run folder was left");
    let output = sequda(&[
        "train",
        "--data",
        "sample_data/ad_events.csv",
        "--device",
        "adapter:x",
        "--out",
        out,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("adapter:N takes the adapter's number"),
        "{stderr}"
    );
}

/// `sequda bench` on the bundled sample data with a tiny shape, run from a folder without
/// sample_data/ (bench falls back to the bundled copy): its JSON report.
fn bench(extra: &[&str]) -> serde_json::Value {
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let mut args = vec![
        "bench",
        "--device",
        "cpu",
        "--max-len",
        "20",
        "--dim",
        "16",
        "--blocks",
        "1",
        "--batch",
        "256",
    ];
    args.extend_from_slice(extra);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sequda"))
        .args(&args)
        .current_dir(elsewhere.path())
        .output()
        .expect("sequda runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

#[test]
fn bench_times_epochs_of_either_model_on_the_sample_data_from_any_folder() {
    let (users, _, _) = independent_counts();
    for (model, epochs) in [("sasrec", 1), ("sequda", 2)] {
        let report = bench(&["--model", model, "--epochs", &epochs.to_string()]);
        assert_eq!(report["eval_users"], users, "{model}");
        // Every user with at least one training pair, 256 per step.
        assert_eq!(report["steps"], users.div_ceil(256), "{model}");
        let timed: Vec<f64> = report["epoch_seconds"]
            .as_array()
            .expect("epoch seconds")
            .iter()
            .map(|s| s.as_f64().expect("seconds"))
            .collect();
        assert_eq!(timed.len(), epochs, "{model}");
        let seconds = report["seconds_per_epoch"].as_f64().expect("seconds");
        let mean = timed.iter().sum::<f64>() / timed.len() as f64;
        assert!(seconds > 0.0 && (seconds - mean).abs() < 1e-9, "{report}");
        let throughput = report["sequences_per_second"].as_f64().expect("throughput");
        assert!(
            (throughput * seconds - users as f64).abs() < 1.0,
            "{report}"
        );
        let workload = format!("ad_events.csv {model} max_len=20 dim=16");
        assert!(
            report["workload"]
                .as_str()
                .is_some_and(|w| w.starts_with(&workload)),
            "{report}"
        );
        if cfg!(target_os = "linux") {
            let peak = report["peak_resident_mib"].as_f64().expect("peak memory");
            assert!(peak > 1.0, "{report}");
        }
    }
}

#[test]
fn sinusoidal_positions_train_and_are_kept_with_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("sinusoidal");
    let out = out.to_str().expect("utf-8 path");
    sequda_ok(&[
        "train",
        "--data",
        "sample_data/ad_events.csv",
        "--model",
        "sasrec",
        "--device",
        "cpu",
        "--epochs",
        "1",
        "--dim",
        "16",
        "--positional",
        "sinusoidal",
        "--out",
        out,
    ]);
    let config =
        std::fs::read_to_string(dir.path().join("sinusoidal/config.toml")).expect("config.toml");
    assert!(config.contains("positional = \"sinusoidal\""), "{config}");
    let summary = read_json(&dir.path().join("sinusoidal/summary.json"));
    let ndcg = summary["test"]["ndcg@10"].as_f64().expect("test NDCG@10");
    assert!(ndcg > 0.0, "{summary}");
    // The reopened run rebuilds the encoder without a learned position table.
    let output = sequda(&[
        "recommend",
        "--run",
        out,
        "--user",
        "u0001",
        "--device",
        "cpu",
    ]);
    assert!(output.status.success(), "{output:?}");
    let unknown = sequda(&["train", "--data", "x", "--positional", "rotary"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        !unknown.status.success() && stderr.contains("learned or sinusoidal"),
        "{stderr}"
    );
}

#[test]
fn the_config_files_model_stands_unless_model_is_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("pop.toml");
    std::fs::write(&config, "[train]\nmodel = \"pop\"\n").expect("config file");
    let config = config.to_str().expect("utf-8 path");
    let model_of = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let out = out.to_str().expect("utf-8 path");
        let mut args = vec![
            "train",
            "--data",
            "sample_data/ad_events.csv",
            "--device",
            "cpu",
            "--config",
            config,
            "--epochs",
            "1",
            "--dim",
            "8",
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        sequda_ok(&args);
        read_json(&dir.path().join(name).join("summary.json"))["model"]
            .as_str()
            .expect("model")
            .to_string()
    };
    assert_eq!(model_of("from-file", &[]), "pop");
    assert_eq!(model_of("from-flag", &["--model", "sasrec"]), "sasrec");
}

/// `sequda train` with `args` after the sample data and the CPU, stderr piped (not a
/// terminal, as in a log file): the output.
fn train_logged(args: &[&str]) -> std::process::Output {
    let mut all = vec![
        "train",
        "--data",
        "sample_data/ad_events.csv",
        "--device",
        "cpu",
    ];
    all.extend_from_slice(args);
    sequda(&all)
}

#[test]
fn a_run_cannot_warm_start_from_the_folder_it_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    std::fs::create_dir_all(&out).expect("run folder");
    std::fs::write(out.join("model.bpk"), "earlier weights").expect("earlier checkpoint");
    let out = out.to_str().expect("utf-8 path");
    let output = train_logged(&[
        "--model",
        "sasrec",
        "--init-from",
        out,
        "--out",
        out,
        "--overwrite",
    ]);
    assert!(!output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("names the run's own folder"), "{stderr}");
    let kept = std::fs::read_to_string(std::path::Path::new(out).join("model.bpk"));
    assert_eq!(
        kept.expect("kept"),
        "earlier weights",
        "nothing was cleared"
    );
}

#[test]
fn overwrite_removes_the_previous_runs_files_before_training() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    std::fs::create_dir_all(out.join(".checkpoint-next")).expect("staging folder");
    std::fs::write(out.join(".checkpoint-next").join("epoch"), "3").expect("seal");
    let earlier = [
        "config.toml",
        "model.bpk",
        "optimizer.bpk",
        "summary.json",
        "test_ranks.json",
        "gan_generator.bpk",
        "gan_discriminator_optimizer.bpk",
        "notes.txt",
    ];
    for file in earlier {
        std::fs::write(out.join(file), "earlier run").expect("earlier file");
    }
    let output = train_logged(&[
        "--model",
        "pop",
        "--out",
        out.to_str().expect("utf-8 path"),
        "--overwrite",
    ]);
    assert!(output.status.success(), "{output:?}");
    for gone in [
        "model.bpk",
        "optimizer.bpk",
        "gan_generator.bpk",
        "gan_discriminator_optimizer.bpk",
        ".checkpoint-next",
    ] {
        assert!(!out.join(gone).exists(), "{gone} survived --overwrite");
    }
    // The popularity run writes its own summary and ranks; the user's own file stays.
    assert_eq!(read_json(&out.join("summary.json"))["model"], "pop");
    read_json(&out.join("test_ranks.json"));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("notes"),
        "earlier run"
    );
}

#[test]
fn data_with_no_user_to_evaluate_fails_for_every_model_without_a_run_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("pairs.csv");
    // Two events per user: a training item and nothing held out to evaluate.
    std::fs::write(&data, "user,item\nu1,a\nu1,b\nu2,a\nu2,c\nu3,b\nu3,c\n").expect("data");
    for model in ["pop", "sasrec"] {
        let out = dir.path().join(model);
        let output = sequda(&[
            "train",
            "--data",
            data.to_str().expect("utf-8 path"),
            "--model",
            model,
            "--device",
            "cpu",
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{model} reported: {stderr}");
        assert!(
            stderr.contains("no user has 3 or more interactions"),
            "{model}: {stderr}"
        );
        assert!(!out.exists(), "{model} left a run folder");
    }
}

#[test]
fn a_logged_run_gives_a_line_per_epoch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    let output = train_logged(&[
        "--model",
        "sasrec",
        "--epochs",
        "2",
        "--patience",
        "2",
        "--max-len",
        "10",
        "--dim",
        "8",
        "--batch",
        "512",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // One line per epoch with its validation metrics, the best so far and its seconds.
    let epochs: Vec<&str> = stderr.lines().filter(|l| l.starts_with("epoch ")).collect();
    assert_eq!(epochs.len(), 2, "{stderr}");
    for line in &epochs {
        assert!(line.contains("NDCG@10 0."), "{line}");
        assert!(line.contains("s eval)"), "{line}");
        assert!(
            line.ends_with("  best") || line.contains("(best: epoch 1)"),
            "{line}"
        );
    }
    assert!(stderr.contains("device: cpu"), "{stderr}");
}

#[test]
fn a_run_says_the_settings_sized_to_its_data_before_it_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings_of = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec!["--model", "pop", "--out", out.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        let output = train_logged(&args);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        let settings = stderr.lines().position(|l| l.starts_with("settings: "));
        let data = stderr.lines().position(|l| l.starts_with("data: "));
        assert!(settings.is_some() && settings < data, "{stderr}");
        stderr
            .lines()
            .find(|l| l.starts_with("settings: "))
            .map(str::to_string)
            .unwrap_or_default()
    };
    let sized = settings_of("sized", &["--epochs", "2", "--max-len", "10"]);
    assert!(
        sized.contains("epochs 2, patience 3, max_len 10, dropout 0.2 (defaults sized to the data"),
        "{sized}"
    );
    assert!(
        sized.contains("73801 interactions (under 100000: 30 epochs, patience 3)"),
        "{sized}"
    );
    assert!(
        sized.contains("median history 22 (under 50: max_len 50)"),
        "{sized}"
    );
    let config = dir.path().join("plain.toml");
    std::fs::write(&config, "[train]\nmodel = \"pop\"\n").expect("config file");
    let config = config.to_str().expect("utf-8 path");
    let from_file = settings_of("from-file", &["--config", config]);
    assert!(
        from_file.contains("epochs 200, patience 10, max_len 200, dropout 0.2 (from ")
            && from_file.contains("plain.toml"),
        "{from_file}"
    );
}
