//! What the row-wise softmax cross-entropy returns: the loss and the logits' gradient.

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
