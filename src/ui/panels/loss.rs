//! The Loss curves pane: every logged loss component with a debiased-EMA smoothing slider over
//! a faint raw line, log scale, step / epoch / time axis, validation metrics per epoch, and
//! saved runs overlaid.

use egui::{Color32, Id, Ui};
use std::collections::BTreeMap;

use egui_plot::{HLine, HoverPosition, Line, Plot, Points};

use super::PaneContext;
use super::loss_groups::{LossGroup, hover_lines, line_style};
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::history::{RunHistory, ValidMetric, XAxis};
use crate::analysis::smoothing::debiased_ema;
use crate::eval::RankingMetrics;
use crate::ui::exports::{Exports, chart_buttons, remember_chart_rect};
use crate::ui::state::Selections;
use crate::ui::widgets::labelled::note;
use crate::ui::widgets::plots::{log_axis_label, log_points, series_color};

/// Loss curves pane view state.
#[derive(Default)]
pub struct LossPane;

impl LossPane {
    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        let baseline = cx.data().and_then(|data| data.popularity_valid.clone());
        let PaneContext {
            ws, sel, exports, ..
        } = cx;
        let mut runs: Vec<&RunHistory> = Vec::new();
        if let Some(live) = &ws.live {
            runs.push(&live.history);
        }
        let live_name = ws.live.as_ref().map(|l| l.name().to_owned());
        for name in &sel.overlay_runs {
            if Some(name) != live_name.as_ref()
                && let Some(saved) = ws.library.get(name)
            {
                runs.push(&saved.history);
            }
        }
        controls_ui(ui, sel, &runs);
        if runs
            .iter()
            .all(|r| r.steps.is_empty() && r.epochs.is_empty())
        {
            note(
                ui,
                "No curves yet. Start training in the Train pane, or tick saved runs in Compare runs to overlay them.",
            );
            return;
        }
        let total = ui.available_height();
        let loss_height = (total * 0.58).max(160.0);
        losses_ui(ui, sel, exports, &runs, loss_height);
        ui.add_space(6.0);
        validation_ui(ui, sel, exports, &runs, baseline.as_ref());
    }
}

fn controls_ui(ui: &mut Ui, sel: &mut Selections, runs: &[&RunHistory]) {
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Slider::new(&mut sel.smoothing, 0.0..=0.99).text("Smoothing"))
            .on_hover_text("Averages out step-to-step noise (exponential moving average, corrected at the start); the raw values stay as a faint line");
        ui.checkbox(&mut sel.log_y, "Log scale")
            .on_hover_text("Show the vertical axis on a logarithmic scale");
        egui::ComboBox::from_label("X axis")
            .selected_text(sel.x_axis.label())
            .show_ui(ui, |ui| {
                for axis in XAxis::ALL {
                    ui.selectable_value(&mut sel.x_axis, axis, axis.label());
                }
            })
            .response
            .on_hover_text("Measure progress in optimisation steps, epochs, or training seconds");
    });
    let names: std::collections::BTreeSet<String> =
        runs.iter().flat_map(|r| r.loss_names()).collect();
    if names.len() > 1 {
        ui.horizontal_wrapped(|ui| {
            ui.label("Show:");
            for name in names {
                let mut shown = !sel.hidden_losses.contains(&name);
                if ui
                    .checkbox(&mut shown, loss_title(&name))
                    .on_hover_text(loss_tooltip(&name))
                    .changed()
                {
                    if shown {
                        sel.hidden_losses.remove(&name);
                    } else {
                        sel.hidden_losses.insert(name);
                    }
                }
            }
        });
    }
    if runs.len() > 1 {
        let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
        ui.weak(format!(
            "Runs: {} (choose overlays in Compare runs)",
            names.join(", ")
        ));
    }
}

/// Display name of a loss component.
fn loss_title(name: &str) -> String {
    match name {
        "loss" => "total loss".into(),
        "ce" => "recommendation CE".into(),
        "cl" => "contrastive".into(),
        "seq_cl" => "sequence contrastive".into(),
        "st_cl" => "same-target contrastive".into(),
        "g_loss" => "generator".into(),
        "d_loss" => "discriminator".into(),
        other => other.into(),
    }
}

fn loss_tooltip(name: &str) -> &'static str {
    match name {
        "loss" => "Everything the optimiser minimises",
        "ce" => "Cross-entropy of predicting each next item (lower = better predictions)",
        "cl" => "Graph contrastive loss (SeqUDA-Rec)",
        "seq_cl" => "Contrast of each user's state under two perturbed views (SeqUDA-Rec)",
        "st_cl" => "Contrast of each user's state with another prefix that has the same next item",
        "ta" => "Target-attention head's loss on sampled candidates (SeqUDA-Rec)",
        "syn" => "Cross-entropy on the kept GAN sequences (SeqUDA-Rec)",
        "g_loss" => "Generator loss of the GAN round (SeqUDA-Rec)",
        "pg_loss" => {
            "Generator's policy-gradient loss: low when its sequences fool the discriminator"
        }
        "gan_mle" => "Generator's maximum-likelihood loss on real windows",
        "d_loss" => "Discriminator loss of the GAN round (SeqUDA-Rec)",
        "d_acc" => {
            "Discriminator accuracy, real vs generated: near 0.5 means generated sequences pass for real"
        }
        "d_real" => "Mean discriminator score of real windows (1 = surely real)",
        "d_fake" => "Mean discriminator score of generated sequences (1 = surely real)",
        "reward" => "Mean reward the generator got from the discriminator",
        "reward_baseline" => "Running mean reward subtracted to steady the policy gradient",
        _ => "A logged training quantity",
    }
}

/// One line of a small-multiple chart.
struct ChartLine {
    /// Legend name ("run · quantity" when runs are overlaid).
    label: String,
    /// Logged points.
    raw: Vec<[f64; 2]>,
    /// The smoothed line drawn over them.
    smooth: Vec<[f64; 2]>,
    /// The run's index: its colour in every chart.
    run: usize,
    /// The quantity's index within its chart for this run: its line style.
    style: usize,
}

/// Every visible loss series, grouped into the charts they are drawn in.
fn grouped_lines(sel: &Selections, runs: &[&RunHistory]) -> BTreeMap<LossGroup, Vec<ChartLine>> {
    let mut groups: BTreeMap<LossGroup, Vec<ChartLine>> = BTreeMap::new();
    for (run_index, run) in runs.iter().enumerate() {
        let mut styles: BTreeMap<LossGroup, usize> = BTreeMap::new();
        let names = run.loss_names();
        for name in names.iter().filter(|n| !sel.hidden_losses.contains(*n)) {
            let group = LossGroup::of(name);
            let style = styles.entry(group).or_default();
            let raw = run.loss_series(name, sel.x_axis);
            let ys: Vec<f64> = raw.iter().map(|p| p[1]).collect();
            let smooth = raw
                .iter()
                .zip(debiased_ema(&ys, sel.smoothing))
                .map(|(p, y)| [p[0], y])
                .collect();
            let label = if runs.len() > 1 {
                format!("{} · {}", run.name, loss_title(name))
            } else {
                loss_title(name)
            };
            groups.entry(group).or_default().push(ChartLine {
                label,
                raw,
                smooth,
                run: run_index,
                style: *style,
            });
            *style += 1;
        }
    }
    groups
}

/// The loss charts, two to a row, each with its own y axis; x axes and cursors are linked.
fn losses_ui(
    ui: &mut Ui,
    sel: &Selections,
    exports: &mut Exports,
    runs: &[&RunHistory],
    height: f32,
) {
    let groups: Vec<(LossGroup, Vec<ChartLine>)> = grouped_lines(sel, runs).into_iter().collect();
    ui.horizontal_wrapped(|ui| {
        ui.strong("Training losses");
        if runs.len() > 1 {
            for (index, run) in runs.iter().enumerate() {
                ui.colored_label(series_color(index), format!("■ {}", run.name));
            }
        }
    });
    let rows = groups.len().div_ceil(2).max(1);
    let chart_height = ((height - 56.0 * rows as f32) / rows as f32).max(110.0);
    for pair in groups.chunks(2) {
        ui.columns(2, |columns| {
            for (column, (group, lines)) in columns.iter_mut().zip(pair) {
                loss_chart_ui(column, sel, exports, *group, lines, chart_height);
            }
        });
    }
}

/// A legend outside the plot: each line's name in its run's colour, its style spelled out.
fn legend_ui(ui: &mut Ui, entries: &[(String, usize, usize)]) {
    ui.horizontal_wrapped(|ui| {
        for (label, run, style) in entries {
            let mark = ["—", "- -", "· ·", "-·-"][style % 4];
            ui.colored_label(series_color(*run), format!("{mark} {label}"));
        }
    });
}

/// The hover of a chart: the x value, then every line's value at it.
fn hover_all<'a>(
    axis: XAxis,
    series: Vec<(String, Vec<[f64; 2]>)>,
    log_y: bool,
) -> impl Fn(&HoverPosition<'_>) -> Option<String> + 'a {
    let (low, high) = series
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p[0]))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
            (l.min(x), h.max(x))
        });
    let tolerance = ((high - low) / 40.0).max(0.5);
    move |pos| {
        let position = match pos {
            HoverPosition::NearDataPoint { position, .. }
            | HoverPosition::Elsewhere { position } => position,
        };
        let lines = hover_lines(&series, position.x, tolerance);
        let y = if log_y {
            10f64.powf(position.y)
        } else {
            position.y
        };
        Some(if lines.is_empty() {
            format!("{} = {:.2}\ny = {y:.4}", axis.label(), position.x)
        } else {
            format!("{} = {:.2}\n{lines}", axis.label(), position.x)
        })
    }
}

/// One small multiple: its title, export buttons, legend and plot.
fn loss_chart_ui(
    ui: &mut Ui,
    sel: &Selections,
    exports: &mut Exports,
    group: LossGroup,
    lines: &[ChartLine],
    height: f32,
) {
    let axis = sel.x_axis;
    let log_y = sel.log_y && !group.unit_interval();
    let chart_id = Id::unique(("chart_losses", group.slug()));
    // Title, then the buttons on their own wrapped row: a small multiple is narrow.
    ui.label(egui::RichText::new(group.title()).strong());
    ui.horizontal_wrapped(|ui| {
        chart_buttons(ui, exports, chart_id, group.slug(), || {
            let mut table = CsvTable::new(["series", axis.label(), "raw", "smoothed"]);
            for line in lines {
                for (r, s) in line.raw.iter().zip(&line.smooth) {
                    let label = Cell::from(line.label.as_str());
                    table.push(vec![label, r[0].into(), r[1].into(), s[1].into()]);
                }
            }
            table
        });
    });
    let entries: Vec<(String, usize, usize)> = lines
        .iter()
        .map(|l| (l.label.clone(), l.run, l.style))
        .collect();
    legend_ui(ui, &entries);
    let hover: Vec<(String, Vec<[f64; 2]>)> = lines
        .iter()
        .map(|l| (l.label.clone(), l.smooth.clone()))
        .collect();
    let mut plot = Plot::new(("loss_plot", group.slug()))
        .height(height)
        .x_axis_label(axis.label())
        .link_axis(Id::unique("loss_x"), [true, false])
        .link_cursor(Id::unique("loss_x"), [true, false])
        .label_formatter(hover_all(axis, hover, log_y));
    if group.unit_interval() {
        plot = plot.include_y(0.0).include_y(1.0);
    } else if log_y {
        plot = plot.y_axis_formatter(log_axis_label);
    }
    let response = plot
        .show(ui, |plot| {
            for line in lines {
                let color = series_color(line.run);
                let faint = Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), 50);
                let style = line_style(line.style);
                plot.line(
                    Line::new(line.label.clone(), log_points(&line.raw, false, log_y))
                        .color(faint)
                        .style(style)
                        .width(1.0),
                );
                plot.line(
                    Line::new(line.label.clone(), log_points(&line.smooth, false, log_y))
                        .color(color)
                        .style(style)
                        .width(2.0),
                );
            }
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}

/// A validation line: label, points, run index (colour), metric index (line style).
type ValidationLine = (String, Vec<[f64; 2]>, usize, usize);

/// Every run's validation metrics as lines.
fn validation_series(runs: &[&RunHistory], axis: XAxis) -> Vec<ValidationLine> {
    let mut series = Vec::new();
    for (run_index, run) in runs.iter().enumerate() {
        for (metric_index, metric) in ValidMetric::ALL.into_iter().enumerate() {
            let label = if runs.len() > 1 {
                format!("{} · {}", run.name, metric.label())
            } else {
                metric.label().to_owned()
            };
            let points = run.metric_series(metric, axis);
            series.push((label, points, run_index, metric_index));
        }
    }
    series
}

/// Validation metrics per epoch, one colour per run and one line style per metric; a note
/// instead of an empty frame before the first epoch.
fn validation_ui(
    ui: &mut Ui,
    sel: &Selections,
    exports: &mut Exports,
    runs: &[&RunHistory],
    baseline: Option<&RankingMetrics>,
) {
    let axis = sel.x_axis;
    let chart_id = Id::unique("chart_validation");
    let series = validation_series(runs, axis);
    ui.horizontal(|ui| {
        ui.strong("Validation (full ranking, per epoch)");
        chart_buttons(ui, exports, chart_id, "validation", || {
            let mut table = CsvTable::new(["series", axis.label(), "value"]);
            for (label, points, _, _) in &series {
                for p in points {
                    table.push(vec![Cell::from(label.as_str()), p[0].into(), p[1].into()]);
                }
            }
            table
        });
    });
    if series.iter().all(|(_, points, _, _)| points.is_empty()) {
        note(ui, "Validation metrics appear here after the first epoch.");
        return;
    }
    let entries: Vec<(String, usize, usize)> = series
        .iter()
        .map(|(l, _, run, style)| (l.clone(), *run, *style))
        .collect();
    legend_ui(ui, &entries);
    if let Some(baseline) = baseline {
        ui.weak(format!(
            "Grey: the popularity baseline (HR@10 {:.4}, NDCG@10 {:.4}, MRR {:.4}); below it, a model does worse than recommending the most popular items to everyone.",
            baseline.hr_10, baseline.ndcg_10, baseline.mrr
        ));
    }
    let hover: Vec<(String, Vec<[f64; 2]>)> = series
        .iter()
        .map(|(l, p, _, _)| (l.clone(), p.clone()))
        .collect();
    // Whatever room the header, legend and note left, less the x axis's.
    let height = (ui.available_height() - 8.0).max(120.0);
    let response = Plot::new("validation_plot")
        .height(height)
        .x_axis_label(axis.label())
        .y_axis_label("metric")
        .include_y(0.0)
        .label_formatter(hover_all(axis, hover, false))
        .show(ui, |plot| {
            if let Some(baseline) = baseline {
                for (index, metric) in ValidMetric::ALL.into_iter().enumerate() {
                    let name = format!("popularity {}", metric.label());
                    plot.hline(
                        HLine::new(name, metric.value(baseline))
                            .color(Color32::GRAY)
                            .style(line_style(index))
                            .width(1.0),
                    );
                }
            }
            for (label, points, run, style) in series {
                let color = series_color(run);
                plot.line(
                    Line::new(label.clone(), points.clone())
                        .color(color)
                        .style(line_style(style))
                        .width(2.0),
                );
                plot.points(Points::new(label, points).color(color).radius(3.0));
            }
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}
