//! The Graph neighbourhood pane: the ego network of a user or an item in the training
//! interaction graph (1–2 hops, strongest edges), laid out by a force simulation; beside it,
//! the interaction neighbours and the nearest items in the model's embedding space.

use egui::{Color32, Id, RichText, Ui};

use super::PaneContext;
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::embedding::{Neighbour, nearest_items};
use crate::analysis::neighbourhood::{NodeRef, ego_network};
use crate::studio::{LiveQuery, LoadedData};
use crate::ui::exports::{Exports, chart_buttons, remember_chart_rect};
use crate::ui::state::Selections;
use crate::ui::widgets::graph_view::{GraphLayout, NodeStyle};
use crate::ui::widgets::labelled::{note, truncate};
use crate::ui::widgets::plots::series_color;
use crate::ui::widgets::subject_picker::{Subject, open_data_ui, pick_subject_ui};

/// Colour of user nodes.
const USER_COLOR: Color32 = Color32::from_rgb(160, 160, 170);

/// What the drawn network was built from.
type GraphKey = (NodeRef, u8, usize, u64);

/// Graph pane view state.
#[derive(Default)]
pub struct GraphPane {
    search: String,
    layout: Option<(GraphKey, GraphLayout)>,
    near: LiveQuery<(NodeRef, u64), Vec<Neighbour>>,
}

impl GraphPane {
    /// The layout shown (for tests and benchmarks).
    pub fn layout(&self) -> Option<&GraphLayout> {
        self.layout.as_ref().map(|(_, layout)| layout)
    }

    /// Draws the pane.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        let missing = "Open data to explore its interaction graph.";
        let Some(data) = open_data_ui(ui, cx.data(), missing) else {
            return;
        };
        if cx.sel.user.is_none() {
            cx.sel.user = Subject::User.default_id(&data);
        }
        if cx.sel.item.is_none() {
            cx.sel.item = Subject::Item.default_id(&data);
        }
        centre_controls_ui(ui, cx.sel);
        let on_item = cx.sel.graph_on_item;
        let (subject, id_salt, selected) = if on_item {
            (Subject::Item, "graph_item", &mut cx.sel.item)
        } else {
            (Subject::User, "graph_user", &mut cx.sel.user)
        };
        let picked = pick_subject_ui(ui, subject, id_salt, &mut self.search, selected, &data);
        let centre = picked.map(if on_item {
            NodeRef::Item
        } else {
            NodeRef::User
        });
        let Some(centre) = centre else {
            note(ui, "Pick a user or an item above.");
            return;
        };
        if !self.layout_ui(ui, &data, centre, cx) {
            return;
        }
        self.near
            .request((centre, cx.ws.model_version), cx.ws, move |view| {
                nearest_items(view, centre, 10)
            });
        self.near.poll();
        let chart_id = Id::unique("chart_graph");
        let Some((_, layout)) = &mut self.layout else {
            return;
        };
        summary_ui(ui, cx.exports, chart_id, &data, layout);
        ui.weak(
            "Grey: users. Coloured: items, one colour per category. Size: number of \
             connections. Click a node to centre on it; drag to pan, scroll to zoom.",
        );
        category_legend_ui(ui, &data, layout);
        match graph_and_lists_ui(ui, chart_id, &data, layout, &self.near) {
            Some(NodeRef::User(user)) => {
                cx.sel.user = Some(data.dataset.users.token(user).to_owned());
                cx.sel.graph_on_item = false;
            }
            Some(NodeRef::Item(item)) => {
                cx.sel.item = Some(data.labels.id(item).to_owned());
                cx.sel.graph_on_item = true;
            }
            None => {}
        }
    }

    /// Lays the network around `centre` out again when it or its settings changed; false,
    /// after a note saying why, when it cannot be built.
    fn layout_ui(
        &mut self,
        ui: &mut Ui,
        data: &LoadedData,
        centre: NodeRef,
        cx: &PaneContext<'_>,
    ) -> bool {
        let key: GraphKey = (
            centre,
            cx.sel.graph_hops,
            cx.sel.graph_neighbours,
            data.generation,
        );
        if self.layout.as_ref().is_none_or(|(k, _)| *k != key) {
            match ego_network(&data.graph, centre, key.1, key.2) {
                Ok(network) => {
                    self.layout = Some((key, GraphLayout::new(network, cx.deterministic)))
                }
                Err(error) => {
                    note(ui, &error.to_string());
                    return false;
                }
            }
        }
        true
    }
}

/// What the graph is centred on, how far it reaches and how many neighbours it keeps.
fn centre_controls_ui(ui: &mut Ui, sel: &mut Selections) {
    ui.horizontal(|ui| {
        ui.selectable_value(&mut sel.graph_on_item, false, "Centre on a user")
            .on_hover_text("Show the items this user interacted with, and who else did");
        ui.selectable_value(&mut sel.graph_on_item, true, "Centre on an item")
            .on_hover_text("Show the users who interacted with this item, and what else they did");
        ui.add(egui::Slider::new(&mut sel.graph_hops, 1..=2).text("Hops"))
            .on_hover_text("1 = direct neighbours only; 2 = also their neighbours");
        ui.add(egui::Slider::new(&mut sel.graph_neighbours, 3..=40).text("Neighbours"))
            .on_hover_text("How many of the strongest connections to keep per node");
    });
}

/// The Save PNG / Export CSV buttons and the network's size.
fn summary_ui(
    ui: &mut Ui,
    exports: &mut Exports,
    chart_id: Id,
    data: &LoadedData,
    layout: &GraphLayout,
) {
    ui.horizontal(|ui| {
        let network = &layout.network;
        chart_buttons(ui, exports, chart_id, "graph", || {
            let mut table = CsvTable::new(["from", "from kind", "to", "to kind", "weight"]);
            for edge in &network.edges {
                let (a, b) = (network.nodes[edge.a].node, network.nodes[edge.b].node);
                table.push(vec![
                    Cell::from(node_id(data, a)),
                    Cell::from(kind(a)),
                    Cell::from(node_id(data, b)),
                    Cell::from(kind(b)),
                    edge.weight.into(),
                ]);
            }
            table
        });
        let capped = if network.capped {
            " (strongest shown)"
        } else {
            ""
        };
        ui.weak(format!(
            "{} nodes · {} edges · centre degree {}{capped}",
            network.nodes.len(),
            network.edges.len(),
            network.centre_degree
        ));
    });
}

/// The drawing with the neighbour lists beside it; returns the node clicked, if any.
fn graph_and_lists_ui(
    ui: &mut Ui,
    chart_id: Id,
    data: &LoadedData,
    layout: &mut GraphLayout,
    near: &LiveQuery<(NodeRef, u64), Vec<Neighbour>>,
) -> Option<NodeRef> {
    let mut clicked = None;
    let side_width = 240.0_f32.min(ui.available_width() * 0.35);
    ui.horizontal_top(|ui| {
        let graph_size = egui::vec2(
            ui.available_width() - side_width - 8.0,
            ui.available_height().max(200.0),
        );
        ui.allocate_ui(graph_size, |ui| {
            let style = |node: NodeRef, degree: usize| node_style(data, node, degree);
            let response = layout.ui(ui, &style);
            remember_chart_rect(ui, chart_id, response.rect);
            clicked = response.clicked;
        });
        ui.vertical(|ui| {
            ui.set_width(side_width);
            side_lists_ui(ui, data, layout, near);
        });
    });
    clicked
}

fn kind(node: NodeRef) -> &'static str {
    match node {
        NodeRef::User(_) => "user",
        NodeRef::Item(_) => "item",
    }
}

/// Categories legend entries shown before the rest are counted.
const LEGEND_CATEGORIES: usize = 10;

/// The colour of each item category on screen, in the order of first appearance (items
/// without a category: "no category").
fn category_legend_ui(ui: &mut Ui, data: &LoadedData, layout: &GraphLayout) {
    let mut shown: Vec<Option<u16>> = Vec::new();
    for node in &layout.network.nodes {
        if let NodeRef::Item(item) = node.node {
            let category = data.labels.categories.get(item as usize).copied().flatten();
            if !shown.contains(&category) {
                shown.push(category);
            }
        }
    }
    if shown.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for &category in shown.iter().take(LEGEND_CATEGORIES) {
            let (color, name) = match category {
                Some(c) => (
                    category_color(c),
                    data.labels
                        .category_names
                        .get(usize::from(c))
                        .map_or("?", String::as_str),
                ),
                None => (series_color(0), "no category"),
            };
            let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().circle_filled(dot.center(), 5.0, color);
            ui.label(truncate(name, 24));
        }
        if shown.len() > LEGEND_CATEGORIES {
            ui.weak(format!("+{} more", shown.len() - LEGEND_CATEGORIES));
        }
    });
}

/// A colour per item category, distinct for any number of them: hues a golden-ratio turn
/// apart (a ten-colour palette gave the 1st and the 11th category the same colour).
fn category_color(category: u16) -> Color32 {
    let hue = (f32::from(category) * 0.618_034 + 0.08).fract();
    egui::ecolor::Hsva::new(hue, 0.62, 0.92, 1.0).into()
}

fn node_id(data: &LoadedData, node: NodeRef) -> String {
    match node {
        NodeRef::User(user) => data.dataset.users.token(user).to_owned(),
        NodeRef::Item(item) => data.labels.id(item).to_owned(),
    }
}

fn node_style(data: &LoadedData, node: NodeRef, degree: usize) -> NodeStyle {
    match node {
        NodeRef::User(user) => NodeStyle {
            label: format!("user {} ({degree} items)", data.dataset.users.token(user)),
            color: USER_COLOR,
        },
        NodeRef::Item(item) => {
            let category = data.labels.categories.get(item as usize).copied().flatten();
            NodeStyle {
                label: format!("{} ({degree} users)", truncate(data.labels.title(item), 40)),
                color: category.map_or(series_color(0), category_color),
            }
        }
    }
}

fn side_lists_ui(
    ui: &mut Ui,
    data: &LoadedData,
    layout: &GraphLayout,
    near: &LiveQuery<(NodeRef, u64), Vec<Neighbour>>,
) {
    ui.strong("Interaction neighbours")
        .on_hover_text("Direct neighbours in the training graph, strongest first");
    egui::ScrollArea::vertical()
        .id_salt("graph_neighbours")
        .max_height(ui.available_height() * 0.5)
        .show(ui, |ui| {
            for node in layout.network.nodes.iter().filter(|n| n.hop == 1) {
                let text = match node.node {
                    NodeRef::User(user) => format!("user {}", data.dataset.users.token(user)),
                    NodeRef::Item(item) => truncate(data.labels.title(item), 34),
                };
                ui.label(format!("{text} · degree {}", node.degree));
            }
        });
    ui.separator();
    ui.strong("Embedding neighbours")
        .on_hover_text("Items the model places closest (cosine similarity)");
    match (near.value(), near.error()) {
        (Some(items), _) => {
            for neighbour in items {
                ui.label(format!(
                    "{} · {:.2}",
                    truncate(data.labels.title(neighbour.item), 30),
                    neighbour.similarity
                ));
            }
        }
        (None, Some(error)) => {
            ui.label(RichText::new(error.to_string()).italics());
        }
        (None, None) => {
            ui.spinner();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_get_distinct_colours_beyond_the_series_palette() {
        let colours: Vec<Color32> = (0..16).map(category_color).collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                let gap: i32 = [(a.r(), b.r()), (a.g(), b.g()), (a.b(), b.b())]
                    .iter()
                    .map(|&(x, y)| (i32::from(x) - i32::from(y)).abs())
                    .sum();
                assert!(gap > 12, "{a:?} and {b:?} look the same");
            }
            assert_ne!(*a, USER_COLOR, "no category is drawn as a user");
        }
    }
}
