//! Self-attention maps of one user's history: per layer and head, which earlier items each
//! position attends to.

use serde::{Deserialize, Serialize};

use super::AnalysisError;
use super::query::user_history;
use crate::train::session::ModelView;

/// Which head's weights to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeadChoice {
    /// The mean over all heads of the layer.
    #[default]
    Average,
    /// One head, 0-based.
    Head(usize),
}

/// Attention weights over a user's most recent items (the encoder's input window).
#[derive(Clone, Debug, PartialEq)]
pub struct AttentionMap {
    /// The user (dense index).
    pub user: u32,
    /// The items in the window, oldest first: row `i` (query) and column `j` (key) are item `i`
    /// and item `j` of this list.
    pub items: Vec<u32>,
    /// Position of `items[0]` in the user's whole history.
    pub first_position: usize,
    /// Length of the user's whole history.
    pub history_len: usize,
    /// Heads per layer.
    pub heads: usize,
    /// `weights[layer][head]`: `len × len` row-major (row = query, column = key); entries above
    /// the diagonal are 0 (the causal mask).
    pub weights: Vec<Vec<Vec<f32>>>,
    /// The epoch the weights come from.
    pub epoch: usize,
}

impl AttentionMap {
    /// Items in the window (rows and columns of every matrix).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the window is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of layers.
    pub fn layers(&self) -> usize {
        self.weights.len()
    }

    /// The `len × len` matrix of `layer` for `head` (the head average for
    /// [`HeadChoice::Average`]); `None` for a layer or head that does not exist.
    pub fn matrix(&self, layer: usize, head: HeadChoice) -> Option<Vec<f32>> {
        let heads = self.weights.get(layer)?;
        match head {
            HeadChoice::Head(index) => heads.get(index).cloned(),
            HeadChoice::Average => {
                let first = heads.first()?;
                let mut mean = vec![0.0f32; first.len()];
                for matrix in heads {
                    for (sum, value) in mean.iter_mut().zip(matrix) {
                        *sum += value;
                    }
                }
                let count = heads.len() as f32;
                mean.iter_mut().for_each(|v| *v /= count);
                Some(mean)
            }
        }
    }
}

/// Encodes `user`'s history (its last `max_len` items) and returns every layer's weights.
pub fn attention_map(view: &ModelView<'_>, user: u32) -> Result<AttentionMap, AnalysisError> {
    let model = view.model.ok_or(AnalysisError::NoModel)?;
    let history = user_history(view, user)?;
    let first_position = history.len().saturating_sub(model.encoder().max_len());
    let window = &history[first_position..];
    let output = model.encode(model.tokens(&[window]), true);
    let len = window.len();
    let mut weights = Vec::with_capacity(output.attention.len());
    let mut heads = 0;
    for layer in output.attention {
        let [_, layer_heads, _, _] = layer.dims();
        heads = layer_heads;
        let values = layer
            .into_data()
            .try_into_vec::<f32>()
            .map_err(|e| AnalysisError::Backend(format!("{e:?}")))?;
        let per_head = len * len;
        if values.len() != layer_heads * per_head {
            return Err(AnalysisError::Backend(format!(
                "attention has {} values, expected {}",
                values.len(),
                layer_heads * per_head
            )));
        }
        weights.push(values.chunks(per_head).map(<[f32]>::to_vec).collect());
    }
    Ok(AttentionMap {
        user,
        items: window.to_vec(),
        first_position,
        history_len: history.len(),
        heads,
        weights,
        epoch: view.epoch,
    })
}

#[cfg(test)]
mod tests {
    use super::super::states::test_model::{dataset, model};
    use super::*;
    use crate::data::leave_one_out;

    #[test]
    fn one_row_and_column_per_window_item_and_causal_rows_sum_to_one() {
        let data = dataset(12, 10);
        let split = leave_one_out(&data.sequences);
        let encoder = model(10);
        let view = ModelView {
            model: Some(&encoder),
            dataset: &data,
            split: &split,
            epoch: 4,
        };
        let user = 4;
        let map = attention_map(&view, user).expect("attention");
        let history = &data.sequences[user as usize];
        assert_eq!(
            map.items,
            history[history.len().saturating_sub(8)..].to_vec()
        );
        assert_eq!((map.layers(), map.heads), (2, 2));
        let n = map.len();
        for layer in 0..2 {
            for head in [
                HeadChoice::Average,
                HeadChoice::Head(0),
                HeadChoice::Head(1),
            ] {
                let matrix = map.matrix(layer, head).expect("matrix");
                assert_eq!(matrix.len(), n * n);
                for query in 0..n {
                    let row = &matrix[query * n..(query + 1) * n];
                    let sum: f32 = row.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-3, "row {query} sums to {sum}");
                    assert!(row[query + 1..].iter().all(|&w| w.abs() < 1e-6));
                }
            }
        }
        assert!(map.matrix(5, HeadChoice::Average).is_none());
        assert!(map.matrix(0, HeadChoice::Head(9)).is_none());
    }

    #[test]
    fn without_a_model_it_says_so() {
        let data = dataset(3, 4);
        let split = leave_one_out(&data.sequences);
        let view = ModelView {
            model: None,
            dataset: &data,
            split: &split,
            epoch: 0,
        };
        assert_eq!(attention_map(&view, 0), Err(AnalysisError::NoModel));
    }
}
