//! [`evaluate`]: every case's target ranked under a protocol, and the metrics averaged.

use super::case::EvalCase;
use super::error::EvalError;
use super::metrics::{Metric, RankingMetrics, metrics_from_ranks};
use super::options::{EvalOptions, Protocol};
use super::scorer::Scorer;
use super::{full, sampled};

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
