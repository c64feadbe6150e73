//! Memory limits stated, not discovered (issue #36 item 5): a file whose load would need more
//! memory than is available is refused before it is read, with a message naming the file and
//! both figures, and the window's loader and the command line say the same.

mod common;

use std::process::Command;

use common::{repo, sample_events};

/// `sequda data stats` on the sample log with `SEQUDA_MEMORY_LIMIT` set to `limit`.
fn stats_with_limit(limit: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sequda"))
        .args(["data", "stats"])
        .arg(sample_events())
        .env("SEQUDA_MEMORY_LIMIT", limit)
        .current_dir(repo())
        .output()
        .expect("the sequda binary runs")
}

#[test]
fn a_file_too_large_for_the_memory_is_refused_with_the_figures() {
    let output = stats_with_limit("1M");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused");
    assert!(output.stdout.is_empty(), "no statistics printed");
    assert!(stderr.contains("ad_events.csv"), "{stderr}");
    assert!(stderr.contains("needs about 7 MiB"), "{stderr}");
    assert!(stderr.contains("only 1 MiB is available"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_same_file_loads_when_the_memory_suffices() {
    let output = stats_with_limit("64M");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(stats["users"], 2500);
}

#[test]
fn a_text_file_is_estimated_at_three_times_its_size() {
    // The estimate comes from the file's size and first bytes, before anything is read.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.csv");
    let mut text = String::from("user_id,item_id,timestamp\n");
    for row in 0..20_000 {
        text.push_str(&format!("u{},i{},{}\n", row % 50, row % 97, row));
    }
    std::fs::write(&path, &text).expect("write");
    let needed = sequda::data::estimate_load_bytes(text.len() as u64, text.as_bytes(), b"");
    assert_eq!(needed, 3 * text.len() as u64);
    assert!(sequda::data::available_memory().is_some_and(|m| m > needed));
}
