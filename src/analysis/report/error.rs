//! Why a report could not be written.

use std::path::PathBuf;

/// A report fails only when its run cannot be read or the page cannot be written; a section
/// that cannot be built says why on the page instead.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The run folder (or a compared one) could not be read or reopened.
    #[error("cannot report on {path}: {reason}")]
    Run {
        /// The run folder.
        path: PathBuf,
        /// What went wrong, in a line.
        reason: String,
    },
    /// The page could not be written.
    #[error("writing {path}: {source}")]
    Write {
        /// The report file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}
