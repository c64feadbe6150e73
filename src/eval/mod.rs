//! Ranking evaluation: protocols, metrics, top-K recommendation and significance tests.
//!
//! Implements docs/MODEL.md §1 (full ranking with seen items filtered, sampled-100 protocols for
//! cross-checking only) and the paired tests of §6. Plain Rust: no burn, no egui, no `rand`.
//!
//! Anything that scores items implements [`Scorer`]; [`evaluate`] walks the users in blocks and the
//! catalogue in contiguous item ranges so memory stays bounded by [`EvalOptions::max_block_floats`].
//!
//! Rank convention (0-based): the number of competing items scoring **higher than or equal to** the
//! target (ties count against the model; NaN counts against the model; a NaN target ranks last).

mod case;
mod full;
mod metrics;
mod negatives;
mod options;
mod popularity;
mod sampled;
mod scorer;
pub mod significance;
mod special;
pub mod synthetic;
mod topk;

pub use case::EvalCase;
pub use metrics::{Metric, RankingMetrics, hit_at, metrics_from_ranks, ndcg_at, reciprocal_rank};
pub use options::{EvalOptions, ParseProtocolError, Protocol, SAMPLED_NEGATIVES};
pub use popularity::{PopularityScorer, popularity_counts};
pub use scorer::{ConstantScorer, MatrixScorer, Scorer, check_score_call};
pub use significance::{BootstrapCi, PairedTest, mean_std, paired_bootstrap, paired_t_test};
pub use synthetic::{SyntheticQuality, memorisation, mode_collapse, synthetic_quality};
pub use topk::top_k;

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

/// Result of one [`evaluate`] run: per-case ranks (input order) and their averages.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EvalOutcome {
    /// Protocol the ranks were computed under.
    pub protocol: Protocol,
    /// Seed of the negative sampler (meaningless, but recorded, for [`Protocol::Full`]).
    pub seed: u64,
    /// 0-based rank of each case's target, same order as the input cases.
    pub ranks: Vec<u32>,
    /// Averages of the per-case metrics.
    pub metrics: RankingMetrics,
}

impl EvalOutcome {
    /// Report label, e.g. "full ranking" or "sampled: 100 uniform negatives (seed 7)".
    pub fn label(&self) -> String {
        if self.protocol.is_sampled() {
            format!("{} (seed {})", self.protocol.label(), self.seed)
        } else {
            self.protocol.label().to_owned()
        }
    }

    /// Per-case values of one metric (input order), for paired significance tests.
    pub fn per_case(&self, metric: Metric) -> Vec<f64> {
        self.ranks.iter().map(|&rank| metric.value(rank)).collect()
    }
}

/// Ranks every case's target under `options.protocol` and averages the metrics.
///
/// `popularity` (training interaction counts per item) is required for [`Protocol::Popular100`]
/// and ignored otherwise. `progress` is called after each user block with `(done, total)`;
/// returning `false` aborts with [`EvalError::Cancelled`]. Inputs are validated up front:
/// a target, history item or (sampled protocols) touched item outside the catalogue gives
/// [`EvalError::InvalidCase`] before any scoring.
pub fn evaluate(
    scorer: &mut dyn Scorer,
    cases: &[EvalCase<'_>],
    options: &EvalOptions,
    popularity: Option<&[u64]>,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<EvalOutcome, EvalError> {
    let ranks = match options.protocol {
        Protocol::Full => full::rank_full(scorer, cases, options, progress)?,
        Protocol::Uniform100 | Protocol::Popular100 => {
            sampled::rank_sampled(scorer, cases, options, popularity, progress)?
        }
    };
    let metrics = metrics_from_ranks(&ranks);
    Ok(EvalOutcome {
        protocol: options.protocol,
        seed: options.seed,
        ranks,
        metrics,
    })
}

/// Checks that a scorer's catalogue size is usable (non-empty, ids fit in `u32`).
fn check_catalogue(n_items: usize) -> Result<(), EvalError> {
    if n_items == 0 || u32::try_from(n_items - 1).is_err() {
        return Err(EvalError::InvalidCatalogue(n_items));
    }
    Ok(())
}

/// Converts a count to a rank, saturating (ranks cannot exceed `u32::MAX` for valid catalogues).
fn to_rank(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// `true` when `score` competes with (is not strictly below) the target score `target`:
/// `score >= target`, or either is NaN (NaN always counts against the model).
#[inline]
fn not_less(score: f32, target: f32) -> bool {
    score.partial_cmp(&target) != Some(std::cmp::Ordering::Less)
}
