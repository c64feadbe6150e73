//! The popularity baseline of the open data on validation (full ranking), drawn as reference
//! lines on the Loss curves pane's validation chart (issue #37 item 3): a model below them is
//! worse than recommending the most popular items to everyone.

use crate::data::{Dataset, Split};
use crate::eval::{EvalOptions, PopularityScorer, RankingMetrics, evaluate, popularity_counts};
use crate::train::epochs::{CaseInputs, SplitPart};

/// Users × items above which the baseline is not computed when data loads (full ranking
/// scores every item for every user: about a second at this size on two cores).
pub const MAX_BASELINE_SCORES: usize = 500_000_000;

/// Validation metrics of ranking items by training popularity, or `None` when the data is
/// too large to rank in full while it loads, or has no validation case.
pub fn popularity_validation(split: &Split, dataset: &Dataset) -> Option<RankingMetrics> {
    let n_items = dataset.n_items();
    if dataset.n_users().saturating_mul(n_items) > MAX_BASELINE_SCORES {
        return None;
    }
    let inputs = CaseInputs::new(split, SplitPart::Valid);
    let cases = inputs.cases(&dataset.sequences);
    if cases.is_empty() {
        return None;
    }
    let mut scorer = PopularityScorer::new(popularity_counts(&split.train, n_items));
    let mut keep_going = |_: usize, _: usize| true;
    evaluate(
        &mut scorer,
        &cases,
        &EvalOptions::default(),
        None,
        &mut keep_going,
    )
    .ok()
    .map(|outcome| outcome.metrics)
}
