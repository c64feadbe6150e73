//! Clearing a folder for a new run: what an earlier run left there goes first, so a new run
//! that is cut off can never be mistaken for the earlier one (its summary read as the new
//! run's, its checkpoint evaluated, or the folder refused by `resume` as finished).

use std::fs;
use std::path::Path;

use super::folder::{
    CHECKPOINT_FILE, DISCRIMINATOR_FILE, DISCRIMINATOR_OPTIMIZER_FILE, GENERATOR_FILE,
    GENERATOR_OPTIMIZER_FILE, ITEM_ROWS_OPTIMIZER_FILE, OPTIMIZER_FILE, RunDir, SUMMARY_FILE,
    sync_folder,
};
use super::ranks::TEST_RANKS_FILE;
use super::staging::STAGING_DIR;
use crate::train::TrainError;

/// Removes an earlier run's results and checkpoint from `run`: `summary.json` first (so a
/// folder cut while clearing never reads as finished), `test_ranks.json`, `model.bpk`,
/// `optimizer.bpk`, `optimizer_item_rows.bpk`, the GAN files (`gan_*.bpk`) and a staging folder. `config.toml` and
/// `metrics.jsonl` are written afresh by the new run; any other file (the user's own) stays.
/// The caller must hold the folder's lock ([`RunDir::claim`]).
pub fn clear_earlier_run(run: &RunDir) -> Result<(), TrainError> {
    let named = [
        SUMMARY_FILE,
        TEST_RANKS_FILE,
        CHECKPOINT_FILE,
        OPTIMIZER_FILE,
        ITEM_ROWS_OPTIMIZER_FILE,
        GENERATOR_FILE,
        DISCRIMINATOR_FILE,
        GENERATOR_OPTIMIZER_FILE,
        DISCRIMINATOR_OPTIMIZER_FILE,
    ];
    for name in named {
        remove(&run.root().join(name), false)?;
    }
    // GAN files of an older layout, by their pattern.
    let entries = fs::read_dir(run.root()).map_err(|e| TrainError::file(run.root(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| TrainError::file(run.root(), e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("gan_") && name.ends_with(".bpk") {
            remove(&entry.path(), false)?;
        }
    }
    remove(&run.root().join(STAGING_DIR), true)?;
    sync_folder(run.root())
}

/// Removes the file (or, with `folder`, the folder) `path`; one that is not there is fine.
fn remove(path: &Path, folder: bool) -> Result<(), TrainError> {
    let removed = if folder {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(TrainError::file(path, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_runs_files_go_and_the_users_own_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        let staged = run.root().join(STAGING_DIR);
        fs::create_dir_all(&staged).expect("staging folder");
        fs::write(staged.join("epoch"), "2").expect("seal");
        let earlier = [
            SUMMARY_FILE,
            TEST_RANKS_FILE,
            CHECKPOINT_FILE,
            OPTIMIZER_FILE,
            ITEM_ROWS_OPTIMIZER_FILE,
            GENERATOR_FILE,
            "gan_old_layout.bpk",
        ];
        for name in earlier.into_iter().chain(["notes.txt", "config.toml"]) {
            fs::write(run.root().join(name), "earlier").expect("file");
        }
        clear_earlier_run(&run).expect("cleared");
        for name in earlier {
            assert!(!run.root().join(name).exists(), "{name} stayed");
        }
        assert!(!staged.exists());
        assert!(run.root().join("notes.txt").is_file());
        assert!(run.root().join("config.toml").is_file());
        clear_earlier_run(&run).expect("nothing left to clear is fine");
    }
}
