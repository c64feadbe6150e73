//! Saving a best checkpoint so that a crash at any moment leaves a run folder whose weights,
//! optimiser state and GAN files all belong to the epoch its `metrics.jsonl` calls best.
//!
//! A checkpoint is written whole into the staging folder `.checkpoint-next/`, sealed with a
//! marker naming its epoch, and only after that epoch's record is in the log are its files
//! moved into the run folder. A crash leaves either an unsealed staging folder (the log's best
//! epoch is still the previous one, whose files are all in place) or a sealed one whose epoch
//! the log already calls best (some files moved, the rest still staged). [`settle`], run
//! before a resume, removes the first and finishes moving the second.

use std::fs;
use std::path::{Path, PathBuf};

use super::folder::{RunDir, sync_folder, write_atomically};
use crate::train::TrainError;

/// The staging folder inside a run folder.
pub const STAGING_DIR: &str = ".checkpoint-next";
/// The seal inside the staging folder: the staged checkpoint's epoch, as text.
const SEAL_FILE: &str = "epoch";

/// The staging folder of `run`, as a run folder that a recipe saves its checkpoint files into.
fn staging(run: &RunDir) -> RunDir {
    RunDir::new(run.root().join(STAGING_DIR))
}

/// An empty staging folder in `run` (whatever an earlier crash left there is removed), for
/// the recipe to save the new best checkpoint into.
pub fn begin(run: &RunDir) -> Result<RunDir, TrainError> {
    let staged = staging(run);
    remove_folder(staged.root())?;
    fs::create_dir_all(staged.root()).map_err(|e| TrainError::file(staged.root(), e))?;
    Ok(staged)
}

/// Marks the checkpoint saved into `staged` (from [`begin`]) as complete for `epoch`. Call it
/// before the epoch's record goes into the log.
pub fn seal(staged: &RunDir, epoch: usize) -> Result<(), TrainError> {
    write_atomically(&staged.root().join(SEAL_FILE), epoch.to_string().as_bytes())
}

/// Moves the sealed checkpoint's files into the run folder, replacing the previous best, and
/// removes the staging folder. Call it after the epoch's record is in the log.
pub fn commit(run: &RunDir) -> Result<(), TrainError> {
    let staged = staging(run);
    for (name, path) in staged_files(staged.root())? {
        let target = run.root().join(name);
        fs::rename(&path, &target).map_err(|e| TrainError::file(&target, e))?;
    }
    // The seal goes last: while it is there, a resume knows the move is unfinished.
    remove_folder(staged.root())?;
    // The renames and the removal are made durable before the run goes on.
    sync_folder(run.root())
}

/// What [`settle`] found in a run folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// No staging folder: the run folder's files are its best checkpoint.
    Clean,
    /// A checkpoint the log never recorded as best (cut while saving it): removed.
    Discarded,
    /// The checkpoint of the log's best epoch, cut while moving in: moved in.
    Completed,
}

/// Brings `run` back to one consistent checkpoint, that of `best_epoch` (the log's best
/// epoch): a staging folder sealed for that epoch is moved in, any other is removed. The
/// caller must hold the folder's lock ([`RunDir::claim`]).
pub fn settle(run: &RunDir, best_epoch: usize) -> Result<Settled, TrainError> {
    let staged = staging(run);
    if !staged.root().exists() {
        return Ok(Settled::Clean);
    }
    if sealed_epoch(run) == Some(best_epoch) {
        commit(run)?;
        Ok(Settled::Completed)
    } else {
        remove_folder(staged.root())?;
        sync_folder(run.root())?;
        Ok(Settled::Discarded)
    }
}

/// The epoch a staging folder in `run` is sealed for, if there is a sealed one. Reads only.
pub fn sealed_epoch(run: &RunDir) -> Option<usize> {
    let seal = staging(run).root().join(SEAL_FILE);
    fs::read_to_string(seal).ok()?.trim().parse().ok()
}

/// The checkpoint file `name` (weights, optimiser state, a GAN file) of `logged_best` (the
/// log's best epoch) for a reader that must not change the folder (reopening a cut run to look
/// at it): the staged file while a staging folder sealed for that epoch still holds it (the run
/// was cut while moving its files in, or before moving its very first checkpoint), else the
/// run folder's own.
pub fn readable_file(run: &RunDir, name: &str, logged_best: Option<usize>) -> PathBuf {
    let staged = staging(run).root().join(name);
    match sealed_epoch(run) {
        Some(sealed) if Some(sealed) == logged_best && staged.is_file() => staged,
        _ => run.root().join(name),
    }
}

/// The staged checkpoint files (not the seal, nor a temporary file a crash left), by name.
fn staged_files(folder: &Path) -> Result<Vec<(String, PathBuf)>, TrainError> {
    let entries = fs::read_dir(folder).map_err(|e| TrainError::file(folder, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| TrainError::file(folder, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != SEAL_FILE && !name.ends_with(".tmp") {
            files.push((name, entry.path()));
        }
    }
    files.sort();
    Ok(files)
}

fn remove_folder(folder: &Path) -> Result<(), TrainError> {
    match fs::remove_dir_all(folder) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(TrainError::file(folder, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run folder whose best checkpoint is epoch 1's ("one" in each file).
    fn run_at_epoch_one() -> (tempfile::TempDir, RunDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        fs::write(run.checkpoint_path(), "one").expect("model");
        fs::write(run.optimizer_path(), "one").expect("optimiser");
        (dir, run)
    }

    /// Stages epoch 2's checkpoint ("two" in each file), sealed or not.
    fn stage_epoch_two(run: &RunDir, sealed: bool) {
        let staged = begin(run).expect("begin");
        fs::write(staged.checkpoint_path(), "two").expect("model");
        fs::write(staged.optimizer_path(), "two").expect("optimiser");
        if sealed {
            seal(&staged, 2).expect("seal");
        }
    }

    fn contents(run: &RunDir) -> (String, String) {
        let read = |path: PathBuf| fs::read_to_string(path).expect("file");
        (read(run.checkpoint_path()), read(run.optimizer_path()))
    }

    #[test]
    fn a_committed_checkpoint_replaces_the_previous_best_whole() {
        let (_dir, run) = run_at_epoch_one();
        stage_epoch_two(&run, true);
        assert_eq!(sealed_epoch(&run), Some(2));
        assert_eq!(contents(&run), ("one".into(), "one".into()), "staged only");
        commit(&run).expect("commit");
        assert_eq!(contents(&run), ("two".into(), "two".into()));
        assert!(!run.root().join(STAGING_DIR).exists());
        assert_eq!(settle(&run, 2).expect("settle"), Settled::Clean);
    }

    #[test]
    fn a_commit_syncs_the_run_folder_after_moving_in() {
        let (_dir, run) = run_at_epoch_one();
        stage_epoch_two(&run, true);
        let before = super::super::folder::folder_syncs();
        commit(&run).expect("commit");
        assert!(super::super::folder::folder_syncs() > before);
    }

    #[test]
    fn a_checkpoint_cut_before_its_epoch_was_logged_is_discarded() {
        for sealed in [false, true] {
            let (_dir, run) = run_at_epoch_one();
            stage_epoch_two(&run, sealed);
            // The log's best epoch is still 1: epoch 2's record never went in.
            assert_eq!(settle(&run, 1).expect("settle"), Settled::Discarded);
            assert_eq!(contents(&run), ("one".into(), "one".into()));
            assert!(!run.root().join(STAGING_DIR).exists());
        }
    }

    #[test]
    fn a_checkpoint_cut_while_moving_in_is_completed() {
        let (_dir, run) = run_at_epoch_one();
        stage_epoch_two(&run, true);
        // Cut after the weights moved in but before the optimiser state did.
        let staged = staging(&run);
        fs::rename(staged.checkpoint_path(), run.checkpoint_path()).expect("move");
        assert_eq!(
            contents(&run),
            ("two".into(), "one".into()),
            "a mixed folder"
        );
        assert_eq!(settle(&run, 2).expect("settle"), Settled::Completed);
        assert_eq!(contents(&run), ("two".into(), "two".into()));
        assert!(!run.root().join(STAGING_DIR).exists());
    }

    #[test]
    fn a_reader_loads_the_files_of_the_logged_best_epoch_without_moving_them() {
        use crate::train::run_folder::{CHECKPOINT_FILE, OPTIMIZER_FILE};
        let read = |path: PathBuf| fs::read_to_string(path).expect("file");
        let (_dir, run) = run_at_epoch_one();
        let weights = |best| read(readable_file(&run, CHECKPOINT_FILE, Some(best)));
        let optimiser = |best| read(readable_file(&run, OPTIMIZER_FILE, Some(best)));
        assert_eq!(weights(1), "one", "nothing staged");
        stage_epoch_two(&run, true);
        assert_eq!(weights(1), "one", "epoch 2 never logged");
        assert_eq!(weights(2), "two", "logged, not moved in");
        assert_eq!(sealed_epoch(&run), Some(2), "the reader moved nothing");
        fs::rename(staging(&run).checkpoint_path(), run.checkpoint_path()).expect("move");
        assert_eq!(weights(2), "two", "weights moved in");
        assert_eq!(
            optimiser(2),
            "two",
            "cut before the optimiser state moved in"
        );
        assert_eq!(
            read(run.optimizer_path()),
            "one",
            "the run folder's own is the old one"
        );
    }
}
