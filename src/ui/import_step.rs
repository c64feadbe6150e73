//! The import step (File > Import with column choices…, and whenever a file does not load as it
//! is): the first rows of the file, which columns the loader recognises, a picker per role
//! prefilled from the header (or from the file's remembered mapping), and what the loader
//! makes of the first rows with those choices, before the whole file loads in the background.

use egui::{RichText, Ui};

use crate::analysis::data_summary::FilePreview;
use crate::data::{Format, LoadOptions, NO_COLUMN};
use crate::studio::{ImportPreview, LoadRequest, RowCheck, file_name};
use crate::ui::widgets::labelled::truncate;

/// The window's title.
pub const TITLE: &str = "Import a log";
/// The label of the button that loads the file with the chosen columns.
pub const LOAD_LABEL: &str = "Load with these columns";
/// The warning shown when no time column is chosen.
pub const NO_TIME_WARNING: &str = "No time column: rows will be read in file order.";

/// The roles, in [`crate::data::ColumnGuess::roles`] order: picker label, role name, tooltip,
/// and the text of the "no column" choice.
const ROLES: [(&str, &str, &str, &str); 4] = [
    (
        "User column",
        "user",
        "Which column holds the user id",
        "Choose a column",
    ),
    (
        "Item column",
        "item",
        "Which column holds the item (ad) id",
        "Choose a column",
    ),
    (
        "Time column",
        "time",
        "Which column holds the time of the event; without one, rows keep their file order",
        "None (file order)",
    ),
    (
        "Behaviour column",
        "behaviour",
        "Which column holds the event type (impression, click, …), if any",
        "None",
    ),
];
/// Rows of the preview drawn (all of them are checked).
const SHOWN_ROWS: usize = 8;

/// What the user did with the window.
enum Action {
    Load,
    Cancel,
}

/// The import step's state: closed, or the file being mapped.
#[derive(Default)]
pub struct ImportStep {
    editing: Option<Editing>,
}

/// A file being mapped.
struct Editing {
    preview: ImportPreview,
    format: Format,
    /// The chosen column of each role (0-based), `None` for none.
    roles: [Option<usize>; 4],
    strict: bool,
    /// The options last checked, and what the loader made of the first rows with them.
    checked: Option<(LoadOptions, RowCheck)>,
}

impl ImportStep {
    /// Shows the import step for `preview`, its pickers set from the request's columns where
    /// it names them (a remembered or given mapping) and else from what the loader detects.
    pub fn open(&mut self, preview: ImportPreview) {
        self.editing = Some(Editing::new(preview));
    }

    /// Whether the window is shown.
    pub fn is_open(&self) -> bool {
        self.editing.is_some()
    }

    /// Draws the window while it is open; returns the load to start when the user asks.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<LoadRequest> {
        let editing = self.editing.as_mut()?;
        let mut open = true;
        let mut action = None;
        egui::Window::new(TITLE)
            .open(&mut open)
            .default_pos([60.0, 70.0])
            .default_width(640.0)
            .collapsible(false)
            .show(ctx, |ui| {
                let readable = egui::ScrollArea::vertical()
                    .id_salt("import_scroll")
                    .max_height(ctx.content_rect().height() * 0.7)
                    .show(ui, |ui| editing.ui(ui))
                    .inner;
                ui.separator();
                action = buttons_ui(ui, readable || editing.preview.preview.rows.is_empty());
            });
        match action {
            Some(Action::Load) => self.editing.take().map(|editing| editing.request()),
            Some(Action::Cancel) => {
                self.editing = None;
                None
            }
            None => {
                if !open {
                    self.editing = None;
                }
                None
            }
        }
    }
}

impl Editing {
    fn new(preview: ImportPreview) -> Self {
        let options = &preview.request.options;
        let wanted = [
            &options.user_column,
            &options.item_column,
            &options.time_column,
            &options.behaviour_column,
        ];
        let mut roles = preview.guess.roles();
        for (role, wanted) in roles.iter_mut().zip(wanted) {
            if let Some(wanted) = wanted {
                *role = column_of(wanted, &preview);
            }
        }
        Self {
            format: options.format,
            strict: options.strict,
            roles,
            checked: None,
            preview,
        }
    }

    /// Whether the format is read by columns (the pickers apply).
    fn by_columns(&self) -> bool {
        matches!(self.format, Format::Auto | Format::Delimited)
    }

    /// The load options of the choices: no columns at all when they are what the loader
    /// detects by itself (so SASRec and MovieLens files stay auto-detected), else every role
    /// named (a name with a header, a 1-based position without), `none` for no time or
    /// behaviour column.
    fn options(&self) -> LoadOptions {
        let mut options = LoadOptions {
            format: self.format,
            strict: self.strict,
            delimiter: self.preview.request.options.delimiter,
            ..LoadOptions::default()
        };
        if !self.by_columns() || self.roles == self.preview.guess.roles() {
            return options;
        }
        let first = self.preview.preview.rows.first();
        let value = |role: usize| match self.roles[role] {
            Some(column) => Some(match first.and_then(|row| row.get(column)) {
                Some(name) if self.preview.guess.header => name.trim().to_owned(),
                _ => (column + 1).to_string(),
            }),
            None => (role >= 2).then(|| NO_COLUMN.to_owned()),
        };
        options.user_column = value(0);
        options.item_column = value(1);
        options.time_column = value(2);
        options.behaviour_column = value(3);
        options
    }

    /// The load with the chosen options.
    fn request(&self) -> LoadRequest {
        LoadRequest {
            options: self.options(),
            ..self.preview.request.clone()
        }
    }

    /// Everything but the buttons; returns whether the first rows load with the choices.
    fn ui(&mut self, ui: &mut Ui) -> bool {
        ui.heading(file_name(&self.preview.request.path));
        if let Some(failure) = &self.preview.failure {
            // The reason, in the pickers' words, is under them; the loader's own is on hover.
            let color = ui.visuals().warn_fg_color;
            ui.colored_label(color, "It did not load as it is.")
                .on_hover_text(failure);
        }
        ui.label(
            "Pick the column that holds each part of an event; the file's first rows are below.",
        );
        let names = column_names(&self.preview);
        self.pickers_ui(ui, &names);
        detected_ui(ui, &self.preview, &names);
        let options = self.options();
        if self
            .checked
            .as_ref()
            .is_none_or(|(checked, _)| *checked != options)
        {
            let check = self.preview.check(&options);
            self.checked = Some((options, check));
        }
        if self.by_columns() && self.roles[2].is_none() {
            let color = ui.visuals().warn_fg_color;
            ui.label(RichText::new(NO_TIME_WARNING).color(color).strong());
        }
        let readable = match &self.checked {
            Some((_, check)) => check_ui(ui, check),
            None => false,
        };
        ui.separator();
        preview_ui(ui, &self.preview.preview);
        readable
    }

    /// The format and the four column pickers.
    fn pickers_ui(&mut self, ui: &mut Ui, names: &[String]) {
        let by_columns = self.by_columns();
        egui::Grid::new("import_pickers")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("Format");
                egui::ComboBox::from_id_salt("import_format")
                    .selected_text(self.format.to_string())
                    .show_ui(ui, |ui| {
                        for format in [
                            Format::Auto,
                            Format::Delimited,
                            Format::Sasrec,
                            Format::MovieLens,
                        ] {
                            ui.selectable_value(&mut self.format, format, format.to_string());
                        }
                    })
                    .response
                    .labelled_by(label.id)
                    .on_hover_text(
                        "How to read the file: auto detects CSV/TSV, SASRec text and MovieLens",
                    );
                ui.end_row();
                for (role, (name, _, tip, none)) in ROLES.iter().enumerate() {
                    let label = ui.label(*name);
                    let choice = &mut self.roles[role];
                    let selected =
                        choice.map_or(*none, |c| names.get(c).map_or("?", String::as_str));
                    ui.add_enabled_ui(by_columns, |ui| {
                        egui::ComboBox::from_id_salt(("import_role", role))
                            .selected_text(selected)
                            .width(220.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(choice, None, *none);
                                for (column, text) in names.iter().enumerate() {
                                    ui.selectable_value(choice, Some(column), text);
                                }
                            })
                            .response
                            .labelled_by(label.id)
                            .on_hover_text(*tip);
                    });
                    ui.end_row();
                }
            });
        ui.checkbox(&mut self.strict, "Stop at the first bad row")
            .on_hover_text("Instead of skipping and counting malformed rows, refuse the file");
    }
}

/// The column of `wanted` (a header name, any case, or a 1-based position; `none` for none).
fn column_of(wanted: &str, preview: &ImportPreview) -> Option<usize> {
    let wanted = wanted.trim();
    let first = preview.preview.rows.first()?;
    if wanted.eq_ignore_ascii_case(NO_COLUMN) {
        return None;
    }
    let named = first
        .iter()
        .position(|name| preview.guess.header && name.trim().eq_ignore_ascii_case(wanted));
    named.or_else(|| {
        let position: usize = wanted.parse().ok()?;
        (1..=first.len()).contains(&position).then(|| position - 1)
    })
}

/// The pickers' name of each column: `1: visitor` with a header, `column 1 (u1)` without.
fn column_names(preview: &ImportPreview) -> Vec<String> {
    let Some(first) = preview.preview.rows.first() else {
        return Vec::new();
    };
    first
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let field = truncate(field.trim(), 24);
            if preview.guess.header {
                format!("{}: {field}", index + 1)
            } else {
                format!("column {} ({field})", index + 1)
            }
        })
        .collect()
}

/// Which role the loader detects for each column, and which it does not recognise.
fn detected_ui(ui: &mut Ui, preview: &ImportPreview, names: &[String]) {
    ui.strong("Detected columns");
    if names.is_empty() {
        ui.label("No text rows to look at (a Parquet file is read by its column names).");
        return;
    }
    if !preview.guess.header {
        ui.label("No header row: columns go by position and by their values.");
    }
    let guessed = preview.guess.roles();
    let first = preview.preview.rows.first();
    ui.horizontal_wrapped(|ui| {
        for (column, name) in names.iter().enumerate() {
            let shown = match first.and_then(|row| row.get(column)) {
                Some(field) if preview.guess.header => truncate(field.trim(), 24),
                _ => format!("column {}", column + 1),
            };
            let text = match guessed.iter().position(|&c| c == Some(column)) {
                Some(role) => format!("{shown}: detected as {}", ROLES[role].1),
                None => format!("{shown}: not recognised"),
            };
            ui.label(text).on_hover_text(name);
        }
    });
}

/// What the loader makes of the first rows; returns whether it reads them.
fn check_ui(ui: &mut Ui, check: &RowCheck) -> bool {
    match check {
        RowCheck::Reads(report) => {
            ui.label(format!(
                "Of the first {} rows: {} will be read, {} skipped.",
                report.rows_read,
                report.rows_used,
                report.skipped_count()
            ));
            for line in report.summary_lines() {
                ui.label(format!("- {line}"));
            }
            true
        }
        RowCheck::Fails(message) => {
            let color = ui.visuals().error_fg_color;
            ui.colored_label(color, format!("These choices do not load: {message}"));
            false
        }
    }
}

/// The first rows as a grid, split as the preview splits them.
fn preview_ui(ui: &mut Ui, preview: &FilePreview) {
    ui.strong(format!("First rows, split on {}", preview.delimiter));
    egui::ScrollArea::horizontal()
        .id_salt("import_preview")
        .show(ui, |ui| {
            egui::Grid::new("import_preview_grid")
                .striped(true)
                .show(ui, |ui| {
                    for row in preview.rows.iter().take(SHOWN_ROWS) {
                        for field in row {
                            ui.monospace(truncate(field, 32));
                        }
                        ui.end_row();
                    }
                });
        });
}

/// Load and Cancel.
fn buttons_ui(ui: &mut Ui, can_load: bool) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        let load = ui
            .add_enabled(can_load, egui::Button::new(LOAD_LABEL))
            .on_hover_text("Load the whole file with these columns, in the background")
            .on_disabled_hover_text("The first rows do not load with these choices yet");
        if load.clicked() {
            action = Some(Action::Load);
        }
        if ui.button("Cancel").clicked() {
            action = Some(Action::Cancel);
        }
    });
    action
}
