//! The Attention pane: pick a user, see each layer's and head's self-attention over their
//! recent items (or the head average), item titles on both axes, the causal mask greyed; and,
//! below, the target attention of a chosen candidate ad over the same items.

use egui::{Id, RichText, Ui};

use super::PaneContext;
use super::target_attention::TargetAttentionSection;
use crate::analysis::attention::{AttentionMap, HeadChoice, attention_map};
use crate::analysis::csv::{Cell, CsvTable};
use crate::studio::LiveQuery;
use crate::ui::exports::{chart_buttons, remember_chart_rect};
use crate::ui::state::Selections;
use crate::ui::widgets::heatmap::{HeatmapInput, heatmap_ui};
use crate::ui::widgets::labelled::note;
use crate::ui::widgets::subject_picker::{Subject, SubjectPicker};

/// The header of the target-attention section (collapsed at first).
const TARGET_HEADER: &str = "Target attention for a candidate ad";

/// Attention pane view state.
#[derive(Default)]
pub struct AttentionPane {
    search: String,
    query: LiveQuery<(u32, u64), AttentionMap>,
    target: TargetAttentionSection,
    /// Whether the target-attention section is open (it is drawn smaller than the heatmap
    /// otherwise, so the pane tracks it to share the height).
    target_open: bool,
}

impl AttentionPane {
    /// The map shown (for tests).
    pub fn map(&self) -> Option<&AttentionMap> {
        self.query.value()
    }

    /// The target-attention section (for tests).
    pub fn target(&self) -> &TargetAttentionSection {
        &self.target
    }

    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        let picker = SubjectPicker {
            subject: Subject::User,
            id_salt: "attention_user",
            missing_data: "Open data and train a model to see what it attends to.",
        };
        let Some(picked) = picker.ui(ui, cx.data(), &mut self.search, &mut cx.sel.user) else {
            return;
        };
        let data = picked.data;
        let Some(user) = picked.index else {
            note(ui, "Pick a user above.");
            return;
        };
        self.query
            .request((user, cx.ws.model_version), cx.ws, move |view| {
                attention_map(view, user)
            });
        self.query.poll();
        if let Some(error) = self.query.error() {
            note(ui, &error.to_string());
            return;
        }
        let Some(map) = self.query.value() else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing attention…");
            });
            return;
        };
        layer_and_head_ui(ui, cx.sel, map, self.query.is_pending());
        let window = if map.first_position > 0 {
            format!("the last {} of {} interactions", map.len(), map.history_len)
        } else {
            format!("all {} interactions", map.len())
        };
        ui.label(RichText::new(format!(
            "{} · {window} · weights after epoch {}. Row = the item being read, column = an earlier item it looks at.",
            data.dataset.users.token(map.user),
            map.epoch
        )).weak());
        let Some(matrix) = map.matrix(cx.sel.attention_layer, cx.sel.attention_head) else {
            return;
        };
        let titles: Vec<String> = map
            .items
            .iter()
            .map(|&i| data.labels.title(i).to_owned())
            .collect();
        if self.target_open {
            // The section below takes the pane's height; the heatmap comes back when it closes.
            ui.label(
                RichText::new("The heatmap is folded away while target attention is open.").weak(),
            );
        } else {
            heatmap_section_ui(ui, cx, map, &matrix, &titles);
        }
        let header = egui::CollapsingHeader::new(TARGET_HEADER)
            .open(Some(self.target_open))
            .show(ui, |ui| self.target.ui(ui, cx, &data, user))
            .header_response
            .on_hover_text(
                "How much each of these items supports one candidate ad in SeqUDA-Rec's target-attention head",
            );
        if header.clicked() {
            self.target_open = !self.target_open;
        }
    }
}

/// The layer and head choosers (kept within `map`'s layers and heads), with a spinner while a
/// newer map is on its way.
fn layer_and_head_ui(ui: &mut Ui, sel: &mut Selections, map: &AttentionMap, pending: bool) {
    let layers = map.layers().max(1);
    sel.attention_layer = sel.attention_layer.min(layers - 1);
    if let HeadChoice::Head(h) = sel.attention_head
        && h >= map.heads
    {
        sel.attention_head = HeadChoice::Average;
    }
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_label("Layer")
            .selected_text(format!("Layer {}", sel.attention_layer + 1))
            .show_ui(ui, |ui| {
                for layer in 0..layers {
                    ui.selectable_value(
                        &mut sel.attention_layer,
                        layer,
                        format!("Layer {}", layer + 1),
                    );
                }
            })
            .response
            .on_hover_text(
                "Which Transformer block's attention to show (1 = closest to the input)",
            );
        egui::ComboBox::from_label("Head")
            .selected_text(head_label(sel.attention_head))
            .show_ui(ui, |ui| {
                ui.selectable_value(
                    &mut sel.attention_head,
                    HeadChoice::Average,
                    head_label(HeadChoice::Average),
                );
                for head in 0..map.heads {
                    let choice = HeadChoice::Head(head);
                    ui.selectable_value(&mut sel.attention_head, choice, head_label(choice));
                }
            })
            .response
            .on_hover_text("Each head learns its own pattern; the average shows them together");
        if pending {
            ui.spinner();
        }
    });
}

/// The self-attention heatmap with its Save PNG / Export CSV buttons, leaving room below for
/// the target-attention header.
fn heatmap_section_ui(
    ui: &mut Ui,
    cx: &mut PaneContext<'_>,
    map: &AttentionMap,
    matrix: &[f32],
    titles: &[String],
) {
    let chart_id = Id::unique("chart_attention");
    ui.horizontal(|ui| {
        chart_buttons(ui, cx.exports, chart_id, "attention", || {
            let mut table = CsvTable::new([
                "query position",
                "query item",
                "key position",
                "key item",
                "weight",
            ]);
            let n = titles.len();
            for q in 0..n {
                for k in 0..=q {
                    table.push(vec![
                        (map.first_position + q + 1).into(),
                        Cell::from(titles[q].as_str()),
                        (map.first_position + k + 1).into(),
                        Cell::from(titles[k].as_str()),
                        matrix[q * n + k].into(),
                    ]);
                }
            }
            table
        });
    });
    let response = egui::ScrollArea::both()
        .id_salt("attention_scroll")
        .auto_shrink([false, false])
        .max_height((ui.available_height() - 60.0).max(120.0))
        .show(ui, |ui| {
            heatmap_ui(
                ui,
                &HeatmapInput {
                    values: matrix,
                    titles,
                    causal: true,
                },
            )
        })
        .inner;
    remember_chart_rect(ui, chart_id, response.rect);
}

fn head_label(head: HeadChoice) -> String {
    match head {
        HeadChoice::Average => "Average of heads".into(),
        HeadChoice::Head(h) => format!("Head {}", h + 1),
    }
}
