//! The nine panes and their default arrangement in an `egui_tiles` tree.

use egui_tiles::{LinearDir, Tile, TileId, Tiles, Tree};
use serde::{Deserialize, Serialize};

/// A pane of the window. The tile tree stores only this id; each pane's view state lives in
/// the app (as in rerun's viewport).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaneKind {
    /// Open a file, preview, import warnings, statistics.
    Data,
    /// Model, hyperparameters, device, start/pause/stop, progress.
    Train,
    /// Losses and validation metrics over time.
    LossCurves,
    /// GAN-generated sequences next to real ones.
    Synthetic,
    /// Self-attention heatmaps of one user.
    Attention,
    /// Ego network in the interaction graph, embedding neighbours.
    Graph,
    /// Top-K items for one user and what drove them.
    Recommend,
    /// Users ranked for one ad, audience size, gains chart.
    Audience,
    /// Saved runs side by side.
    Compare,
}

impl PaneKind {
    /// Every pane, in menu order.
    pub const ALL: [PaneKind; 9] = [
        Self::Data,
        Self::Train,
        Self::LossCurves,
        Self::Synthetic,
        Self::Attention,
        Self::Graph,
        Self::Recommend,
        Self::Audience,
        Self::Compare,
    ];

    /// The tab title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Data => "Data",
            Self::Train => "Train",
            Self::LossCurves => "Loss curves",
            Self::Synthetic => "Synthetic sequences",
            Self::Attention => "Attention",
            Self::Graph => "Graph neighbourhood",
            Self::Recommend => "Recommend",
            Self::Audience => "Audience targeting",
            Self::Compare => "Compare runs",
        }
    }

    /// A short file-name-friendly id (screenshots, exports).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Data => "data",
            Self::Train => "train",
            Self::LossCurves => "loss_curves",
            Self::Synthetic => "synthetic",
            Self::Attention => "attention",
            Self::Graph => "graph",
            Self::Recommend => "recommend",
            Self::Audience => "audience",
            Self::Compare => "compare",
        }
    }

    /// One line on what the pane is for (menu and palette tooltips).
    pub fn purpose(self) -> &'static str {
        match self {
            Self::Data => "Open a behaviour log and check what was imported",
            Self::Train => "Choose a model and settings, then start, pause or stop training",
            Self::LossCurves => "Watch the losses fall and validation metrics rise",
            Self::Synthetic => "Compare generated sequences with real ones",
            Self::Attention => "See which earlier items the model looks at for a user",
            Self::Graph => "Explore who interacted with what, and similar items",
            Self::Recommend => "What to show a user next, and why",
            Self::Audience => "Which users to target with an ad, and how well that works",
            Self::Compare => "Put saved runs side by side",
        }
    }
}

/// The tree's egui id.
pub const TREE_ID: &str = "sequda_panes";

/// The default arrangement: Data and Train tabs on the left, the analysis panes as tabs on the
/// right, Loss curves in front.
pub fn default_tree() -> Tree<PaneKind> {
    let mut tiles = Tiles::default();
    let left: Vec<TileId> = [PaneKind::Train, PaneKind::Data]
        .into_iter()
        .map(|pane| tiles.insert_pane(pane))
        .collect();
    let right: Vec<TileId> = PaneKind::ALL
        .into_iter()
        .filter(|pane| !matches!(pane, PaneKind::Data | PaneKind::Train))
        .map(|pane| tiles.insert_pane(pane))
        .collect();
    let left = tiles.insert_tab_tile(left);
    let right = tiles.insert_tab_tile(right);
    let root = tiles.insert_container(egui_tiles::Linear::new_binary(
        LinearDir::Horizontal,
        [left, right],
        0.34,
    ));
    Tree::new(egui::Id::unique(TREE_ID), root, tiles)
}

/// Makes `pane` the visible tab; re-adds it to the root when it was closed. Returns whether it
/// is now in the tree.
pub fn show_pane(tree: &mut Tree<PaneKind>, pane: PaneKind) -> bool {
    let found = tree.make_active(|_, tile| matches!(tile, Tile::Pane(p) if *p == pane));
    if found {
        return true;
    }
    let Some(root) = tree.root() else {
        *tree = default_tree();
        return tree.make_active(|_, tile| matches!(tile, Tile::Pane(p) if *p == pane));
    };
    let id = tree.tiles.insert_pane(pane);
    if let Some(Tile::Container(container)) = tree.tiles.get_mut(root) {
        container.add_child(id);
    }
    tree.make_active(|tile_id, _| tile_id == id)
}

/// The panes visible now (active tabs), in tree order.
pub fn visible_panes(tree: &Tree<PaneKind>) -> Vec<PaneKind> {
    tree.active_tiles()
        .into_iter()
        .filter_map(|id| tree.tiles.get_pane(&id).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_tree_holds_every_pane_once() {
        let tree = default_tree();
        let mut panes: Vec<PaneKind> = tree
            .tiles
            .tiles()
            .filter_map(|tile| match tile {
                Tile::Pane(pane) => Some(*pane),
                Tile::Container(_) => None,
            })
            .collect();
        panes.sort_by_key(|p| p.slug());
        let mut all = PaneKind::ALL.to_vec();
        all.sort_by_key(|p| p.slug());
        assert_eq!(panes, all);
    }

    #[test]
    fn showing_a_pane_makes_it_the_active_tab() {
        let mut tree = default_tree();
        assert!(visible_panes(&tree).contains(&PaneKind::LossCurves));
        assert!(show_pane(&mut tree, PaneKind::Audience));
        let visible = visible_panes(&tree);
        assert!(visible.contains(&PaneKind::Audience), "{visible:?}");
        assert!(!visible.contains(&PaneKind::LossCurves));
        assert!(visible.contains(&PaneKind::Train));
    }
}
