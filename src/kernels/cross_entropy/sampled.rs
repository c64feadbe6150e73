//! Fused sampled softmax cross-entropy as one differentiable operation.
//!
//! Row `i` has a state `s_i` `[d]`, its target's embedding `p_i` `[d]`, and the step's shared
//! negatives `e_k` `[N, d]` with their corrections `c_k = log(N q_k)`. Its logits are the
//! target's `s_i · p_i` and each negative's `s_i · e_k − c_k`, except a negative that is the
//! row's own target, which is left out; the loss is `logsumexp(logits) − s_i · p_i`.
//!
//! Built from burn's operations (`train::epochs::sampled_cross_entropy` before this op), the loss
//! records a dozen `[n, N]` tensors (the corrected scores, the target mask, their concatenation
//! with the target's column, the log-softmax's steps) and walks each again backwards. Here the
//! forward pass keeps only the logits' gradient `[n, N]` and the target column's `[n]`; the
//! backward pass is three matrix products. The default body is written with backend operations;
//! the CPU (flex) replaces its row pass by one in-place pass per row (`sampled_cpu`). The tests
//! compare it with the composed reference, values and the three gradients.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::backend::{
    Autodiff, Backend, Cube, Dispatch, Flex, TensorMetadata, backend_extension,
    get_or_init_device_settings,
};
use burn::tensor::{Int, Shape, Slice, Tensor};

use super::rows::{SampledGrads, SampledRows};

/// The logit a left-out negative gets in the default body: `exp` of it is exactly 0 in `f32`.
const LEFT_OUT: f32 = -1.0e9;

/// Backends that can compute the fused sampled loss.
#[backend_extension(Flex, Cube, Autodiff)]
pub trait SampledCrossEntropyBackend: Backend {
    /// Per-row loss `[n]` of `states` `[n, d]` with their targets' embeddings `target_rows`
    /// `[n, d]`, the negatives' embeddings `negative_rows` `[N, d]`, their corrections
    /// `log_counts` `[1, N]`, and `targets` `[n]` and `negative_items` `[N]` (which negatives
    /// each row leaves out).
    fn sampled_cross_entropy(
        states: FloatTensor<Self>,
        target_rows: FloatTensor<Self>,
        negative_rows: FloatTensor<Self>,
        log_counts: FloatTensor<Self>,
        targets: IntTensor<Self>,
        negative_items: IntTensor<Self>,
    ) -> FloatTensor<Self> {
        Self::sampled_cross_entropy_forward(
            states,
            target_rows,
            negative_rows,
            log_counts,
            targets,
            negative_items,
        )
        .loss
    }

    /// The loss and the logits' gradients, which the backward pass reads.
    fn sampled_cross_entropy_forward(
        states: FloatTensor<Self>,
        target_rows: FloatTensor<Self>,
        negative_rows: FloatTensor<Self>,
        log_counts: FloatTensor<Self>,
        targets: IntTensor<Self>,
        negative_items: IntTensor<Self>,
    ) -> SampledRows<Self> {
        let n = states.shape()[0];
        // [n, 1]
        let target_logits = Self::float_sum_dim(Self::float_mul(states.clone(), target_rows), 1);
        // [n, N]
        let scores = Self::float_matmul(states, Self::float_transpose(negative_rows));
        Self::sampled_softmax_rows(target_logits, scores, log_counts, targets, negative_items)
            .with_rows(n)
    }

    /// For the target logits `[n, 1]` and the negatives' raw scores `[n, N]`: subtract
    /// `log_counts` `[1, N]`, leave out each row's own target (`targets` `[n]` against
    /// `negative_items` `[N]`), and return the loss and the logits' gradients. The default
    /// body is built from backend operations; the CPU overrides it with one pass per row.
    fn sampled_softmax_rows(
        target_logits: FloatTensor<Self>,
        scores: FloatTensor<Self>,
        log_counts: FloatTensor<Self>,
        targets: IntTensor<Self>,
        negative_items: IntTensor<Self>,
    ) -> SampledRows<Self> {
        rows_from_operations::<Self>(target_logits, scores, log_counts, targets, negative_items)
    }
}

impl SampledCrossEntropyBackend for Flex {
    fn sampled_softmax_rows(
        target_logits: FloatTensor<Self>,
        scores: FloatTensor<Self>,
        log_counts: FloatTensor<Self>,
        targets: IntTensor<Self>,
        negative_items: IntTensor<Self>,
    ) -> SampledRows<Self> {
        super::sampled_cpu::rows(target_logits, scores, log_counts, targets, negative_items)
    }
}

impl SampledCrossEntropyBackend for Cube {}

impl<B: Backend> SampledRows<B> {
    /// Itself, with the loss shaped `[n]`.
    fn with_rows(self, n: usize) -> Self {
        Self {
            loss: B::float_reshape(self.loss, Shape::new([n])),
            ..self
        }
    }
}

/// The logits' gradients the forward pass leaves for the backward pass.
struct SavedLogitGrads<B: Backend> {
    /// `[n, N]` the negatives'.
    negatives: FloatTensor<B>,
    /// `[n, 1]` the target column's.
    targets: FloatTensor<B>,
}

/// Gradients of `Σ_i upstream_i · loss_i` (`upstream` `[n]`) from the saved logit gradients:
/// `G` `[n, N]` and `g` `[n, 1]` scaled by the upstream, then
/// `∂s = G · E + g ⊙ P`, `∂P = g ⊙ S`, `∂E = Gᵀ · S`.
fn backward<B: Backend>(
    states: FloatTensor<B>,
    target_rows: FloatTensor<B>,
    negative_rows: FloatTensor<B>,
    saved: SavedLogitGrads<B>,
    upstream: FloatTensor<B>,
) -> SampledGrads<B> {
    let n = states.shape()[0];
    // [n, 1]
    let upstream = B::float_reshape(upstream, Shape::new([n, 1]));
    let target_grads = B::float_mul(saved.targets, upstream.clone());
    // [n, d]: scaling the rows of S instead of the [n, N] gradients.
    let scaled_states = B::float_mul(states.clone(), upstream.clone());
    let negatives = B::float_matmul(B::float_transpose(saved.negatives.clone()), scaled_states);
    let states_grads = B::float_add(
        B::float_mul(B::float_matmul(saved.negatives, negative_rows), upstream),
        B::float_mul(target_rows, target_grads.clone()),
    );
    SampledGrads {
        states: states_grads,
        targets: B::float_mul(states, target_grads),
        negatives,
    }
}

/// The default row pass, from backend operations (see
/// [`SampledCrossEntropyBackend::sampled_softmax_rows`]).
fn rows_from_operations<B: Backend>(
    target_logits: FloatTensor<B>,
    scores: FloatTensor<B>,
    log_counts: FloatTensor<B>,
    targets: IntTensor<B>,
    negative_items: IntTensor<B>,
) -> SampledRows<B> {
    let shape = scores.shape();
    let (n, count) = (shape[0], shape[1]);
    let wide = Shape::new([n, count]);
    let bool_dtype = get_or_init_device_settings::<B>(&scores.device()).bool_dtype;
    let own_target = B::int_equal(
        B::int_expand(B::int_reshape(targets, Shape::new([n, 1])), wide.clone()),
        B::int_expand(
            B::int_reshape(negative_items, Shape::new([1, count])),
            wide.clone(),
        ),
        bool_dtype,
    );
    let corrected = B::float_sub(scores, B::float_expand(log_counts, wide));
    let corrected = B::float_mask_fill(corrected, own_target, LEFT_OUT.into());
    // [n, 1 + N], the target first.
    let logits = B::float_cat(vec![target_logits, corrected], 1);
    let max = B::float_max_dim(logits.clone(), 1);
    let shifted = B::float_sub(logits, max);
    let exponentials = B::float_exp(shifted.clone());
    let sums = B::float_sum_dim(exponentials.clone(), 1);
    let first = [Slice::from(0..n), Slice::from(0..1)];
    let loss = B::float_sub(B::float_log(sums.clone()), B::float_slice(shifted, &first));
    let probabilities = B::float_div(exponentials, sums);
    let rest = [Slice::from(0..n), Slice::from(1..count + 1)];
    let target_grads = B::float_add_scalar(
        B::float_slice(probabilities.clone(), &first),
        (-1.0_f32).into(),
    );
    SampledRows {
        loss,
        negative_grads: B::float_slice(probabilities, &rest),
        target_grads,
    }
}

#[derive(Debug)]
struct SampledCrossEntropyBackward;

impl<B: Backend + SampledCrossEntropyBackend> Backward<B, 3> for SampledCrossEntropyBackward {
    /// states `[n, d]`, target rows `[n, d]`, negative rows `[N, d]`, and the forward pass's
    /// logit gradients, the negatives' `[n, N]` and the target column's `[n, 1]`.
    type State = (
        FloatTensor<B>,
        FloatTensor<B>,
        FloatTensor<B>,
        FloatTensor<B>,
        FloatTensor<B>,
    );

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [states_node, targets_node, negatives_node] = ops.parents;
        let (states, target_rows, negative_rows, negative_grads, target_grads) = ops.state;
        let saved = SavedLogitGrads {
            negatives: negative_grads,
            targets: target_grads,
        };
        // [n] upstream gradient of each row's loss.
        let upstream = grads.consume::<B>(&ops.node);
        let computed = backward::<B>(states, target_rows, negative_rows, saved, upstream);
        if let Some(node) = negatives_node {
            grads.register::<B>(node.id, computed.negatives);
        }
        if let Some(node) = targets_node {
            grads.register::<B>(node.id, computed.targets);
        }
        if let Some(node) = states_node {
            grads.register::<B>(node.id, computed.states);
        }
    }
}

impl<B: Backend + SampledCrossEntropyBackend, C: CheckpointStrategy> SampledCrossEntropyBackend
    for Autodiff<B, C>
{
    fn sampled_cross_entropy(
        states: FloatTensor<Self>,
        target_rows: FloatTensor<Self>,
        negative_rows: FloatTensor<Self>,
        log_counts: FloatTensor<Self>,
        targets: IntTensor<Self>,
        negative_items: IntTensor<Self>,
    ) -> FloatTensor<Self> {
        let log_counts = log_counts.into_primitive();
        match SampledCrossEntropyBackward
            .prepare::<C>([states.node(), target_rows.node(), negative_rows.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let states = states.into_primitive();
                let target_rows = target_rows.into_primitive();
                let negative_rows = negative_rows.into_primitive();
                let forward = B::sampled_cross_entropy_forward(
                    states.clone(),
                    target_rows.clone(),
                    negative_rows.clone(),
                    log_counts,
                    targets,
                    negative_items,
                );
                let state = (
                    states,
                    target_rows,
                    negative_rows,
                    forward.negative_grads,
                    forward.target_grads,
                );
                prep.finish(state, forward.loss)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::sampled_cross_entropy(
                states.into_primitive(),
                target_rows.into_primitive(),
                negative_rows.into_primitive(),
                log_counts,
                targets,
                negative_items,
            )),
        }
    }
}

/// Per-row sampled loss `[n]` (see the module doc) of `states` `[n, d]`, their targets'
/// embeddings `target_rows` `[n, d]` and items `targets` `[n]`, and the negatives' embeddings
/// `negative_rows` `[N, d]`, items `negative_items` `[N]` and corrections `log_counts` `[1, N]`;
/// differentiable in the three embeddings.
pub fn sampled_linear_cross_entropy(
    states: Tensor<2>,
    target_rows: Tensor<2>,
    negative_rows: Tensor<2>,
    log_counts: Tensor<2>,
    targets: Tensor<1, Int>,
    negative_items: Tensor<1, Int>,
) -> Tensor<1> {
    Tensor::from_dispatch(
        <Dispatch as SampledCrossEntropyBackend>::sampled_cross_entropy(
            states.into_dispatch(),
            target_rows.into_dispatch(),
            negative_rows.into_dispatch(),
            log_counts.detach().into_dispatch(),
            targets.into_dispatch(),
            negative_items.into_dispatch(),
        ),
    )
}

#[cfg(test)]
#[path = "sampled_tests.rs"]
mod tests;
