//! The Attention pane's target-attention section: pick a candidate ad (the one Audience and
//! Graph show) and see, as bars over the user's recent items, how much each supports it
//! (docs/MODEL.md §5), with the candidate's score and its strongest supports in words.

use egui::{Id, RichText, Ui};
use egui_plot::{Bar, BarChart, Plot, uniform_grid_spacer};

use super::PaneContext;
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::target_attention::{TargetAttentionBars, target_attention_bars};
use crate::studio::{LiveQuery, LoadedData};
use crate::ui::exports::{chart_buttons, remember_chart_rect};
use crate::ui::widgets::labelled::note;
use crate::ui::widgets::plots::{category_axis, series_color};
use crate::ui::widgets::subject_picker::{Subject, pick_subject_ui};

/// Supports named in the sentence under the picker and drawn in the accent colour.
const STRONGEST: usize = 3;
/// Points per bar of the chart.
const BAR_HEIGHT: f32 = 18.0;
/// Characters of an item title kept on the bar axis.
const AXIS_TITLE_CHARS: usize = 28;

/// The section's view state.
#[derive(Default)]
pub struct TargetAttentionSection {
    search: String,
    query: LiveQuery<(u32, u32, u64), TargetAttentionBars>,
}

impl TargetAttentionSection {
    /// The bars shown (for tests).
    pub fn bars(&self) -> Option<&TargetAttentionBars> {
        self.query.value()
    }

    /// Draws the section for `user` (dense index) of `data`.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>, data: &LoadedData, user: u32) {
        let picked = pick_subject_ui(
            ui,
            Subject::Item,
            "target_attention_item",
            &mut self.search,
            &mut cx.sel.item,
            data,
        );
        let Some(item) = picked else {
            note(ui, "Pick a candidate ad above.");
            return;
        };
        self.query
            .request((user, item, cx.ws.model_version), cx.ws, move |view| {
                target_attention_bars(view, user, item)
            });
        self.query.poll();
        if let Some(error) = self.query.error() {
            note(ui, &error.to_string());
            return;
        }
        let Some(bars) = self.query.value() else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing target attention…");
            });
            return;
        };
        let strongest = bars.strongest(STRONGEST);
        let supports: Vec<String> = strongest
            .iter()
            .map(|&i| {
                format!(
                    "{} ({:.0}%)",
                    data.labels.title(bars.items[i]),
                    100.0 * bars.weights[i]
                )
            })
            .collect();
        ui.label(
            RichText::new(format!(
                "{} for {}: target-attention score {:.3} (weights after epoch {}). Strongest supports: {}.",
                data.labels.title(bars.item),
                data.dataset.users.token(bars.user),
                bars.score,
                bars.epoch,
                supports.join(", ")
            ))
            .weak(),
        );
        let chart_id = Id::unique("chart_target_attention");
        ui.horizontal(|ui| {
            chart_buttons(ui, cx.exports, chart_id, "target attention", || {
                bars_table(bars, data)
            });
            if self.query.is_pending() {
                ui.spinner();
            }
        });
        // The bars keep a readable height; a long window scrolls.
        egui::ScrollArea::vertical()
            .id_salt("target_attention_scroll")
            .auto_shrink([false, true])
            .max_height(ui.available_height().max(BAR_HEIGHT * 6.0))
            .show(ui, |ui| bar_chart_ui(ui, chart_id, bars, &strongest, data));
    }
}

/// One row per window item: its position in the history, id, title and weight.
fn bars_table(bars: &TargetAttentionBars, data: &LoadedData) -> CsvTable {
    let mut table = CsvTable::new(["position", "item", "title", "candidate", "weight"]);
    for (i, (&item, &weight)) in bars.items.iter().zip(&bars.weights).enumerate() {
        table.push(vec![
            (bars.first_position + i + 1).into(),
            Cell::from(data.labels.id(item)),
            Cell::from(data.labels.title(item)),
            Cell::from(data.labels.id(bars.item)),
            weight.into(),
        ]);
    }
    table
}

/// Horizontal bars, the newest item on top, the strongest supports in the accent colour.
fn bar_chart_ui(
    ui: &mut Ui,
    chart_id: Id,
    bars: &TargetAttentionBars,
    strongest: &[usize],
    data: &LoadedData,
) {
    let (mut top, mut rest) = (Vec::new(), Vec::new());
    for (i, &weight) in bars.weights.iter().enumerate() {
        let title = data.labels.title(bars.items[i]);
        let bar = Bar::new(i as f64, f64::from(weight))
            .name(format!("#{} {title}", bars.first_position + i + 1))
            .width(0.8);
        if strongest.contains(&i) {
            top.push(bar);
        } else {
            rest.push(bar);
        }
    }
    let labels: Vec<String> = bars
        .items
        .iter()
        .enumerate()
        .map(|(i, &item)| {
            let title: String = data
                .labels
                .title(item)
                .chars()
                .take(AXIS_TITLE_CHARS)
                .collect();
            format!("#{} {title}", bars.first_position + i + 1)
        })
        .collect();
    let height = (BAR_HEIGHT * bars.items.len() as f32 + 40.0).max(140.0);
    let response = Plot::new("target_attention_plot")
        .height(height)
        .allow_scroll(false)
        .include_x(0.0)
        // A mark (and so a title) on every bar.
        .y_grid_spacer(uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .x_axis_label("weight on the candidate (sums to 1)")
        .y_axis_formatter(category_axis(labels))
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("earlier items", rest)
                    .horizontal()
                    .color(series_color(0)),
            );
            plot.bar_chart(
                BarChart::new("strongest supports", top)
                    .horizontal()
                    .color(series_color(1)),
            );
        })
        .response;
    remember_chart_rect(ui, chart_id, response.rect);
}
