//! The rows of the item table one sampled-loss step touches, and the step's batches and
//! negatives renumbered into them, so the step can train a small `[rows, dim]` copy of the
//! table instead of the whole `[n_items + 1, dim]` one (docs/SCALING.md §2, "Row-sparse item
//! updates").

use super::batches::TrainBatch;
use super::negatives::SharedNegatives;
use crate::model::tokens::TokenMatrix;

/// The distinct tokens (item + 1, 0 = padding) a step reads: its input tokens, its targets and
/// its negatives. Local row `r` of the step's table is token `tokens[r]`; row 0 is always the
/// padding token, so a local token matrix pads with 0 as the whole table does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRows {
    /// `[R]` ascending distinct tokens, `tokens[0] == 0`.
    tokens: Vec<i64>,
}

impl StepRows {
    /// The rows `batches` and `negatives` touch.
    pub fn new(batches: &[&TrainBatch], negatives: &SharedNegatives) -> Self {
        let mut tokens: Vec<i64> = std::iter::once(0)
            .chain(batches.iter().flat_map(|b| b.tokens.tokens.iter().copied()))
            .chain(batches.iter().flat_map(|b| b.targets.iter().map(|t| t + 1)))
            .chain(negatives.items.iter().map(|n| n + 1))
            .collect();
        tokens.sort_unstable();
        tokens.dedup();
        Self { tokens }
    }

    /// `[R]` the table rows (tokens) in local order.
    pub fn tokens(&self) -> &[i64] {
        &self.tokens
    }

    /// Number of rows, `R`.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Never true: the padding row is always there.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The local row of `token`. Every token the step reads is listed, so a miss is a bug in
    /// the caller; it maps to the padding row rather than to another item.
    fn local(&self, token: i64) -> i64 {
        self.tokens.binary_search(&token).unwrap_or(0) as i64
    }

    /// `batch` renumbered: its tokens are local rows, and each target `t` (0-based item) is the
    /// local row of token `t + 1`, so scoring against the local table (padding row included)
    /// picks the same embedding the whole table's row `t` holds.
    pub fn local_batch(&self, batch: &TrainBatch) -> TrainBatch {
        TrainBatch {
            tokens: TokenMatrix {
                tokens: batch.tokens.tokens.iter().map(|&t| self.local(t)).collect(),
                rows: batch.tokens.rows,
                len: batch.tokens.len,
            },
            positions: batch.positions.clone(),
            targets: batch.targets.iter().map(|&t| self.local(t + 1)).collect(),
        }
    }

    /// `negatives` renumbered the way [`Self::local_batch`] renumbers targets (their
    /// corrections unchanged), so a negative equal to a row's target stays equal to it.
    pub fn local_negatives(&self, negatives: &SharedNegatives) -> SharedNegatives {
        SharedNegatives {
            items: negatives.items.iter().map(|&n| self.local(n + 1)).collect(),
            log_counts: negatives.log_counts.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::epochs::build_batch;

    #[test]
    fn rows_are_the_distinct_tokens_read_and_renumbering_keeps_every_lookup() {
        let train = vec![vec![4, 9, 4, 2], vec![7, 2]];
        let batch = build_batch(&train, &[0, 1], 10);
        let negatives = SharedNegatives {
            items: vec![11, 9, 11],
            log_counts: vec![0.5, 0.25, 0.5],
        };
        let rows = StepRows::new(&[&batch], &negatives);
        // Tokens: padding, inputs 5 10 5 8, targets 10 5 3 3, negatives 12 10 12.
        assert_eq!(rows.tokens(), &[0, 3, 5, 8, 10, 12]);
        let local = rows.local_batch(&batch);
        for (global, local) in batch.tokens.tokens.iter().zip(&local.tokens.tokens) {
            assert_eq!(rows.tokens()[*local as usize], *global);
        }
        for (global, local) in batch.targets.iter().zip(&local.targets) {
            assert_eq!(rows.tokens()[*local as usize], global + 1);
        }
        assert_eq!(local.positions, batch.positions);
        assert_eq!(
            (local.tokens.rows, local.tokens.len),
            (batch.tokens.rows, batch.tokens.len)
        );
        let renumbered = rows.local_negatives(&negatives);
        assert_eq!(renumbered.items, vec![5, 4, 5]);
        assert_eq!(renumbered.log_counts, negatives.log_counts);
        // Item 9 is both a target and a negative: it stays one row.
        assert!(local.targets.contains(&4));
    }
}
