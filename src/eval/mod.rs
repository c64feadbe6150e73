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
mod error;
mod evaluate;
mod full;
mod metrics;
mod negatives;
mod options;
mod popularity;
mod rank;
mod sampled;
mod scorer;
pub mod significance;
mod special;
pub mod synthetic;
mod topk;

pub use case::EvalCase;
pub use error::{EvalError, EvalProgress};
pub use evaluate::{EvalOutcome, evaluate};
pub use metrics::{Metric, RankingMetrics, hit_at, metrics_from_ranks, ndcg_at, reciprocal_rank};
pub use options::{EvalOptions, ParseProtocolError, Protocol, SAMPLED_NEGATIVES};
pub use popularity::{PopularityScorer, popularity_counts};
pub use scorer::{ConstantScorer, MatrixScorer, Scorer, check_score_call};
pub use significance::{BootstrapCi, PairedTest, mean_std, paired_bootstrap, paired_t_test};
pub use synthetic::{SyntheticQuality, memorisation, mode_collapse, synthetic_quality};
pub use topk::top_k;
