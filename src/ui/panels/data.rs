//! The Data pane: open a file (or import it with column choices), preview it, change its
//! columns, see import warnings and the statistics (sequence lengths, the item-popularity long tail).

use egui::{Id, RichText, Ui};
use egui_plot::{Bar, BarChart, Line, Plot};

use super::PaneContext;
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::data_summary::{length_bars, long_tail, stats_table};
use crate::data::ImportReport;
use crate::studio::{LoadedData, file_name};
use crate::ui::commands::UiCommand;
use crate::ui::exports::{chart_buttons, remember_chart_rect};
use crate::ui::widgets::labelled::{duration, note, thousands};
use crate::ui::widgets::plots::{category_axis, log_axis_label, log_points, series_color};

/// Data pane view state (none yet: everything it shows comes from the workspace).
#[derive(Default)]
pub struct DataPane;

impl DataPane {
    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        ui.horizontal_wrapped(|ui| {
            for command in [
                UiCommand::OpenData,
                UiCommand::ImportData,
                UiCommand::OpenItems,
                UiCommand::OpenSample,
            ] {
                if ui
                    .button(command.label())
                    .on_hover_text(command.tooltip())
                    .clicked()
                {
                    cx.commands.push(command);
                }
            }
        });
        if let Some(job) = &cx.ws.loading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Loading {}…", job.request.path.display()));
            });
        }
        let Some(data) = cx.data() else {
            note(
                ui,
                "No data open. Open a behaviour log (File > Open data…, Ctrl+O) or drop a file on the window.",
            );
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("data_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.heading(data.name());
                summary_grid_ui(ui, &data, cx.deterministic);
                ui.separator();
                import_report_ui(ui, "Import", &data.dataset.report);
                if let Some(report) = &data.items_report {
                    import_report_ui(ui, "Item titles", report);
                }
                ui.separator();
                charts_ui(ui, cx, &data.stats);
                ui.separator();
                egui::CollapsingHeader::new("Preview of the file")
                    .default_open(false)
                    .show(ui, |ui| preview_ui(ui, &data.preview));
                let remap = UiCommand::RemapData;
                if ui
                    .button(remap.label())
                    .on_hover_text(remap.tooltip())
                    .clicked()
                {
                    cx.commands.push(remap);
                }
            });
    }
}

fn summary_grid_ui(ui: &mut Ui, data: &LoadedData, deterministic: bool) {
    let stats = &data.stats;
    egui::Grid::new("data_summary")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut row = |name: &str, value: String| {
                ui.label(name);
                // A long value (many behaviours) wraps inside the pane instead of running off it.
                ui.add(egui::Label::new(RichText::new(value).strong()).wrap());
                ui.end_row();
            };
            row("Users", thousands(stats.users));
            row("Items", thousands(stats.items));
            row("Interactions", thousands(stats.interactions));
            row("Sparsity", format!("{:.2}%", stats.sparsity * 100.0));
            let length = &stats.sequence_length;
            row(
                "Interactions per user",
                format!(
                    "min {} · median {} · mean {:.1} · max {}",
                    length.min, length.median, length.mean, length.max
                ),
            );
            if !stats.behaviours.is_empty() {
                let behaviours: Vec<String> = stats
                    .behaviours
                    .iter()
                    .map(|(name, count)| format!("{name} {}", thousands(*count as usize)))
                    .collect();
                row("Behaviours", behaviours.join(" · "));
            }
            row(
                "Repeated user–item pairs",
                thousands(stats.repeated_pairs as usize),
            );
            row("Format read as", data.dataset.format.to_string());
            row(
                "Item titles",
                match &data.request.items {
                    Some(path) if deterministic => file_name(path),
                    Some(path) => path.display().to_string(),
                    None => "none (ids shown)".into(),
                },
            );
            if !deterministic {
                row("Load time", duration(data.load_seconds));
            }
        });
}

fn import_report_ui(ui: &mut Ui, what: &str, report: &ImportReport) {
    if report.is_clean() {
        ui.label(format!(
            "{what}: all {} rows read, nothing skipped.",
            thousands(report.rows_read as usize)
        ));
        return;
    }
    let warning = ui.visuals().warn_fg_color;
    ui.label(
        RichText::new(format!("{what} warnings").as_str())
            .color(warning)
            .strong(),
    );
    ui.label(format!(
        "{} of {} rows used, {} skipped.",
        thousands(report.rows_used as usize),
        thousands(report.rows_read as usize),
        thousands(report.skipped_count() as usize)
    ));
    for line in report.summary_lines() {
        ui.label(format!("- {line}"));
    }
}

fn preview_ui(ui: &mut Ui, preview: &crate::analysis::data_summary::FilePreview) {
    ui.label(format!("First rows, split on {}:", preview.delimiter));
    egui::ScrollArea::horizontal()
        .id_salt("preview")
        .show(ui, |ui| {
            egui::Grid::new("preview_grid")
                .striped(true)
                .show(ui, |ui| {
                    for row in &preview.rows {
                        for field in row {
                            ui.monospace(crate::ui::widgets::labelled::truncate(field, 40));
                        }
                        ui.end_row();
                    }
                });
        });
}

fn charts_ui(ui: &mut Ui, cx: &mut PaneContext<'_>, stats: &crate::data::DatasetStats) {
    let height = 170.0;
    ui.strong("Interactions per user");
    let lengths_id = Id::unique("chart_lengths");
    let bars = length_bars(stats);
    ui.horizontal(|ui| {
        chart_buttons(ui, cx.exports, lengths_id, "lengths", || {
            let mut table = CsvTable::new(["interactions per user", "users"]);
            for (label, users) in &bars {
                table.push(vec![Cell::from(label.as_str()), (*users).into()]);
            }
            table
        });
    });
    let chart: Vec<Bar> = bars
        .iter()
        .enumerate()
        .map(|(i, (label, users))| Bar::new(i as f64, *users as f64).name(label).width(0.8))
        .collect();
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let response = Plot::new("lengths_plot")
        .height(height)
        .allow_scroll(false)
        .x_axis_label("interactions per user")
        .y_axis_label("users")
        .x_axis_formatter(category_axis(labels))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("users", chart).color(series_color(0)));
        })
        .response;
    remember_chart_rect(ui, lengths_id, response.rect);

    ui.add_space(8.0);
    ui.strong("Item popularity (long tail, log–log)");
    let tail_id = Id::unique("chart_long_tail");
    let tail = long_tail(stats);
    ui.horizontal(|ui| {
        chart_buttons(ui, cx.exports, tail_id, "popularity", || {
            let mut table = stats_table(stats);
            table.headers = vec!["statistic".into(), "value".into()];
            table
        });
    });
    let points = log_points(&tail, true, true);
    let response = Plot::new("long_tail_plot")
        .height(height)
        .allow_scroll(false)
        .x_axis_label("item rank (most popular first)")
        .y_axis_label("interactions")
        .x_axis_formatter(log_axis_label)
        .y_axis_formatter(log_axis_label)
        .label_formatter(|pos| {
            let (x, y) = match pos {
                egui_plot::HoverPosition::NearDataPoint { position, .. }
                | egui_plot::HoverPosition::Elsewhere { position } => (position.x, position.y),
            };
            Some(format!(
                "rank {:.0}\n{:.0} interactions",
                10f64.powf(x),
                10f64.powf(y)
            ))
        })
        .show(ui, |plot| {
            plot.line(Line::new("items", points).color(series_color(1)).width(2.0));
        })
        .response;
    remember_chart_rect(ui, tail_id, response.rect);
}
