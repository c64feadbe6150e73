//! The discriminator D: real vs generated item windows (docs/MODEL.md §4).

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::{log_sigmoid, sigmoid};
use burn::tensor::{Device, Int, Tensor};

use super::init::seeded_init;
use crate::model::{PADDING_TOKEN, SasRec};
use crate::settings::GanConfig;

/// D: a SASRec sequence encoder (its own item table) over left-padded tokens, pooled into
/// `[state after the last item ; mean state over real items]` (`[batch, 2d]`), and a linear
/// head to one real/fake logit per sequence. The pooling is OUR choice: the causal last state
/// sees the whole sequence, the mean gives every position a direct path to the head.
#[derive(Module, Debug)]
pub struct Discriminator {
    /// Sequence encoder.
    pub encoder: SasRec,
    /// `[2d] → [1]` logit head.
    pub head: Linear,
}

impl Discriminator {
    /// A discriminator for `n_items` items with [`GanConfig::discriminator_encoder`]'s shape,
    /// its weights drawn from `seed`.
    pub fn new(config: &GanConfig, n_items: usize, seed: u64, device: &Device) -> Self {
        let encoder = SasRec::new(&config.discriminator_encoder(), n_items, device);
        let head = LinearConfig::new(2 * config.discriminator_dim, 1).init(device);
        seeded_init(Self { encoder, head }, seed)
    }

    /// The device the weights live on.
    pub fn device(&self) -> Device {
        self.encoder.item_embedding.weight.val().device()
    }

    /// Longest sequence D reads (older items are cut off): the window W.
    pub fn max_len(&self) -> usize {
        self.encoder.max_len()
    }

    /// Real/fake logits `[batch]` for left-padded `tokens` `[batch, len]`; D(x) = σ(logit).
    pub fn logits(&self, tokens: Tensor<2, Int>) -> Tensor<1> {
        let [batch, len] = tokens.dims();
        // [batch, len, 1]: 1.0 at real items.
        let real = tokens
            .clone()
            .not_equal_elem(PADDING_TOKEN)
            .float()
            .reshape([batch, len, 1]);
        let hidden = self.encoder.encode(tokens, false).hidden;
        let [_, _, dim] = hidden.dims();
        let last = hidden
            .clone()
            .slice([0..batch, len - 1..len, 0..dim])
            .reshape([batch, dim]);
        // Padding states are already zero; divide by the number of real items (at least 1).
        let counts = real.sum_dim(1).reshape([batch, 1]).clamp_min(1.0);
        let mean = hidden.sum_dim(1).reshape([batch, dim]) / counts;
        self.head
            .forward(Tensor::cat(vec![last, mean], 1))
            .reshape([batch])
    }

    /// D(x) = σ(logit), `[batch]`.
    pub fn probabilities(&self, tokens: Tensor<2, Int>) -> Tensor<1> {
        sigmoid(self.logits(tokens))
    }
}

/// Binary cross-entropy of real logits `[n]` (label 1) and fake logits `[m]` (label 0):
/// `mean(−log σ(real) ∪ −log σ(−fake))` over all n + m sequences, one-element tensor.
pub fn discriminator_loss(real_logits: Tensor<1>, fake_logits: Tensor<1>) -> Tensor<1> {
    let [n] = real_logits.dims();
    let [m] = fake_logits.dims();
    let total = (n + m).max(1) as f64;
    let real = log_sigmoid(real_logits).sum();
    let fake = log_sigmoid(fake_logits.neg()).sum();
    (real + fake).neg() / total
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::TensorData;

    fn one(tensor: Tensor<1>) -> f32 {
        tensor.into_scalar()
    }

    #[test]
    fn loss_reference_values_and_shapes() {
        let device = Device::flex();
        let zeros = |n: usize| Tensor::<1>::zeros([n], &device);
        // σ(0) = ½ everywhere: BCE = ln 2.
        assert!(
            (one(discriminator_loss(zeros(3), zeros(2))) - std::f32::consts::LN_2).abs() < 1e-6
        );
        let real = Tensor::<1>::from_data(TensorData::new(vec![2.0_f32], [1]), &device);
        let fake = Tensor::<1>::from_data(TensorData::new(vec![-1.0_f32], [1]), &device);
        let expected = 0.5 * ((1.0 + (-2.0_f32).exp()).ln() + (1.0 + (-1.0_f32).exp()).ln());
        assert!((one(discriminator_loss(real, fake)) - expected).abs() < 1e-6);

        let config = GanConfig {
            window: 5,
            discriminator_dim: 8,
            ..GanConfig::default()
        };
        let d = Discriminator::new(&config, 7, 2, &device).valid();
        let tokens = Tensor::<2, Int>::from_data(
            TensorData::new(vec![0_i64, 0, 3, 1, 2, 7], [2, 3]),
            &device,
        );
        let p = d
            .probabilities(tokens)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        assert_eq!(p.len(), 2);
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
    }
}
