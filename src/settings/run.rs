//! Everything a run folder's `config.toml` holds: where the data came from and how to train.

use serde::{Deserialize, Serialize};

use super::invalid::InvalidConfig;
use super::train::TrainConfig;
use crate::data::LoadOptions;

/// Where the data came from, so a run can be reopened and evaluated again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSource {
    /// The interaction log.
    pub path: String,
    /// Format name ("auto", "sasrec", "csv", "movielens").
    pub format: String,
    /// Optional item metadata file (titles, categories).
    pub items: Option<String>,
    /// Column overrides for delimited files.
    pub user_column: Option<String>,
    /// Column overrides for delimited files.
    pub item_column: Option<String>,
    /// Column overrides for delimited files.
    pub time_column: Option<String>,
    /// Column overrides for delimited files.
    pub behaviour_column: Option<String>,
    /// Users, items and interactions when the run was made (checked when reopened).
    pub users: usize,
    /// See `users`.
    pub items_count: usize,
    /// See `users`.
    pub interactions: usize,
    /// The data file's content hash when the run was made ([`crate::data::hash_label`]),
    /// checked when it is reopened or resumed; absent from runs made before it was kept,
    /// which are checked by their counts alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
}

impl DataSource {
    /// Whether `self` and `other` name one interaction log: paths equal as written, or
    /// resolving from the working folder to the same file (relative and absolute spellings).
    pub fn same_file_as(&self, other: &DataSource) -> bool {
        self.path == other.path
            || matches!(
                (std::fs::canonicalize(&self.path), std::fs::canonicalize(&other.path)),
                (Ok(a), Ok(b)) if a == b
            )
    }
}

impl DataSource {
    /// The file at `path` read with `options`' format and columns (no counts, no hash).
    pub fn read_with(path: String, options: &LoadOptions) -> Self {
        Self {
            path,
            format: match options.format {
                crate::data::Format::Auto => "auto".into(),
                format => format.to_string(),
            },
            user_column: options.user_column.clone(),
            item_column: options.item_column.clone(),
            time_column: options.time_column.clone(),
            behaviour_column: options.behaviour_column.clone(),
            ..Self::default()
        }
    }

    /// Load options matching how the run read its data.
    pub fn load_options(&self) -> Result<LoadOptions, InvalidConfig> {
        let format = if self.format.is_empty() {
            "auto"
        } else {
            &self.format
        };
        Ok(LoadOptions {
            format: format.parse().map_err(|e| {
                InvalidConfig(format!("unknown data format '{format}' in config: {e}"))
            })?,
            user_column: self.user_column.clone(),
            item_column: self.item_column.clone(),
            time_column: self.time_column.clone(),
            behaviour_column: self.behaviour_column.clone(),
            ..LoadOptions::default()
        })
    }
}

/// Everything in `config.toml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// The data.
    pub data: DataSource,
    /// The training settings.
    pub train: TrainConfig,
}
