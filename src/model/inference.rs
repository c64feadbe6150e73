//! A trained model in inference mode, whichever variant it is: what evaluation, the CLI and
//! the window query.

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::sasrec::{EncoderOutput, PADDING_TOKEN, SasRec};
use super::sequda::SeqUdaRec;
use super::target_attention::TargetScores;
use super::tokens::TokenMatrix;
use crate::kernels::spmm::SparseMatrix;

/// SeqUDA-Rec with its graph-dependent tables computed once.
#[derive(Debug, Clone)]
pub struct SeqUdaSnapshot {
    /// The model (inference mode).
    pub model: SeqUdaRec,
    /// `[n_items + 1, dim]` encoder input table (graph-fused when there is a graph).
    pub input_table: Tensor<2>,
    /// `[n_items, dim]` table the user states score against.
    pub output_table: Tensor<2>,
    /// `[n_users + n_items, dim]` graph embeddings `Z̄` over the full training graph.
    pub graph: Option<Tensor<2>>,
    /// Target attention re-ranks this many top candidates (0 = off).
    pub rerank_top: usize,
}

impl SeqUdaSnapshot {
    /// Computes the graph tables of `model` (already in inference mode) over the full
    /// training graph `adjacency`.
    pub fn new(model: SeqUdaRec, adjacency: Option<&SparseMatrix>, rerank_top: usize) -> Self {
        let graph = adjacency.and_then(|a| model.graph_embeddings(a));
        let input_table = model.input_table(graph.as_ref().zip(adjacency));
        let output_table = model.output_table(&input_table);
        Self {
            model,
            input_table,
            output_table,
            graph,
            rerank_top,
        }
    }

    /// Propagates the model over another graph `adjacency` (same users and items) and
    /// recomputes the tables that depend on it; a model without the graph is unchanged.
    pub fn regraph(&mut self, adjacency: &SparseMatrix) {
        if self.graph.is_none() {
            return;
        }
        self.graph = self.model.graph_embeddings(adjacency);
        self.input_table = self
            .model
            .input_table(self.graph.as_ref().map(|z| (z, adjacency)));
        self.output_table = self.model.output_table(&self.input_table);
    }
}

/// Any trained recommender that scores with a sequence encoder.
#[derive(Debug, Clone)]
pub enum InferenceModel {
    /// SASRec-CE.
    SasRec(Box<SasRec>),
    /// SeqUDA-Rec or one of its ablations.
    SeqUda(Box<SeqUdaSnapshot>),
}

impl InferenceModel {
    /// The Transformer encoder (item table, attention).
    pub fn encoder(&self) -> &SasRec {
        match self {
            Self::SasRec(model) => model,
            Self::SeqUda(snapshot) => &snapshot.model.encoder,
        }
    }

    /// Items in the catalogue.
    pub fn n_items(&self) -> usize {
        self.encoder().n_items()
    }

    /// The device the weights are on.
    pub fn device(&self) -> Device {
        self.encoder().item_embedding.weight.val().device()
    }

    /// `[n_items, dim]` output item table: scores are `h_u · Eᵀ` (for SeqUDA-Rec with
    /// `graph_in_output`, `E` plus each item's graph term).
    pub fn item_table(&self) -> Tensor<2> {
        match self {
            Self::SasRec(model) => model.item_table(),
            Self::SeqUda(snapshot) => snapshot.output_table.clone(),
        }
    }

    /// Left-padded token matrix of the last `max_len` items of each sequence.
    pub fn tokens(&self, sequences: &[&[u32]]) -> Tensor<2, Int> {
        TokenMatrix::left_padded(sequences, self.encoder().max_len()).to_tensor(&self.device())
    }

    /// Every position's state and (when asked) every block's attention weights
    /// `[batch, heads, len, len]` for left-padded `tokens` `[batch, len]`.
    pub fn encode(&self, tokens: Tensor<2, Int>, keep_attention: bool) -> EncoderOutput {
        match self {
            Self::SasRec(model) => model.encode(tokens, keep_attention),
            Self::SeqUda(snapshot) => {
                snapshot
                    .model
                    .encode(tokens, snapshot.input_table.clone(), keep_attention)
            }
        }
    }

    /// The user states `[batch, dim]` after each user's sequence (`users` are the dense user
    /// indices, used by the optional user-graph fusion).
    pub fn user_states(&self, users: &[u32], sequences: &[&[u32]]) -> Tensor<2> {
        let tokens = self.tokens(sequences);
        match self {
            Self::SasRec(model) => model.encode_last(tokens),
            Self::SeqUda(snapshot) => {
                let users = user_tensor(users, &self.device());
                snapshot.model.user_states(
                    tokens,
                    snapshot.input_table.clone(),
                    snapshot.graph.as_ref(),
                    users,
                )
            }
        }
    }

    /// Target-attention scores of each user's own candidates (`candidates[u]`, equally many per
    /// user), with the attention of each candidate over the user's positions; `None` for
    /// models without the head.
    pub fn target_scores(
        &self,
        users: &[u32],
        sequences: &[&[u32]],
        candidates: &[Vec<u32>],
    ) -> Option<TargetScores> {
        let Self::SeqUda(snapshot) = self else {
            return None;
        };
        let head = snapshot.model.target_attention.as_ref()?;
        let count = candidates.first().map_or(0, Vec::len);
        if count == 0 || candidates.iter().any(|c| c.len() != count) {
            return None;
        }
        let device = self.device();
        let tokens = self.tokens(sequences);
        let padding = tokens.clone().equal_elem(PADDING_TOKEN);
        let hidden = self.encode(tokens, false).hidden;
        let [rows, len, dim] = hidden.dims();
        let last = hidden
            .clone()
            .slice([0..rows, len - 1..len, 0..dim])
            .reshape([rows, dim]);
        let states =
            snapshot
                .model
                .fuse_users(last, snapshot.graph.as_ref(), user_tensor(users, &device));
        let flat: Vec<i64> = candidates.iter().flatten().map(|&i| i64::from(i)).collect();
        let indices = Tensor::<1, Int>::from_data(TensorData::new(flat, [rows * count]), &device);
        let embedded = self
            .item_table()
            .select(0, indices)
            .reshape([rows, count, dim]);
        Some(head.score(hidden, padding, states, embedded))
    }

    /// Whether the model has the target-attention head.
    pub fn has_target_attention(&self) -> bool {
        matches!(self, Self::SeqUda(snapshot) if snapshot.model.target_attention.is_some())
    }

    /// How many top candidates target attention re-ranks (0 when there is no head).
    pub fn rerank_top(&self) -> usize {
        match self {
            Self::SeqUda(snapshot) if snapshot.model.target_attention.is_some() => {
                snapshot.rerank_top
            }
            _ => 0,
        }
    }

    /// Re-ranks the top `top` candidates by target attention from now on (0 = off). Fails,
    /// leaving the model as it was, when `top > 0` and the model has no target-attention head;
    /// turning re-ranking off always succeeds.
    pub fn set_rerank_top(&mut self, top: usize) -> Result<(), NoTargetAttention> {
        match self {
            Self::SeqUda(snapshot) if snapshot.model.target_attention.is_some() => {
                snapshot.rerank_top = top;
                Ok(())
            }
            _ if top == 0 => Ok(()),
            _ => Err(NoTargetAttention),
        }
    }

    /// `Z̄`, when the model has a graph.
    pub fn graph_embeddings(&self) -> Option<&Tensor<2>> {
        match self {
            Self::SeqUda(snapshot) => snapshot.graph.as_ref(),
            Self::SasRec(_) => None,
        }
    }
}

fn user_tensor(users: &[u32], device: &Device) -> Tensor<1, Int> {
    let values: Vec<i64> = users.iter().map(|&u| i64::from(u)).collect();
    let len = values.len();
    Tensor::from_data(TensorData::new(values, [len]), device)
}

/// The model has no target-attention head (SASRec-CE, or a SeqUDA-Rec run trained without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this model has no target-attention head, so it cannot re-rank")]
pub struct NoTargetAttention;
