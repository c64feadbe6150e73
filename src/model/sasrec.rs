//! SASRec sequence encoder with tied item embeddings (docs/MODEL.md §2).

use burn::module::Module;
use burn::nn::Initializer;
use burn::nn::{Dropout, DropoutConfig, Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig};
use burn::tensor::{Bool, Device, Int, Tensor, TensorData};

use super::block::TransformerBlock;
use super::dropout::dropout;
use crate::settings::{EncoderConfig, Positional};

/// Item tokens are `item + 1`; token 0 is padding.
pub const PADDING_TOKEN: i64 = 0;

/// The SASRec encoder: item + positional embeddings (learned, or sinusoidal), `blocks`
/// Transformer blocks, a final LayerNorm. Scores are `h · Eᵀ` with the item table `E` shared
/// with the input.
#[derive(Module, Debug)]
pub struct SasRec {
    /// `[n_items + 1, dim]`, row 0 = padding.
    pub item_embedding: Embedding,
    /// `[max_len, dim]` learned positions; `None` = fixed sinusoidal ones.
    position_embedding: Option<Embedding>,
    blocks: Vec<TransformerBlock>,
    final_norm: LayerNorm,
    dropout: Dropout,
    dim: usize,
    max_len: usize,
    n_items: usize,
    /// Padded positions keep their embeddings inside the blocks instead of zeros
    /// (`EncoderConfig::positional_padding`).
    positional_padding: bool,
}

/// The masks one encoder pass needs, from the padding mask `[batch, len]`.
struct Masks {
    /// `[batch, len, 1]`: 1.0 at real items.
    keep: Tensor<3>,
    /// `[batch, len, len]`: a query may not see future positions or padded keys.
    blocked: Tensor<3, Bool>,
}

impl Masks {
    fn new(padding: &Tensor<2, Bool>) -> Self {
        let [batch, len] = padding.dims();
        let device = padding.device();
        let keep = padding.clone().bool_not().float().reshape([batch, len, 1]);
        let future = Tensor::<2, Bool>::tril_mask([len, len], 0, &device)
            .reshape([1, len, len])
            .expand([batch, len, len]);
        let padded_keys = padding
            .clone()
            .reshape([batch, 1, len])
            .expand([batch, len, len]);
        Self {
            keep,
            blocked: future.bool_or(padded_keys),
        }
    }
}

/// What one encoder pass produces.
#[derive(Debug, Clone)]
pub struct EncoderOutput {
    /// `[batch, len, dim]` hidden state at every position (zero at padding).
    pub hidden: Tensor<3>,
    /// Per block, `[batch, heads, len, len]` attention weights (empty unless asked for).
    pub attention: Vec<Tensor<4>>,
}

/// Xavier-normal for a `[rows, dim]` table, as PyTorch's `xavier_normal_` treats embeddings
/// (burn's Xavier initialiser needs a fan-in that embeddings do not pass).
fn xavier_table(rows: usize, dim: usize) -> Initializer {
    Initializer::Normal {
        mean: 0.0,
        std: (2.0 / (rows + dim) as f64).sqrt(),
    }
}

/// The Transformer paper's fixed encoding of `positions` `[len]`: `[len, dim]` with
/// `PE[p, 2i] = sin(p / 10000^(2i/dim))` and `PE[p, 2i + 1] = cos(p / 10000^(2i/dim))`.
fn sinusoid(positions: Tensor<1, Int>, dim: usize) -> Tensor<2> {
    let [len] = positions.dims();
    let device = positions.device();
    // Column j's frequency, and a quarter turn on odd columns so that sin becomes cos.
    let frequency: Vec<f32> = (0..dim)
        .map(|j| 10_000f64.powf(-((j - j % 2) as f64) / dim as f64) as f32)
        .collect();
    let phase: Vec<f32> = (0..dim)
        .map(|j| {
            if j % 2 == 1 {
                std::f32::consts::FRAC_PI_2
            } else {
                0.0
            }
        })
        .collect();
    let row = |values: Vec<f32>| Tensor::<2>::from_data(TensorData::new(values, [1, dim]), &device);
    (positions.float().reshape([len, 1]) * row(frequency) + row(phase)).sin()
}

impl SasRec {
    /// A freshly initialised encoder for a catalogue of `n_items` items.
    pub fn new(config: &EncoderConfig, n_items: usize, device: &Device) -> Self {
        Self {
            item_embedding: EmbeddingConfig::new(n_items + 1, config.dim)
                .with_initializer(xavier_table(n_items + 1, config.dim))
                .init(device),
            position_embedding: (config.positional == Positional::Learned).then(|| {
                EmbeddingConfig::new(config.max_len, config.dim)
                    .with_initializer(xavier_table(config.max_len, config.dim))
                    .init(device)
            }),
            blocks: (0..config.blocks)
                .map(|_| TransformerBlock::new(config, device))
                .collect(),
            final_norm: LayerNormConfig::new(config.dim).init(device),
            dropout: DropoutConfig::new(config.dropout).init(),
            dim: config.dim,
            max_len: config.max_len,
            n_items,
            positional_padding: config.positional_padding,
        }
    }

    /// Number of items the encoder scores.
    pub fn n_items(&self) -> usize {
        self.n_items
    }

    /// Longest input the positional table covers.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Hidden width.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Input embeddings for left-padded `tokens` `[batch, len]` (len ≤ max_len):
    /// `√d · E[token] + P[position]`, where the last column always gets the last position.
    /// Returns `[batch, len, dim]` (dropout and padding mask not applied yet).
    pub fn embed(&self, tokens: Tensor<2, Int>) -> Tensor<3> {
        let positions = self.positions(&tokens);
        let items = self.item_embedding.forward(tokens) * (self.dim as f64).sqrt();
        items + positions
    }

    /// Like [`SasRec::embed`] but looking tokens up in `table` `[n_items + 1, dim]` (row 0 =
    /// padding) instead of the item embedding, e.g. item embeddings fused with graph signals.
    pub fn embed_with_table(&self, tokens: Tensor<2, Int>, table: Tensor<2>) -> Tensor<3> {
        let [batch, len] = tokens.dims();
        let positions = self.positions(&tokens);
        let items = table
            .select(0, tokens.reshape([batch * len]))
            .reshape([batch, len, self.dim]);
        items * (self.dim as f64).sqrt() + positions
    }

    /// Positional embeddings `[batch, len, dim]` for left-padded `tokens`.
    fn positions(&self, tokens: &Tensor<2, Int>) -> Tensor<3> {
        let [batch, len] = tokens.dims();
        let device = tokens.device();
        let first = self.max_len - len.min(self.max_len);
        let positions = Tensor::<1, Int>::arange(first as i64..self.max_len as i64, &device);
        match &self.position_embedding {
            Some(table) => table.forward(positions.reshape([1, len]).expand([batch, len])),
            None => sinusoid(positions, self.dim)
                .reshape([1, len, self.dim])
                .expand([batch, len, self.dim]),
        }
    }

    /// Encodes left-padded item tokens `[batch, len]` (0 = padding).
    pub fn encode(&self, tokens: Tensor<2, Int>, keep_attention: bool) -> EncoderOutput {
        let padding = tokens.clone().equal_elem(PADDING_TOKEN);
        let embedded = self.embed(tokens);
        self.encode_embedded(embedded, padding, keep_attention)
    }

    /// Encodes precomputed input embeddings `[batch, len, dim]` with the padding mask
    /// `[batch, len]` (true = padding). Lets other modules (the graph fusion) change the input.
    pub fn encode_embedded(
        &self,
        embedded: Tensor<3>,
        padding: Tensor<2, Bool>,
        keep_attention: bool,
    ) -> EncoderOutput {
        let masks = Masks::new(&padding);
        let inside = self.inside(&masks.keep);
        let mut x = dropout(&self.dropout, embedded) * inside.clone();
        let mut attention = Vec::new();
        for block in &self.blocks {
            let (next, weights) = block.forward(x, inside.clone(), masks.blocked.clone());
            x = next;
            if keep_attention {
                attention.push(weights);
            }
        }
        EncoderOutput {
            hidden: self.final_norm.forward(x) * masks.keep,
            attention,
        }
    }

    /// The state after the last position of left-padded `tokens` `[batch, len]`: `[batch, dim]`.
    /// Equal to the last column of [`SasRec::encode`] but cheaper: the final block only
    /// computes the last position.
    pub fn encode_last(&self, tokens: Tensor<2, Int>) -> Tensor<2> {
        let padding = tokens.clone().equal_elem(PADDING_TOKEN);
        self.encode_last_embedded(self.embed(tokens), padding)
    }

    /// [`SasRec::encode_last`] from precomputed input embeddings `[batch, len, dim]` and the
    /// padding mask `[batch, len]`.
    pub fn encode_last_embedded(&self, embedded: Tensor<3>, padding: Tensor<2, Bool>) -> Tensor<2> {
        let [batch, len, dim] = embedded.dims();
        let masks = Masks::new(&padding);
        let inside = self.inside(&masks.keep);
        let mut x = dropout(&self.dropout, embedded) * inside.clone();
        let keep_last = masks.keep.clone().slice([0..batch, len - 1..len, 0..1]);
        let last = match self.blocks.split_last() {
            Some((last_block, earlier)) => {
                for block in earlier {
                    x = block.forward(x, inside.clone(), masks.blocked.clone()).0;
                }
                last_block.forward_last(x, padding)
            }
            None => x.slice([0..batch, len - 1..len, 0..dim]),
        };
        (self.final_norm.forward(last) * keep_last).reshape([batch, dim])
    }

    /// The mask applied inside the blocks, `[batch, len, 1]`: `keep`, or all ones where
    /// padded positions keep their embeddings (`positional_padding`).
    fn inside(&self, keep: &Tensor<3>) -> Tensor<3> {
        if self.positional_padding {
            keep.ones_like()
        } else {
            keep.clone()
        }
    }

    /// The item table without the padding row: `[n_items, dim]`, row i = item i.
    pub fn item_table(&self) -> Tensor<2> {
        self.item_embedding
            .weight
            .val()
            .slice([1..self.n_items + 1, 0..self.dim])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tokens::TokenMatrix;

    #[test]
    fn sinusoids_follow_the_transformer_formula() {
        let device = Device::flex();
        let positions = Tensor::<1, Int>::arange(0..3, &device);
        let table = sinusoid(positions, 4)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        // Column pairs (sin, cos) at frequencies 1 and 10000^(-2/4) = 0.01.
        let expected = |p: f32| [p.sin(), p.cos(), (0.01 * p).sin(), (0.01 * p).cos()];
        for p in 0..3 {
            for (j, want) in expected(p as f32).into_iter().enumerate() {
                let got = table[p * 4 + j];
                assert!(
                    (got - want).abs() < 1e-6,
                    "PE[{p}, {j}] = {got}, want {want}"
                );
            }
        }
    }

    #[test]
    fn sinusoidal_positions_replace_the_learned_table() {
        let device = Device::flex();
        let config = |positional| EncoderConfig {
            max_len: 6,
            dim: 8,
            positional,
            ..EncoderConfig::default()
        };
        let learned = SasRec::new(&config(Positional::Learned), 20, &device);
        let sinusoidal = SasRec::new(&config(Positional::Sinusoidal), 20, &device);
        assert_eq!(learned.num_params() - sinusoidal.num_params(), 6 * 8);
        // The same item at two positions gets two different inputs.
        let tokens = TokenMatrix::left_padded(&[&[3, 3]], 6).to_tensor(&device);
        let embedded = sinusoidal.embed(tokens);
        assert_eq!(embedded.dims(), [1, 2, 8]);
        let at = |t: usize| embedded.clone().slice([0..1, t..t + 1, 0..8]);
        let gap = (at(0) - at(1)).abs().sum().into_scalar::<f32>();
        assert!(gap > 0.1, "the two positions differ by {gap}");
    }

    #[test]
    fn attention_never_looks_ahead_or_at_padding() {
        let device = Device::flex();
        let config = EncoderConfig {
            max_len: 5,
            dim: 8,
            blocks: 1,
            heads: 1,
            dropout: 0.0,
            ..EncoderConfig::default()
        };
        let model = SasRec::new(&config, 10, &device);
        let short: &[u32] = &[1, 2, 3];
        let tokens = TokenMatrix::left_padded(&[short, &[4, 5, 6, 7, 8]], 5).to_tensor(&device);
        let weights = model.encode(tokens, true).attention[0]
            .clone()
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        // row 0 (left-padded by 2): query t may see keys 2..=t only.
        for t in 2..5 {
            for k in 0..5 {
                let w = weights[t * 5 + k];
                if k < 2 || k > t {
                    assert!(w < 1e-6, "query {t} key {k}: {w}");
                }
            }
        }
    }
}
