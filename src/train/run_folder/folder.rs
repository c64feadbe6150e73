//! A run folder: `config.toml`, `metrics.jsonl`, `model.bpk` (best checkpoint),
//! `optimizer.bpk` (the optimiser's state at that checkpoint; `optimizer_item_rows.bpk` beside it
//! when the item table trains row by row), `summary.json`, and while a new
//! best checkpoint is being saved, `.checkpoint-next/` ([`super::staging`]).
//! The window and the CLI read and write the same files.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::metrics_log::MetricsWriter;
use super::summary::RunSummary;
use crate::settings::RunConfig;
use crate::train::TrainError;

/// File names inside a run folder.
pub const CONFIG_FILE: &str = "config.toml";
/// One JSON object per logged step or epoch.
pub const METRICS_FILE: &str = "metrics.jsonl";
/// The best-validation checkpoint (burnpack).
pub const CHECKPOINT_FILE: &str = "model.bpk";
/// The optimiser's state (Adam moments and step counts) saved with the best checkpoint.
pub const OPTIMIZER_FILE: &str = "optimizer.bpk";
/// The item table's row-by-row Adam state, for runs that train the table one step's rows at a
/// time (the sampled loss).
pub const ITEM_ROWS_OPTIMIZER_FILE: &str = "optimizer_item_rows.bpk";
/// The final result.
pub const SUMMARY_FILE: &str = "summary.json";
/// File names of the GAN checkpoints next to `model.bpk`.
pub const GENERATOR_FILE: &str = "gan_generator.bpk";
/// See [`GENERATOR_FILE`].
pub const DISCRIMINATOR_FILE: &str = "gan_discriminator.bpk";
/// The GAN optimisers' state saved with them (for resuming).
pub const GENERATOR_OPTIMIZER_FILE: &str = "gan_generator_optimizer.bpk";
/// See [`GENERATOR_OPTIMIZER_FILE`].
pub const DISCRIMINATOR_OPTIMIZER_FILE: &str = "gan_discriminator_optimizer.bpk";

/// Held locked by the run writing the folder; the file stays afterwards and means nothing by
/// itself ([`RunDir::claim`]).
pub const LOCK_FILE: &str = ".lock";

/// Paths of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunDir {
    root: PathBuf,
}

impl RunDir {
    /// A run folder at `root` (not created yet).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }

    /// `metrics.jsonl`.
    pub fn metrics_path(&self) -> PathBuf {
        self.root.join(METRICS_FILE)
    }

    /// `model.bpk`.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.root.join(CHECKPOINT_FILE)
    }

    /// `optimizer.bpk`.
    pub fn optimizer_path(&self) -> PathBuf {
        self.root.join(OPTIMIZER_FILE)
    }

    /// `optimizer_item_rows.bpk`.
    pub fn item_rows_optimizer_path(&self) -> PathBuf {
        self.root.join(ITEM_ROWS_OPTIMIZER_FILE)
    }

    /// `summary.json`.
    pub fn summary_path(&self) -> PathBuf {
        self.root.join(SUMMARY_FILE)
    }

    /// Creates the folder (and parents).
    pub fn create(&self) -> Result<(), TrainError> {
        fs::create_dir_all(&self.root).map_err(|e| TrainError::file(&self.root, e))
    }

    /// Claims the folder for one training run: an operating-system lock on its `.lock` file,
    /// held until the returned guard is dropped and released by the system when the process
    /// ends in any way (killed with SIGKILL, crashed, the machine restarted). The `.lock` file
    /// itself is an empty marker that stays in the folder after every run, finished or cut: it
    /// is never removed (removing it could let two runs lock two different files), and only
    /// the lock on it counts, never its presence. So one left by a killed process blocks
    /// nothing: `train --overwrite`, `resume` and `experiment` claim the folder as if it were
    /// not there (tests/cli_resume.rs). A second run (another window, another `sequda`
    /// process) aiming at a folder that is held gets [`TrainError::RunFolderInUse`] instead of
    /// interleaving its files with the first one's.
    pub fn claim(&self) -> Result<RunLock, TrainError> {
        let path = self.root.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| TrainError::file(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(RunLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(TrainError::RunFolderInUse(self.root.clone())),
            Err(TryLockError::Error(e)) => Err(TrainError::file(&path, e)),
        }
    }

    /// Whether a training run (in this process or another) holds the folder's lock now.
    /// Reads only: a folder without a lock file is not in use.
    pub fn in_use(&self) -> bool {
        let Ok(file) = OpenOptions::new()
            .write(true)
            .open(self.root.join(LOCK_FILE))
        else {
            return false;
        };
        matches!(file.try_lock(), Err(TryLockError::WouldBlock))
    }

    /// Writes `config.toml` atomically.
    pub fn write_config(&self, config: &RunConfig) -> Result<(), TrainError> {
        let text = toml::to_string(config).map_err(|e| TrainError::file(self.config_path(), e))?;
        write_atomically(&self.config_path(), text.as_bytes())
    }

    /// Reads `config.toml`.
    pub fn read_config(&self) -> Result<RunConfig, TrainError> {
        let path = self.config_path();
        let text = fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound if !self.root.is_dir() => {
                TrainError::file(&self.root, "no such run folder")
            }
            std::io::ErrorKind::NotFound => TrainError::file(
                &self.root,
                "not a run folder (it has no config.toml; a run folder is what `sequda train` \
                 or the window's Train writes)",
            ),
            _ => TrainError::file(&path, e),
        })?;
        toml::from_str(&text).map_err(|e| TrainError::file(&path, e))
    }

    /// Writes `summary.json` atomically.
    pub fn write_summary(&self, summary: &RunSummary) -> Result<(), TrainError> {
        let text = serde_json::to_string_pretty(summary)
            .map_err(|e| TrainError::file(self.summary_path(), e))?;
        write_atomically(&self.summary_path(), text.as_bytes())
    }

    /// Reads `summary.json`.
    pub fn read_summary(&self) -> Result<RunSummary, TrainError> {
        let path = self.summary_path();
        let text = fs::read_to_string(&path).map_err(|e| TrainError::file(&path, e))?;
        serde_json::from_str(&text).map_err(|e| TrainError::file(&path, e))
    }

    /// Opens `metrics.jsonl` for appending, starting it afresh.
    pub fn metrics_writer(&self) -> Result<MetricsWriter, TrainError> {
        self.open_metrics(false)
    }

    /// Opens `metrics.jsonl` to add records after the ones it holds (a resumed run).
    pub fn metrics_appender(&self) -> Result<MetricsWriter, TrainError> {
        self.open_metrics(true)
    }

    fn open_metrics(&self, append: bool) -> Result<MetricsWriter, TrainError> {
        MetricsWriter::open(self.metrics_path(), append)
    }
}

/// A training run's hold on its folder (see [`RunDir::claim`]); released on drop.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees a half-written file and a crash keeps the previous version; the file is
/// synced before the rename and its folder after it, so a power cut keeps one version whole.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), TrainError> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let result = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        TrainError::file(path, e)
    })?;
    sync_folder(path.parent().unwrap_or(Path::new(".")))
}

/// Makes the renames and removals in `folder` durable: syncs the folder itself, so a power
/// cut after a rename cannot bring back the old file. Where the system cannot open a folder
/// for syncing (Windows) this does nothing.
pub(super) fn sync_folder(folder: &Path) -> Result<(), TrainError> {
    #[cfg(test)]
    FOLDER_SYNCS.with(|count| count.set(count.get() + 1));
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    if cfg!(unix) {
        File::open(folder)
            .and_then(|opened| opened.sync_all())
            .map_err(|e| TrainError::file(folder, e))?;
    }
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Folder syncs on this thread, for the tests that check a rename is made durable.
    static FOLDER_SYNCS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Folder syncs so far on this thread ([`sync_folder`]).
#[cfg(test)]
pub(super) fn folder_syncs() -> usize {
    FOLDER_SYNCS.with(std::cell::Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_syncs_its_folder_after_the_rename() {
        let dir = tempfile::tempdir().expect("tempdir");
        let before = folder_syncs();
        write_atomically(&dir.path().join("x.json"), b"one").expect("write");
        assert_eq!(folder_syncs(), before + 1);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.json");
        write_atomically(&path, b"one").expect("first");
        write_atomically(&path, b"two").expect("second");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn atomic_write_into_a_missing_folder_names_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing").join("x.json");
        let message = write_atomically(&path, b"x").unwrap_err().to_string();
        assert!(message.contains("x.json"), "{message}");
    }

    #[test]
    fn a_claimed_folder_refuses_a_second_run_until_released() {
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        let held = run.claim().expect("first claim");
        let refused = run.claim().expect_err("second claim while held");
        assert!(
            matches!(refused, TrainError::RunFolderInUse(_)),
            "{refused}"
        );
        assert!(refused.to_string().contains("another training run"));
        drop(held);
        run.claim().expect("claim after release");
    }

    #[test]
    fn metrics_are_one_object_per_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        let mut writer = run.metrics_writer().expect("open");
        writer
            .append(&serde_json::json!({"kind": "step", "loss": 1.5}))
            .expect("append");
        writer
            .append(&serde_json::json!({"kind": "epoch"}))
            .expect("append");
        let text = fs::read_to_string(run.metrics_path()).expect("read");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["loss"], 1.5);
    }
}
