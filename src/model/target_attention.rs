//! Target attention (docs/MODEL.md §5): a candidate item attends over a user's hidden states.
//!
//! For candidate `c`: `a_t = softmax_t(q(E_c) · k(h_t) / √d)`, `r_c = Σ_t a_t v(h_t)` and
//! `score = (h_u + r_c) · E_c`. Full ranking uses `h_u · E_c`; target attention can re-rank
//! the top candidates (`rerank_top`, off by default: docs/MODEL.md §5), scores one ad against
//! every user, and its weights explain "why this user".

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::softmax;
use burn::tensor::{Bool, Device, Tensor};

use super::block::xavier;

/// The query/key/value projections of target attention.
#[derive(Module, Debug)]
pub struct TargetAttention {
    query: Linear,
    key: Linear,
    value: Linear,
    dim: usize,
}

/// Scores and the weights behind them.
#[derive(Debug, Clone)]
pub struct TargetScores {
    /// `[users, candidates]` target-attention scores.
    pub scores: Tensor<2>,
    /// `[users, candidates, len]` attention of each candidate over each user's positions
    /// (zero at padding).
    pub weights: Tensor<3>,
    /// `[users, dim]` the user states the scores build on (`h_u`, whose product with the item
    /// table gives the catalogue scores without encoding the users again).
    pub states: Tensor<2>,
}

impl TargetAttention {
    /// Projections of width `dim`.
    pub fn new(dim: usize, device: &Device) -> Self {
        let linear = LinearConfig::new(dim, dim)
            .with_bias(false)
            .with_initializer(xavier());
        Self {
            query: linear.init(device),
            key: linear.init(device),
            value: linear.init(device),
            dim,
        }
    }

    /// Scores each user's own candidate set.
    ///
    /// - `hidden`: `[users, len, dim]` encoder states (zero at padding).
    /// - `padding`: `[users, len]`, true at padded positions.
    /// - `user_state`: `[users, dim]` the final state `h_u`.
    /// - `candidates`: `[users, candidates, dim]` candidate item embeddings `E_c`.
    pub fn score(
        &self,
        hidden: Tensor<3>,
        padding: Tensor<2, Bool>,
        user_state: Tensor<2>,
        candidates: Tensor<3>,
    ) -> TargetScores {
        let [users, len, dim] = hidden.dims();
        let [_, count, _] = candidates.dims();
        // [users, candidates, dim] · [users, dim, len] → [users, candidates, len]
        let queries = self.query.forward(candidates.clone());
        let keys = self.key.forward(hidden.clone());
        let logits = queries
            .matmul(keys.swap_dims(1, 2))
            .div_scalar((self.dim as f64).sqrt());
        let blocked = padding.reshape([users, 1, len]).expand([users, count, len]);
        let weights = softmax(logits.mask_fill(blocked.clone(), -1.0e9), 2).mask_fill(blocked, 0.0);
        // [users, candidates, dim]
        let read = weights.clone().matmul(self.value.forward(hidden));
        let state = user_state
            .clone()
            .reshape([users, 1, dim])
            .expand([users, count, dim]);
        let scores = (state + read)
            .mul(candidates)
            .sum_dim(2)
            .reshape([users, count]);
        TargetScores {
            scores,
            weights,
            states: user_state,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Distribution, TensorData};

    #[test]
    fn weights_sum_to_one_over_real_positions_and_ignore_padding() {
        let device = Device::flex();
        device.seed(1);
        let attention = TargetAttention::new(8, &device);
        let hidden = Tensor::<3>::random([2, 4, 8], Distribution::Normal(0.0, 1.0), &device);
        let padding = Tensor::<2, Bool>::from_data(
            TensorData::new(
                vec![true, false, false, false, true, true, false, false],
                [2, 4],
            ),
            &device,
        );
        let user = Tensor::<2>::random([2, 8], Distribution::Normal(0.0, 1.0), &device);
        let candidates = Tensor::<3>::random([2, 3, 8], Distribution::Normal(0.0, 1.0), &device);
        let out = attention.score(hidden, padding, user, candidates);
        assert_eq!(out.scores.dims(), [2, 3]);
        let weights = out.weights.into_data().try_into_vec::<f32>().expect("f32");
        for row in weights.chunks(4) {
            let sum: f32 = row.iter().sum();
            assert!((sum - 1.0).abs() < 1e-5, "{row:?}");
        }
        // user 0 position 0 and user 1 positions 0–1 are padding
        assert_eq!(weights[0], 0.0);
        assert_eq!(weights[3 * 4], 0.0);
        assert_eq!(weights[3 * 4 + 1], 0.0);
    }
}
