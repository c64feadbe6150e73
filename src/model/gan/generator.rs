//! The generator G: a small autoregressive Transformer over items (docs/MODEL.md §4).

use burn::module::{Module, Param};
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Int, Tensor};

use super::init::{seeded_init, with_values};
use crate::kernels::cross_entropy::linear_cross_entropy;
use crate::model::SasRec;
use crate::settings::GanConfig;

/// G: a SASRec encoder (causal self-attention over left-padded item tokens, item + 1, 0 =
/// padding) whose state after the last item scores the next item against the tied item table,
/// plus a learned per-item bias: `logits = h_T · Eᵀ + b`.
#[derive(Module, Debug)]
pub struct Generator {
    /// The autoregressive Transformer; its item table is also the output layer.
    pub encoder: SasRec,
    /// `[n_items]` output bias; [`Self::with_popularity_prior`] starts it at the log of each
    /// item's training count.
    pub output_bias: Param<Tensor<1>>,
}

impl Generator {
    /// A generator for `n_items` items with [`GanConfig::generator_encoder`]'s shape, its
    /// weights drawn from `seed` (see [`seeded_init`]) and a zero output bias.
    pub fn new(config: &GanConfig, n_items: usize, seed: u64, device: &Device) -> Self {
        let encoder = SasRec::new(&config.generator_encoder(), n_items, device);
        let output_bias = Param::from_tensor(Tensor::zeros([n_items], device));
        seeded_init(
            Self {
                encoder,
                output_bias,
            },
            seed,
        )
    }

    /// Starts the output bias at `ln(count + 1)` minus its mean for each item's training
    /// `counts` (`[n_items]`; missing entries count 0), so that from the first step G draws
    /// items about as often as the training data holds them: a unigram prior that maximum
    /// likelihood and the adversarial steps then refine. OUR choice (docs/MODEL.md §4 leaves G's
    /// output layer open): without it a small G trained for a few hundred steps samples close
    /// to uniformly over a large catalogue, far from the real popularity distribution.
    pub fn with_popularity_prior(mut self, counts: &[u64]) -> Self {
        let n_items = self.n_items();
        let logs: Vec<f64> = (0..n_items)
            .map(|item| (counts.get(item).copied().unwrap_or(0) as f64 + 1.0).ln())
            .collect();
        let mean = logs.iter().sum::<f64>() / n_items.max(1) as f64;
        let prior: Vec<f32> = logs.iter().map(|&v| (v - mean) as f32).collect();
        self.output_bias = self.output_bias.map(|bias| with_values(bias, prior));
        self
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
        let [n_items] = self.output_bias.dims();
        last.matmul(self.encoder.item_table().transpose())
            + self.output_bias.val().reshape([1, n_items])
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
        let [n] = targets.dims();
        let [n_items] = self.output_bias.dims();
        // The bias as one more column: [s, 1] · [E, b]ᵀ = s · Eᵀ + b, so the fused loss serves.
        // [n, dim + 1] and [n_items, dim + 1]
        let states = Tensor::cat(vec![states, Tensor::ones([n, 1], &self.device())], 1);
        let table = Tensor::cat(
            vec![
                self.encoder.item_table(),
                self.output_bias.val().reshape([n_items, 1]),
            ],
            1,
        );
        linear_cross_entropy(states, table, targets)
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

    #[test]
    fn popularity_prior_shapes_the_first_draws_and_the_loss_agrees_with_the_logits() {
        let device = Device::flex();
        let config = GanConfig {
            window: 4,
            generator_dim: 8,
            ..GanConfig::default()
        };
        let counts = [200_u64, 0, 3, 50, 0, 9];
        let generator = Generator::new(&config, 6, 1, &device)
            .with_popularity_prior(&counts)
            .valid();
        let bias = generator
            .output_bias
            .val()
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        // Centred log(count + 1): ordered like the counts, mean 0.
        assert!(bias[0] > bias[3] && bias[3] > bias[5] && bias[5] > bias[2] && bias[2] > bias[1]);
        assert!((bias[1] - bias[4]).abs() < 1e-6);
        assert!(bias.iter().sum::<f32>().abs() < 1e-4, "{bias:?}");
        let expected = (201.0_f32).ln() - (51.0_f32).ln();
        assert!((bias[0] - bias[3] - expected).abs() < 1e-5);

        let tokens = Tensor::<2, Int>::from_data(
            TensorData::new(vec![0_i64, 1, 4, 2, 3, 6], [2, 3]),
            &device,
        );
        let probabilities = generator
            .next_item_probabilities(tokens.clone(), 1.0)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        // Small random weights: the prior dominates, the most frequent item is drawn most.
        for row in probabilities.chunks(6) {
            let best = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(item, _)| item);
            assert_eq!(best, Some(0), "{row:?}");
        }
        // The loss at the last column of each row is −log of the same softmax.
        let positions = Tensor::<1, Int>::from_data(TensorData::new(vec![2_i64, 5], [2]), &device);
        let targets = Tensor::<1, Int>::from_data(TensorData::new(vec![3_i64, 5], [2]), &device);
        let losses = generator
            .position_losses(tokens, positions, targets)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        assert!(
            (losses[0] + probabilities[3].ln()).abs() < 1e-4,
            "{losses:?}"
        );
        assert!(
            (losses[1] + probabilities[6 + 5].ln()).abs() < 1e-4,
            "{losses:?}"
        );
    }
}
