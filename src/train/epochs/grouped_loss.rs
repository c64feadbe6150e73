//! The next-item loss of a batch that was encoded in length groups ([`length_groups`]).
//!
//! [`length_groups`]: crate::train::epochs::length_groups

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::batches::TrainBatch;
use super::sampled_loss::{StepLoss, next_item_sampled_cross_entropy};
use crate::model::loss::next_item_cross_entropy;

/// Positions with a next item, over all `batches`.
pub fn listed_positions<'b>(batches: impl IntoIterator<Item = &'b TrainBatch>) -> usize {
    batches.into_iter().map(|b| b.targets.len()).sum()
}

/// One group's share of the batch loss: its mean cross-entropy `[1]` times
/// `its positions / total_positions`, so that the shares of all groups add up to the mean
/// over every position of the batch, the same value one padded pass gives.
///
/// - `hidden`: `[rows, len, dim]` the group's encoder output.
/// - `table`: `[n_items, dim]` item embeddings.
///
/// None when the group lists no position (nothing to predict).
pub fn group_cross_entropy(
    hidden: Tensor<3>,
    batch: &TrainBatch,
    table: Tensor<2>,
    total_positions: usize,
    device: &Device,
) -> Option<Tensor<1>> {
    let n = batch.targets.len();
    if n == 0 || total_positions == 0 {
        return None;
    }
    let positions = int_tensor(&batch.positions, device);
    let targets = int_tensor(&batch.targets, device);
    let mean = next_item_cross_entropy(hidden, positions, targets, table);
    Some(mean.mul_scalar(n as f64 / total_positions as f64))
}

/// One group's share of the batch loss under the step's `loss`: for [`StepLoss::Full`]
/// exactly [`group_cross_entropy`]; for [`StepLoss::Sampled`] the sampled cross-entropy of
/// its positions against the step's shared negatives, weighted the same way.
pub fn group_loss(
    hidden: Tensor<3>,
    batch: &TrainBatch,
    table: Tensor<2>,
    total_positions: usize,
    device: &Device,
    loss: &StepLoss,
) -> Option<Tensor<1>> {
    let negatives = match loss {
        StepLoss::Full => {
            return group_cross_entropy(hidden, batch, table, total_positions, device);
        }
        StepLoss::Sampled(negatives) => negatives,
    };
    let n = batch.targets.len();
    if n == 0 || total_positions == 0 {
        return None;
    }
    let positions = int_tensor(&batch.positions, device);
    let targets = int_tensor(&batch.targets, device);
    let mean = next_item_sampled_cross_entropy(hidden, positions, targets, table, negatives);
    Some(mean.mul_scalar(n as f64 / total_positions as f64))
}

/// Mean next-item loss `[1]` under the step's `loss` over every position of `batches` (one
/// batch split into groups, each through [`group_loss`]); `encode` turns a group's tokens
/// `[rows, len]` into hidden states `[rows, len, dim]`. None when no group lists a position.
pub fn grouped_loss(
    batches: &[&TrainBatch],
    table: &Tensor<2>,
    device: &Device,
    loss: &StepLoss,
    mut encode: impl FnMut(Tensor<2, Int>) -> Tensor<3>,
) -> Option<Tensor<1>> {
    let total = listed_positions(batches.iter().copied());
    batches
        .iter()
        .filter(|batch| !batch.targets.is_empty())
        .filter_map(|batch| {
            let hidden = encode(batch.tokens.to_tensor(device));
            group_loss(hidden, batch, table.clone(), total, device, loss)
        })
        .reduce(|sum, part| sum + part)
}

/// `[n]` integer tensor of `values`.
fn int_tensor(values: &[i64], device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

#[cfg(test)]
mod tests {
    use burn::module::Module;

    use super::*;
    use crate::model::SasRec;
    use crate::settings::EncoderConfig;
    use crate::train::epochs::length_groups;

    /// Seven short histories and one long one: the long one would pad every row to 300.
    fn uneven_histories() -> Vec<Vec<u32>> {
        let mut train: Vec<Vec<u32>> = (0..7_u32)
            .map(|u| (0..3 + u % 3).map(|t| (u * 5 + t * 3) % 40).collect())
            .collect();
        train.push((0..301).map(|t| (t * 7) % 40).collect());
        train
    }

    /// Loss and item-embedding gradient `[41 · 8]` of `model` for the batch split into at
    /// most `max_groups` length groups.
    fn loss_and_gradient(model: &SasRec, max_groups: usize) -> (usize, f32, Vec<f32>) {
        let device = model.devices()[0].clone();
        let train = uneven_histories();
        let users: Vec<usize> = (0..train.len()).rev().collect();
        let groups = length_groups(&train, &users, model.max_len(), max_groups);
        let batches: Vec<&TrainBatch> = groups.iter().map(|g| &g.batch).collect();
        let table = model.item_table();
        let loss = grouped_loss(&batches, &table, &device, &StepLoss::Full, |tokens| {
            model.encode(tokens, false).hidden
        })
        .expect("positions to predict");
        let grads = loss.backward();
        let gradient = model
            .item_embedding
            .weight
            .grad(&grads)
            .expect("embedding gradient");
        let value = loss.into_scalar::<f32>();
        let values = gradient.into_data().try_into_vec::<f32>().expect("floats");
        (groups.len(), value, values)
    }

    #[test]
    fn length_groups_give_the_loss_and_gradients_of_one_padded_pass() {
        let config = EncoderConfig {
            max_len: 320,
            dim: 8,
            blocks: 1,
            heads: 2,
            dropout: 0.0,
            ..EncoderConfig::default()
        };
        let model = SasRec::new(&config, 40, &Device::flex().autodiff());
        let (one, padded_loss, padded_gradient) = loss_and_gradient(&model, 1);
        let (several, grouped_loss, grouped_gradient) = loss_and_gradient(&model, 4);
        assert_eq!(one, 1);
        assert!(several > 1, "the long history gets its own group");
        assert!(
            (padded_loss - grouped_loss).abs() <= 1e-5 * padded_loss.abs(),
            "{padded_loss} vs {grouped_loss}"
        );
        let scale = padded_gradient.iter().fold(0.0_f32, |m, g| m.max(g.abs()));
        assert!(scale > 0.0);
        for (a, b) in padded_gradient.iter().zip(&grouped_gradient) {
            assert!((a - b).abs() <= 1e-4 * scale, "{a} vs {b}");
        }
    }
}
