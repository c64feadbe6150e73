//! The loaded dataset: one chronological item sequence per user, with its id maps.

use std::path::PathBuf;

use super::format_kind::Format;
use super::idmap::IdMap;
use super::report::ImportReport;

/// A loaded interaction dataset: one chronological item sequence per user.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// The file it came from (or the name given to in-memory bytes).
    pub source: PathBuf,
    /// The format it was read as (never [`Format::Auto`]).
    pub format: Format,
    /// User ids (the file's tokens) ↔ dense user indices.
    pub users: IdMap,
    /// Item ids (the file's tokens) ↔ dense item indices.
    pub items: IdMap,
    /// `sequences[user]` = that user's dense item indices, oldest first.
    pub sequences: Vec<Vec<u32>>,
    /// Unix time in seconds of each event, aligned with `sequences`, when the file had a time
    /// column.
    pub timestamps: Option<Vec<Vec<i64>>>,
    /// Behaviour of each event as an index into `behaviour_names`, aligned with `sequences`,
    /// when the file had a behaviour column.
    pub behaviours: Option<Vec<Vec<u16>>>,
    /// Behaviour type names (e.g. "click"), in order of first appearance.
    pub behaviour_names: Vec<String>,
    /// What happened during the import.
    pub report: ImportReport,
    /// The FNV-1a hash of the bytes it was read from ([`crate::data::fnv1a`]), so a run can
    /// tell its data file from another with the same counts; `None` for sequences made in
    /// memory.
    pub content_hash: Option<u64>,
}

impl Dataset {
    /// Number of users.
    pub fn n_users(&self) -> usize {
        self.sequences.len()
    }

    /// Number of distinct items.
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// Number of interactions (events) over all users.
    pub fn n_interactions(&self) -> usize {
        self.sequences.iter().map(Vec::len).sum()
    }

    /// A dataset made from ready sequences (for tests and synthetic data), reported as
    /// [`Format::Sasrec`] with every interaction counted as a used row.
    pub fn from_sequences(
        source: PathBuf,
        users: IdMap,
        items: IdMap,
        sequences: Vec<Vec<u32>>,
    ) -> Self {
        let interactions = sequences.iter().map(Vec::len).sum::<usize>() as u64;
        let report = ImportReport {
            rows_read: interactions,
            rows_used: interactions,
            ..ImportReport::default()
        };
        Self {
            source,
            format: Format::Sasrec,
            users,
            items,
            sequences,
            timestamps: None,
            behaviours: None,
            behaviour_names: Vec::new(),
            report,
            content_hash: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_sequences_counts() {
        let users: IdMap = ["a", "b"].into_iter().collect();
        let items: IdMap = ["x", "y", "z"].into_iter().collect();
        let dataset =
            Dataset::from_sequences("mem".into(), users, items, vec![vec![0, 1], vec![2]]);
        assert_eq!(
            (
                dataset.n_users(),
                dataset.n_items(),
                dataset.n_interactions()
            ),
            (2, 3, 3)
        );
        assert_eq!(dataset.format, Format::Sasrec);
        assert_eq!(dataset.report.rows_used, 3);
    }
}
