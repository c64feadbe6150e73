//! File choice behind a trait, so tests and headless runs never open a dialog.
//!
//! Requests are answered on a channel: the real picker runs the system dialog (rfd, through
//! the XDG desktop portal on Linux) on its own thread, so the window keeps drawing while the
//! dialog is open, and without a desktop the dialog simply answers "nothing chosen".

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};

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

/// Answers file requests without blocking the caller.
pub trait FilePicker: Send + Sync {
    /// Starts a request; the answer (`None` = cancelled) arrives on the receiver.
    fn request(&self, request: FileRequest) -> Receiver<Option<PathBuf>>;
}

/// The system file dialog (rfd), run on a helper thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemPicker;

impl FilePicker for SystemPicker {
    fn request(&self, request: FileRequest) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let spawned = std::thread::Builder::new()
            .name("sequda-file-dialog".into())
            .spawn(move || {
                let dialog = rfd::FileDialog::new();
                let choice = match request {
                    FileRequest::OpenData => dialog
                        .set_title("Open a behaviour log")
                        .add_filter("Interaction logs", &["csv", "tsv", "txt", "dat", "data"])
                        .add_filter("Any file", &["*"])
                        .pick_file(),
                    FileRequest::OpenItems => dialog
                        .set_title("Open item titles and categories")
                        .add_filter("Item metadata", &["csv", "tsv", "txt", "dat", "item"])
                        .add_filter("Any file", &["*"])
                        .pick_file(),
                    FileRequest::RunsFolder => {
                        dialog.set_title("Choose the runs folder").pick_folder()
                    }
                    FileRequest::Save { default_name } => dialog
                        .set_title("Save as")
                        .set_file_name(default_name)
                        .save_file(),
                };
                let _ = sender.send(choice);
            });
        if let Err(error) = spawned {
            tracing::warn!("cannot open a file dialog: {error}");
        }
        receiver
    }
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
}

impl FilePicker for ScriptedPicker {
    fn request(&self, request: FileRequest) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
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
        let _ = sender.send(answer);
        receiver
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_answers_arrive_at_once() {
        let picker = ScriptedPicker {
            data: Some("d.csv".into()),
            save_dir: Some("/tmp/out".into()),
            ..ScriptedPicker::default()
        };
        let open = picker.request(FileRequest::OpenData);
        assert_eq!(open.try_recv().ok(), Some(Some(PathBuf::from("d.csv"))));
        let save = picker.request(FileRequest::Save {
            default_name: "a.csv".into(),
        });
        assert_eq!(
            save.try_recv().ok(),
            Some(Some(PathBuf::from("/tmp/out/a.csv")))
        );
        let cancelled = picker.request(FileRequest::RunsFolder);
        assert_eq!(cancelled.try_recv().ok(), Some(None));
        assert_eq!(picker.log.lock().map(|l| l.len()).unwrap_or(0), 3);
    }
}
