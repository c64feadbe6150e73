//! One pre-LayerNorm Transformer block that keeps its attention weights, with optional
//! frequency mixing beside the attention (docs/MODEL.md §2).

use burn::module::Module;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{
    Dropout, DropoutConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::{Bool, Device, Tensor};

use super::dropout::dropout;
use super::sequence_mix::SequenceMix;
use crate::settings::EncoderConfig;

/// LN → causal multi-head self-attention (mixed with the sequence mixing, where the encoder
/// has one) → residual → LN → feed-forward → residual.
#[derive(Module, Debug)]
pub struct TransformerBlock {
    norm_attention: LayerNorm,
    attention: MultiHeadAttention,
    /// Frequency mixing beside the attention; `None` when the encoder's mixing is off.
    mix: Option<SequenceMix>,
    norm_feed_forward: LayerNorm,
    feed_forward_in: Linear,
    feed_forward_out: Linear,
    dropout: Dropout,
}

/// Xavier-normal initialisation, as the reference SASRec implementations use.
pub(crate) fn xavier() -> Initializer {
    Initializer::XavierNormal { gain: 1.0 }
}

impl TransformerBlock {
    /// A block of the encoder's width, heads, dropout and mixing.
    pub fn new(config: &EncoderConfig, device: &Device) -> Self {
        let (dim, dropout) = (config.dim, config.dropout);
        let linear = LinearConfig::new(dim, dim).with_initializer(xavier());
        Self {
            norm_attention: LayerNormConfig::new(dim).init(device),
            attention: MultiHeadAttentionConfig::new(dim, config.heads)
                .with_dropout(dropout)
                .with_initializer(xavier())
                .init(device),
            mix: SequenceMix::new(config, device),
            norm_feed_forward: LayerNormConfig::new(dim).init(device),
            feed_forward_in: linear.init(device),
            feed_forward_out: linear.init(device),
            dropout: DropoutConfig::new(dropout).init(),
        }
    }

    /// Runs the block.
    ///
    /// - `x`: `[batch, len, dim]` hidden states.
    /// - `keep`: `[batch, len, 1]`, 1.0 at real items and 0.0 at padding.
    /// - `blocked`: `[batch, len, len]`, true where a query may not attend to a key
    ///   (future positions and padded keys).
    ///
    /// Returns the new hidden states `[batch, len, dim]` and the attention weights
    /// `[batch, heads, len, len]`.
    pub fn forward(
        &self,
        x: Tensor<3>,
        keep: Tensor<3>,
        blocked: Tensor<3, Bool>,
    ) -> (Tensor<3>, Tensor<4>) {
        let normed = self.norm_attention.forward(x.clone());
        let (context, weights) = self.self_attention(normed.clone(), blocked);
        let context = match &self.mix {
            Some(mix) => mix.mix(normed, context),
            None => context,
        };
        let x = x + dropout(&self.dropout, context);
        let normed = self.norm_feed_forward.forward(x.clone());
        let hidden = dropout(&self.dropout, relu(self.feed_forward_in.forward(normed)));
        let x = x + dropout(&self.dropout, self.feed_forward_out.forward(hidden));
        (x * keep, weights)
    }

    /// The block's output at the last position only (the only one scoring needs): the last
    /// query attends to every unpadded key, which is what the causal mask allows it anyway.
    ///
    /// - `x`: `[batch, len, dim]`; `padding`: `[batch, len]`, true at padded keys.
    ///
    /// Returns `[batch, 1, dim]`.
    pub fn forward_last(&self, x: Tensor<3>, padding: Tensor<2, Bool>) -> Tensor<3> {
        let [batch, len, dim] = x.dims();
        let last = x.clone().slice([0..batch, len - 1..len, 0..dim]);
        let normed = self.norm_attention.forward(x);
        let query = normed.clone().slice([0..batch, len - 1..len, 0..dim]);
        let attended = self
            .attention
            .forward(MhaInput::new(query, normed.clone(), normed.clone()).mask_pad(padding));
        let context = match &self.mix {
            Some(mix) => mix.mix_last(normed, attended.context),
            None => attended.context,
        };
        let x = last + dropout(&self.dropout, context);
        let normed = self.norm_feed_forward.forward(x.clone());
        let hidden = dropout(&self.dropout, relu(self.feed_forward_in.forward(normed)));
        x + dropout(&self.dropout, self.feed_forward_out.forward(hidden))
    }

    /// Causal self-attention with burn's `MultiHeadAttention` parameters and arithmetic, its
    /// attention weights dropped by [`dropout`] (cheap on the CPU) instead of burn's sampler.
    ///
    /// - `x`: `[batch, len, dim]`; `blocked`: `[batch, len, len]`, true where a query may not
    ///   attend to a key.
    ///
    /// Returns the context `[batch, len, dim]` (after the output projection) and the weights
    /// `[batch, heads, len, len]` (after dropout, so in training rows may not sum to 1).
    fn self_attention(&self, x: Tensor<3>, blocked: Tensor<3, Bool>) -> (Tensor<3>, Tensor<4>) {
        let attention = &self.attention;
        let [batch, len, dim] = x.dims();
        let (heads, head_dim) = (attention.n_heads, attention.d_k);
        // [batch, heads, len, head_dim]
        let split = |linear: &Linear| {
            linear
                .forward(x.clone())
                .reshape([batch, len, heads, head_dim])
                .swap_dims(1, 2)
        };
        let (query, key, value) = (
            split(&attention.query),
            split(&attention.key),
            split(&attention.value),
        );
        // [batch, heads, len, len]
        let scores = query
            .matmul(key.transpose())
            .div_scalar((head_dim as f32).sqrt())
            .mask_fill(blocked.reshape([batch, 1, len, len]), attention.min_float);
        let weights = dropout(&attention.dropout, softmax(scores, 3));
        let context = weights
            .clone()
            .matmul(value)
            .swap_dims(1, 2)
            .reshape([batch, len, dim]);
        (attention.output.forward(context), weights)
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Distribution, TensorData};

    use super::*;

    fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
        tensor.into_data().try_into_vec::<f32>().expect("f32")
    }

    #[test]
    fn self_attention_is_burns_multi_head_attention_outside_training() {
        let device = Device::flex();
        let config = EncoderConfig {
            dim: 8,
            heads: 2,
            ..EncoderConfig::default()
        };
        let block = TransformerBlock::new(&config, &device);
        let (batch, len) = (3, 5);
        let x = Tensor::<3>::random([batch, len, 8], Distribution::Normal(0.0, 1.0), &device);
        // Causal, and the first key of row 1 padded.
        let blocked: Vec<bool> = (0..batch * len * len)
            .map(|i| {
                let (b, q, k) = (i / (len * len), (i / len) % len, i % len);
                k > q || (b == 1 && k == 0 && q > 0)
            })
            .collect();
        let blocked =
            Tensor::<3, Bool>::from_data(TensorData::new(blocked, [batch, len, len]), &device);
        let (context, weights) = block.self_attention(x.clone(), blocked.clone());
        let burns = block
            .attention
            .forward(MhaInput::self_attn(x).mask_attn(blocked));
        for (name, ours, theirs) in [
            ("context", values(context), values(burns.context)),
            ("weights", values(weights), values(burns.weights)),
        ] {
            assert_eq!(ours.len(), theirs.len(), "{name}");
            for (a, b) in ours.iter().zip(&theirs) {
                assert!((a - b).abs() < 1e-6, "{name}: {a} vs {b}");
            }
        }
    }
}
