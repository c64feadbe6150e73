//! The generator G: a small autoregressive Transformer over items (MODEL.md §4).

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Int, Tensor};

use super::config::GanConfig;
use super::init::seeded_init;
use crate::kernels::cross_entropy::linear_cross_entropy;
use crate::model::SasRec;

/// G: a SASRec encoder (causal self-attention over left-padded item tokens, item + 1, 0 =
/// padding) whose state after the last item scores the next item against the tied item table:
/// `logits = h_T · Eᵀ`.
#[derive(Module, Debug)]
pub struct Generator {
    /// The autoregressive Transformer; its item table is also the output layer.
    pub encoder: SasRec,
}

impl Generator {
    /// A generator for `n_items` items with [`GanConfig::generator_encoder`]'s shape, its
    /// weights drawn from `seed` (see [`seeded_init`]).
    pub fn new(config: &GanConfig, n_items: usize, seed: u64, device: &Device) -> Self {
        let encoder = SasRec::new(&config.generator_encoder(), n_items, device);
        seeded_init(Self { encoder }, seed)
    }

    /// Items in the catalogue.
    pub fn n_items(&self) -> usize {
        self.encoder.n_items()
    }

    /// Longest context the generator conditions on (the window W).
    pub fn max_len(&self) -> usize {
        self.encoder.max_len()
    }

    /// The device the weights live on.
    pub fn device(&self) -> Device {
        self.encoder.item_embedding.weight.val().device()
    }

    /// Next-item logits after the last column of left-padded `tokens` `[batch, len]`:
    /// returns `[batch, n_items]`.
    pub fn next_item_logits(&self, tokens: Tensor<2, Int>) -> Tensor<2> {
        let hidden = self.encoder.encode(tokens, false).hidden;
        let [batch, len, dim] = hidden.dims();
        // [batch, dim]
        let last = hidden
            .slice([0..batch, len - 1..len, 0..dim])
            .reshape([batch, dim]);
        last.matmul(self.encoder.item_table().transpose())
    }

    /// Next-item probabilities `softmax(logits / temperature)`, `[batch, n_items]`, for
    /// left-padded `tokens` `[batch, len]` (sampling helper; `temperature > 0`).
    pub fn next_item_probabilities(&self, tokens: Tensor<2, Int>, temperature: f64) -> Tensor<2> {
        softmax(self.next_item_logits(tokens) / temperature, 1)
    }

    /// Per-position negative log-likelihood `−log π(target)`, `[n]`.
    ///
    /// - `tokens`: `[batch, len]` left-padded inputs.
    /// - `positions`: `[n]` flat indices `row * len + column` of the scored positions.
    /// - `targets`: `[n]` the item (0-based) that follows each scored position.
    pub fn position_losses(
        &self,
        tokens: Tensor<2, Int>,
        positions: Tensor<1, Int>,
        targets: Tensor<1, Int>,
    ) -> Tensor<1> {
        let hidden = self.encoder.encode(tokens, false).hidden;
        let [batch, len, dim] = hidden.dims();
        // [n, dim]
        let states = hidden.reshape([batch * len, dim]).select(0, positions);
        linear_cross_entropy(states, self.encoder.item_table(), targets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::TensorData;

    #[test]
    fn shapes_and_probabilities() {
        let device = Device::flex();
        let config = GanConfig {
            window: 4,
            generator_dim: 8,
            ..GanConfig::default()
        };
        let generator = Generator::new(&config, 6, 1, &device).valid();
        let tokens = Tensor::<2, Int>::from_data(
            TensorData::new(vec![0_i64, 1, 2, 3, 4, 5], [2, 3]),
            &device,
        );
        assert_eq!(generator.next_item_logits(tokens.clone()).dims(), [2, 6]);
        let probabilities = generator
            .next_item_probabilities(tokens, 0.5)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        for row in probabilities.chunks(6) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
        }
    }
}
