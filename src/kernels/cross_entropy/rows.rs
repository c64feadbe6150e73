//! What the row-wise softmax cross-entropy returns (the loss and the logits' gradient), and the
//! same for the sampled softmax cross-entropy (`sampled`).

use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, ExtensionType};

/// Loss and logit gradients of a row-wise softmax cross-entropy.
#[derive(ExtensionType)]
pub struct RowsCrossEntropy<B: Backend> {
    /// `[n]` per-row loss.
    pub loss: FloatTensor<B>,
    /// `[n, v]` `softmax − onehot`.
    pub logit_grads: FloatTensor<B>,
}

/// What the fused loss's forward pass hands its backward pass.
#[derive(ExtensionType)]
pub struct SavedCrossEntropy<B: Backend> {
    /// `[n]` per-row loss.
    pub loss: FloatTensor<B>,
    /// What the backend's backward pass reads: `softmax − onehot` `[n, v]` for the default
    /// body (and the CPU's), the per-row log-sum-exp `[n]` for the chunked Cube body, which
    /// recomputes the logits chunk by chunk instead of keeping them.
    pub saved: FloatTensor<B>,
}

/// Gradients of the fused loss with respect to its two float inputs.
#[derive(ExtensionType)]
pub struct LinearCrossEntropyGrads<B: Backend> {
    /// `[n, d]` gradient of the states.
    pub states: FloatTensor<B>,
    /// `[v, d]` gradient of the item table.
    pub table: FloatTensor<B>,
}

/// The loss and its gradients with respect to the logits.
#[derive(ExtensionType)]
pub struct SampledRows<B: Backend> {
    /// `[n]` per-row loss.
    pub loss: FloatTensor<B>,
    /// `[n, N]` the negatives' `softmax` (0 where a negative is left out).
    pub negative_grads: FloatTensor<B>,
    /// `[n, 1]` the target column's `softmax − 1`.
    pub target_grads: FloatTensor<B>,
}

/// Gradients of the sampled loss with respect to its three float inputs.
#[derive(ExtensionType)]
pub struct SampledGrads<B: Backend> {
    /// `[n, d]` gradient of the states.
    pub states: FloatTensor<B>,
    /// `[n, d]` gradient of the targets' embeddings.
    pub targets: FloatTensor<B>,
    /// `[N, d]` gradient of the negatives' embeddings.
    pub negatives: FloatTensor<B>,
}
