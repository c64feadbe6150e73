//! The [`Scorer`] trait and two simple scorers (constant, precomputed matrix).

use std::ops::Range;

use super::{EvalCase, EvalError};

/// Anything that scores items for a block of users (a trained model, popularity, a test stub).
///
/// The evaluator calls `prepare` once per user block, then `score_items` one or more times for
/// contiguous item ranges of that block. Implementations should compute each (user, item) score
/// the same way whatever the range boundaries are, and deterministically: full ranking may score
/// the range that holds a target twice and compares numbers from both calls.
pub trait Scorer {
    /// Catalogue size; items are `0..n_items`.
    fn n_items(&self) -> usize;

    /// Compute per-user state for this block of cases (e.g. run the sequence encoder once).
    fn prepare(&mut self, cases: &[EvalCase<'_>]) -> Result<(), EvalError>;

    /// Row-major scores `[cases.len() x items.len()]` for the prepared block and a contiguous
    /// item range. Higher is better. Implementations should check the call with
    /// [`check_score_call`] and return an error, never panic, on a mismatch.
    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError>;
}

/// Validates a `score_items` call: `items` inside `0..n_items` and `out.len() == rows x items.len()`.
pub fn check_score_call(
    n_items: usize,
    rows: usize,
    items: &Range<usize>,
    out_len: usize,
) -> Result<(), EvalError> {
    if items.start > items.end || items.end > n_items {
        return Err(EvalError::InvalidRange {
            start: items.start,
            end: items.end,
            n_items,
        });
    }
    let expected = rows.saturating_mul(items.len());
    if out_len != expected {
        return Err(EvalError::OutputLength {
            expected,
            got: out_len,
        });
    }
    Ok(())
}

/// A scorer that gives every item the same score, 0.0 (sanity check: it must rank targets last).
#[derive(Clone, Copy, Debug)]
pub struct ConstantScorer {
    /// Catalogue size.
    pub n_items: usize,
}

impl Scorer for ConstantScorer {
    fn n_items(&self) -> usize {
        self.n_items
    }

    fn prepare(&mut self, _cases: &[EvalCase<'_>]) -> Result<(), EvalError> {
        Ok(())
    }

    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError> {
        // Stateless, so the row count is implied by the buffer: it must be a whole number of rows.
        let rows = out.len().checked_div(items.len()).unwrap_or(0);
        check_score_call(self.n_items, rows, &items, out.len())?;
        out.fill(0.0);
        Ok(())
    }
}

/// Scores read from a precomputed row-major `[users x n_items]` matrix, keyed by
/// [`EvalCase::user`] (tests, benchmarks, scores exported from elsewhere).
#[derive(Clone, Debug)]
pub struct MatrixScorer {
    n_items: usize,
    scores: Vec<f32>,
    block_users: Vec<u32>,
}

impl MatrixScorer {
    /// Wraps a `[users x n_items]` matrix; its length must be a non-zero multiple of `n_items`.
    pub fn new(n_items: usize, scores: Vec<f32>) -> Result<Self, EvalError> {
        if n_items == 0 || scores.is_empty() || !scores.len().is_multiple_of(n_items) {
            return Err(EvalError::Scorer(format!(
                "score matrix of {} floats is not a whole number of rows of {n_items} items",
                scores.len()
            )));
        }
        Ok(Self {
            n_items,
            scores,
            block_users: Vec::new(),
        })
    }

    /// Number of user rows.
    pub fn n_users(&self) -> usize {
        self.scores.len() / self.n_items
    }
}

impl Scorer for MatrixScorer {
    fn n_items(&self) -> usize {
        self.n_items
    }

    fn prepare(&mut self, cases: &[EvalCase<'_>]) -> Result<(), EvalError> {
        let n_users = self.n_users();
        if let Some(case) = cases.iter().find(|c| c.user as usize >= n_users) {
            return Err(EvalError::Scorer(format!(
                "user {} has no row in a matrix of {n_users} users",
                case.user
            )));
        }
        self.block_users.clear();
        self.block_users.extend(cases.iter().map(|c| c.user));
        Ok(())
    }

    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError> {
        check_score_call(self.n_items, self.block_users.len(), &items, out.len())?;
        if items.is_empty() {
            return Ok(());
        }
        for (row, &user) in out.chunks_exact_mut(items.len()).zip(&self.block_users) {
            let start = user as usize * self.n_items;
            row.copy_from_slice(&self.scores[start + items.start..start + items.end]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_score_call_rejects_mismatches() {
        assert!(check_score_call(5, 2, &(1..4), 6).is_ok());
        assert!(matches!(
            check_score_call(5, 2, &(1..4), 5),
            Err(EvalError::OutputLength {
                expected: 6,
                got: 5
            })
        ));
        assert!(matches!(
            check_score_call(5, 2, &(3..6), 6),
            Err(EvalError::InvalidRange { .. })
        ));
    }

    #[test]
    fn constant_scorer_fills_and_checks() {
        let mut s = ConstantScorer { n_items: 4 };
        let mut out = [1.0; 6];
        s.score_items(1..4, &mut out).unwrap();
        assert_eq!(out, [0.0; 6]);
        assert!(
            s.score_items(0..4, &mut out).is_err(),
            "6 is not a multiple of 4"
        );
        assert!(
            s.score_items(2..6, &mut [0.0; 4]).is_err(),
            "range past the catalogue"
        );
    }

    #[test]
    fn matrix_scorer_reads_rows_by_user() {
        let m = (0..12).map(|x| x as f32).collect();
        let mut s = MatrixScorer::new(4, m).unwrap();
        assert_eq!(s.n_users(), 3);
        let cases = [EvalCase::new(2, &[], 0, &[]), EvalCase::new(0, &[], 0, &[])];
        s.prepare(&cases).unwrap();
        let mut out = [0.0; 4];
        s.score_items(1..3, &mut out).unwrap();
        assert_eq!(out, [9.0, 10.0, 1.0, 2.0]);
        assert!(s.score_items(1..3, &mut [0.0; 3]).is_err());
        assert!(s.prepare(&[EvalCase::new(3, &[], 0, &[])]).is_err());
        assert!(MatrixScorer::new(5, vec![0.0; 12]).is_err());
        assert!(MatrixScorer::new(0, vec![]).is_err());
    }
}
