//! The Loss curves pane: every logged loss component with a debiased-EMA smoothing slider over
//! a faint raw line, log scale, step / epoch / time axis, validation metrics per epoch, and
//! saved runs overlaid.

use egui::{Color32, Id, Ui};
use egui_plot::{ColorConflictHandling, HoverPosition, Legend, Line, Plot, Points};

use super::PaneContext;
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::history::{RunHistory, ValidMetric, XAxis};
use crate::analysis::smoothing::debiased_ema;
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
        let valid_height = (ui.available_height() - 40.0).max(140.0);
        validation_ui(ui, sel, exports, &runs, valid_height);
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

/// A loss series: label, raw points, smoothed points.
type LossSeries = (String, Vec<[f64; 2]>, Vec<[f64; 2]>);

fn hover_label(log_y: bool) -> impl Fn(&HoverPosition<'_>) -> Option<String> {
    move |pos| {
        let (name, p) = match pos {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => (*plot_name, position),
            HoverPosition::Elsewhere { position } => ("", position),
        };
        let y = if log_y { 10f64.powf(p.y) } else { p.y };
        Some(format!("{name}\nx = {:.2}\ny = {y:.4}", p.x))
    }
}

fn losses_ui(
    ui: &mut Ui,
    sel: &Selections,
    exports: &mut Exports,
    runs: &[&RunHistory],
    height: f32,
) {
    let axis = sel.x_axis;
    let log_y = sel.log_y;
    let beta = sel.smoothing;
    let chart_id = Id::unique("chart_losses");
    let hidden = sel.hidden_losses.clone();
    let mut series: Vec<LossSeries> = Vec::new();
    for run in runs {
        for name in run.loss_names().into_iter().filter(|n| !hidden.contains(n)) {
            let raw = run.loss_series(&name, axis);
            let ys: Vec<f64> = raw.iter().map(|p| p[1]).collect();
            let smooth: Vec<[f64; 2]> = raw
                .iter()
                .zip(debiased_ema(&ys, beta))
                .map(|(p, y)| [p[0], y])
                .collect();
            let label = if runs.len() > 1 {
                format!("{} · {}", run.name, loss_title(&name))
            } else {
                loss_title(&name)
            };
            series.push((label, raw, smooth));
        }
    }
    ui.horizontal(|ui| {
        ui.strong("Training losses");
        chart_buttons(ui, exports, chart_id, "losses", || {
            let mut table = CsvTable::new(["series", axis.label(), "raw", "smoothed"]);
            for (label, raw, smooth) in &series {
                for (r, s) in raw.iter().zip(smooth) {
                    table.push(vec![
                        Cell::from(label.as_str()),
                        r[0].into(),
                        r[1].into(),
                        s[1].into(),
                    ]);
                }
            }
            table
        });
    });
    let mut plot = Plot::new("loss_plot")
        .height(height)
        .legend(Legend::default().color_conflict_handling(ColorConflictHandling::PickFirst))
        .x_axis_label(axis.label())
        .y_axis_label(if log_y { "loss (log scale)" } else { "loss" })
        .label_formatter(hover_label(log_y));
    if log_y {
        plot = plot.y_axis_formatter(log_axis_label);
    }
    let response = plot
        .show(ui, |plot| {
            for (index, (label, raw, smooth)) in series.into_iter().enumerate() {
                let color = series_color(index);
                let faint = Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), 60);
                // The raw line shares the smoothed line's name: one legend entry (in the
                // smoothed colour, added first) toggles both.
                plot.line(
                    Line::new(label.clone(), log_points(&smooth, false, log_y))
                        .color(color)
                        .width(2.0),
                );
                plot.line(
                    Line::new(label, log_points(&raw, false, log_y))
                        .color(faint)
                        .width(1.0),
                );
            }
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}

fn validation_ui(
    ui: &mut Ui,
    sel: &Selections,
    exports: &mut Exports,
    runs: &[&RunHistory],
    height: f32,
) {
    let axis = sel.x_axis;
    let chart_id = Id::unique("chart_validation");
    let mut series: Vec<(String, Vec<[f64; 2]>)> = Vec::new();
    for run in runs {
        for metric in ValidMetric::ALL {
            let label = if runs.len() > 1 {
                format!("{} · {}", run.name, metric.label())
            } else {
                metric.label().to_owned()
            };
            series.push((label, run.metric_series(metric, axis)));
        }
    }
    ui.horizontal(|ui| {
        ui.strong("Validation (full ranking, per epoch)");
        chart_buttons(ui, exports, chart_id, "validation", || {
            let mut table = CsvTable::new(["series", axis.label(), "value"]);
            for (label, points) in &series {
                for p in points {
                    table.push(vec![Cell::from(label.as_str()), p[0].into(), p[1].into()]);
                }
            }
            table
        });
    });
    let response = Plot::new("validation_plot")
        .height(height)
        .legend(Legend::default())
        .x_axis_label(axis.label())
        .y_axis_label("metric")
        .include_y(0.0)
        .label_formatter(hover_label(false))
        .show(ui, |plot| {
            for (index, (label, points)) in series.into_iter().enumerate() {
                let color = series_color(index + 3);
                plot.line(
                    Line::new(label.clone(), points.clone())
                        .color(color)
                        .width(2.0),
                );
                plot.points(Points::new(label, points).color(color).radius(3.0));
            }
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}
