//! The one rule for which epoch is best, shared by the epoch loop (which keeps that epoch's
//! checkpoint) and a resume (which reads the best epoch back from `metrics.jsonl`), so the two
//! can never disagree.

/// Whether an epoch whose validation NDCG@10 is `candidate` becomes the best one, given the
/// best so far (`None` before the first): the first epoch to reach the highest score wins,
/// and a score that is not a number (NaN) never does, not even as the first.
pub fn improves_on(candidate: f64, best: Option<f64>) -> bool {
    !candidate.is_nan() && best.is_none_or(|best| candidate > best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_epoch_to_reach_the_highest_score_is_best() {
        assert!(improves_on(0.1, None));
        assert!(improves_on(0.2, Some(0.1)));
        assert!(
            !improves_on(0.1, Some(0.1)),
            "a tie keeps the earlier epoch"
        );
        assert!(!improves_on(0.05, Some(0.1)));
    }

    #[test]
    fn a_nan_score_is_never_best() {
        assert!(!improves_on(f64::NAN, None), "not even the first epoch");
        assert!(!improves_on(f64::NAN, Some(0.1)));
        assert!(improves_on(0.0, None));
    }
}
