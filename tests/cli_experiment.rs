//! End-to-end: `sequda experiment --plan ablation` trains every variant with every seed and
//! writes the Markdown and JSON tables with mean ± std and a paired test against SASRec-CE.

mod common;

use common::{read_json, sequda_ok};

#[test]
fn ablation_plan_writes_tables_with_paired_tests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("ablation");
    let out_str = out.to_str().expect("utf-8 path");
    // Tiny shapes and one epoch: this checks the plumbing, not the model.
    sequda_ok(&[
        "experiment",
        "--data",
        "sample_data/ad_events.csv",
        "--plan",
        "ablation",
        "--seeds",
        "2",
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
        out_str,
    ]);
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
        if variant.starts_with("sequda") {
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
    assert!(markdown.contains("| sequda-no-gan |"));
    assert!(markdown.contains(" ± "));
}
