//! The Audience targeting pane: pick an ad, rank every user by how likely their next
//! interaction is that ad, choose an audience (top N or a probability threshold) with its live
//! size, and lead with the verdict: its held-out lift over random and most-active targeting
//! with a confidence interval (`analysis::audience_verdict`), "Not better than random: don't
//! use this audience" when the interval does not exclude random, a warning when too few
//! held-out engagers back it. Then the cumulative gains chart and the audience's users, and
//! the export. Only an answer for the picked ad is ever shown; while it is rescored (new
//! weights) the last answer for the same ad stays, dimmed.

use egui::{Color32, Id, RichText, Ui};
use egui_plot::{HoverPosition, Line, Plot, VLine};

use super::PaneContext;
use crate::analysis::audience::{Audience, audience, audience_table};
use crate::analysis::audience_verdict::{AudienceVerdict, TiesAtCut, Verdict};
use crate::analysis::csv::{Cell, CsvTable};
use crate::studio::{LiveQuery, LoadedData};
use crate::ui::exports::{Exports, chart_buttons, remember_chart_rect};
use crate::ui::state::{AudienceMode, Selections};
use crate::ui::widgets::labelled::{note, thousands, truncate};
use crate::ui::widgets::plots::series_color;
use crate::ui::widgets::subject_picker::{Subject, SubjectPicker};

/// Users listed in the table (the export has all of them).
const TABLE_ROWS: usize = 200;

/// Opacity of an answer being rescored with newer weights.
const STALE_OPACITY: f32 = 0.45;

/// Audience pane view state.
#[derive(Default)]
pub struct AudiencePane {
    search: String,
    query: LiveQuery<(u32, u64), Audience>,
    shown: Option<u32>,
}

impl AudiencePane {
    /// The latest ranking (for tests; maybe of an ad no longer picked, which is never drawn).
    pub fn audience(&self) -> Option<&Audience> {
        self.query.value()
    }

    /// The ad (dense index) whose figures the pane drew last frame, if any.
    pub fn shown_item(&self) -> Option<u32> {
        self.shown
    }

    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        self.shown = None;
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
        let version = cx.ws.model_version;
        self.query.request((item, version), cx.ws, move |view| {
            audience(view, item, true)
        });
        self.query.poll();
        let ad = data.labels.id(item).to_owned();
        // Only an answer keyed by this ad is drawn: another ad's figures never show under
        // this ad's name while its own ranking is on its way.
        let Some((&(_, answered_version), answer)) = self
            .query
            .answer()
            .filter(|((answered, _), _)| *answered == item)
        else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Scoring every user for {ad}…"));
            });
            return;
        };
        let ranking = match answer {
            Ok(ranking) => ranking,
            Err(error) => {
                note(ui, &error.to_string());
                return;
            }
        };
        let rescoring = answered_version != version || self.query.is_pending();
        self.shown = Some(item);
        let users = ranking.ranked.len();
        size_ui(ui, cx.sel, users, rescoring);
        let size = match cx.sel.audience_mode {
            AudienceMode::TopN => cx.sel.audience_top_n.min(users),
            AudienceMode::Threshold => ranking.size_at_threshold(cx.sel.audience_threshold),
        };
        let share = size as f64 / users.max(1) as f64;
        ui.scope(|ui| {
            if rescoring {
                ui.multiply_opacity(STALE_OPACITY);
            }
            verdict_ui(ui, &ad, ranking, size, rescoring);
            if ui
                .button("Export audience CSV")
                .on_hover_text("Save the chosen users (rank, user id, probability, interactions, and the items target attention picked) as a CSV file that opens safely in spreadsheets")
                .clicked()
            {
                cx.exports.export_csv(
                    &format!("audience_{ad}.csv"),
                    audience_table(&data.dataset, ranking, size),
                );
            }
            ui.columns(2, |columns| {
                gains_ui(&mut columns[0], cx.exports, ranking, share);
                users_ui(&mut columns[1], &data, ranking, size);
            });
        });
    }
}

/// Top N or a probability threshold, and the audience size or threshold, over `users`
/// ranked users; a spinner while the ranking is rescored with newer weights.
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

/// The verdict first (lift over random and most-active targeting, its interval, whether to
/// use the audience), a warning when too few held-out engagers back it, then the audience in
/// words, the tie rule and where the scores come from.
fn verdict_ui(ui: &mut Ui, ad: &str, ranking: &Audience, size: usize, rescoring: bool) {
    let verdict = AudienceVerdict::of(ranking, size);
    let colour = match verdict.verdict {
        Verdict::BetterThanRandom => ui.visuals().text_color(),
        Verdict::NotBetterThanRandom => ui.visuals().error_fg_color,
        Verdict::NoEngagers => ui.visuals().warn_fg_color,
    };
    ui.label(RichText::new(verdict.headline()).heading().color(colour));
    if let Some(warning) = verdict.warning() {
        ui.colored_label(ui.visuals().warn_fg_color, warning);
    }
    let users = ranking.ranked.len();
    ui.label(
        RichText::new(format!(
            "Audience for {ad}: {} users ({:.1}% of {}) · expected engagers about {:.1}",
            thousands(size),
            verdict.share * 100.0,
            thousands(users),
            ranking.expected_reach(size)
        ))
        .strong(),
    );
    ui.label(format!(
        "On held-out data this share of users reaches {:.0}% of the {} users whose next interaction was this ad; targeting the most active users reaches {:.0}%, random targeting {:.0}%.",
        verdict.reached * 100.0,
        verdict.engagers,
        verdict.reached_most_active * 100.0,
        verdict.share * 100.0
    ));
    let ties = TiesAtCut::of(&ranking.ranked, size).map_or_else(String::new, |t| t.sentence());
    let source = if rescoring {
        format!(
            "Scores from weights after epoch {}; rescoring with newer weights…",
            ranking.epoch
        )
    } else {
        format!("Scores from weights after epoch {}.", ranking.epoch)
    };
    ui.label(RichText::new(format!("{ties} {source}")).weak());
}

/// A colour key of the gains chart, drawn above it so it never covers the curves.
fn legend_ui(ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        for (name, colour, width) in [
            ("model", series_color(0), 2.5),
            ("most active users", series_color(1), 2.0),
            ("random", series_color(9), 1.5),
            ("chosen audience", series_color(2), 1.0),
        ] {
            legend_key_ui(ui, colour, width);
            ui.label(RichText::new(name).small());
        }
    });
}

fn legend_key_ui(ui: &mut Ui, colour: Color32, width: f32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(18.0, 10.0), egui::Sense::hover());
    ui.painter().line_segment(
        [rect.left_center(), rect.right_center()],
        egui::Stroke::new(width, colour),
    );
}

fn percent_axis(mark: egui_plot::GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    format!("{:.0}%", mark.value * 100.0)
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
    legend_ui(ui);
    let response = Plot::new("gains_plot")
        .height(ui.available_height().max(200.0))
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .data_aspect(1.0)
        .x_axis_label("users targeted")
        .y_axis_label("engagers reached")
        .x_axis_formatter(percent_axis)
        .y_axis_formatter(percent_axis)
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
    // Both ways: the "Why" column shows whole item titles, scrolled to when wider than the pane.
    egui::ScrollArea::both()
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
                                        .map(|&(item, _)| data.labels.title(item).to_owned())
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
