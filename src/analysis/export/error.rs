//! What can go wrong writing a warehouse export.

use std::path::PathBuf;

use super::super::AnalysisError;

/// A warehouse export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The model could not hand back its states or embeddings.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// A file could not be written.
    #[error("writing {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The run's settings or summary could not be put into the manifest.
    #[error("the manifest could not be built: {0}")]
    Manifest(#[from] serde_json::Error),
    /// The tensors could not be laid out as safetensors.
    #[error("safetensors: {0}")]
    Safetensors(String),
}

impl ExportError {
    /// A write error on `path`.
    pub fn write(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}
