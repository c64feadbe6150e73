//! Turning item-index sequences into left-padded token matrices.

use burn::tensor::{Device, Int, Tensor, TensorData};

/// A `[rows, len]` matrix of item tokens (item + 1, 0 = padding), left-padded so that
/// every row's most recent item sits in the last column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenMatrix {
    /// Row-major tokens, `rows * len` values.
    pub tokens: Vec<i64>,
    /// Number of rows (sequences).
    pub rows: usize,
    /// Columns: the longest kept sequence, at most the encoder's `max_len`, at least 1.
    pub len: usize,
}

impl TokenMatrix {
    /// Keeps the last `max_len` items of each sequence and left-pads to the longest row.
    pub fn left_padded(sequences: &[&[u32]], max_len: usize) -> Self {
        let len = sequences
            .iter()
            .map(|s| s.len().min(max_len))
            .max()
            .unwrap_or(0)
            .max(1);
        let mut tokens = vec![0_i64; sequences.len() * len];
        for (row, sequence) in tokens.chunks_exact_mut(len).zip(sequences) {
            let kept = &sequence[sequence.len().saturating_sub(len)..];
            let offset = len - kept.len();
            for (slot, item) in row[offset..].iter_mut().zip(kept) {
                *slot = i64::from(*item) + 1;
            }
        }
        Self {
            tokens,
            rows: sequences.len(),
            len,
        }
    }

    /// The matrix as an integer tensor `[rows, len]` on `device`.
    pub fn to_tensor(&self, device: &Device) -> Tensor<2, Int> {
        Tensor::from_data(
            TensorData::new(self.tokens.clone(), [self.rows, self.len]),
            device,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_items_on_the_right() {
        let a: &[u32] = &[0, 1, 2, 3];
        let b: &[u32] = &[7];
        let m = TokenMatrix::left_padded(&[a, b], 3);
        assert_eq!(m.len, 3);
        assert_eq!(m.tokens, vec![2, 3, 4, 0, 0, 8]);
    }

    #[test]
    fn empty_input_still_has_one_column() {
        let empty: &[u32] = &[];
        let m = TokenMatrix::left_padded(&[empty], 5);
        assert_eq!((m.rows, m.len), (1, 1));
        assert_eq!(m.tokens, vec![0]);
    }
}
