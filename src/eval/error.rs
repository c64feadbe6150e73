//! What can go wrong while evaluating, and the progress callback that can cancel it.

/// Progress callback: `(users done, total users) -> keep going`; returning `false` cancels.
pub type EvalProgress<'a> = &'a mut dyn FnMut(usize, usize) -> bool;

/// Everything that can go wrong while evaluating.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The scorer (model, baseline, stub) failed.
    #[error("scoring failed: {0}")]
    Scorer(String),
    /// The progress callback asked to stop.
    #[error("evaluation cancelled")]
    Cancelled,
    /// One evaluation case is malformed (e.g. target or history item outside the catalogue).
    #[error("invalid evaluation case #{index}: {reason}")]
    InvalidCase {
        /// Position of the case in the input slice.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The scorer reports an empty catalogue, or one too large for `u32` item ids.
    #[error("invalid catalogue size: {0} items")]
    InvalidCatalogue(usize),
    /// The popularity-sampled protocol needs training popularity counts.
    #[error("protocol popular-100 needs popularity counts")]
    MissingPopularity,
    /// The popularity counts do not cover the scorer's catalogue exactly.
    #[error("popularity counts cover {got} items, the scorer has {expected}")]
    PopularityLength {
        /// Items in the scorer's catalogue.
        expected: usize,
        /// Length of the popularity slice.
        got: usize,
    },
    /// `score_items` was asked for items outside `0..n_items`.
    #[error("item range {start}..{end} outside the catalogue of {n_items} items")]
    InvalidRange {
        /// Start of the requested range.
        start: usize,
        /// End (exclusive) of the requested range.
        end: usize,
        /// Catalogue size.
        n_items: usize,
    },
    /// A score buffer does not have the `cases x items` length the call implies.
    #[error("score buffer holds {got} floats, expected {expected}")]
    OutputLength {
        /// `prepared cases x range length`.
        expected: usize,
        /// Length actually passed.
        got: usize,
    },
}
