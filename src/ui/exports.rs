//! "Save PNG" and "Export CSV" for every chart: ask where (through the injected file picker),
//! then write on a background task. PNGs are a screenshot of the window cropped to the chart.
//! Every write says where it saved; where the system has no file dialog, saves go to an
//! `exports` folder beside the runs folder ([`fallback_dir`]) and say so.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{Id, Rect, Ui};

use super::files::{FilePicker, FileRequest, ask};
use super::notifications::Notifications;
use crate::analysis::csv::CsvTable;
use crate::analysis::png::write_png;
use crate::analysis::report::{ReportRequest, write_report};
use crate::studio::{BackgroundTasks, Task};

/// A save waiting for its path.
enum Waiting {
    Csv(CsvTable),
    Png(Rect),
    Report(Box<ReportRequest>),
}

/// A finished (or failed) write.
type Written = Result<PathBuf, String>;

/// A screenshot that arrived for a chart.
struct Shot {
    image: Arc<egui::ColorImage>,
    rect: Rect,
    pixels_per_point: f32,
    path: PathBuf,
}

/// Export requests in flight.
pub struct Exports {
    picker: Arc<dyn FilePicker>,
    /// Saves asked for this frame (with their suggested file names), before their dialogs.
    queued: Vec<(Waiting, String)>,
    waiting: Vec<(Waiting, Task<Option<PathBuf>>)>,
    shots: (Sender<Shot>, Receiver<Shot>),
    writing: Vec<Task<Written>>,
    /// Files written so far, oldest first.
    pub files: Vec<PathBuf>,
    /// Paths chosen for want of a file dialog (told apart in the message).
    fallbacks: Vec<PathBuf>,
}

/// Where saves go when the system has no file dialog: `exports` beside the runs folder.
pub fn fallback_dir(runs_dir: &Path) -> PathBuf {
    match runs_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("exports"),
        _ => PathBuf::from("exports"),
    }
}

/// `dir/name`, or `dir/stem-2.ext` (and on) when that file exists.
fn free_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{extension}")))
        .find(|path| !path.exists())
        .unwrap_or(first)
}

impl Exports {
    /// Exports through `picker`.
    pub fn new(picker: Arc<dyn FilePicker>) -> Self {
        Self {
            picker,
            queued: Vec::new(),
            waiting: Vec::new(),
            shots: channel(),
            writing: Vec::new(),
            files: Vec::new(),
            fallbacks: Vec::new(),
        }
    }

    /// The picker (for open requests).
    pub fn picker(&self) -> &dyn FilePicker {
        self.picker.as_ref()
    }

    /// Asks where to save `table` as `default_name` and writes it.
    pub fn export_csv(&mut self, default_name: &str, table: CsvTable) {
        self.queued
            .push((Waiting::Csv(table), default_name.to_owned()));
    }

    /// Asks where to save a picture of the window region `rect` and writes it.
    pub fn save_png(&mut self, default_name: &str, rect: Rect) {
        self.queued
            .push((Waiting::Png(rect), default_name.to_owned()));
    }

    /// Asks where to save the HTML report of `request` as `default_name` and writes it (the
    /// model is reopened on a background task: seconds on a large run).
    pub fn export_report(&mut self, default_name: &str, request: ReportRequest) {
        self.queued
            .push((Waiting::Report(Box::new(request)), default_name.to_owned()));
    }

    /// Whether anything is still in flight.
    pub fn busy(&self) -> bool {
        !self.queued.is_empty() || !self.waiting.is_empty()
    }

    /// Opens the file dialogs of the saves asked for this frame, on `tasks`; without a file
    /// dialog on this system, picks a free name in `fallback` (see [`fallback_dir`]) instead.
    /// Call once per frame after the panes are drawn.
    pub fn ask(&mut self, tasks: &mut BackgroundTasks, fallback: &Path) {
        for (what, default_name) in std::mem::take(&mut self.queued) {
            let task = if self.picker.has_dialog() {
                ask(tasks, &self.picker, FileRequest::Save { default_name })
            } else {
                let path = free_path(fallback, &default_name);
                self.fallbacks.push(path.clone());
                let dir = fallback.to_path_buf();
                match tasks.spawn("file-dialog", move || {
                    std::fs::create_dir_all(&dir).ok().map(|()| path)
                }) {
                    Ok(task) => Some(task),
                    Err(error) => {
                        tracing::error!("{error}");
                        None
                    }
                }
            };
            if let Some(task) = task {
                self.waiting.push((what, task));
            }
        }
    }

    /// What to tell people about a file written to `path`.
    fn saved_text(&mut self, path: &Path) -> String {
        let before = self.fallbacks.len();
        self.fallbacks.retain(|p| p != path);
        if self.fallbacks.len() < before {
            format!(
                "No file dialog on this system, so it was saved beside the runs: {}",
                path.display()
            )
        } else {
            format!("Saved {}", path.display())
        }
    }

    /// Moves requests along; call once per frame.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        tasks: &mut BackgroundTasks,
        notes: &mut Notifications,
    ) {
        let mut still_waiting = Vec::new();
        for (what, reply) in std::mem::take(&mut self.waiting) {
            match reply.poll() {
                Some(Ok(Some(path))) => self.start(what, path, ctx, tasks),
                Some(Ok(None)) if !self.picker.has_dialog() => notes.error(
                    "No file dialog on this system, and the folder beside the runs cannot be made: nothing saved",
                ),
                Some(Ok(None)) => {}
                Some(Err(error)) => notes.error(format!("Cannot save: {error}")),
                None => still_waiting.push((what, reply)),
            }
        }
        self.waiting = still_waiting;
        while let Ok(shot) = self.shots.1.try_recv() {
            self.write(tasks, move || {
                let cropped = shot.image.region(&shot.rect, Some(shot.pixels_per_point));
                let rgba: Vec<u8> = cropped
                    .pixels
                    .iter()
                    .flat_map(|c| c.to_srgba_unmultiplied())
                    .collect();
                write_png(&shot.path, cropped.size[0], cropped.size[1], &rgba)
                    .map(|()| shot.path.clone())
                    .map_err(|e| format!("cannot write {}: {e}", shot.path.display()))
            });
        }
        for task in std::mem::take(&mut self.writing) {
            match task.poll() {
                Some(Ok(Ok(path))) => {
                    let text = self.saved_text(&path);
                    notes.info(text);
                    self.files.push(path);
                }
                Some(Ok(Err(message))) => notes.error(message),
                Some(Err(_)) => {}
                None => self.writing.push(task),
            }
        }
        if self.busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn start(
        &mut self,
        what: Waiting,
        path: PathBuf,
        ctx: &egui::Context,
        tasks: &mut BackgroundTasks,
    ) {
        match what {
            Waiting::Csv(table) => self.write(tasks, move || {
                table
                    .write_to(&path)
                    .map(|()| path.clone())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            }),
            Waiting::Report(request) => self.write(tasks, move || {
                write_report(&request, &path)
                    .map(|written| written.path)
                    .map_err(|e| e.to_string())
            }),
            Waiting::Png(rect) => {
                let sender = self.shots.0.clone();
                let pixels_per_point = ctx.pixels_per_point();
                let repaint = ctx.clone();
                ctx.request_screenshot(move |image| {
                    let _ = sender.send(Shot {
                        image,
                        rect,
                        pixels_per_point,
                        path,
                    });
                    repaint.request_repaint();
                });
            }
        }
    }

    /// Runs `job` on one of `tasks`; its result is collected by [`Exports::poll`].
    fn write(
        &mut self,
        tasks: &mut BackgroundTasks,
        job: impl FnOnce() -> Written + Send + 'static,
    ) {
        match tasks.spawn("export", job) {
            Ok(task) => self.writing.push(task),
            Err(error) => tracing::error!("{error}"),
        }
    }
}

/// The "Save PNG" and "Export CSV" buttons of a chart called `name` (used in the labels and
/// file names). The chart's rect from the previous frame is read from memory (see
/// [`remember_chart_rect`]); `table` builds the CSV only when asked.
pub fn chart_buttons(
    ui: &mut Ui,
    exports: &mut Exports,
    chart: Id,
    name: &str,
    table: impl FnOnce() -> CsvTable,
) {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let rect = ui.data(|d| d.get_temp::<Rect>(chart));
    let png = ui
        .add_enabled(
            rect.is_some(),
            egui::Button::new(format!("Save {name} PNG")),
        )
        .on_hover_text(format!("Save a picture of the {name} chart as a PNG file"));
    if png.clicked()
        && let Some(rect) = rect
    {
        exports.save_png(&format!("{slug}.png"), rect);
    }
    if ui
        .button(format!("Export {name} CSV"))
        .on_hover_text(format!(
            "Save the numbers behind the {name} chart as a CSV file (opens safely in spreadsheets)"
        ))
        .clicked()
    {
        exports.export_csv(&format!("{slug}.csv"), table());
    }
}

/// Stores a chart's screen rect for its buttons (next frame).
pub fn remember_chart_rect(ui: &Ui, chart: Id, rect: Rect) {
    ui.data_mut(|d| d.insert_temp(chart, rect));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_without_a_dialog_go_beside_the_runs_under_a_free_name() {
        assert_eq!(
            fallback_dir(Path::new("/data/runs")),
            PathBuf::from("/data/exports")
        );
        assert_eq!(fallback_dir(Path::new("runs")), PathBuf::from("exports"));
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(free_path(dir.path(), "a.csv"), dir.path().join("a.csv"));
        std::fs::write(dir.path().join("a.csv"), "x").expect("write");
        assert_eq!(free_path(dir.path(), "a.csv"), dir.path().join("a-2.csv"));
    }
}
