//! Training batches: every position of a user's training sequence predicts the next item.

use crate::model::tokens::TokenMatrix;

/// One optimisation step's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainBatch {
    /// `[rows, len]` left-padded input tokens: each user's training items but the last.
    pub tokens: TokenMatrix,
    /// Flat indices `row * len + column` of the positions that have a next item.
    pub positions: Vec<i64>,
    /// The next item (0-based) at each listed position.
    pub targets: Vec<i64>,
}

/// Users with at least two training items (anything shorter has nothing to predict).
pub fn trainable_users(train: &[Vec<u32>]) -> Vec<usize> {
    train
        .iter()
        .enumerate()
        .filter(|(_, sequence)| sequence.len() >= 2)
        .map(|(user, _)| user)
        .collect()
}

/// Builds the batch for `users`: input `s[..n-1]`, targets `s[1..]`, both cut to the last
/// `max_len` positions (one training sequence per user per epoch, as in SASRec).
pub fn build_batch(train: &[Vec<u32>], users: &[usize], max_len: usize) -> TrainBatch {
    let empty: &[u32] = &[];
    let sequences: Vec<&[u32]> = users
        .iter()
        .map(|&user| train.get(user).map_or(empty, |s| s.as_slice()))
        .collect();
    let inputs: Vec<&[u32]> = sequences
        .iter()
        .map(|s| &s[..s.len().saturating_sub(1)])
        .collect();
    let tokens = TokenMatrix::left_padded(&inputs, max_len);
    let len = tokens.len;
    let mut positions = Vec::new();
    let mut targets = Vec::new();
    for (row, sequence) in sequences.iter().enumerate() {
        let next_items = sequence.get(1..).unwrap_or(&[]);
        let kept = &next_items[next_items.len().saturating_sub(len)..];
        let first_column = len - kept.len();
        for (offset, &item) in kept.iter().enumerate() {
            positions.push((row * len + first_column + offset) as i64);
            targets.push(i64::from(item));
        }
    }
    TrainBatch {
        tokens,
        positions,
        targets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_the_next_items_and_padding_is_left_out() {
        let train = vec![vec![5, 6, 7], vec![1], vec![2, 3]];
        assert_eq!(trainable_users(&train), vec![0, 2]);
        let batch = build_batch(&train, &[0, 2], 10);
        // inputs [5,6] and [2] → tokens [6,7] and [0,3]
        assert_eq!(batch.tokens.len, 2);
        assert_eq!(batch.tokens.tokens, vec![6, 7, 0, 3]);
        assert_eq!(batch.positions, vec![0, 1, 3]);
        assert_eq!(batch.targets, vec![6, 7, 3]);
    }

    #[test]
    fn long_sequences_keep_their_last_window() {
        let train = vec![(0..10).collect::<Vec<u32>>()];
        let batch = build_batch(&train, &[0], 4);
        // input 0..9 → last 4 = 5,6,7,8 ; targets 6,7,8,9
        assert_eq!(batch.tokens.tokens, vec![6, 7, 8, 9]);
        assert_eq!(batch.targets, vec![6, 7, 8, 9]);
        assert_eq!(batch.positions, vec![0, 1, 2, 3]);
    }
}
