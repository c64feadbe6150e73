//! The Audience targeting pane: pick an ad, rank every user by how likely their next
//! interaction is that ad, choose an audience (top N or a probability threshold) with its live
//! size, check the ranking on held-out data (cumulative gains vs random and popularity
//! targeting), and export the audience.

use egui::{Id, RichText, Ui};
use egui_plot::{HoverPosition, Legend, Line, Plot, VLine};

use super::PaneContext;
use crate::analysis::audience::{Audience, audience, audience_table};
use crate::analysis::csv::{Cell, CsvTable};
use crate::studio::{LiveQuery, LoadedData};
use crate::ui::exports::{Exports, chart_buttons, remember_chart_rect};
use crate::ui::state::{AudienceMode, Selections};
use crate::ui::widgets::labelled::{note, thousands, truncate};
use crate::ui::widgets::plots::series_color;
use crate::ui::widgets::subject_picker::{Subject, SubjectPicker};

/// Users listed in the table (the export has all of them).
const TABLE_ROWS: usize = 200;

/// Audience pane view state.
#[derive(Default)]
pub struct AudiencePane {
    search: String,
    query: LiveQuery<(u32, u64), Audience>,
}

impl AudiencePane {
    /// The ranking shown (for tests).
    pub fn audience(&self) -> Option<&Audience> {
        self.query.value()
    }

    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        let picker = SubjectPicker {
            subject: Subject::Item,
            id_salt: "audience_item",
            missing_data: "Open data and train a model to build audiences.",
        };
        let Some(picked) = picker.ui(ui, cx.data(), &mut self.search, &mut cx.sel.item) else {
            return;
        };
        let data = picked.data;
        let Some(item) = picked.index else {
            note(ui, "Pick an ad above.");
            return;
        };
        self.query
            .request((item, cx.ws.model_version), cx.ws, move |view| {
                audience(view, item, true)
            });
        self.query.poll();
        if let Some(error) = self.query.error() {
            note(ui, &error.to_string());
            return;
        }
        let Some(ranking) = self.query.value() else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Scoring every user…");
            });
            return;
        };
        let users = ranking.ranked.len();
        size_ui(ui, cx.sel, users, self.query.is_pending());
        let size = match cx.sel.audience_mode {
            AudienceMode::TopN => cx.sel.audience_top_n.min(users),
            AudienceMode::Threshold => ranking.size_at_threshold(cx.sel.audience_threshold),
        };
        let share = size as f64 / users.max(1) as f64;
        summary_ui(ui, ranking, size, share);
        ui.horizontal(|ui| {
            let title = data.labels.id(item).to_owned();
            if ui
                .button("Export audience CSV")
                .on_hover_text("Save the chosen users (rank, user id, probability) as a CSV file that opens safely in spreadsheets")
                .clicked()
            {
                cx.exports.export_csv(&format!("audience_{title}.csv"), audience_table(&data.dataset, ranking, size));
            }
        });
        ui.columns(2, |columns| {
            gains_ui(&mut columns[0], cx.exports, ranking, share);
            users_ui(&mut columns[1], &data, ranking, size);
        });
    }
}

/// Top N or a probability threshold, and the audience size or threshold, over `users`
/// ranked users; a spinner while a newer ranking is on its way.
fn size_ui(ui: &mut Ui, sel: &mut Selections, users: usize, pending: bool) {
    ui.horizontal(|ui| {
        ui.selectable_value(&mut sel.audience_mode, AudienceMode::TopN, "Top N users")
            .on_hover_text("Target a fixed number of the most likely users");
        ui.selectable_value(&mut sel.audience_mode, AudienceMode::Threshold, "Probability threshold")
            .on_hover_text("Target every user at least this likely to engage next");
        match sel.audience_mode {
            AudienceMode::TopN => {
                sel.audience_top_n = sel.audience_top_n.clamp(1, users.max(1));
                ui.add(egui::Slider::new(&mut sel.audience_top_n, 1..=users.max(1)).text("Audience size"))
                    .on_hover_text("How many users to target");
            }
            AudienceMode::Threshold => {
                ui.add(
                    egui::Slider::new(&mut sel.audience_threshold, 1e-5..=1.0)
                        .logarithmic(true)
                        .text("Minimum probability"),
                )
                .on_hover_text("Target users whose chance that this ad is their next interaction is at least this");
            }
        }
        if pending {
            ui.spinner();
        }
    });
}

/// The audience in words: its size and share, and how it did on held-out data.
fn summary_ui(ui: &mut Ui, ranking: &Audience, size: usize, share: f64) {
    let users = ranking.ranked.len();
    let reached = ranking.model_gains.reached_at(share);
    ui.label(
        RichText::new(format!(
            "Audience: {} users ({:.1}% of {}) · expected engagers about {:.1}",
            thousands(size),
            share * 100.0,
            thousands(users),
            ranking.expected_reach(size)
        ))
        .heading(),
    );
    ui.label(format!(
        "On held-out data this share of users reaches {:.0}% of the {} users whose next interaction was this ad (lift {:.1}× over random; targeting the most active users reaches {:.0}%).",
        reached * 100.0,
        ranking.model_gains.positives,
        ranking.model_gains.lift_at(share),
        ranking.popularity_gains.reached_at(share) * 100.0
    ));
    ui.label(
        RichText::new(format!(
            "Scores from weights after epoch {}.",
            ranking.epoch
        ))
        .weak(),
    );
}

fn gains_ui(ui: &mut Ui, exports: &mut Exports, ranking: &Audience, share: f64) {
    let chart_id = Id::unique("chart_gains");
    ui.horizontal(|ui| {
        ui.strong("Cumulative gains (held-out)");
        chart_buttons(ui, exports, chart_id, "gains", || {
            let mut table =
                CsvTable::new(["strategy", "share targeted", "share of engagers reached"]);
            for (name, curve) in [
                ("model", &ranking.model_gains),
                ("most active users", &ranking.popularity_gains),
            ] {
                for p in &curve.points {
                    table.push(vec![Cell::from(name), p[0].into(), p[1].into()]);
                }
            }
            table.push(vec![Cell::from("random"), 0.0f64.into(), 0.0f64.into()]);
            table.push(vec![Cell::from("random"), 1.0f64.into(), 1.0f64.into()]);
            table
        });
    });
    let response = Plot::new("gains_plot")
        .legend(Legend::default())
        .height(ui.available_height().max(200.0))
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .data_aspect(1.0)
        .x_axis_label("share of users targeted")
        .y_axis_label("share of engagers reached")
        .label_formatter(|pos| {
            let (name, p) = match pos {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, position),
                HoverPosition::Elsewhere { position } => ("", position),
            };
            Some(format!(
                "{name}\ntargeted {:.1}%\nreached {:.1}%",
                p.x * 100.0,
                p.y * 100.0
            ))
        })
        .show(ui, |plot| {
            plot.line(
                Line::new("model", ranking.model_gains.points.clone())
                    .color(series_color(0))
                    .width(2.5),
            );
            plot.line(
                Line::new("most active users", ranking.popularity_gains.points.clone())
                    .color(series_color(1))
                    .width(2.0),
            );
            plot.line(
                Line::new("random", vec![[0.0, 0.0], [1.0, 1.0]])
                    .color(series_color(9))
                    .width(1.5),
            );
            plot.vline(VLine::new("chosen audience", share).color(series_color(2)));
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}

fn users_ui(ui: &mut Ui, data: &LoadedData, ranking: &Audience, size: usize) {
    ui.strong(format!(
        "Most likely users (first {} of the audience)",
        size.min(TABLE_ROWS)
    ))
    .on_hover_text(format!(
        "Scored by {}: the probability that the user's next interaction is this ad.",
        ranking.scored_by.label()
    ));
    let explained = !ranking.reasons.is_empty();
    egui::ScrollArea::vertical()
        .id_salt("audience_users")
        .show(ui, |ui| {
            egui::Grid::new("audience_grid")
                .num_columns(if explained { 4 } else { 3 })
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new("#").weak());
                    ui.label(RichText::new("User").weak());
                    ui.label(RichText::new("Probability").weak());
                    if explained {
                        ui.label(RichText::new("Why (target attention)").weak())
                            .on_hover_text(
                                "The history items this ad attended to most for the user.",
                            );
                    }
                    ui.end_row();
                    for (rank, &(user, p)) in
                        ranking.ranked.iter().take(size.min(TABLE_ROWS)).enumerate()
                    {
                        ui.label(format!("{}", rank + 1));
                        let last = data
                            .dataset
                            .sequences
                            .get(user as usize)
                            .and_then(|s| s.last())
                            .map_or(String::new(), |&i| truncate(data.labels.title(i), 40));
                        ui.label(data.dataset.users.token(user))
                            .on_hover_text(format!("Last interaction: {last}"));
                        ui.label(format!("{:.4}", p));
                        if explained {
                            match ranking.reason(user) {
                                Some(reason) => {
                                    let titles: Vec<String> = reason
                                        .items
                                        .iter()
                                        .take(2)
                                        .map(|&(item, _)| truncate(data.labels.title(item), 16))
                                        .collect();
                                    let details: Vec<String> = reason
                                        .items
                                        .iter()
                                        .map(|&(item, w)| {
                                            format!("{:.2}  {}", w, data.labels.title(item))
                                        })
                                        .collect();
                                    ui.label(titles.join(", ")).on_hover_text(format!(
                                        "Attention weight · history item\n{}",
                                        details.join("\n")
                                    ));
                                }
                                None => {
                                    ui.label("");
                                }
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}
