//! End-to-end: the scale generator, `data stats` on a large catalogue, and the sampled loss
//! chosen on the command line (issue #34).

mod common;

use common::{read_json, sequda, sequda_ok};

#[test]
fn a_scale_log_is_written_and_its_stats_summarise_a_large_catalogue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("scale.csv");
    let log = log.to_str().expect("utf-8 path");
    // Uniform popularity over 30,000 items: about 23,000 of them appear in 45,000 rows.
    let args = [
        "data",
        "synth-scale",
        "--out",
        log,
        "--users",
        "15000",
        "--items",
        "30000",
        "--interactions",
        "45000",
        "--zipf",
        "0",
        "--seed",
        "3",
    ];
    sequda_ok(&args);
    let first = std::fs::read(log).expect("the log");
    sequda_ok(&args);
    assert_eq!(
        std::fs::read(log).expect("the log"),
        first,
        "same seed, same bytes"
    );

    let stats: serde_json::Value =
        serde_json::from_str(&sequda_ok(&["data", "stats", log])).expect("stats JSON");
    assert_eq!(stats["users"], 15_000);
    assert_eq!(stats["interactions"], 45_000);
    let items = stats["items"].as_u64().expect("items");
    assert!(items > 10_000, "{items} items");
    assert!(stats.get("item_popularity").is_none(), "summarised only");
    let summary = &stats["item_popularity_summary"];
    assert_eq!(summary["items_seen"], items);
    assert_eq!(summary["top"].as_array().map(Vec::len), Some(20));

    let listed: serde_json::Value =
        serde_json::from_str(&sequda_ok(&["data", "stats", log, "--item-popularity"]))
            .expect("stats JSON");
    let list = listed["item_popularity"].as_array().expect("the list");
    assert_eq!(list.len() as u64, items);

    let refused = sequda(&[
        "data",
        "synth-scale",
        "--out",
        log,
        "--users",
        "10",
        "--items",
        "5",
        "--interactions",
        "20",
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && stderr.contains("at least 3 per user"),
        "{stderr}"
    );
}

#[test]
fn the_sample_data_lists_its_popularity_as_before() {
    let stats: serde_json::Value =
        serde_json::from_str(&sequda_ok(&["data", "stats", "sample_data/ad_events.csv"]))
            .expect("stats JSON");
    let list = stats["item_popularity"].as_array().expect("listed");
    assert_eq!(list.len() as u64, stats["items"].as_u64().expect("items"));
}

#[test]
fn the_sampled_loss_trains_from_the_command_line_and_is_kept_with_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("sampled");
    let out = out.to_str().expect("utf-8 path");
    let output = sequda(&[
        "train",
        "--data",
        "sample_data/ad_events.csv",
        "--device",
        "cpu",
        "--epochs",
        "1",
        "--dim",
        "16",
        "--loss",
        "sampled",
        "--negatives",
        "64",
        "--negative-source",
        "in-batch",
        "--out",
        out,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("loss sampled, 64 in-batch negatives"),
        "{stderr}"
    );
    let config = std::fs::read_to_string(dir.path().join("sampled/config.toml")).expect("config");
    assert!(config.contains("loss = \"sampled\""), "{config}");
    assert!(config.contains("source = \"in-batch\""), "{config}");
    let summary = read_json(&dir.path().join("sampled/summary.json"));
    assert!(summary["test"]["ndcg@10"].as_f64().expect("NDCG@10") > 0.0);

    let unknown = sequda(&["train", "--data", "x", "--out", out, "--loss", "softmax"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        !unknown.status.success() && stderr.contains("auto, full, sampled"),
        "{stderr}"
    );
}
