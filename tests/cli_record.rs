//! `sequda experiment --record DIR`: a plan's small files survive the loss of its run folders
//! (a replaced machine), and the plan run again trains only what the record lacks.

mod common;

use std::path::Path;

use common::{ablation_args, read_json, sequda};

/// A tiny ablation plan (one epoch, tiny shapes) with these rows, run folders under `out`
/// and its record in `record`; returns stderr.
fn plan(out: &Path, record: &Path, rows: &str, patience: &str) -> String {
    let (out, record) = (
        out.to_str().expect("utf-8 path"),
        record.to_str().expect("utf-8 path"),
    );
    let extra = [
        "--variants",
        rows,
        "--patience",
        patience,
        "--record",
        record,
    ];
    let output = sequda(&ablation_args(out, "1", &extra));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

#[test]
fn a_recorded_plan_is_finished_on_a_new_machine_by_training_only_what_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("results").join("sample").join("ablation");
    let first_out = dir.path().join("machine-1");
    plan(&first_out, &record, "sasrec", "3");
    let seed = record.join("sasrec").join("seed1");
    for name in ["config.toml", "summary.json", "test_ranks.json.gz"] {
        assert!(seed.join(name).is_file(), "{name} is recorded");
    }
    assert!(
        !seed.join("model.bpk").exists(),
        "no checkpoint in the record"
    );
    assert!(record.join("results.md").is_file() && record.join("results.json").is_file());
    let first = read_json(&record.join("results.json"));

    // A new machine: the run folders are gone, the record (in git) is not. The recorded run
    // is restored, not trained; the row the record lacks is trained.
    let second_out = dir.path().join("machine-2");
    let stderr = plan(&second_out, &record, "sasrec,pop", "3");
    assert!(
        stderr.contains("1 finished run restored from the record")
            && stderr.contains("1 finished (reused), 0 cut (resumed), 1 to train"),
        "{stderr}"
    );
    assert!(
        !second_out
            .join("sasrec")
            .join("seed1")
            .join("model.bpk")
            .exists(),
        "the restored run was not trained again"
    );
    let second = read_json(&record.join("results.json"));
    let rows = second["rows"].as_array().expect("rows");
    let sasrec = rows
        .iter()
        .find(|row| row["variant"] == "sasrec")
        .expect("the sasrec row");
    assert_eq!(
        sasrec["runs"], first["rows"][0]["runs"],
        "same test figures"
    );
    assert!(
        record
            .join("pop")
            .join("seed1")
            .join("summary.json")
            .is_file()
    );

    // Other settings do not match the record: nothing is restored and the run is trained.
    let third_out = dir.path().join("machine-3");
    let stderr = plan(&third_out, &record, "sasrec", "2");
    assert!(
        stderr.contains("0 finished runs restored from the record"),
        "{stderr}"
    );
    assert!(
        third_out
            .join("sasrec")
            .join("seed1")
            .join("model.bpk")
            .is_file(),
        "trained, since the record holds other settings"
    );
}
