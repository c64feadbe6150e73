//! `metrics.jsonl`: one JSON object per logged step or epoch (and per resume, see
//! [`super::resume_point`]), appended and flushed line by line so a crash loses nothing
//! already logged, and synced to disk at each best checkpoint ([`MetricsWriter::sync`]).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::train::TrainError;
use crate::train::session::{EpochReport, StepReport};

/// Appends one JSON object per line to `metrics.jsonl`, flushed per line so a crash loses
/// nothing already logged.
pub struct MetricsWriter {
    path: PathBuf,
    out: BufWriter<File>,
    /// Records appended since the file was last synced to disk.
    unsynced: usize,
}

impl MetricsWriter {
    /// Opens `path` for appending (`append`) or afresh.
    pub(super) fn open(path: PathBuf, append: bool) -> Result<Self, TrainError> {
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(&path)
            .map_err(|e| TrainError::file(&path, e))?;
        Ok(Self {
            path,
            out: BufWriter::new(file),
            unsynced: 0,
        })
    }

    /// Writes one record.
    pub fn append(&mut self, record: &impl Serialize) -> Result<(), TrainError> {
        let line = serde_json::to_string(record).map_err(|e| TrainError::file(&self.path, e))?;
        writeln!(self.out, "{line}")
            .and_then(|()| self.out.flush())
            .map_err(|e| TrainError::file(&self.path, e))?;
        self.unsynced += 1;
        Ok(())
    }

    /// Records appended since the file was last synced to disk (flushed records survive a
    /// killed process; synced ones survive a power cut too).
    pub fn unsynced_records(&self) -> usize {
        self.unsynced
    }

    /// Makes every record appended so far durable (an fsync): called before a new best
    /// checkpoint moves in, so the log on disk always names the epoch of the files beside it.
    pub fn sync(&mut self) -> Result<(), TrainError> {
        self.out
            .flush()
            .and_then(|()| self.out.get_ref().sync_data())
            .map_err(|e| TrainError::file(&self.path, e))?;
        self.unsynced = 0;
        Ok(())
    }
}

/// The `metrics.jsonl` line of a step.
pub fn step_record(report: &StepReport) -> serde_json::Value {
    let mut record = serde_json::json!({
        "kind": "step",
        "epoch": report.epoch,
        "step": report.step,
        "global_step": report.global_step,
        "time": report.elapsed_seconds,
        "sequences_per_second": report.sequences_per_second,
    });
    if let Some(object) = record.as_object_mut() {
        for (name, value) in &report.losses {
            object.insert(name.clone(), serde_json::json!(value));
        }
    }
    record
}

/// The `metrics.jsonl` line of an epoch.
pub fn epoch_record(report: &EpochReport) -> serde_json::Value {
    serde_json::json!({
        "kind": "epoch",
        "epoch": report.epoch,
        "time": report.elapsed_seconds,
        "epoch_seconds": report.epoch_seconds,
        "eval_seconds": report.eval_seconds,
        "improved": report.improved,
        "best_epoch": report.best_epoch,
        "valid": report.valid,
    })
}
