//! The Graph neighbourhood pane: the ego network of a user or an item in the training
//! interaction graph (1–2 hops, strongest edges), laid out by a force simulation; beside it,
//! the interaction neighbours and the nearest items in the model's embedding space.

use egui::{Color32, Id, RichText, Ui};

use super::{PaneContext, default_item, default_user};
use crate::analysis::csv::{Cell, CsvTable};
use crate::analysis::embedding::{Neighbour, nearest_items};
use crate::analysis::neighbourhood::{NodeRef, ego_network};
use crate::ui::exports::{chart_buttons, remember_chart_rect};
use crate::ui::live_query::LiveQuery;
use crate::ui::widgets::graph_view::{GraphLayout, NodeStyle};
use crate::ui::widgets::labelled::{note, truncate};
use crate::ui::widgets::pickers::{item_picker, user_picker};
use crate::ui::widgets::plots::series_color;
use crate::ui::workspace::loader::LoadedData;

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
        let Some(data) = cx.data() else {
            note(ui, "Open data to explore its interaction graph.");
            return;
        };
        if cx.sel.user.is_none() {
            cx.sel.user = default_user(&data);
        }
        if cx.sel.item.is_none() {
            cx.sel.item = default_item(&data);
        }
        ui.horizontal(|ui| {
            ui.selectable_value(&mut cx.sel.graph_on_item, false, "Centre on a user")
                .on_hover_text("Show the items this user interacted with, and who else did");
            ui.selectable_value(&mut cx.sel.graph_on_item, true, "Centre on an item")
                .on_hover_text(
                    "Show the users who interacted with this item, and what else they did",
                );
            ui.add(egui::Slider::new(&mut cx.sel.graph_hops, 1..=2).text("Hops"))
                .on_hover_text("1 = direct neighbours only; 2 = also their neighbours");
            ui.add(egui::Slider::new(&mut cx.sel.graph_neighbours, 3..=40).text("Neighbours"))
                .on_hover_text("How many of the strongest connections to keep per node");
        });
        if cx.sel.graph_on_item {
            item_picker(
                ui,
                "graph_item",
                &mut self.search,
                &mut cx.sel.item,
                &data.labels,
            );
        } else {
            user_picker(
                ui,
                "graph_user",
                &mut self.search,
                &mut cx.sel.user,
                &data.dataset,
            );
        }
        let centre = if cx.sel.graph_on_item {
            cx.sel
                .item
                .as_deref()
                .and_then(|id| data.dataset.items.index(id))
                .map(NodeRef::Item)
        } else {
            cx.sel
                .user
                .as_deref()
                .and_then(|id| data.dataset.users.index(id))
                .map(NodeRef::User)
        };
        let Some(centre) = centre else {
            note(ui, "Pick a user or an item above.");
            return;
        };
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
                    return;
                }
            }
        }
        self.near.request(
            (centre, cx.ws.model_version),
            cx.ws,
            ui.ctx(),
            move |view| nearest_items(view, centre, 10),
        );
        self.near.poll();
        let chart_id = Id::unique("chart_graph");
        let Some((_, layout)) = &mut self.layout else {
            return;
        };
        ui.horizontal(|ui| {
            let network = &layout.network;
            chart_buttons(ui, cx.exports, chart_id, "graph", || {
                let mut table = CsvTable::new(["from", "from kind", "to", "to kind", "weight"]);
                for edge in &network.edges {
                    let (a, b) = (network.nodes[edge.a].node, network.nodes[edge.b].node);
                    table.push(vec![
                        Cell::from(node_id(&data, a)),
                        Cell::from(kind(a)),
                        Cell::from(node_id(&data, b)),
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
        ui.weak(
            "Grey: users. Coloured: items, one colour per category. Size: number of \
             connections. Click a node to centre on it; drag to pan, scroll to zoom.",
        );
        let mut clicked = None;
        let side_width = 240.0_f32.min(ui.available_width() * 0.35);
        ui.horizontal_top(|ui| {
            let graph_size = egui::vec2(
                ui.available_width() - side_width - 8.0,
                ui.available_height().max(200.0),
            );
            ui.allocate_ui(graph_size, |ui| {
                let style = |node: NodeRef, degree: usize| node_style(&data, node, degree);
                let response = layout.ui(ui, &style);
                remember_chart_rect(ui, chart_id, response.rect);
                clicked = response.clicked;
            });
            ui.vertical(|ui| {
                ui.set_width(side_width);
                side_lists(ui, &data, layout, &self.near);
            });
        });
        match clicked {
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
}

fn kind(node: NodeRef) -> &'static str {
    match node {
        NodeRef::User(_) => "user",
        NodeRef::Item(_) => "item",
    }
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
                color: category.map_or(series_color(0), |c| series_color(usize::from(c) + 1)),
            }
        }
    }
}

fn side_lists(
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
