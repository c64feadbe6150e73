//! Fused "linear + softmax cross-entropy" as one differentiable operation.
//!
//! `loss_i = logsumexp_j(s_i · e_j) − s_i · e_{target_i}` for states `s` `[n, d]` and an item
//! table `e` `[v, d]`. Built from burn's op-by-op autodiff, the same loss records about a dozen
//! `[n, v]` intermediate tensors and walks each of them again backwards; here the default forward
//! pass keeps only the softmax `[n, v]` and the backward pass is `(p − onehot) · g` followed by
//! two matrix products. The default body is written with backend operations (the CPU overrides
//! its row pass); the Cube backend instead works through item chunks (`chunked`) and keeps only
//! the per-row log-sum-exp `[n]` for its backward pass. `tests` (and `tests/kernel_cross_entropy.rs`
//! on wgpu) compare them with burn's own `log_softmax` + `gather`, values and gradients.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::backend::{Autodiff, Backend, Cube, Dispatch, Flex, TensorMetadata, backend_extension};
use burn::tensor::{IndexingUpdateOp, Int, Shape, Tensor};

use super::chunked;
use super::rows::{LinearCrossEntropyGrads, RowsCrossEntropy, SavedCrossEntropy};

/// Backends that can compute the fused loss.
///
/// `chunk_items` is how many items (rows of `table`) a backend that works in chunks takes at a
/// time, 0 for its own choice; the others ignore it.
#[backend_extension(Flex, Cube, Autodiff)]
pub trait LinearCrossEntropyBackend: Backend {
    /// Per-row loss `[n]` for `states` `[n, d]`, `table` `[v, d]` and `targets` `[n]`.
    fn linear_cross_entropy(
        states: FloatTensor<Self>,
        table: FloatTensor<Self>,
        targets: IntTensor<Self>,
        chunk_items: usize,
    ) -> FloatTensor<Self> {
        Self::linear_cross_entropy_forward(states, table, targets, chunk_items).loss
    }

    /// The loss `[n]` and what [`Self::linear_cross_entropy_backward`] reads. The default
    /// keeps `softmax − onehot` `[n, v]`.
    fn linear_cross_entropy_forward(
        states: FloatTensor<Self>,
        table: FloatTensor<Self>,
        targets: IntTensor<Self>,
        _chunk_items: usize,
    ) -> SavedCrossEntropy<Self> {
        let logits = Self::float_matmul(states, Self::float_transpose(table));
        let rows = Self::softmax_cross_entropy_rows(logits, targets);
        SavedCrossEntropy {
            loss: rows.loss,
            saved: rows.logit_grads,
        }
    }

    /// Gradients of `Σ_i upstream_i · loss_i` (`upstream` `[n]`) with respect to `states` and
    /// `table`, from what [`Self::linear_cross_entropy_forward`] saved.
    fn linear_cross_entropy_backward(
        states: FloatTensor<Self>,
        table: FloatTensor<Self>,
        _targets: IntTensor<Self>,
        saved: FloatTensor<Self>,
        upstream: FloatTensor<Self>,
        _chunk_items: usize,
    ) -> LinearCrossEntropyGrads<Self> {
        let n = states.shape()[0];
        // [n, 1]. It scales rows of the [n, d] products instead of the [n, v] logit
        // gradients G: g ⊙ (G · E) and Gᵀ · (g ⊙ S).
        let upstream = Self::float_reshape(upstream, Shape::new([n, 1]));
        let scaled_states = Self::float_mul(states, upstream.clone());
        let table_grads = Self::float_matmul(Self::float_transpose(saved.clone()), scaled_states);
        let state_grads = Self::float_mul(Self::float_matmul(saved, table), upstream);
        LinearCrossEntropyGrads {
            states: state_grads,
            table: table_grads,
        }
    }

    /// For logits `[n, v]` and targets `[n]`: the per-row loss `[n]` and its gradient with
    /// respect to the logits, `softmax − onehot` `[n, v]`. The default body is built from
    /// backend operations; the CPU backend overrides it with one in-place pass per row.
    fn softmax_cross_entropy_rows(
        logits: FloatTensor<Self>,
        targets: IntTensor<Self>,
    ) -> RowsCrossEntropy<Self> {
        rows_from_operations::<Self>(logits, targets)
    }
}

impl LinearCrossEntropyBackend for Flex {
    fn softmax_cross_entropy_rows(
        logits: FloatTensor<Self>,
        targets: IntTensor<Self>,
    ) -> RowsCrossEntropy<Self> {
        super::cpu::rows(logits, targets)
    }
}

/// The GPU body: item chunks with an online log-sum-exp (`chunked`), never `[n, v]`.
impl LinearCrossEntropyBackend for Cube {
    fn linear_cross_entropy_forward(
        states: FloatTensor<Self>,
        table: FloatTensor<Self>,
        targets: IntTensor<Self>,
        chunk_items: usize,
    ) -> SavedCrossEntropy<Self> {
        let (loss, lse) = chunked::forward(states, table, targets, chunk_items);
        SavedCrossEntropy { loss, saved: lse }
    }

    fn linear_cross_entropy_backward(
        states: FloatTensor<Self>,
        table: FloatTensor<Self>,
        targets: IntTensor<Self>,
        saved: FloatTensor<Self>,
        upstream: FloatTensor<Self>,
        chunk_items: usize,
    ) -> LinearCrossEntropyGrads<Self> {
        let (states, table) =
            chunked::backward(states, table, targets, saved, upstream, chunk_items);
        LinearCrossEntropyGrads { states, table }
    }
}

/// The default row-wise softmax cross-entropy, from backend operations.
fn rows_from_operations<B: Backend>(
    logits: FloatTensor<B>,
    targets: IntTensor<B>,
) -> RowsCrossEntropy<B> {
    let n = logits.shape()[0];
    // [n, 1]
    let max = B::float_max_dim(logits.clone(), 1);
    let shifted = B::float_sub(logits, max);
    let exponentials = B::float_exp(shifted.clone());
    let sums = B::float_sum_dim(exponentials.clone(), 1);
    let log_sums = B::float_log(sums.clone());
    let rows = B::int_reshape(targets, Shape::new([n, 1]));
    let target_logits = B::float_gather(1, shifted, rows.clone());
    let loss = B::float_reshape(B::float_sub(log_sums, target_logits), Shape::new([n]));
    let probabilities = B::float_div(exponentials, sums);
    let device = probabilities.device();
    let minus_one = B::float_mul_scalar(
        B::float_ones(Shape::new([n, 1]), &device, probabilities.dtype().into()),
        (-1.0_f32).into(),
    );
    let logit_grads = B::float_scatter(1, probabilities, rows, minus_one, IndexingUpdateOp::Add);
    RowsCrossEntropy { loss, logit_grads }
}

#[derive(Debug)]
struct LinearCrossEntropyBackward {
    /// Items per chunk (0: the backend's choice).
    chunk_items: usize,
}

impl<B: Backend + LinearCrossEntropyBackend> Backward<B, 2> for LinearCrossEntropyBackward {
    /// states `[n, d]`, table `[v, d]`, targets `[n]` and what the backend's forward pass
    /// saved (`[n, v]` or `[n]`, see [`SavedCrossEntropy`]).
    type State = (FloatTensor<B>, FloatTensor<B>, IntTensor<B>, FloatTensor<B>);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [states_node, table_node] = ops.parents;
        let (states, table, targets, saved) = ops.state;
        // [n] upstream gradient of each row's loss.
        let upstream = grads.consume::<B>(&ops.node);
        let computed = B::linear_cross_entropy_backward(
            states,
            table,
            targets,
            saved,
            upstream,
            self.chunk_items,
        );
        if let Some(node) = table_node {
            grads.register::<B>(node.id, computed.table);
        }
        if let Some(node) = states_node {
            grads.register::<B>(node.id, computed.states);
        }
    }
}

impl<B: Backend + LinearCrossEntropyBackend, C: CheckpointStrategy> LinearCrossEntropyBackend
    for Autodiff<B, C>
{
    fn linear_cross_entropy(
        states: FloatTensor<Self>,
        table: FloatTensor<Self>,
        targets: IntTensor<Self>,
        chunk_items: usize,
    ) -> FloatTensor<Self> {
        match (LinearCrossEntropyBackward { chunk_items })
            .prepare::<C>([states.node(), table.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let states = states.into_primitive();
                let table = table.into_primitive();
                let forward = B::linear_cross_entropy_forward(
                    states.clone(),
                    table.clone(),
                    targets.clone(),
                    chunk_items,
                );
                prep.finish((states, table, targets, forward.saved), forward.loss)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::linear_cross_entropy(
                states.into_primitive(),
                table.into_primitive(),
                targets,
                chunk_items,
            )),
        }
    }
}

/// Per-row loss `[n]` of states `[n, d]` against `table` `[v, d]` with `targets` `[n]`
/// (0-based rows of `table`), differentiable in `states` and `table`.
pub fn linear_cross_entropy(
    states: Tensor<2>,
    table: Tensor<2>,
    targets: Tensor<1, Int>,
) -> Tensor<1> {
    linear_cross_entropy_in_chunks(states, table, targets, 0)
}

/// [`linear_cross_entropy`] with `chunk_items` items (rows of `table`) per chunk on backends
/// that work in chunks (the Cube backend), 0 for their own choice; the others ignore it.
pub fn linear_cross_entropy_in_chunks(
    states: Tensor<2>,
    table: Tensor<2>,
    targets: Tensor<1, Int>,
    chunk_items: usize,
) -> Tensor<1> {
    Tensor::from_dispatch(
        <Dispatch as LinearCrossEntropyBackend>::linear_cross_entropy(
            states.into_dispatch(),
            table.into_dispatch(),
            targets.into_dispatch(),
            chunk_items,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::activation::log_softmax;
    use burn::tensor::{Device, Distribution, TensorData};

    fn reference(states: Tensor<2>, table: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
        let [n] = targets.dims();
        let log_probs = log_softmax(states.matmul(table.transpose()), 1);
        log_probs
            .gather(1, targets.reshape([n, 1]))
            .reshape([n])
            .neg()
    }

    fn values(tensor: Tensor<1>) -> Vec<f32> {
        tensor.into_data().try_into_vec::<f32>().expect("f32")
    }

    fn values2(tensor: Tensor<2>) -> Vec<f32> {
        tensor.into_data().try_into_vec::<f32>().expect("f32")
    }

    fn assert_close(a: &[f32], b: &[f32], what: &str) {
        assert_eq!(a.len(), b.len());
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                (x - y).abs() <= 1e-4 * x.abs().max(1.0),
                "{what}[{i}]: {x} vs {y}"
            );
        }
    }

    #[test]
    fn matches_log_softmax_values_and_gradients() {
        let device = Device::flex().autodiff();
        device.seed(5);
        let states = Tensor::<2>::random([7, 4], Distribution::Normal(0.0, 1.0), &device);
        let table = Tensor::<2>::random([11, 4], Distribution::Normal(0.0, 1.0), &device);
        let targets = Tensor::<1, Int>::from_data(
            TensorData::new(vec![0_i64, 3, 10, 5, 5, 1, 9], [7]),
            &device,
        );
        // Weighted sum so every row gets a different upstream gradient.
        let weights = Tensor::<1>::from_data(
            TensorData::new(vec![1.0_f32, 0.5, 2.0, -1.0, 0.1, 3.0, 0.7], [7]),
            &device,
        );

        let (s1, t1) = (states.clone().require_grad(), table.clone().require_grad());
        let fused = linear_cross_entropy(s1.clone(), t1.clone(), targets.clone());
        let fused_values = values(fused.clone());
        let grads = (fused * weights.clone()).sum().backward();
        let (gs1, gt1) = (
            s1.grad(&grads).expect("states grad"),
            t1.grad(&grads).expect("table grad"),
        );

        let (s2, t2) = (states.require_grad(), table.require_grad());
        let plain = reference(s2.clone(), t2.clone(), targets);
        let plain_values = values(plain.clone());
        let grads = (plain * weights).sum().backward();
        let (gs2, gt2) = (
            s2.grad(&grads).expect("states grad"),
            t2.grad(&grads).expect("table grad"),
        );

        assert_close(&fused_values, &plain_values, "loss");
        assert_close(&values2(gs1), &values2(gs2), "states gradient");
        assert_close(&values2(gt1), &values2(gt2), "table gradient");
    }

    #[test]
    fn works_without_autodiff() {
        let device = Device::flex();
        let states = Tensor::<2>::from_data(TensorData::new(vec![1.0_f32, 0.0], [1, 2]), &device);
        let table = Tensor::<2>::from_data(
            TensorData::new(vec![1.0_f32, 0.0, 0.0, 1.0], [2, 2]),
            &device,
        );
        let targets = Tensor::<1, Int>::from_data(TensorData::new(vec![0_i64], [1]), &device);
        let loss = values(linear_cross_entropy(states, table, targets));
        // logsumexp(1, 0) − 1 = ln(1 + e⁻¹)
        let expected = (1.0_f32 + (-1.0_f32).exp()).ln();
        assert!((loss[0] - expected).abs() < 1e-6, "{loss:?}");
    }
}
