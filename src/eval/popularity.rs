//! Training popularity counts and the popularity baseline scorer.

use std::ops::Range;

use super::{EvalCase, EvalError, Scorer, check_score_call};

/// Interactions per item over the training sequences (each occurrence counts once).
/// Item ids `>= n_items` are ignored (callers pass validated, dense ids).
pub fn popularity_counts(train: &[Vec<u32>], n_items: usize) -> Vec<u64> {
    let mut counts = vec![0u64; n_items];
    for &item in train.iter().flatten() {
        if let Some(count) = counts.get_mut(item as usize) {
            *count += 1;
        }
    }
    counts
}

/// Popularity baseline: every user gets score = training count of the item.
///
/// Scores are `f32` (exact below 2^24 interactions per item); equal counts tie, and ties count
/// against the model, so the baseline gets no credit from arbitrary tie-breaking.
#[derive(Clone, Debug)]
pub struct PopularityScorer {
    counts: Vec<u64>,
    scores: Vec<f32>,
    rows: usize,
}

impl PopularityScorer {
    /// A scorer over `counts.len()` items.
    pub fn new(counts: Vec<u64>) -> Self {
        let scores = counts.iter().map(|&c| c as f32).collect();
        Self {
            counts,
            scores,
            rows: 0,
        }
    }

    /// The training counts the scores come from.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }
}

impl Scorer for PopularityScorer {
    fn n_items(&self) -> usize {
        self.scores.len()
    }

    fn prepare(&mut self, cases: &[EvalCase<'_>]) -> Result<(), EvalError> {
        self.rows = cases.len();
        Ok(())
    }

    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError> {
        check_score_call(self.scores.len(), self.rows, &items, out.len())?;
        if items.is_empty() {
            return Ok(());
        }
        let source = &self.scores[items.clone()];
        for row in out.chunks_exact_mut(items.len()) {
            row.copy_from_slice(source);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn counts_every_occurrence_and_ignores_out_of_range() {
        let train = vec![vec![0, 1, 1, 3], vec![1, 9], vec![]];
        assert_eq!(popularity_counts(&train, 4), vec![1, 3, 0, 1]);
        assert_eq!(popularity_counts(&[], 2), vec![0, 0]);
    }

    #[test]
    fn scorer_fills_rows_and_checks_lengths() {
        let mut s = PopularityScorer::new(vec![5, 0, 2]);
        assert_eq!(s.n_items(), 3);
        assert_eq!(s.counts(), &[5, 0, 2]);
        let cases = [EvalCase::new(0, &[], 0, &[]), EvalCase::new(1, &[], 0, &[])];
        s.prepare(&cases).unwrap();
        let mut out = [0.0; 4];
        s.score_items(1..3, &mut out).unwrap();
        assert_eq!(out, [0.0, 2.0, 0.0, 2.0]);
        assert!(matches!(
            s.score_items(0..3, &mut out),
            Err(EvalError::OutputLength {
                expected: 6,
                got: 4
            })
        ));
        assert!(s.score_items(2..4, &mut out).is_err());
    }

    #[test]
    fn popularity_baseline_end_to_end() {
        // counts: item 2 most popular, items 0 and 3 tie.
        let counts = popularity_counts(&[vec![2, 2, 2, 0, 3, 1, 1]], 5);
        assert_eq!(counts, vec![1, 2, 3, 1, 0]);
        let cases = [
            EvalCase::new(0, &[], 2, &[2]),    // best: rank 0
            EvalCase::new(1, &[2], 0, &[0]),   // 2 filtered; 1 beats, 3 ties -> rank 2
            EvalCase::new(2, &[1, 2], 4, &[]), // 0 and 3 beat it -> rank 2
        ];
        let mut scorer = PopularityScorer::new(counts.clone());
        let out = evaluate(
            &mut scorer,
            &cases,
            &EvalOptions::default(),
            Some(&counts),
            &mut |_, _| true,
        )
        .unwrap();
        assert_eq!(out.ranks, vec![0, 2, 2]);
    }
}
