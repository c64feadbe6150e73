//! "Save PNG" and "Export CSV" for every chart: ask where (through the injected file picker),
//! then write on a helper thread. PNGs are a screenshot of the window cropped to the chart.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{Id, Rect, Ui};

use super::files::{FilePicker, FileRequest};
use super::notifications::Notifications;
use crate::analysis::csv::CsvTable;
use crate::analysis::png::write_png;

/// A save waiting for its path.
enum Waiting {
    Csv(CsvTable),
    Png(Rect),
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
    waiting: Vec<(Waiting, Receiver<Option<PathBuf>>)>,
    shots: (Sender<Shot>, Receiver<Shot>),
    written: (Sender<Written>, Receiver<Written>),
    /// Files written so far, oldest first.
    pub files: Vec<PathBuf>,
}

impl Exports {
    /// Exports through `picker`.
    pub fn new(picker: Arc<dyn FilePicker>) -> Self {
        Self {
            picker,
            waiting: Vec::new(),
            shots: channel(),
            written: channel(),
            files: Vec::new(),
        }
    }

    /// The picker (for open requests).
    pub fn picker(&self) -> &dyn FilePicker {
        self.picker.as_ref()
    }

    /// Asks where to save `table` as `default_name` and writes it.
    pub fn export_csv(&mut self, default_name: &str, table: CsvTable) {
        let reply = self.picker.request(FileRequest::Save {
            default_name: default_name.to_owned(),
        });
        self.waiting.push((Waiting::Csv(table), reply));
    }

    /// Asks where to save a picture of the window region `rect` and writes it.
    pub fn save_png(&mut self, default_name: &str, rect: Rect) {
        let reply = self.picker.request(FileRequest::Save {
            default_name: default_name.to_owned(),
        });
        self.waiting.push((Waiting::Png(rect), reply));
    }

    /// Whether anything is still in flight.
    pub fn busy(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Moves requests along; call once per frame.
    pub fn poll(&mut self, ctx: &egui::Context, notes: &mut Notifications) {
        let mut still_waiting = Vec::new();
        for (what, reply) in std::mem::take(&mut self.waiting) {
            match reply.try_recv() {
                Ok(Some(path)) => self.start(what, path, ctx),
                Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
                Err(std::sync::mpsc::TryRecvError::Empty) => still_waiting.push((what, reply)),
            }
        }
        self.waiting = still_waiting;
        while let Ok(shot) = self.shots.1.try_recv() {
            let sender = self.written.0.clone();
            let repaint = ctx.clone();
            spawn_write(move || {
                let cropped = shot.image.region(&shot.rect, Some(shot.pixels_per_point));
                let rgba: Vec<u8> = cropped
                    .pixels
                    .iter()
                    .flat_map(|c| c.to_srgba_unmultiplied())
                    .collect();
                let result = write_png(&shot.path, cropped.size[0], cropped.size[1], &rgba)
                    .map(|()| shot.path.clone())
                    .map_err(|e| format!("cannot write {}: {e}", shot.path.display()));
                let _ = sender.send(result);
                repaint.request_repaint();
            });
        }
        while let Ok(result) = self.written.1.try_recv() {
            match result {
                Ok(path) => {
                    notes.info(format!("Saved {}", path.display()));
                    self.files.push(path);
                }
                Err(message) => notes.error(message),
            }
        }
        if self.busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn start(&mut self, what: Waiting, path: PathBuf, ctx: &egui::Context) {
        match what {
            Waiting::Csv(table) => {
                let sender = self.written.0.clone();
                let repaint = ctx.clone();
                spawn_write(move || {
                    let result = table
                        .write_to(&path)
                        .map(|()| path.clone())
                        .map_err(|e| format!("cannot write {}: {e}", path.display()));
                    let _ = sender.send(result);
                    repaint.request_repaint();
                });
            }
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
}

fn spawn_write(job: impl FnOnce() + Send + 'static) {
    if let Err(error) = std::thread::Builder::new()
        .name("sequda-export".into())
        .spawn(job)
    {
        tracing::error!("cannot start an export thread: {error}");
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
