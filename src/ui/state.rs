//! What the window remembers between runs (layout, selections, settings, recent files).
//! Transient state (loaded data, the training session, query results) lives elsewhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::layout::{PaneKind, default_tree};
use crate::analysis::attention::HeadChoice;
use crate::analysis::history::XAxis;
use crate::analysis::runs::SavedRun;
use crate::data::LoadOptions;
use crate::settings::{DataSource, TrainConfig};
use crate::studio::{LoadedData, Preset, quick_demo};

/// Most recent files kept.
pub const MAX_RECENT: usize = 8;
/// Most column mappings kept (one per file, the most recently loaded first).
pub const MAX_MAPPINGS: usize = 32;

/// Colour theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Light text on dark panels (good on projectors).
    #[default]
    Dark,
    /// Dark text on light panels.
    Light,
}

/// How the audience size is chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AudienceMode {
    /// The N most likely users.
    #[default]
    TopN,
    /// Every user above a probability.
    Threshold,
}

/// Per-pane selections and settings that persist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Selections {
    /// The user picked in Attention, Recommend and Graph (dataset id).
    pub user: Option<String>,
    /// The item picked in Audience and Graph (dataset id).
    pub item: Option<String>,
    /// Attention layer shown (0-based).
    pub attention_layer: usize,
    /// Attention head shown.
    pub attention_head: HeadChoice,
    /// Loss-curve smoothing, 0 (none) to 0.99.
    pub smoothing: f64,
    /// Loss curves on a log scale.
    pub log_y: bool,
    /// Loss-curve x axis.
    pub x_axis: XAxis,
    /// Loss components hidden from the loss chart.
    pub hidden_losses: BTreeSet<String>,
    /// Saved runs overlaid on the loss curves (run folder names).
    pub overlay_runs: BTreeSet<String>,
    /// The baseline of the Compare runs verdict (run name); None = the first tested run.
    pub compare_baseline: Option<String>,
    /// The run compared with the baseline (run name); None = the next tested run of the
    /// same data.
    pub compare_run: Option<String>,
    /// How many items to recommend.
    pub rec_k: usize,
    /// Leave out items the user already interacted with.
    pub rec_exclude_seen: bool,
    /// Top-N or threshold audience.
    pub audience_mode: AudienceMode,
    /// Audience size in top-N mode.
    pub audience_top_n: usize,
    /// Probability threshold in threshold mode.
    pub audience_threshold: f32,
    /// Graph centred on the picked item (else on the picked user).
    pub graph_on_item: bool,
    /// Graph hops (1 or 2).
    pub graph_hops: u8,
    /// Strongest neighbours kept per node.
    pub graph_neighbours: usize,
    /// The training preset.
    pub preset: Preset,
    /// The training settings.
    pub train: TrainConfig,
}

impl Default for Selections {
    fn default() -> Self {
        Self {
            user: None,
            item: None,
            attention_layer: 0,
            attention_head: HeadChoice::Average,
            smoothing: 0.6,
            log_y: false,
            x_axis: XAxis::Step,
            hidden_losses: BTreeSet::new(),
            overlay_runs: BTreeSet::new(),
            compare_baseline: None,
            compare_run: None,
            rec_k: 10,
            rec_exclude_seen: true,
            audience_mode: AudienceMode::TopN,
            audience_top_n: 250,
            audience_threshold: 0.01,
            graph_on_item: false,
            graph_hops: 2,
            graph_neighbours: 12,
            preset: Preset::QuickDemo,
            train: quick_demo(),
        }
    }
}

impl Selections {
    /// After data opened: forgets the user and item that are not in `data` and, given the
    /// saved `runs`, the overlaid and compared runs that were not trained on it, so nothing of
    /// the old data stays on screen under the new one.
    pub fn keep_what_belongs_to(&mut self, data: &LoadedData, runs: Option<&[SavedRun]>) {
        let dataset = &data.dataset;
        if self
            .user
            .as_deref()
            .is_some_and(|id| dataset.users.index(id).is_none())
        {
            self.user = None;
        }
        if self
            .item
            .as_deref()
            .is_some_and(|id| dataset.items.index(id).is_none())
        {
            self.item = None;
        }
        let Some(runs) = runs else {
            return;
        };
        let path = std::path::absolute(&data.request.path).unwrap_or(data.request.path.clone());
        let source = DataSource {
            path: path.display().to_string(),
            ..DataSource::default()
        };
        self.overlay_runs.retain(|name| {
            runs.iter()
                .any(|run| &run.name == name && run.config.data.same_file_as(&source))
        });
        for choice in [&mut self.compare_baseline, &mut self.compare_run] {
            if choice.as_ref().is_some_and(|name| {
                !runs
                    .iter()
                    .any(|run| &run.name == name && run.config.data.same_file_as(&source))
            }) {
                *choice = None;
            }
        }
    }
}

/// Everything persisted with the window (RON through eframe's storage).
#[derive(Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    /// The pane layout.
    pub tree: egui_tiles::Tree<PaneKind>,
    /// Selections and settings.
    pub selections: Selections,
    /// Colour theme.
    pub theme: ThemeChoice,
    /// Recently opened data files, most recent first.
    pub recent: Vec<PathBuf>,
    /// UI zoom factor.
    pub zoom: f32,
    /// How files were last loaded with a format or columns of their own, keyed by the file's
    /// canonical path, most recent first (see [`AppState::remember_mapping`]).
    pub mappings: Vec<DataSource>,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            tree: default_tree(),
            selections: Selections::default(),
            theme: ThemeChoice::Dark,
            recent: Vec::new(),
            zoom: 1.0,
            mappings: Vec::new(),
        }
    }
}

impl AppState {
    /// Puts `path` first in the recent list (no duplicates, at most [`MAX_RECENT`]).
    pub fn remember_recent(&mut self, path: PathBuf) {
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    /// Remembers that the file at `path` loaded with `options`, to open it the same way next
    /// time; a load with nothing but detection forgets the file's mapping.
    pub fn remember_mapping(&mut self, path: &Path, options: &LoadOptions) {
        let key = mapping_key(path);
        self.mappings.retain(|source| source.path != key);
        let source = DataSource::read_with(key.clone(), options);
        if source != DataSource::read_with(key, &LoadOptions::default()) {
            self.mappings.insert(0, source);
            self.mappings.truncate(MAX_MAPPINGS);
        }
    }

    /// The format and columns the file at `path` last loaded with, if it had its own.
    pub fn mapping_for(&self, path: &Path) -> Option<LoadOptions> {
        let key = mapping_key(path);
        let source = self.mappings.iter().find(|source| source.path == key)?;
        source.load_options().ok()
    }
}

/// The key of a file's remembered mapping: its canonical path (as given when it is gone).
fn mapping_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_serde() {
        let mut state = AppState::default();
        state.selections.user = Some("u42".into());
        state.selections.smoothing = 0.3;
        state.theme = ThemeChoice::Light;
        for i in 0..10 {
            state.remember_recent(PathBuf::from(format!("f{i}.csv")));
        }
        state.remember_recent(PathBuf::from("f5.csv"));
        assert_eq!(state.recent.len(), MAX_RECENT);
        assert_eq!(state.recent[0], PathBuf::from("f5.csv"));
        let text = serde_json::to_string(&state).expect("serialise");
        let back: AppState = serde_json::from_str(&text).expect("parse");
        assert_eq!(back.selections, state.selections);
        assert_eq!(back.theme, ThemeChoice::Light);
        assert_eq!(back.recent, state.recent);
        assert_eq!(back.tree.tiles.len(), state.tree.tiles.len());
    }

    #[test]
    fn mappings_are_remembered_per_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("log.csv");
        std::fs::write(&file, "visitor,sku\n").expect("write");
        let mut state = AppState::default();
        let options = LoadOptions {
            user_column: Some("visitor".into()),
            time_column: Some("none".into()),
            ..LoadOptions::default()
        };
        // Another spelling of the same file finds the mapping.
        state.remember_mapping(&dir.path().join(".").join("log.csv"), &options);
        let text = serde_json::to_string(&state).expect("serialise");
        let back: AppState = serde_json::from_str(&text).expect("parse");
        assert_eq!(back.mapping_for(&file), Some(options));
        assert_eq!(back.mapping_for(&dir.path().join("other.csv")), None);
        state.remember_mapping(&file, &LoadOptions::default());
        assert_eq!(state.mapping_for(&file), None, "plain detection forgets it");
    }
}
