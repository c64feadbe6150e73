//! Next-item cross-entropy over the full catalogue (docs/MODEL.md §2).

use burn::tensor::{Int, Tensor};

use crate::kernels::cross_entropy::linear_cross_entropy;

/// Mean full-softmax cross-entropy of the selected positions.
///
/// - `hidden`: `[batch, len, dim]` encoder output.
/// - `positions`: `[n]` flat indices (`b * len + t`) of the positions that have a next item;
///   padded positions are simply not listed, so they never enter the loss.
/// - `targets`: `[n]` the next item (0-based) at each listed position.
/// - `table`: `[n_items, dim]` item embeddings (scores are `h · Eᵀ`).
///
/// Returns a one-element tensor.
pub fn next_item_cross_entropy(
    hidden: Tensor<3>,
    positions: Tensor<1, Int>,
    targets: Tensor<1, Int>,
    table: Tensor<2>,
) -> Tensor<1> {
    let [batch, len, dim] = hidden.dims();
    // [n, dim]
    let states = hidden.reshape([batch * len, dim]).select(0, positions);
    linear_cross_entropy(states, table, targets).mean()
}
