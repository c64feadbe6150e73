//! `sequda report` (issue #36 item 3): one self-contained HTML page per run, with every
//! section, nothing fetched from the network, the run's own figures, and plain errors.

mod common;

use std::path::Path;

use common::{read_json, sequda, train_small};
use sequda::analysis::report::SECTION_IDS;

/// Trains a small run of `model` on the sample data into `dir/name`.
fn train(dir: &Path, name: &str, model: &str) -> String {
    train_small(dir, name, model, "2")
}

/// Runs `report` with `args`; returns the page and stderr.
fn report(out: &Path, args: &[&str]) -> (String, String) {
    let out_text = out.to_str().expect("utf-8 path");
    let mut all = vec!["report", "--out", out_text];
    all.extend_from_slice(args);
    let output = sequda(&all);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "report failed: {stderr}");
    let html = std::fs::read_to_string(out).expect("the report was written");
    (html, stderr)
}

/// The page loads nothing from anywhere: no URL, no script, no external image or style.
fn assert_self_contained(html: &str) {
    for needle in [
        "http://", "https://", "<script", "src=", "url(", "@import", "<link",
    ] {
        assert!(
            !html.contains(needle),
            "the report contains {needle:?}: {}",
            &html[html.find(needle).unwrap_or(0)..][..80.min(html.len())]
        );
    }
    assert_eq!(
        html.matches("<svg").count(),
        html.matches("</svg>").count(),
        "every chart is closed"
    );
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
}

#[test]
fn a_sequda_run_compared_with_sasrec_has_every_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seq = train(dir.path(), "seq", "sequda");
    let sas = train(dir.path(), "sas", "sasrec");
    let out = dir.path().join("report.html");
    let (html, stderr) = report(
        &out,
        &["--run", &seq, "--compare", &sas, "--synthetic", "60"],
    );
    assert!(stderr.contains("report: wrote"), "{stderr}");
    assert!(!stderr.contains("left out"), "{stderr}");
    assert_self_contained(&html);
    for id in SECTION_IDS {
        assert!(
            html.contains(&format!("<section id=\"{id}\"")),
            "no {id} section"
        );
    }
    assert!(!html.contains("Not available"), "a section is missing");
    // The run's own test figure, and the comparison names both models.
    let summary = read_json(&Path::new(&seq).join("summary.json"));
    let ndcg = summary["test"]["ndcg@10"].as_f64().expect("test ndcg");
    assert!(html.contains(&format!("NDCG@10 {ndcg:.4}")), "test NDCG@10");
    assert!(html.contains("SeqUDA-Rec") && html.contains("SASRec-CE"));
    // The paired test's p-value ("p = 0.41", or "p < 0.001" escaped), or why there is none.
    assert!(
        html.contains("p = ") || html.contains("p &lt; 0.001") || html.contains("too few users")
    );
    // Curves for the losses and validation, an attention heatmap, a gains chart.
    assert!(html.contains("loss: ce"));
    assert!(html.contains("validation (full ranking)"));
    assert!(html.contains("attention weights"));
    assert!(html.contains("who should see"));
    assert!(html.contains("mode collapse:"));
}

#[test]
fn a_sasrec_run_says_which_sections_it_cannot_have() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sas = train(dir.path(), "sas", "sasrec");
    let out = dir.path().join("sas.html");
    let (html, stderr) = report(&out, &["--run", &sas, "--item", "no-such-ad"]);
    assert_self_contained(&html);
    assert!(
        !html.contains("<section id=\"comparison\""),
        "nothing compared"
    );
    assert!(html.contains("<section id=\"attention\""));
    assert!(
        stderr.contains("left out synthetic") && stderr.contains("no GAN"),
        "{stderr}"
    );
    assert!(
        stderr.contains("left out audience") && stderr.contains("no-such-ad"),
        "{stderr}"
    );
    assert_eq!(html.matches("class=\"missing\"").count(), 2);
}

#[test]
fn a_missing_run_fails_with_its_path_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("none.html");
    let missing = dir.path().join("not-a-run");
    let output = sequda(&[
        "report",
        "--run",
        missing.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("not-a-run"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists());
}
