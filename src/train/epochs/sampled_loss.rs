//! The sampled next-item loss (docs/MODEL.md §2, "Sampled softmax"), the step's choice
//! between it and the full softmax ([`StepLoss`]), and a run's plan for it ([`LossPlan`]).

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::batches::TrainBatch;
use super::negatives::{NegativeSampler, SharedNegatives};
use crate::kernels::cross_entropy::sampled_linear_cross_entropy;
use crate::settings::{ResolvedLoss, TrainConfig};

/// One step's negatives on the device, embedded once from the step's output table.
#[derive(Clone, Debug)]
pub struct StepNegatives {
    /// `[N]` 0-based items.
    items: Tensor<1, Int>,
    /// `[N, dim]` their rows of the output table.
    embeddings: Tensor<2>,
    /// `[1, N]` `log(N q_j)` of each draw.
    log_counts: Tensor<2>,
}

impl StepNegatives {
    /// `negatives` uploaded (one tensor of items, one of corrections) and embedded from
    /// `table` `[n_items, dim]`. None when nothing was drawn.
    pub fn new(negatives: &SharedNegatives, table: &Tensor<2>, device: &Device) -> Option<Self> {
        let n = negatives.len();
        if n == 0 {
            return None;
        }
        let items: Tensor<1, Int> =
            Tensor::from_data(TensorData::new(negatives.items.clone(), [n]), device);
        let log_counts = Tensor::from_data(
            TensorData::new(negatives.log_counts.clone(), [1, n]),
            device,
        );
        let embeddings = table.clone().select(0, items.clone());
        Some(Self {
            items,
            embeddings,
            log_counts,
        })
    }

    /// Number of negatives, `N`.
    pub fn len(&self) -> usize {
        self.items.dims()[0]
    }

    /// Whether there are none (never: [`Self::new`] refuses an empty draw).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Mean sampled cross-entropy `[1]` of `states` `[n, dim]` with next items `targets` `[n]`:
/// per row, `−s_t + log(exp(s_t) + Σ_k [n_k ≠ t] exp(s_{n_k} − log(N q_{n_k})))`, where
/// `s = state · E` scores items against `table` `[n_items, dim]` and `negatives` are the
/// step's shared draws. The target's own score is never corrected: it is always present,
/// not drawn ("Correcting the LogQ Correction", RecSys'25).
/// Computed by the fused operation ([`sampled_linear_cross_entropy`]).
pub fn sampled_cross_entropy(
    states: Tensor<2>,
    targets: Tensor<1, Int>,
    table: Tensor<2>,
    negatives: &StepNegatives,
) -> Tensor<1> {
    // [rows, dim]
    let target_rows = table.select(0, targets.clone());
    sampled_linear_cross_entropy(
        states,
        target_rows,
        negatives.embeddings.clone(),
        negatives.log_counts.clone(),
        targets,
        negatives.items.clone(),
    )
    .mean()
}

/// Mean sampled cross-entropy `[1]` of the listed positions of `hidden` `[batch, len, dim]`:
/// `positions` `[n]` flat indices (`b * len + t`) of the positions with a next item (padded
/// positions are never listed, so they never enter the loss), `targets` `[n]` their next
/// items; see [`sampled_cross_entropy`].
pub fn next_item_sampled_cross_entropy(
    hidden: Tensor<3>,
    positions: Tensor<1, Int>,
    targets: Tensor<1, Int>,
    table: Tensor<2>,
    negatives: &StepNegatives,
) -> Tensor<1> {
    let [batch, len, dim] = hidden.dims();
    let states = hidden.reshape([batch * len, dim]).select(0, positions);
    sampled_cross_entropy(states, targets, table, negatives)
}

/// The next-item loss of one step.
#[derive(Clone, Debug)]
pub enum StepLoss {
    /// Softmax over the whole catalogue.
    Full,
    /// Softmax over the target and the step's shared negatives.
    Sampled(Box<StepNegatives>),
}

/// The loss a run trains with, resolved once from its settings and catalogue: the full
/// softmax, or the sampled one with its sampler.
#[derive(Clone, Debug)]
pub enum LossPlan {
    /// Full softmax: no draws, exactly the loss runs trained with before the choice existed.
    Full,
    /// Sampled softmax.
    Sampled(NegativeSampler),
}

impl LossPlan {
    /// The plan of `config.loss` for a catalogue of `n_items` items, drawing from the run's
    /// seed (the popularity source counts items in `train`).
    pub fn new(config: &TrainConfig, train: &[Vec<u32>], n_items: usize) -> Self {
        match config.loss.resolve(n_items) {
            ResolvedLoss::Full => Self::Full,
            ResolvedLoss::Sampled => Self::Sampled(NegativeSampler::new(
                &config.sampled,
                train,
                n_items,
                config.seed,
            )),
        }
    }

    /// Starts epoch `epoch` (the sampler's generator for it).
    pub fn begin_epoch(&mut self, epoch: usize) {
        if let Self::Sampled(sampler) = self {
            sampler.begin_epoch(epoch);
        }
    }

    /// The sampled loss's draw of negatives for the batch split into `batches`, on the host;
    /// `None` for the full softmax.
    pub fn draw(&mut self, batches: &[&TrainBatch]) -> Option<SharedNegatives> {
        match self {
            Self::Full => None,
            Self::Sampled(sampler) => Some(sampler.draw(batches)),
        }
    }

    /// The step's loss for the batch split into `batches`, whose items are scored against
    /// `table` `[n_items, dim]`: for the sampled loss, one draw of negatives, uploaded and
    /// embedded once for every group.
    pub fn for_step(
        &mut self,
        batches: &[&TrainBatch],
        table: &Tensor<2>,
        device: &Device,
    ) -> StepLoss {
        match self.draw(batches) {
            None => StepLoss::Full,
            Some(negatives) => StepNegatives::new(&negatives, table, device)
                .map_or(StepLoss::Full, |n| StepLoss::Sampled(Box::new(n))),
        }
    }
}

#[cfg(test)]
#[path = "sampled_loss_tests.rs"]
mod tests;
