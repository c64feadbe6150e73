//! The Compare runs pane: the verdict on two runs of the same data (difference in test
//! NDCG@10, paired per-user test, one sentence), saved runs side by side (configuration
//! differences in plain names, validation and test metrics), runs that differ only by seed grouped with 95% confidence intervals, bar
//! charts, overlays on the loss curves, reopening a run, and resuming one that was stopped or
//! cut before its test.

use std::collections::BTreeSet;

use egui::{Id, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::PaneContext;
use super::compare_verdict::VerdictView;
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::run_verdict::RunVerdict;
use crate::analysis::runs::{SavedRun, config_differences, flat_config, seed_groups};
use crate::analysis::setting_names::{setting_name, setting_value};
use crate::studio::file_name;
use crate::ui::commands::UiCommand;
use crate::ui::exports::{Exports, chart_buttons, remember_chart_rect};
use crate::ui::widgets::labelled::{duration, note};
use crate::ui::widgets::plots::{category_axis, series_color};

/// Compare runs pane view state.
#[derive(Default)]
pub struct ComparePane {
    verdict: VerdictView,
}

impl ComparePane {
    /// The verdict shown on the picked pair of runs (for tests).
    pub fn verdict(&self) -> Option<&RunVerdict> {
        self.verdict.verdict()
    }

    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        ui.horizontal_wrapped(|ui| {
            let folder = if cx.deterministic {
                file_name(&cx.ws.runs_dir)
            } else {
                cx.ws.runs_dir.display().to_string()
            };
            ui.label(format!("Runs folder: {folder}"));
            for command in [UiCommand::ChooseRunsFolder, UiCommand::RescanRuns] {
                if ui
                    .button(command.label())
                    .on_hover_text(command.tooltip())
                    .clicked()
                {
                    cx.commands.push(command);
                }
            }
            if cx.ws.library.scanning {
                ui.spinner();
            }
        });
        let runs = &cx.ws.library.runs;
        if runs.is_empty() {
            note(
                ui,
                "No saved runs yet. Every training run is saved here; train one in the Train pane.",
            );
            return;
        }
        egui::ScrollArea::vertical()
            .id_salt("compare_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.verdict.ui(ui, runs, cx.sel);
                ui.separator();
                runs_table_ui(
                    ui,
                    runs,
                    &mut cx.sel.overlay_runs,
                    cx.commands,
                    cx.deterministic,
                );
                ui.separator();
                groups_ui(ui, runs);
                ui.separator();
                bars_ui(ui, cx.exports, runs);
            });
    }
}

fn metric(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.4}"))
}

fn runs_table_ui(
    ui: &mut Ui,
    runs: &[SavedRun],
    overlay: &mut BTreeSet<String>,
    commands: &mut Vec<UiCommand>,
    deterministic: bool,
) {
    // The Model column already names each run's model.
    let mut differences = config_differences(runs);
    differences.retain(|key| key != "train.model");
    let titles: Vec<String> = differences.iter().map(|k| setting_name(k)).collect();
    ui.strong("Runs")
        .on_hover_text("Tick a run to overlay its curves in Loss curves");
    egui::ScrollArea::horizontal()
        .id_salt("runs_table")
        .show(ui, |ui| {
            egui::Grid::new("runs_grid").striped(true).show(ui, |ui| {
                let mut headers = vec![
                    "Run",
                    "Model",
                    "Epochs",
                    "Best",
                    "Valid NDCG@10",
                    "Test HR@10",
                    "Test NDCG@10",
                    "Test MRR",
                ];
                if !deterministic {
                    headers.push("Train time");
                }
                headers.extend(titles.iter().map(String::as_str));
                headers.push("");
                for header in headers {
                    ui.label(RichText::new(header).weak());
                }
                ui.end_row();
                for run in runs {
                    run_row_ui(ui, run, &differences, overlay, commands, deterministic);
                    ui.end_row();
                }
            });
        });
}

/// One run's row: its overlay tick, figures, differing settings, Reopen and Resume.
fn run_row_ui(
    ui: &mut Ui,
    run: &SavedRun,
    differences: &[String],
    overlay: &mut BTreeSet<String>,
    commands: &mut Vec<UiCommand>,
    deterministic: bool,
) {
    let mut shown = overlay.contains(&run.name);
    if ui
        .checkbox(&mut shown, &run.name)
        .on_hover_text("Overlay this run's curves in Loss curves")
        .changed()
    {
        if shown {
            overlay.insert(run.name.clone());
        } else {
            overlay.remove(&run.name);
        }
    }
    let summary = run.summary.as_ref();
    ui.label(run.config.train.model.label());
    ui.label(summary.map_or("—".into(), |s| s.epochs_run.to_string()));
    ui.label(summary.map_or("—".into(), |s| s.best_epoch.to_string()));
    ui.label(metric(summary.map(|s| s.valid.ndcg_10)));
    ui.label(metric(run.test().map(|t| t.hr_10)));
    ui.label(metric(run.test().map(|t| t.ndcg_10)));
    ui.label(metric(run.test().map(|t| t.mrr)));
    if !deterministic {
        ui.label(summary.map_or("—".into(), |s| duration(s.train_seconds)));
    }
    let flat = flat_config(&run.config);
    for key in differences {
        ui.label(
            flat.get(key)
                .map_or_else(|| "—".to_owned(), |v| setting_value(key, v)),
        );
    }
    if ui
        .small_button("Reopen")
        .on_hover_text("Use this run's data and best checkpoint in the analysis panes")
        .clicked()
    {
        commands.push(UiCommand::ReopenRun(run.dir.clone()));
    }
    if run.resumable
        && ui
            .small_button("Resume")
            .on_hover_text(UiCommand::ResumeRun(run.dir.clone()).tooltip())
            .clicked()
    {
        commands.push(UiCommand::ResumeRun(run.dir.clone()));
    }
}

fn groups_ui(ui: &mut Ui, runs: &[SavedRun]) {
    let groups = seed_groups(runs);
    ui.strong("Same settings, different seeds")
        .on_hover_text("Runs whose configuration differs only in the seed, averaged, with a 95% confidence interval of the mean");
    if groups.iter().all(|g| g.runs.len() < 2) {
        ui.label(
            "Confidence intervals appear when two or more runs share all settings but the seed.",
        );
        return;
    }
    egui::Grid::new("groups_grid").striped(true).show(ui, |ui| {
        for header in ["Model", "Runs", "Test NDCG@10", "Test HR@10"] {
            ui.label(RichText::new(header).weak());
        }
        ui.end_row();
        for group in groups.iter().filter(|g| g.runs.len() > 1) {
            ui.label(&group.model);
            ui.label(group.runs.join(", "));
            ui.label(format!("{:.4} ± {:.4}", group.ndcg_10.0, group.ndcg_10_ci));
            ui.label(format!("{:.4} ± {:.4}", group.hr_10.0, group.hr_10_ci));
            ui.end_row();
        }
    });
}

fn bars_ui(ui: &mut Ui, exports: &mut Exports, runs: &[SavedRun]) {
    let tested: Vec<&SavedRun> = runs.iter().filter(|r| r.test().is_some()).collect();
    if tested.is_empty() {
        return;
    }
    let chart_id = Id::unique("chart_compare");
    ui.horizontal(|ui| {
        ui.strong("Test metrics by run");
        chart_buttons(ui, exports, chart_id, "runs", || {
            let mut table =
                CsvTable::new(["run", "model", "test hr@10", "test ndcg@10", "test mrr"]);
            for run in &tested {
                if let Some(test) = run.test() {
                    table.push(vec![
                        Cell::from(run.name.as_str()),
                        Cell::from(run.config.train.model.name()),
                        test.hr_10.into(),
                        test.ndcg_10.into(),
                        test.mrr.into(),
                    ]);
                }
            }
            table
        });
    });
    let names: Vec<String> = tested.iter().map(|r| r.name.clone()).collect();
    let bars = |offset: f64, value: fn(&crate::eval::RankingMetrics) -> f64| -> Vec<Bar> {
        tested
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                Some(
                    Bar::new(i as f64 + offset, value(r.test()?))
                        .name(&r.name)
                        .width(0.35),
                )
            })
            .collect()
    };
    let hr = bars(-0.2, |m| m.hr_10);
    let ndcg = bars(0.2, |m| m.ndcg_10);
    let response = Plot::new("compare_plot")
        .height(220.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .include_y(0.0)
        .y_axis_label("test metric")
        .x_axis_formatter(category_axis(names))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("HR@10", hr).color(series_color(0)));
            plot.bar_chart(BarChart::new("NDCG@10", ndcg).color(series_color(1)));
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}
