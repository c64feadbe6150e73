//! One pre-LayerNorm Transformer block that keeps its attention weights, with optional
//! frequency mixing beside the attention (docs/MODEL.md §2).

use burn::module::Module;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{
    Dropout, DropoutConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::activation::relu;
use burn::tensor::{Bool, Device, Tensor};

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
        let attended = self
            .attention
            .forward(MhaInput::self_attn(normed.clone()).mask_attn(blocked));
        let context = match &self.mix {
            Some(mix) => mix.mix(normed, attended.context),
            None => attended.context,
        };
        let x = x + self.dropout.forward(context);
        let normed = self.norm_feed_forward.forward(x.clone());
        let hidden = self
            .dropout
            .forward(relu(self.feed_forward_in.forward(normed)));
        let x = x + self.dropout.forward(self.feed_forward_out.forward(hidden));
        (x * keep, attended.weights)
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
        let x = last + self.dropout.forward(context);
        let normed = self.norm_feed_forward.forward(x.clone());
        let hidden = self
            .dropout
            .forward(relu(self.feed_forward_in.forward(normed)));
        x + self.dropout.forward(self.feed_forward_out.forward(hidden))
    }
}
