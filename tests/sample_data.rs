//! `sequda data synth` reproduces the bundled sample data byte for byte.

mod common;

use common::{repo, sequda_ok};

#[test]
fn regenerated_sample_data_is_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("utf-8 path");
    sequda_ok(&["data", "synth", "--out", out]);
    for file in ["ad_events.csv", "ads.csv"] {
        let committed =
            std::fs::read(repo().join("sample_data").join(file)).expect("committed file");
        let fresh = std::fs::read(dir.path().join(file)).expect("regenerated file");
        assert!(
            committed == fresh,
            "{file} differs from `sequda data synth` output"
        );
    }
}

#[test]
fn another_seed_gives_other_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("utf-8 path");
    sequda_ok(&["data", "synth", "--out", out, "--seed", "8"]);
    let committed = std::fs::read(repo().join("sample_data/ad_events.csv")).expect("committed");
    let fresh = std::fs::read(dir.path().join("ad_events.csv")).expect("fresh");
    assert!(committed != fresh);
}
