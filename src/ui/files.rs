//! File choice behind a trait, so tests and headless runs never open a dialog.
//!
//! A picker answers as the dialog closes; [`ask`] runs it on one of the studio's background
//! tasks, so the window keeps drawing while the system dialog (rfd, through the XDG desktop
//! portal on Linux) is open, and without a desktop the dialog simply answers "nothing chosen".

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::studio::{BackgroundTasks, Task};

/// What to ask the user for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRequest {
    /// An interaction log to open.
    OpenData,
    /// An item metadata file to open.
    OpenItems,
    /// A folder of runs.
    RunsFolder,
    /// Where to save a file; `default_name` includes the extension.
    Save {
        /// Suggested file name, e.g. `audience.csv`.
        default_name: String,
    },
}

/// Answers file requests (on a background task: see [`ask`]).
pub trait FilePicker: Send + Sync {
    /// Asks and waits for the answer (`None` = cancelled).
    fn pick(&self, request: FileRequest) -> Option<PathBuf>;

    /// Whether a dialog can be shown at all; without one, saves go to a fallback folder and
    /// say so (see `ui::exports`).
    fn has_dialog(&self) -> bool {
        true
    }
}

/// Asks `picker` on one of `tasks`; the answer arrives in the returned task. `None` when no
/// task could start (the request counts as cancelled).
pub fn ask(
    tasks: &mut BackgroundTasks,
    picker: &Arc<dyn FilePicker>,
    request: FileRequest,
) -> Option<Task<Option<PathBuf>>> {
    let picker = Arc::clone(picker);
    match tasks.spawn("file-dialog", move || picker.pick(request)) {
        Ok(task) => Some(task),
        Err(error) => {
            tracing::warn!("cannot open a file dialog: {error}");
            None
        }
    }
}

/// The system file dialog (rfd).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemPicker;

impl FilePicker for SystemPicker {
    fn has_dialog(&self) -> bool {
        static AVAILABLE: OnceLock<bool> = OnceLock::new();
        *AVAILABLE.get_or_init(system_dialog_available)
    }

    fn pick(&self, request: FileRequest) -> Option<PathBuf> {
        let dialog = rfd::FileDialog::new();
        match request {
            FileRequest::OpenData => dialog
                .set_title("Open a behaviour log")
                .add_filter(
                    "Interaction logs",
                    &[
                        "csv", "tsv", "txt", "dat", "data", "parquet", "pq", "gz", "zst",
                    ],
                )
                .add_filter("Any file", &["*"])
                .pick_file(),
            FileRequest::OpenItems => dialog
                .set_title("Open item titles and categories")
                .add_filter(
                    "Item metadata",
                    &["csv", "tsv", "txt", "dat", "item", "gz", "zst"],
                )
                .add_filter("Any file", &["*"])
                .pick_file(),
            FileRequest::RunsFolder => dialog.set_title("Choose the runs folder").pick_folder(),
            FileRequest::Save { default_name } => dialog
                .set_title("Save as")
                .set_file_name(default_name)
                .save_file(),
        }
    }
}

/// Whether rfd can show a dialog here. On Linux and the BSDs it asks the XDG desktop portal
/// over the session bus, else runs `zenity`; with neither it fails (on stderr only) and answers
/// "nothing chosen". Elsewhere the system always has one.
fn system_dialog_available() -> bool {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return true;
    }
    let on_path = |program: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
    };
    let data_dirs =
        std::env::var("XDG_DATA_DIRS").unwrap_or_else(|_| "/usr/local/share:/usr/share".into());
    let portal_installed = data_dirs.split(':').any(|dir| {
        std::path::Path::new(dir)
            .join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .is_file()
    });
    let session_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    (session_bus && portal_installed) || on_path("zenity")
}

/// A picker with answers given in advance (tests, benchmarks, scripted demos): opens answer
/// with the configured paths, saves go into `save_dir` under the suggested name.
#[derive(Debug, Default)]
pub struct ScriptedPicker {
    /// Answer to [`FileRequest::OpenData`].
    pub data: Option<PathBuf>,
    /// Answer to [`FileRequest::OpenItems`].
    pub items: Option<PathBuf>,
    /// Answer to [`FileRequest::RunsFolder`].
    pub runs: Option<PathBuf>,
    /// Folder for [`FileRequest::Save`] (no folder = cancelled).
    pub save_dir: Option<PathBuf>,
    /// Every request seen, oldest first.
    pub log: Mutex<Vec<FileRequest>>,
    /// Acts as a system without a file dialog (no portal, no zenity).
    pub no_dialog: bool,
}

impl FilePicker for ScriptedPicker {
    fn has_dialog(&self) -> bool {
        !self.no_dialog
    }

    fn pick(&self, request: FileRequest) -> Option<PathBuf> {
        let answer = match &request {
            FileRequest::OpenData => self.data.clone(),
            FileRequest::OpenItems => self.items.clone(),
            FileRequest::RunsFolder => self.runs.clone(),
            FileRequest::Save { default_name } => {
                self.save_dir.as_ref().map(|dir| dir.join(default_name))
            }
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(request);
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_answers_come_from_the_script() {
        let picker = ScriptedPicker {
            data: Some("d.csv".into()),
            save_dir: Some("/tmp/out".into()),
            ..ScriptedPicker::default()
        };
        assert_eq!(
            picker.pick(FileRequest::OpenData),
            Some(PathBuf::from("d.csv"))
        );
        let save = picker.pick(FileRequest::Save {
            default_name: "a.csv".into(),
        });
        assert_eq!(save, Some(PathBuf::from("/tmp/out/a.csv")));
        assert_eq!(picker.pick(FileRequest::RunsFolder), None);
        assert_eq!(picker.log.lock().map(|l| l.len()).unwrap_or(0), 3);
    }
}
