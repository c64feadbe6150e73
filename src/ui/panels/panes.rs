//! The view state of every pane, and the glue that lets `egui_tiles` draw them.

use egui::Ui;
use egui_tiles::{TileId, UiResponse};

use super::attention::AttentionPane;
use super::audience::AudiencePane;
use super::compare::ComparePane;
use super::context::PaneContext;
use super::data::DataPane;
use super::graph::GraphPane;
use super::loss::LossPane;
use super::recommend::RecommendPane;
use super::synthetic::SyntheticPane;
use super::train::TrainPane;
use crate::ui::layout::PaneKind;

/// The view state of every pane.
#[derive(Default)]
pub struct Panes {
    /// Data pane.
    pub data: DataPane,
    /// Train pane.
    pub train: TrainPane,
    /// Loss curves pane.
    pub loss: LossPane,
    /// Synthetic sequences pane.
    pub synthetic: SyntheticPane,
    /// Attention pane.
    pub attention: AttentionPane,
    /// Graph neighbourhood pane.
    pub graph: GraphPane,
    /// Recommend pane.
    pub recommend: RecommendPane,
    /// Audience targeting pane.
    pub audience: AudiencePane,
    /// Compare runs pane.
    pub compare: ComparePane,
}

impl Panes {
    /// Draws `pane`.
    pub fn ui(&mut self, pane: PaneKind, ui: &mut Ui, cx: &mut PaneContext<'_>) {
        match pane {
            PaneKind::Data => self.data.ui(ui, cx),
            PaneKind::Train => self.train.ui(ui, cx),
            PaneKind::LossCurves => self.loss.ui(ui, cx),
            PaneKind::Synthetic => self.synthetic.ui(ui, cx),
            PaneKind::Attention => self.attention.ui(ui, cx),
            PaneKind::Graph => self.graph.ui(ui, cx),
            PaneKind::Recommend => self.recommend.ui(ui, cx),
            PaneKind::Audience => self.audience.ui(ui, cx),
            PaneKind::Compare => self.compare.ui(ui, cx),
        }
    }
}

/// Draws panes for the tile tree.
pub struct PaneBehavior<'p, 'c> {
    /// Pane view states.
    pub panes: &'p mut Panes,
    /// Shared context.
    pub cx: PaneContext<'c>,
}

impl egui_tiles::Behavior<PaneKind> for PaneBehavior<'_, '_> {
    fn pane_ui(&mut self, ui: &mut Ui, _tile_id: TileId, pane: &mut PaneKind) -> UiResponse {
        egui::Frame::new()
            .inner_margin(egui::Margin::same(8))
            .show(ui, |ui| {
                ui.set_min_size(ui.available_size());
                self.panes.ui(*pane, ui, &mut self.cx);
            });
        UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &PaneKind) -> egui::WidgetText {
        pane.title().into()
    }

    fn on_tab_button(
        &mut self,
        tiles: &mut egui_tiles::Tiles<PaneKind>,
        tile_id: TileId,
        button_response: egui::Response,
    ) -> egui::Response {
        match tiles.get_pane(&tile_id) {
            Some(pane) => button_response.on_hover_text(pane.purpose()),
            None => button_response,
        }
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..egui_tiles::SimplificationOptions::default()
        }
    }
}
