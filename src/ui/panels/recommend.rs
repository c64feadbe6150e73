//! The Recommend pane: pick a user, see their history and the top-K items with scores, seen
//! items left out (toggle), and the history items that drove each recommendation.

use egui::{Id, RichText, Ui};

use super::PaneContext;
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::recommend::{RecommendRequest, UserRecommendations, recommend};
use crate::studio::{LiveQuery, LoadedData};
use crate::ui::exports::{chart_buttons, remember_chart_rect};
use crate::ui::widgets::labelled::{note, truncate};
use crate::ui::widgets::subject_picker::{Subject, SubjectPicker};

/// Drivers listed per recommendation.
const DRIVERS: usize = 3;

/// Recommend pane view state.
#[derive(Default)]
pub struct RecommendPane {
    search: String,
    query: LiveQuery<(u32, usize, bool, u64), UserRecommendations>,
}

impl RecommendPane {
    /// The recommendations shown (for tests).
    pub fn recommendations(&self) -> Option<&UserRecommendations> {
        self.query.value()
    }

    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        let picker = SubjectPicker {
            subject: Subject::User,
            id_salt: "recommend_user",
            missing_data: "Open data (and train a model) to get recommendations.",
        };
        let Some(picked) = picker.ui(ui, cx.data(), &mut self.search, &mut cx.sel.user) else {
            return;
        };
        let data = picked.data;
        ui.horizontal(|ui| {
            ui.add(egui::Slider::new(&mut cx.sel.rec_k, 1..=50).text("How many"))
                .on_hover_text("How many items to recommend");
            ui.checkbox(&mut cx.sel.rec_exclude_seen, "Leave out items already seen")
                .on_hover_text("Do not recommend items this user already interacted with");
        });
        let Some(user) = picked.index else {
            note(ui, "Pick a user above.");
            return;
        };
        let request = RecommendRequest {
            user,
            k: cx.sel.rec_k,
            exclude_seen: cx.sel.rec_exclude_seen,
            drivers: DRIVERS,
        };
        let key = (user, request.k, request.exclude_seen, cx.ws.model_version);
        self.query
            .request(key, cx.ws, move |view| recommend(view, request));
        self.query.poll();
        if let Some(error) = self.query.error() {
            note(ui, &error.to_string());
            return;
        }
        let Some(recs) = self.query.value() else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Ranking items…");
            });
            return;
        };
        let source = if recs.model_based {
            format!("Ranked by the model (weights after epoch {}).", recs.epoch)
        } else {
            "No trained model yet: ranked by popularity. Train a model for personal recommendations.".into()
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(source).weak());
            if self.query.is_pending() {
                ui.spinner();
            }
        });
        let chart_id = Id::unique("chart_recommendations");
        ui.horizontal(|ui| {
            chart_buttons(ui, cx.exports, chart_id, "recommendations", || {
                table(&data, recs)
            });
        });
        let response = recommendations_ui(ui, &data, recs);
        remember_chart_rect(ui, chart_id, response.rect);
        ui.separator();
        history_ui(ui, &data, recs);
    }
}

fn history_ui(ui: &mut Ui, data: &LoadedData, recs: &UserRecommendations) {
    ui.strong(format!(
        "History ({} interactions, most recent first)",
        recs.history.len()
    ));
    let behaviours = data
        .dataset
        .behaviours
        .as_ref()
        .and_then(|b| b.get(recs.user as usize));
    egui::ScrollArea::vertical()
        .id_salt("history")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (position, &item) in recs.history.iter().enumerate().rev() {
                let behaviour = behaviours
                    .and_then(|b| b.get(position))
                    .and_then(|&b| data.dataset.behaviour_names.get(usize::from(b)))
                    .map_or(String::new(), |name| format!(" · {name}"));
                ui.label(format!(
                    "{}. {}{behaviour}",
                    position + 1,
                    truncate(data.labels.title(item), 48)
                ))
                .on_hover_text(format!(
                    "{} · {}",
                    data.labels.id(item),
                    data.labels.category(item).unwrap_or("no category")
                ));
            }
        });
}

fn recommendations_ui(
    ui: &mut Ui,
    data: &LoadedData,
    recs: &UserRecommendations,
) -> egui::Response {
    ui.strong(format!("Top {} recommendations", recs.items.len()));
    egui::Grid::new("recommendations")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new("#").weak());
            ui.label(RichText::new("Item").weak());
            ui.label(RichText::new("Score").weak());
            ui.label(RichText::new("Because of").weak())
                .on_hover_text("History items whose removal lowers this item's score the most");
            ui.end_row();
            for (rank, rec) in recs.items.iter().enumerate() {
                ui.label(format!("{}", rank + 1));
                ui.label(truncate(data.labels.title(rec.item), 44))
                    .on_hover_text(format!(
                        "{} · {}",
                        data.labels.id(rec.item),
                        data.labels.category(rec.item).unwrap_or("no category")
                    ));
                ui.label(format!("{:.3}", rec.score));
                // The two strongest, short enough to stay inside the pane (a title that reads
                // the same as the one before, cut, is not repeated); every one whole on hover.
                let mut drivers: Vec<String> = Vec::new();
                for driver in &rec.drivers {
                    let short = truncate(data.labels.title(driver.item), 26);
                    if drivers.len() < 2 && !drivers.contains(&short) {
                        drivers.push(short);
                    }
                }
                let all: Vec<&str> = rec
                    .drivers
                    .iter()
                    .map(|d| data.labels.title(d.item))
                    .collect();
                let cell = if drivers.is_empty() {
                    "—".to_owned()
                } else {
                    drivers.join("; ")
                };
                let label = ui.label(cell);
                if !all.is_empty() {
                    label.on_hover_text(all.join("\n"));
                }
                ui.end_row();
            }
        })
        .response
}

fn table(data: &LoadedData, recs: &UserRecommendations) -> CsvTable {
    let mut table = CsvTable::new([
        "rank",
        "item_id",
        "title",
        "category",
        "score",
        "because_of",
    ]);
    for (rank, rec) in recs.items.iter().enumerate() {
        let drivers: Vec<&str> = rec
            .drivers
            .iter()
            .map(|d| data.labels.title(d.item))
            .collect();
        table.push(vec![
            (rank + 1).into(),
            Cell::from(data.labels.id(rec.item)),
            Cell::from(data.labels.title(rec.item)),
            Cell::from(data.labels.category(rec.item).unwrap_or("")),
            rec.score.into(),
            Cell::from(drivers.join("; ")),
        ]);
    }
    table
}
