//! An experiment's record (`sequda experiment --record DIR`): the small files that prove its
//! results, kept where git can hold them (`results/<dataset>/<plan>/`), because run folders
//! live on machines that are replaced. Per run, `<variant>/seed<S>/` holds `config.toml`,
//! `summary.json` and the per-user test ranks gzip-compressed (`test_ranks.json.gz`); the
//! plan's `results.json` and `results.md` sit at the top. Checkpoints never go in.
//!
//! A plan run again with the same record on a new machine restores each recorded run whose
//! settings and data match into its empty run folder, where the plan reuses it as finished,
//! so only the runs the record lacks are trained.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use super::reuse::{PlannedRun, planned_run};
use crate::data::Dataset;
use crate::settings::{DataSource, TrainConfig};
use crate::train::TrainError;
use crate::train::run_folder::{CONFIG_FILE, SUMMARY_FILE, TEST_RANKS_FILE, write_atomically};

/// The compressed test ranks in a record.
pub const RECORDED_RANKS_FILE: &str = "test_ranks.json.gz";

/// The files of a plan's results table, copied to the top of its record.
pub const RESULT_FILES: [&str; 2] = ["results.json", "results.md"];

/// The record of one run: `record/<variant>/seed<S>`, mirroring the run folder under `out`.
pub fn record_dir_of(record: &Path, out: &Path, run_dir: &Path) -> PathBuf {
    match run_dir.strip_prefix(out) {
        Ok(relative) => record.join(relative),
        Err(_) => record.join(run_dir.file_name().unwrap_or_default()),
    }
}

/// Copies a finished run's `config.toml` and `summary.json` into `record_dir`, and its test
/// ranks gzip-compressed, each written atomically.
pub fn save_run_record(run_dir: &Path, record_dir: &Path) -> Result<(), TrainError> {
    fs::create_dir_all(record_dir).map_err(|e| TrainError::file(record_dir, e))?;
    for name in [CONFIG_FILE, SUMMARY_FILE] {
        let bytes = read(&run_dir.join(name))?;
        write_atomically(&record_dir.join(name), &bytes)?;
    }
    let ranks = read(&run_dir.join(TEST_RANKS_FILE))?;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let target = record_dir.join(RECORDED_RANKS_FILE);
    encoder
        .write_all(&ranks)
        .and_then(|()| encoder.finish())
        .map_err(|e| TrainError::file(&target, e))
        .and_then(|compressed| write_atomically(&target, &compressed))
}

/// Copies the plan's results table from `out` to the top of `record`.
pub fn save_results_record(out: &Path, record: &Path) -> Result<(), TrainError> {
    fs::create_dir_all(record).map_err(|e| TrainError::file(record, e))?;
    for name in RESULT_FILES {
        write_atomically(&record.join(name), &read(&out.join(name))?)?;
    }
    Ok(())
}

/// Restores the recorded run in `record_dir` into `run_dir` when `run_dir` holds no run yet
/// and the record is a finished run of `config` on this data; returns whether it did. A
/// record with other settings or data, or an incomplete one, is left out (the run is
/// trained); the run folder is then left as it was found.
pub fn restore_run_record(
    record_dir: &Path,
    run_dir: &Path,
    source: &DataSource,
    dataset: &Dataset,
    config: &TrainConfig,
) -> Result<bool, TrainError> {
    let recorded = [CONFIG_FILE, SUMMARY_FILE, RECORDED_RANKS_FILE];
    if run_dir.join(CONFIG_FILE).exists() || !recorded.iter().all(|n| record_dir.join(n).is_file())
    {
        return Ok(false);
    }
    let created = !run_dir.exists();
    fs::create_dir_all(run_dir).map_err(|e| TrainError::file(run_dir, e))?;
    let restored = restore_files(record_dir, run_dir).map(|()| {
        matches!(
            planned_run(run_dir, source, dataset, config),
            PlannedRun::Finished(_)
        )
    });
    if restored.as_ref().is_ok_and(|finished| *finished) {
        return Ok(true);
    }
    // Not this run after all (or unreadable): leave the folder as it was found.
    for name in [CONFIG_FILE, SUMMARY_FILE, TEST_RANKS_FILE] {
        let _ = fs::remove_file(run_dir.join(name));
    }
    if created {
        let _ = fs::remove_dir(run_dir);
    }
    restored.map(|_| false)
}

/// Writes the record's three files into `run_dir`, the ranks decompressed.
fn restore_files(record_dir: &Path, run_dir: &Path) -> Result<(), TrainError> {
    let compressed = record_dir.join(RECORDED_RANKS_FILE);
    let mut ranks = Vec::new();
    GzDecoder::new(read(&compressed)?.as_slice())
        .read_to_end(&mut ranks)
        .map_err(|e| TrainError::file(&compressed, e))?;
    write_atomically(&run_dir.join(TEST_RANKS_FILE), &ranks)?;
    write_atomically(
        &run_dir.join(SUMMARY_FILE),
        &read(&record_dir.join(SUMMARY_FILE))?,
    )?;
    // The config last: a folder with a config but no summary would read as a cut run.
    write_atomically(
        &run_dir.join(CONFIG_FILE),
        &read(&record_dir.join(CONFIG_FILE))?,
    )
}

/// Reads a whole file, naming it on failure.
fn read(path: &Path) -> Result<Vec<u8>, TrainError> {
    fs::read(path).map_err(|e| TrainError::file(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_record_holds_the_three_files_with_the_ranks_compressed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (run, record) = (dir.path().join("run"), dir.path().join("record"));
        fs::create_dir_all(&run).expect("run folder");
        let ranks = format!(
            "{{\"users\":[{}],\"ranks\":[{}]}}",
            (0..500)
                .map(|u| u.to_string())
                .collect::<Vec<_>>()
                .join(","),
            (0..500)
                .map(|u| (u % 7).to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        fs::write(run.join(CONFIG_FILE), "config").expect("config");
        fs::write(run.join(SUMMARY_FILE), "{}").expect("summary");
        fs::write(run.join(TEST_RANKS_FILE), &ranks).expect("ranks");
        fs::write(run.join("model.bpk"), "weights").expect("checkpoint");
        save_run_record(&run, &record).expect("saved");

        let compressed = fs::read(record.join(RECORDED_RANKS_FILE)).expect("compressed ranks");
        assert!(compressed.len() < ranks.len() / 2, "gzip-compressed");
        let mut text = String::new();
        GzDecoder::new(compressed.as_slice())
            .read_to_string(&mut text)
            .expect("gzip");
        assert_eq!(text, ranks);
        assert_eq!(
            fs::read_to_string(record.join(CONFIG_FILE)).expect("config"),
            "config"
        );
        assert!(!record.join("model.bpk").exists(), "no checkpoint");
        assert!(
            !record.join(TEST_RANKS_FILE).exists(),
            "no uncompressed ranks"
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let error =
            save_run_record(dir.path(), &dir.path().join("record")).expect_err("nothing to record");
        assert!(error.to_string().contains(CONFIG_FILE), "{error}");
    }

    #[test]
    fn record_folders_mirror_the_run_folders() {
        let out = Path::new("/runs/ablation");
        assert_eq!(
            record_dir_of(
                Path::new("results/ml-1m/ablation"),
                out,
                &out.join("sasrec").join("seed2")
            ),
            Path::new("results/ml-1m/ablation/sasrec/seed2")
        );
    }
}
