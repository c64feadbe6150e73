//! How the window starts: data to open, where runs go, file choice, test and timing switches.

use std::path::PathBuf;

use crate::data::LoadOptions;
use std::sync::Arc;

use crate::ui::files::{FilePicker, SystemPicker};

/// How the window starts.
pub struct LaunchOptions {
    /// Data to open at start.
    pub data: Option<PathBuf>,
    /// Item metadata for that data (guessed from the folder when `None`).
    pub items: Option<PathBuf>,
    /// Where runs are written and compared.
    pub runs_dir: PathBuf,
    /// File choice (the system dialog, or scripted answers in tests).
    pub picker: Arc<dyn FilePicker>,
    /// Hide wall-clock figures and settle animations at once (tests, screenshots).
    pub deterministic: bool,
    /// Restore the layout and selections saved by the last session.
    pub restore_state: bool,
    /// Start training (with the saved settings, "Quick demo" by default) once the data is in.
    pub autotrain: bool,
    /// Close the window when that training ends.
    pub exit_after_training: bool,
    /// Print start-up and training timings to stderr.
    pub print_timings: bool,
    /// Close the window after this many frames with the data on screen (smoke tests).
    pub exit_after_frames: Option<u64>,
    /// When the program started (timings count from here).
    pub started_at: std::time::Instant,
    /// How to read `data`: format and column names (`sequda gui --user-col …`).
    pub load_options: LoadOptions,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            data: None,
            items: None,
            runs_dir: PathBuf::from("runs"),
            picker: Arc::new(SystemPicker),
            deterministic: false,
            restore_state: true,
            autotrain: false,
            exit_after_training: false,
            print_timings: false,
            exit_after_frames: None,
            started_at: std::time::Instant::now(),
            load_options: LoadOptions::default(),
        }
    }
}
