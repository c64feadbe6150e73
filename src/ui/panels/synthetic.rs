//! The Synthetic sequences pane: GAN-generated sequences next to real ones with item titles
//! and discriminator scores, the quality monitors of docs/MODEL.md §4 as numbers and charts
//! (length and popularity distributions, real vs generated; divergences over epochs), and CSV
//! export. Only SeqUDA-Rec runs generate sequences; for other models the pane says so and shows
//! the real distributions alone.

use egui::{Color32, Id, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, Plot};

use super::PaneContext;
use super::synthetic_samples::{SAMPLE_ROWS, SamplesView};
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::synthetic_view::{decile_shares, length_shares};
use crate::eval::popularity_counts;
use crate::studio::{LoadedData, SyntheticReport};
use crate::ui::exports::{Exports, chart_buttons, remember_chart_rect};
use crate::ui::widgets::labelled::note;
use crate::ui::widgets::plots::series_color;

/// Longest length bucket shown.
const LENGTH_CAP: usize = 30;
/// Synthetic sequences pane view state.
#[derive(Default)]
pub struct SyntheticPane {
    /// The generated sequences' list and table.
    samples: SamplesView,
}

impl SyntheticPane {
    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        let Some(data) = cx.data() else {
            note(
                ui,
                "Open data and train SeqUDA-Rec to see generated sequences.",
            );
            return;
        };
        let live = cx.ws.live.as_ref();
        let Some(report) = live.and_then(|l| l.synthetic.as_ref()) else {
            let model = live.map_or("no model yet", |l| l.config.model.name());
            note(
                ui,
                &format!(
                    "No generated sequences: they come from the SeqUDA-Rec GAN (Train > Model: SeqUDA-Rec). \
                     The current run ({model}) does not generate any. Below: the real training distribution \
                     that generated sequences are compared with."
                ),
            );
            real_only_ui(ui, cx.exports, &data);
            return;
        };
        let history = live.map_or(&[][..], |l| l.synthetic_history.as_slice());
        egui::ScrollArea::vertical()
            .id_salt("synthetic_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.label(format!(
                    "After epoch {}: {} sequences generated, {} kept by the discriminator filter (showing up to {}).",
                    report.epoch,
                    report.generated,
                    report.kept,
                    SAMPLE_ROWS
                ));
                if report.mode_collapse {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "Mode collapse: generated sequences are much less varied than real ones.",
                    );
                }
                self.samples.ui(ui, cx.exports, &data, report);
                ui.separator();
                monitors_ui(ui, report);
                ui.separator();
                distributions_ui(ui, cx.exports, &data, report);
                if history.len() > 1 {
                    history_ui(ui, cx.exports, history);
                }
            });
    }
}

fn monitors_ui(ui: &mut Ui, report: &SyntheticReport) {
    let quality = &report.quality;
    ui.strong("Quality monitors");
    egui::Grid::new("monitors")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new("").weak());
            ui.label(RichText::new("Real (held back)").weak());
            ui.label(RichText::new("Generated").weak());
            ui.end_row();
            let rows: [(&str, &str, f64, f64); 5] = [
                (
                    "Mean length",
                    "Items per sequence",
                    quality.real.mean_length,
                    quality.synthetic.mean_length,
                ),
                (
                    "Distinct items share",
                    "Distinct items / item occurrences (variety)",
                    quality.real.distinct_1,
                    quality.synthetic.distinct_1,
                ),
                (
                    "Distinct pairs share",
                    "Distinct consecutive pairs / pairs; much lower than real = mode collapse",
                    quality.real.distinct_2,
                    quality.synthetic.distinct_2,
                ),
                (
                    "Copied from training",
                    "Share of sequences found verbatim in a training sequence (memorisation)",
                    quality.real.memorised_share,
                    quality.synthetic.memorised_share,
                ),
                (
                    "Popularity divergence from training",
                    "Jensen–Shannon divergence of item popularity vs training (0 = same)",
                    quality.real.popularity_js_vs_training,
                    quality.synthetic.popularity_js_vs_training,
                ),
            ];
            for (name, tip, real, generated) in rows {
                ui.label(name).on_hover_text(tip);
                ui.label(format!("{real:.3}"));
                ui.label(format!("{generated:.3}"));
                ui.end_row();
            }
        });
    ui.label(format!(
        "Generated vs real: popularity divergence {:.3}, length divergence {:.3} (Jensen–Shannon, 0 = same; over {} sequences each).",
        quality.popularity_js, quality.length_js, quality.compared_sequences
    ));
}

fn bars(values: &[f64], offset: f64, name: &str, color: Color32) -> BarChart {
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, v)| Bar::new(i as f64 + 1.0 + offset, *v).width(0.38))
        .collect();
    BarChart::new(name, bars).color(color)
}

fn distributions_ui(
    ui: &mut Ui,
    exports: &mut Exports,
    data: &LoadedData,
    report: &SyntheticReport,
) {
    let generated: Vec<&[u32]> = report.samples.iter().map(|s| s.items.as_slice()).collect();
    let real: Vec<&[u32]> = report.real_samples.iter().map(Vec::as_slice).collect();
    let popularity = popularity_counts(&data.split.train, data.dataset.n_items());
    let series = [
        (
            "length",
            length_shares(&real, LENGTH_CAP),
            length_shares(&generated, LENGTH_CAP),
            "sequence length",
        ),
        (
            "popularity",
            decile_shares(&real, &popularity),
            decile_shares(&generated, &popularity),
            "item popularity decile (most popular first)",
        ),
    ];
    ui.columns(2, |columns| {
        for (column, (name, real_shares, generated_shares, axis)) in columns.iter_mut().zip(series)
        {
            let chart_id = Id::unique(("chart_synthetic", name));
            // Wrapped, so the buttons never push the chart past the pane's edge.
            column.horizontal_wrapped(|ui| {
                chart_buttons(
                    ui,
                    exports,
                    chart_id,
                    &format!("{name} distribution"),
                    || {
                        let mut table = CsvTable::new([axis, "real share", "generated share"]);
                        for (i, (r, g)) in real_shares.iter().zip(&generated_shares).enumerate() {
                            table.push(vec![
                                Cell::from((i + 1).to_string()),
                                (*r).into(),
                                (*g).into(),
                            ]);
                        }
                        table
                    },
                );
            });
            let response = Plot::new(("synthetic_plot", name))
                .height(180.0)
                .legend(Legend::default())
                .allow_scroll(false)
                .x_axis_label(axis)
                .y_axis_label("share")
                .show(column, |plot| {
                    plot.bar_chart(bars(&real_shares, -0.2, "real", series_color(0)));
                    plot.bar_chart(bars(&generated_shares, 0.2, "generated", series_color(1)));
                })
                .response;
            remember_chart_rect(column, chart_id, response.rect);
        }
    });
}

fn history_ui(
    ui: &mut Ui,
    exports: &mut Exports,
    history: &[(usize, crate::eval::SyntheticQuality)],
) {
    let chart_id = Id::unique("chart_synthetic_history");
    ui.horizontal(|ui| {
        ui.strong("Monitors over epochs");
        chart_buttons(ui, exports, chart_id, "monitors", || {
            let mut table = CsvTable::new([
                "epoch",
                "popularity divergence",
                "length divergence",
                "generated distinct pairs",
                "generated copied share",
            ]);
            for (epoch, q) in history {
                table.push(vec![
                    (*epoch).into(),
                    q.popularity_js.into(),
                    q.length_js.into(),
                    q.synthetic.distinct_2.into(),
                    q.synthetic.memorised_share.into(),
                ]);
            }
            table
        });
    });
    let line = |f: fn(&crate::eval::SyntheticQuality) -> f64| -> Vec<[f64; 2]> {
        history.iter().map(|(e, q)| [*e as f64, f(q)]).collect()
    };
    let response = Plot::new("synthetic_history_plot")
        .height(160.0)
        .legend(Legend::default())
        .include_y(0.0)
        .x_axis_label("epoch")
        .show(ui, |plot| {
            plot.line(
                Line::new("popularity divergence", line(|q| q.popularity_js))
                    .color(series_color(0)),
            );
            plot.line(Line::new("length divergence", line(|q| q.length_js)).color(series_color(1)));
            plot.line(
                Line::new("generated distinct pairs", line(|q| q.synthetic.distinct_2))
                    .color(series_color(2)),
            );
            plot.line(
                Line::new(
                    "generated copied share",
                    line(|q| q.synthetic.memorised_share),
                )
                .color(series_color(3)),
            );
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}

fn real_only_ui(ui: &mut Ui, exports: &mut Exports, data: &LoadedData) {
    let train: Vec<&[u32]> = data.split.train.iter().map(Vec::as_slice).collect();
    let popularity = popularity_counts(&data.split.train, data.dataset.n_items());
    let deciles = decile_shares(&train, &popularity);
    let chart_id = Id::unique("chart_real_popularity");
    ui.horizontal(|ui| {
        ui.strong("Real training sequences: interactions by item popularity decile");
        chart_buttons(ui, exports, chart_id, "real popularity", || {
            let mut table =
                CsvTable::new(["item popularity decile", "share of training interactions"]);
            for (d, share) in deciles.iter().enumerate() {
                table.push(vec![Cell::from(format!("{}", d + 1)), (*share).into()]);
            }
            table
        });
    });
    let response = Plot::new("real_popularity_plot")
        .height((ui.available_height() - 20.0).clamp(140.0, 260.0))
        .allow_scroll(false)
        .x_axis_label("item decile (most popular first)")
        .y_axis_label("share of interactions")
        .show(ui, |plot| {
            plot.bar_chart(bars(&deciles, 0.0, "real", series_color(0)))
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}
