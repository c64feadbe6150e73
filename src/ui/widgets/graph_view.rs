//! A node-link drawing of an ego network, laid out by a force simulation (fjadra, d3-force
//! style) that runs a few ticks per frame, settles, and then stops asking for repaints. Drawn
//! inside an `egui::Scene`, so it pans and zooms.

use egui::{Color32, Pos2, Rect, Sense, Stroke, Ui, Vec2, pos2, vec2};
use fjadra::{Center, Collide, Link, ManyBody, Node, SimulationBuilder};

use super::plots::series_color;
use crate::analysis::neighbourhood::{EgoNetwork, NodeRef};

/// Simulation ticks per drawn frame while the layout moves.
const TICKS_PER_FRAME: usize = 4;

/// Display details of one node.
pub struct NodeStyle {
    /// Hover text and accessible name.
    pub label: String,
    /// Fill colour.
    pub color: Color32,
}

/// What happened in the drawing this frame.
pub struct GraphResponse {
    /// A node was clicked (to re-centre on it).
    pub clicked: Option<NodeRef>,
    /// The screen rect of the drawing (for "Save PNG").
    pub rect: Rect,
}

/// A laid-out ego network.
pub struct GraphLayout {
    /// The network drawn.
    pub network: EgoNetwork,
    simulation: Option<fjadra::Simulation>,
    positions: Vec<Pos2>,
    scene_rect: Rect,
    user_moved_view: bool,
    /// Simulation ticks run so far.
    pub ticks: usize,
}

impl GraphLayout {
    /// Starts the layout of `network`; with `settle_now` it is run to the end at once (tests,
    /// screenshots).
    pub fn new(network: EgoNetwork, settle_now: bool) -> Self {
        let nodes = (0..network.nodes.len()).map(|index| {
            if index == 0 {
                Node::default().fixed_position(0.0, 0.0)
            } else {
                Node::default()
            }
        });
        let links: Vec<(usize, usize)> = network.edges.iter().map(|e| (e.a, e.b)).collect();
        let radii: Vec<f64> = network
            .nodes
            .iter()
            .map(|n| f64::from(radius(n.degree)))
            .collect();
        let mut simulation = SimulationBuilder::default()
            .build(nodes)
            .add_force("link", Link::new(links).distance(60.0_f64).iterations(2))
            .add_force("charge", ManyBody::new().strength(-120.0_f64))
            .add_force(
                "collide",
                Collide::new().radius(move |i| radii.get(i).copied().unwrap_or(4.0) + 3.0),
            )
            .add_force("centre", Center::new());
        let mut ticks = 0;
        if settle_now {
            while !simulation.is_finished() {
                simulation.tick(1);
                ticks += 1;
            }
        }
        let positions = simulation
            .positions()
            .map(|[x, y]| pos2(x as f32, y as f32))
            .collect();
        Self {
            network,
            simulation: (!settle_now).then_some(simulation),
            positions,
            scene_rect: Rect::NOTHING,
            user_moved_view: false,
            ticks,
        }
    }

    /// Whether the layout has stopped moving.
    pub fn is_settled(&self) -> bool {
        self.simulation.is_none()
    }

    /// Advances the layout and draws it; `style` describes each node.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        style: &dyn Fn(NodeRef, usize) -> NodeStyle,
    ) -> GraphResponse {
        if let Some(simulation) = &mut self.simulation {
            simulation.tick(TICKS_PER_FRAME);
            self.ticks += TICKS_PER_FRAME;
            self.positions = simulation
                .positions()
                .map(|[x, y]| pos2(x as f32, y as f32))
                .collect();
            if simulation.is_finished() {
                self.simulation = None;
            } else {
                ui.ctx().request_repaint();
            }
        }
        if !self.user_moved_view || !self.scene_rect.is_finite() {
            self.scene_rect = bounds(&self.positions).expand(30.0);
        }
        let mut clicked = None;
        let before = self.scene_rect;
        let (network, positions) = (&self.network, &self.positions);
        let scene =
            egui::Scene::new()
                .zoom_range(0.05..=4.0)
                .show(ui, &mut self.scene_rect, |ui| {
                    clicked = network_ui(ui, network, positions, style);
                });
        if scene.response.dragged() || (self.scene_rect != before && self.is_settled()) {
            self.user_moved_view = true;
        }
        GraphResponse {
            clicked,
            rect: scene.response.rect,
        }
    }
}

/// The nodes and edges inside the scene: edges under nodes, the hovered node's edges lit, the
/// centre and the hovered node outlined and named. Returns the node clicked, if any.
fn network_ui(
    ui: &mut Ui,
    network: &EgoNetwork,
    positions: &[Pos2],
    style: &dyn Fn(NodeRef, usize) -> NodeStyle,
) -> Option<NodeRef> {
    let dark = ui.visuals().dark_mode;
    let edge_color = if dark {
        Color32::from_white_alpha(40)
    } else {
        Color32::from_black_alpha(45)
    };
    let painter = ui.painter().clone();
    let mut hovered = None;
    let mut clicked = None;
    let mut interactions = Vec::with_capacity(positions.len());
    for (index, (node, &pos)) in network.nodes.iter().zip(positions).enumerate() {
        let r = radius(node.degree);
        let rect = Rect::from_center_size(pos, Vec2::splat(2.0 * r + 4.0));
        let response = ui.interact(rect, ui.scope_id().with(("node", index)), Sense::click());
        let node_style = style(node.node, node.degree as usize);
        let label = node_style.label.clone();
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
        if response.hovered() {
            hovered = Some(index);
        }
        if response.clicked() {
            clicked = Some(node.node);
        }
        interactions.push((response, node_style));
    }
    for edge in &network.edges {
        let (Some(&a), Some(&b)) = (positions.get(edge.a), positions.get(edge.b)) else {
            continue;
        };
        let lit = hovered.is_some_and(|h| h == edge.a || h == edge.b);
        let stroke = if lit {
            Stroke::new(2.0, series_color(1))
        } else {
            Stroke::new(1.0, edge_color)
        };
        painter.line_segment([a, b], stroke);
    }
    for (index, ((response, node_style), node)) in
        interactions.into_iter().zip(&network.nodes).enumerate()
    {
        let pos = positions[index];
        let r = radius(node.degree);
        let marked = index == 0 || Some(index) == hovered;
        let outline = if marked {
            Stroke::new(2.5, if dark { Color32::WHITE } else { Color32::BLACK })
        } else {
            Stroke::new(1.0, Color32::from_black_alpha(120))
        };
        painter.circle(pos, r, node_style.color, outline);
        if marked {
            painter.text(
                pos + vec2(0.0, r + 3.0),
                egui::Align2::CENTER_TOP,
                &node_style.label,
                egui::FontId::proportional(12.0),
                ui.visuals().strong_text_color(),
            );
        }
        if Some(index) == hovered {
            response.on_hover_text(&node_style.label);
        }
    }
    clicked
}

/// Node radius from its degree (area grows with degree).
fn radius(degree: u32) -> f32 {
    (3.0 + (degree as f32).sqrt() * 1.6).min(26.0)
}

/// The bounding box of the positions (a unit box around the origin when empty).
fn bounds(positions: &[Pos2]) -> Rect {
    let mut rect = Rect::NOTHING;
    for &pos in positions {
        rect.extend_with(pos);
    }
    if rect.is_finite() && rect.width() > 0.0 {
        rect
    } else {
        Rect::from_center_size(Pos2::ZERO, Vec2::splat(100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::neighbourhood::ego_network;
    use crate::data::graph::InteractionGraph;

    #[test]
    fn a_settled_layout_spreads_nodes_apart() {
        let graph =
            InteractionGraph::from_train(&[vec![0, 1, 2], vec![0, 1], vec![0, 3], vec![2, 3]], 4);
        let network = ego_network(&graph, NodeRef::Item(0), 2, 6).expect("ego");
        let layout = GraphLayout::new(network, true);
        assert!(layout.is_settled());
        assert!(layout.ticks > 10);
        for (i, a) in layout.positions.iter().enumerate() {
            assert!(a.x.is_finite() && a.y.is_finite());
            for b in &layout.positions[i + 1..] {
                assert!(a.distance(*b) > 1.0, "{a:?} and {b:?} overlap");
            }
        }
        assert_eq!(layout.positions[0], Pos2::ZERO);
    }
}
