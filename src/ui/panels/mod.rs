//! One file per pane, and the glue that lets `egui_tiles` draw them.

pub mod attention;
pub mod audience;
pub mod compare;
pub mod data;
pub mod graph;
pub mod loss;
pub mod recommend;
pub mod synthetic;
pub mod target_attention;
pub mod train;

use egui::Ui;
use egui_tiles::{TileId, UiResponse};

use super::commands::UiCommand;
use super::exports::Exports;
use super::layout::PaneKind;
use super::notifications::Notifications;
use super::state::Selections;
use super::widgets::pickers::item_picker;
use super::workspace::Workspace;
use super::workspace::loader::LoadedData;

/// What every pane may read and change.
pub struct PaneContext<'a> {
    /// Data, training, queries, saved runs.
    pub ws: &'a mut Workspace,
    /// Persisted selections and settings.
    pub sel: &'a mut Selections,
    /// Commands to run at the end of the frame.
    pub commands: &'a mut Vec<UiCommand>,
    /// Save PNG / Export CSV.
    pub exports: &'a mut Exports,
    /// Notifications.
    pub notes: &'a mut Notifications,
    /// Hide wall-clock figures and settle animations at once (tests, screenshots).
    pub deterministic: bool,
}

impl PaneContext<'_> {
    /// The open data, if any.
    pub fn data(&self) -> Option<std::sync::Arc<LoadedData>> {
        self.ws.data.clone()
    }
}

/// The view state of every pane.
#[derive(Default)]
pub struct Panes {
    /// Data pane.
    pub data: data::DataPane,
    /// Train pane.
    pub train: train::TrainPane,
    /// Loss curves pane.
    pub loss: loss::LossPane,
    /// Synthetic sequences pane.
    pub synthetic: synthetic::SyntheticPane,
    /// Attention pane.
    pub attention: attention::AttentionPane,
    /// Graph neighbourhood pane.
    pub graph: graph::GraphPane,
    /// Recommend pane.
    pub recommend: recommend::RecommendPane,
    /// Audience targeting pane.
    pub audience: audience::AudiencePane,
    /// Compare runs pane.
    pub compare: compare::ComparePane,
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

/// A user that makes a readable default: the first with 10–30 interactions (else the first).
pub fn default_user(data: &LoadedData) -> Option<String> {
    let sequences = &data.dataset.sequences;
    let index = sequences
        .iter()
        .position(|s| (10..=30).contains(&s.len()))
        .or_else(|| (!sequences.is_empty()).then_some(0))?;
    Some(
        data.dataset
            .users
            .token(u32::try_from(index).ok()?)
            .to_owned(),
    )
}

/// The most interacted item (else the first).
pub fn default_item(data: &LoadedData) -> Option<String> {
    let counts = crate::eval::popularity_counts(&data.dataset.sequences, data.dataset.n_items());
    let best = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)?;
    Some(data.labels.id(u32::try_from(best).ok()?).to_owned())
}

/// The ad picker shared by Audience and the target-attention section: the selected item
/// (`selected`, a dataset id) starts at [`default_item`]; returns its dense index, None while
/// nothing in `data` is picked.
pub fn picked_item(
    ui: &mut Ui,
    id_salt: &str,
    search: &mut String,
    selected: &mut Option<String>,
    data: &LoadedData,
) -> Option<u32> {
    if selected.is_none() {
        *selected = default_item(data);
    }
    item_picker(ui, id_salt, search, selected, &data.labels);
    selected
        .as_deref()
        .and_then(|id| data.dataset.items.index(id))
}
