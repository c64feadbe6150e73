//! Resuming a run that was cut before it finished (the process killed, the machine restarted,
//! the window closed): the run goes on in its own folder from its best checkpoint, as if it
//! had just finished its best epoch. Epochs logged after the best one are discarded, since
//! their weights were never saved; the shuffling order is replayed, so epoch `best + 1`
//! visits users in the order it would have, the model's optimiser goes on from the state saved
//! with the checkpoint (`optimizer.bpk`; a run saved before it was kept starts its moments
//! afresh), and SeqUDA-Rec's GAN goes on from the generator and discriminator saved with that
//! epoch, with their optimisers ([`crate::train::epochs::Recipe::resume`]). The dropout stream, the
//! GAN's sampling stream and its reward baseline start afresh: a resumed run is close to, not
//! bit-identical with, an uninterrupted one.
//! `metrics.jsonl` records each resume and `summary.json` lists them.

use serde::Deserialize;

use super::folder::{RunDir, write_atomically};
use super::staging;
use crate::eval::RankingMetrics;
use crate::train::TrainError;
use crate::train::epochs::improves_on;

/// Where an interrupted run picks up, read back from its `metrics.jsonl`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResumePoint {
    /// The best epoch so far, whose checkpoint (`model.bpk`) training continues from.
    pub best_epoch: usize,
    /// Its validation metrics.
    pub best_valid: RankingMetrics,
    /// Optimisation seconds of epochs `1..=best_epoch`.
    pub epoch_seconds: Vec<f64>,
    /// Optimisation steps taken up to the end of the best epoch.
    pub global_step: usize,
    /// Run-clock seconds at the end of the best epoch (the resumed clock starts there).
    pub elapsed_seconds: f64,
    /// Epochs logged after the best one, discarded by this resume.
    pub discarded_epochs: usize,
    /// The epochs earlier resumes (still in the kept log) started from, then this one's.
    pub resumed_after: Vec<usize>,
}

/// The `metrics.jsonl` line marking a resume.
pub const RESUME_KIND: &str = "resume";

/// An epoch record, as much of it as resuming needs.
#[derive(Deserialize)]
struct EpochLine {
    epoch: usize,
    time: f64,
    epoch_seconds: f64,
    valid: RankingMetrics,
}

/// Reads where the run in `run` can resume and cuts its `metrics.jsonl` back to the end of its
/// best epoch. Fails, naming the folder or the file and line, when the run has finished
/// (tested), when nothing was validated or checkpointed yet, or when the log is damaged
/// anywhere but its last line (which a killed process may have left half-written). The caller
/// must hold the folder's lock ([`RunDir::claim`]).
pub fn prepare_resume(run: &RunDir) -> Result<ResumePoint, TrainError> {
    check_resumable(run)?;
    let path = run.metrics_path();
    let text = std::fs::read_to_string(&path).map_err(|e| TrainError::file(&path, e))?;
    let (point, keep) =
        read_resume_point(&text).map_err(|message| TrainError::file(&path, message))?;
    if point.best_epoch == 0 {
        return Err(TrainError::NotEnoughData(format!(
            "{} has no validated epoch; train it afresh",
            path.display()
        )));
    }
    // Files of an epoch cut while saving are dropped, or finished moving in when the log
    // already has it as best, before the log is cut back.
    staging::settle(run, point.best_epoch)?;
    if !run.checkpoint_path().is_file() {
        return Err(TrainError::NotEnoughData(format!(
            "{} has no checkpoint of its best epoch {}; train it afresh",
            run.root().display(),
            point.best_epoch
        )));
    }
    write_atomically(&path, &text.as_bytes()[..keep])?;
    Ok(point)
}

/// Fails, naming the folder, when the run in `run` cannot be resumed: it finished (was
/// tested), or it has no checkpoint yet (neither in the folder nor sealed in its staging
/// folder, [`staging`]). Reads files only; changes nothing.
pub fn check_resumable(run: &RunDir) -> Result<(), TrainError> {
    if let Ok(summary) = run.read_summary()
        && summary.test.is_some()
    {
        return Err(TrainError::Mismatch(format!(
            "{} holds a finished, tested run ({}); there is nothing to resume",
            run.root().display(),
            summary.stop_reason
        )));
    }
    if !run.checkpoint_path().is_file() && staging::sealed_epoch(run).is_none() {
        return Err(TrainError::NotEnoughData(format!(
            "{} has no checkpoint yet (cut before its first validation); train it afresh",
            run.root().display()
        )));
    }
    Ok(())
}

/// The resume point of a `metrics.jsonl` text and the byte length of the prefix to keep (up
/// to and including the best epoch's line). An error names the damaged line.
pub fn read_resume_point(text: &str) -> Result<(ResumePoint, usize), String> {
    let mut point = ResumePoint::default();
    let mut epochs: Vec<(EpochLine, usize, usize)> = Vec::new(); // (line, global step, end byte)
    let mut global_step = 0;
    let mut resumes = Vec::new();
    let mut end = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (index, line) in lines.iter().enumerate() {
        end += line.len();
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(_) if index + 1 == lines.len() => break,
            Err(e) => return Err(format!("line {}: {e}", index + 1)),
        };
        match record.get("kind").and_then(serde_json::Value::as_str) {
            Some("step") => {
                if let Some(step) = record.get("global_step").and_then(|s| s.as_u64()) {
                    global_step = step as usize;
                }
            }
            Some("epoch") => {
                let epoch: EpochLine = serde_json::from_value(record)
                    .map_err(|e| format!("line {}: an epoch record without {e}", index + 1))?;
                epochs.push((epoch, global_step, end));
            }
            Some(RESUME_KIND) => {
                let from = record.get("from_epoch").and_then(|s| s.as_u64());
                resumes.push((from.unwrap_or(0) as usize, end));
            }
            _ => {}
        }
    }
    // The best epoch, by the loop's own rule.
    let mut best: Option<&(EpochLine, usize, usize)> = None;
    for entry in &epochs {
        if improves_on(entry.0.valid.ndcg_10, best.map(|b| b.0.valid.ndcg_10)) {
            best = Some(entry);
        }
    }
    let Some((line, steps, keep)) = best else {
        return Ok((point, 0));
    };
    point.best_epoch = line.epoch;
    point.best_valid = line.valid.clone();
    point.global_step = *steps;
    point.elapsed_seconds = line.time;
    point.epoch_seconds = epochs
        .iter()
        .filter(|(e, _, _)| e.epoch <= line.epoch)
        .map(|(e, _, _)| e.epoch_seconds)
        .collect();
    point.discarded_epochs = epochs
        .iter()
        .filter(|(e, _, _)| e.epoch > line.epoch)
        .count();
    // Earlier resumes inside the kept log, then this one.
    point.resumed_after = resumes
        .iter()
        .filter(|&&(_, at)| at <= *keep)
        .map(|&(from, _)| from)
        .chain([line.epoch])
        .collect();
    Ok((point, *keep))
}

/// The `metrics.jsonl` record of a resume.
pub fn resume_record(point: &ResumePoint) -> serde_json::Value {
    serde_json::json!({
        "kind": RESUME_KIND,
        "from_epoch": point.best_epoch,
        "discarded_epochs": point.discarded_epochs,
        "time": point.elapsed_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch(epoch: usize, ndcg: f64, time: f64) -> String {
        format!(
            r#"{{"kind":"epoch","epoch":{epoch},"time":{time},"epoch_seconds":1.5,"eval_seconds":0.5,"improved":true,"best_epoch":{epoch},"valid":{{"hr@10":0.2,"ndcg@10":{ndcg},"hr@20":0.3,"ndcg@20":0.12,"mrr":0.08,"mrr@10":0.07,"users":10}}}}"#
        ) + "\n"
    }

    fn step(epoch: usize, global: usize) -> String {
        format!(r#"{{"kind":"step","epoch":{epoch},"step":1,"global_step":{global},"loss":2.0}}"#)
            + "\n"
    }

    #[test]
    fn resumes_after_the_best_epoch_and_cuts_what_followed() {
        let text = [
            step(1, 3),
            epoch(1, 0.10, 2.0),
            step(2, 6),
            epoch(2, 0.15, 4.0),
            step(3, 9),
            epoch(3, 0.12, 6.0),
            step(4, 12),
            "{\"kind\":\"step\",\"epo".to_string(), // cut mid-write
        ]
        .concat();
        let (point, keep) = read_resume_point(&text).expect("readable");
        assert_eq!(point.best_epoch, 2);
        assert_eq!(point.global_step, 6);
        assert_eq!(point.epoch_seconds, vec![1.5, 1.5]);
        assert_eq!(point.elapsed_seconds, 4.0);
        assert_eq!(point.discarded_epochs, 1);
        assert_eq!(point.resumed_after, vec![2]);
        assert!((point.best_valid.ndcg_10 - 0.15).abs() < 1e-12);
        let kept = &text[..keep];
        assert!(kept.ends_with(&epoch(2, 0.15, 4.0)), "{kept}");
    }

    #[test]
    fn earlier_resumes_are_remembered_and_a_damaged_middle_line_is_named() {
        let record = resume_record(&ResumePoint {
            best_epoch: 1,
            ..ResumePoint::default()
        });
        let text = [
            epoch(1, 0.10, 2.0),
            record.to_string() + "\n",
            epoch(2, 0.11, 4.0),
        ]
        .concat();
        let (point, _) = read_resume_point(&text).expect("readable");
        assert_eq!(point.resumed_after, vec![1, 2]);

        // Resumed from epoch 1 and cut again before beating it: the log is cut back to epoch
        // 1 once more, and with it the first resume record.
        let again = [
            epoch(1, 0.10, 2.0),
            record.to_string() + "\n",
            epoch(2, 0.05, 4.0),
        ]
        .concat();
        let (point, keep) = read_resume_point(&again).expect("readable");
        assert_eq!(
            (point.resumed_after, keep),
            (vec![1], epoch(1, 0.10, 2.0).len())
        );

        let damaged = [
            epoch(1, 0.10, 2.0),
            "not json\n".into(),
            epoch(2, 0.11, 4.0),
        ]
        .concat();
        let message = read_resume_point(&damaged).expect_err("damaged");
        assert!(message.starts_with("line 2:"), "{message}");
    }

    #[test]
    fn a_checkpoint_cut_while_saving_is_settled_by_the_log() {
        let log = [step(1, 3), epoch(1, 0.10, 2.0), step(2, 6)].concat();
        // Cut after epoch 2's checkpoint was staged and sealed, before its record: epoch 1's
        // files stay, epoch 2's are dropped.
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        std::fs::write(run.checkpoint_path(), "one").expect("model");
        std::fs::write(run.metrics_path(), &log).expect("log");
        let staged = staging::begin(&run).expect("stage");
        std::fs::write(staged.checkpoint_path(), "two").expect("model");
        staging::seal(&staged, 2).expect("seal");
        assert_eq!(prepare_resume(&run).expect("resumable").best_epoch, 1);
        assert_eq!(
            std::fs::read_to_string(run.checkpoint_path()).expect("model"),
            "one"
        );
        assert!(staging::sealed_epoch(&run).is_none());

        // Cut after epoch 1's record but before its files moved in (the first checkpoint, so
        // nothing is in the folder yet): they are moved in.
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        std::fs::write(run.metrics_path(), &log).expect("log");
        let staged = staging::begin(&run).expect("stage");
        std::fs::write(staged.checkpoint_path(), "one").expect("model");
        staging::seal(&staged, 1).expect("seal");
        check_resumable(&run).expect("a sealed checkpoint counts");
        assert_eq!(prepare_resume(&run).expect("resumable").best_epoch, 1);
        assert_eq!(
            std::fs::read_to_string(run.checkpoint_path()).expect("model"),
            "one"
        );
    }

    #[test]
    fn a_finished_or_unvalidated_run_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        let message = prepare_resume(&run).expect_err("no checkpoint").to_string();
        assert!(message.contains("no checkpoint"), "{message}");
        std::fs::write(run.checkpoint_path(), b"weights").expect("write");
        std::fs::write(run.metrics_path(), step(1, 1)).expect("write");
        let message = prepare_resume(&run).expect_err("no epoch").to_string();
        assert!(message.contains("no validated epoch"), "{message}");
    }
}
