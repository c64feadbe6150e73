//! The loss terms SeqUDA-Rec's training step adds to SASRec-CE's, as plain functions of
//! tensors: the sequence-level contrast, the synthetic rows' weight, the target-attention
//! head's training scores; and the training graph's upload.

use burn::tensor::{Bool, Device, Tensor};

use crate::data::graph::InteractionGraph;
use crate::kernels::spmm::SparseMatrix;
use crate::model::contrastive::info_nce;
use crate::model::target_attention::TargetAttention;
use crate::settings::SyntheticWeighting;
use crate::train::TrainError;

/// InfoNCE between the two views' final states of the whole batch (each group's pair, in
/// the same user order; `[users, dim]` each): every user must pick their own other view among
/// the batch. `None` when the sequence contrast is off or the batch has fewer than two users.
pub(super) fn sequence_contrast(
    pairs: Vec<(Tensor<2>, Tensor<2>)>,
    temperature: f64,
) -> Option<Tensor<1>> {
    let (own, other): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
    if own.is_empty() {
        return None;
    }
    let own = Tensor::cat(own, 0);
    let other = Tensor::cat(other, 0);
    (own.dims()[0] >= 2).then(|| info_nce(own, other, temperature))
}

/// The factor on the synthetic rows' mean CE (`syn`, a mean over `synthetic_positions`) in a
/// loss whose real CE is a mean over `real_positions`.
pub(super) fn synthetic_term_weight(
    weight: f64,
    weighting: SyntheticWeighting,
    synthetic_positions: usize,
    real_positions: usize,
) -> f64 {
    match weighting {
        SyntheticWeighting::PerPosition => {
            weight * synthetic_positions as f64 / real_positions.max(1) as f64
        }
        SyntheticWeighting::BatchMean => weight,
    }
}

/// The target-attention head's scores `[users, candidates]` for its training loss
/// (`hidden` `[users, len, dim]`, `padding` `[users, len]`, `states` `[users, dim]`,
/// `embedded` `[users, candidates, dim]`); with `detached` the inputs pass no gradient back,
/// so the loss trains the head alone.
pub(super) fn head_training_scores(
    head: &TargetAttention,
    hidden: Tensor<3>,
    padding: Tensor<2, Bool>,
    states: Tensor<2>,
    embedded: Tensor<3>,
    detached: bool,
) -> Tensor<2> {
    let (hidden, states, embedded) = if detached {
        (hidden.detach(), states.detach(), embedded.detach())
    } else {
        (hidden, states, embedded)
    };
    head.score(hidden, padding, states, embedded).scores
}

/// Builds the normalised user–item graph of `sequences` (`sequences[user]` = items) and
/// uploads its adjacency.
pub fn graph_adjacency(
    sequences: &[Vec<u32>],
    n_items: usize,
    device: &Device,
) -> Result<SparseMatrix, TrainError> {
    sparse(
        &InteractionGraph::from_train(sequences, n_items).adjacency,
        device,
    )
}

/// Uploads a CSR matrix, turning a malformed one into a training error.
pub fn sparse(csr: &crate::data::graph::Csr, device: &Device) -> Result<SparseMatrix, TrainError> {
    SparseMatrix::new(csr, device).map_err(|e| TrainError::Backend(format!("graph: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::optim::GradientsParams;
    use burn::tensor::{Distribution, TensorData};

    #[test]
    fn detached_head_training_trains_the_head_alone() {
        let device = Device::flex().autodiff();
        device.seed(5);
        let head = TargetAttention::new(4, &device);
        let normal = Distribution::Normal(0.0, 1.0);
        for detached in [false, true] {
            let hidden = Tensor::<3>::random([2, 3, 4], normal, &device).require_grad();
            let states = Tensor::<2>::random([2, 4], normal, &device).require_grad();
            let embedded = Tensor::<3>::random([2, 5, 4], normal, &device).require_grad();
            let padding = Tensor::<2, Bool>::from_data(
                TensorData::new(vec![true, false, false, false, false, false], [2, 3]),
                &device,
            );
            let scores = head_training_scores(
                &head,
                hidden.clone(),
                padding,
                states.clone(),
                embedded.clone(),
                detached,
            );
            let grads = scores.sum().backward();
            let reached = [
                hidden.grad(&grads).is_some(),
                states.grad(&grads).is_some(),
                embedded.grad(&grads).is_some(),
            ];
            assert_eq!(reached, [!detached; 3], "detached = {detached}");
            let head_grads = GradientsParams::from_grads(grads, &head);
            assert!(!head_grads.is_empty(), "the head learns either way");
        }
    }

    #[test]
    fn a_single_user_batch_has_no_sequence_contrast() {
        let device = Device::flex();
        let one = || Tensor::<2>::random([1, 4], Distribution::Normal(0.0, 1.0), &device);
        assert!(sequence_contrast(vec![(one(), one())], 0.2).is_none());
        assert!(sequence_contrast(Vec::new(), 0.2).is_none());
        let two = sequence_contrast(vec![(one(), one()), (one(), one())], 0.2);
        assert!(two.is_some_and(|loss| loss.try_into_scalar::<f32>().is_ok_and(f32::is_finite)));
    }

    #[test]
    fn per_position_weighting_scales_the_synthetic_mean_by_its_share_of_positions() {
        // 30 synthetic positions beside 900 real ones: each synthetic position weighs 0.2 of
        // a real one, so the synthetic mean enters with 0.2 · 30 / 900.
        let per_position = synthetic_term_weight(0.2, SyntheticWeighting::PerPosition, 30, 900);
        assert!((per_position - 0.2 * 30.0 / 900.0).abs() < 1e-12);
        // The old weighting adds the mean with λ itself, 30× more here.
        let batch_mean = synthetic_term_weight(0.2, SyntheticWeighting::BatchMean, 30, 900);
        assert!((batch_mean - 0.2).abs() < 1e-12);
        // No real positions: no division by zero.
        assert!(synthetic_term_weight(0.2, SyntheticWeighting::PerPosition, 30, 0).is_finite());
    }
}
