//! `manifest.json`: what an export holds and where it came from: the run's settings and
//! summary, the dataset and its content hash, the model, the dimension, the formula, whether it
//! reproduces the app's audience exactly, and the files.

use serde::Serialize;

use super::error::ExportError;
use super::exactness::{Exactness, FORMULA};
use super::format::ExportFormat;
use super::tables::WarehouseTables;
use crate::data::hash_label;
use crate::train::run::OpenedRun;

/// The version of the export layout.
pub const EXPORT_VERSION: u32 = 1;

/// The dataset an export is keyed by.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManifestDataset {
    /// Its file name.
    pub name: String,
    /// Its path as the run recorded it.
    pub path: String,
    /// Its content hash ([`crate::data::hash_label`]), when known.
    pub content_hash: Option<String>,
    /// Users (rows of the user table).
    pub users: usize,
    /// Items (rows of the item tables).
    pub items: usize,
    /// Interactions.
    pub interactions: usize,
}

/// Everything `manifest.json` holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExportManifest {
    /// [`EXPORT_VERSION`].
    pub export_version: u32,
    /// `csv`, `parquet` or `safetensors`.
    pub format: String,
    /// The run folder exported.
    pub run: String,
    /// The model kind (`sasrec`, `sequda`, …).
    pub model: String,
    /// Whether the model has SeqUDA-Rec's target-attention head.
    pub target_attention: bool,
    /// Width of a user state and an item embedding.
    pub dimension: usize,
    /// The epoch of the exported checkpoint, when the run has a summary.
    pub best_epoch: Option<usize>,
    /// The data.
    pub dataset: ManifestDataset,
    /// The scoring formula.
    pub formula: String,
    /// What the formula reproduces of `sequda audience`.
    #[serde(flatten)]
    pub exactness: Exactness,
    /// The files of the export.
    pub files: Vec<String>,
    /// The run's `config.toml`.
    pub config: serde_json::Value,
    /// The run's `summary.json` (metrics), when it has one.
    pub summary: Option<serde_json::Value>,
}

impl ExportManifest {
    /// The manifest of an export of `run` in `format` holding `files`.
    pub fn new(
        run: &OpenedRun,
        tables: &WarehouseTables,
        format: ExportFormat,
        exactness: Exactness,
        files: Vec<String>,
    ) -> Result<Self, ExportError> {
        let source = &run.config.data;
        let summary = run.dir.read_summary().ok();
        let name = std::path::Path::new(&source.path)
            .file_name()
            .map_or_else(|| source.path.clone(), |n| n.to_string_lossy().into_owned());
        Ok(Self {
            export_version: EXPORT_VERSION,
            format: format.name().to_owned(),
            run: run.dir.root().display().to_string(),
            model: run.config.train.model.name().to_owned(),
            target_attention: run
                .inference
                .as_ref()
                .is_some_and(|m| m.has_target_attention()),
            dimension: tables.dim(),
            best_epoch: summary.as_ref().map(|s| s.best_epoch),
            dataset: ManifestDataset {
                name,
                path: source.path.clone(),
                content_hash: source
                    .content_hash
                    .clone()
                    .or_else(|| run.dataset.content_hash.map(hash_label)),
                users: run.dataset.n_users(),
                items: run.dataset.n_items(),
                interactions: run.dataset.n_interactions(),
            },
            formula: FORMULA.to_owned(),
            exactness,
            files,
            config: serde_json::to_value(&run.config)?,
            summary: summary.map(serde_json::to_value).transpose()?,
        })
    }

    /// The manifest as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, ExportError> {
        Ok(serde_json::to_string_pretty(self)?)
    }
}
