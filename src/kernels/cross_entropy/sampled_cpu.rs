//! The CPU (flex) row pass of the sampled softmax cross-entropy (`sampled`): one pass per row
//! over the negatives' scores, in place, on all cores. It subtracts the corrections, leaves out
//! the row's own target, and turns the row into its softmax, where the generic body makes a
//! dozen allocating passes over `[n, N]` tensors.

use std::collections::HashMap;

use burn::backend::Flex;
use burn::backend::flex::FlexTensor;
use burn::tensor::{Shape, TensorData};

use super::cpu::{contiguous, exp_non_positive, rows_per_worker, target_indices};
use super::rows::SampledRows;

/// Loss `[n]`, the negatives' softmax `[n, N]` and the target column's `softmax − 1` `[n, 1]`
/// for `target_logits` `[n, 1]`, raw negative `scores` `[n, N]`, `log_counts` `[1, N]`,
/// `targets` `[n]` and `negative_items` `[N]`.
pub fn rows(
    target_logits: FlexTensor,
    scores: FlexTensor,
    log_counts: FlexTensor,
    targets: FlexTensor,
    negative_items: FlexTensor,
) -> SampledRows<Flex> {
    let shape = scores.layout().shape().clone();
    let (n, count) = (shape[0], shape[1]);
    let mut scores = contiguous(scores);
    let target_logits = floats(target_logits, n);
    let log_counts = floats(log_counts, count);
    let left_out = LeftOut::new(&target_indices(negative_items, count));
    let targets = target_indices(targets, n);
    let mut losses = vec![0.0_f32; n];
    let mut target_grads = vec![0.0_f32; n];
    if count > 0 {
        let values: &mut [f32] = scores.storage_mut::<f32>();
        let values = &mut values[..n * count];
        let per_worker = rows_per_worker(n);
        let (left_out, log_counts) = (&left_out, &log_counts[..]);
        std::thread::scope(|scope| {
            for ((((chunk, loss), grad), target), logit) in values
                .chunks_mut(per_worker * count)
                .zip(losses.chunks_mut(per_worker))
                .zip(target_grads.chunks_mut(per_worker))
                .zip(targets.chunks(per_worker))
                .zip(target_logits.chunks(per_worker))
            {
                scope.spawn(move || {
                    for ((((row, loss), grad), &target), &logit) in chunk
                        .chunks_exact_mut(count)
                        .zip(loss)
                        .zip(grad)
                        .zip(target)
                        .zip(logit)
                    {
                        let columns = left_out.columns(target);
                        (*loss, *grad) = softmax_row_in_place(row, logit, log_counts, columns);
                    }
                });
            }
        });
    }
    SampledRows {
        loss: FlexTensor::from_data(TensorData::new(losses, Shape::new([n]))),
        negative_grads: scores,
        target_grads: FlexTensor::from_data(TensorData::new(target_grads, Shape::new([n, 1]))),
    }
}

/// A float tensor's `len` values (flex tensors are host memory: nothing waits on a device).
fn floats(tensor: FlexTensor, len: usize) -> Vec<f32> {
    let mut values: Vec<f32> = tensor.into_data().iter::<f32>().collect();
    values.resize(len, f32::NAN);
    values
}

/// Which negatives (columns) each item is: a row leaves out the columns of its own target.
struct LeftOut {
    columns: HashMap<i64, Vec<usize>>,
}

impl LeftOut {
    /// From the negatives' items, one per column.
    fn new(items: &[i64]) -> Self {
        let mut columns: HashMap<i64, Vec<usize>> = HashMap::new();
        for (column, &item) in items.iter().enumerate() {
            columns.entry(item).or_default().push(column);
        }
        Self { columns }
    }

    /// The columns whose negative is `item` (none for most rows).
    fn columns(&self, item: i64) -> &[usize] {
        self.columns.get(&item).map_or(&[], Vec::as_slice)
    }
}

/// Replaces the negatives' scores `row` by their share of the softmax over the target's
/// `target_logit` and `row − log_counts`, with the `left_out` columns set to 0 and kept out of
/// the sum; returns the loss `logsumexp − target_logit` and the target's `softmax − 1`.
fn softmax_row_in_place(
    row: &mut [f32],
    target_logit: f32,
    log_counts: &[f32],
    left_out: &[usize],
) -> (f32, f32) {
    for (x, c) in row.iter_mut().zip(log_counts) {
        *x -= c;
    }
    for &column in left_out {
        row[column] = f32::NEG_INFINITY;
    }
    let max = row.iter().copied().fold(target_logit, f32::max);
    let target_exp = exp_non_positive(target_logit - max);
    let mut sum = target_exp;
    for x in row.iter_mut() {
        let e = exp_non_positive(*x - max);
        *x = e;
        sum += e;
    }
    for &column in left_out {
        sum -= row[column];
        row[column] = 0.0;
    }
    let inverse = 1.0 / sum;
    for x in row.iter_mut() {
        *x *= inverse;
    }
    (sum.ln() + max - target_logit, target_exp * inverse - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_becomes_its_share_of_the_softmax() {
        // Target logit 1; negatives 2, 3, 0.5 with corrections 0, 1, 0.5; column 2 left out.
        let mut row = vec![2.0_f32, 3.0, 0.5];
        let (loss, target_grad) = softmax_row_in_place(&mut row, 1.0, &[0.0, 1.0, 0.5], &[2]);
        let logits = [1.0_f32, 2.0, 2.0];
        let sum: f32 = logits.iter().map(|v| v.exp()).sum();
        let expected = [2.0_f32.exp() / sum, 2.0_f32.exp() / sum, 0.0];
        for (a, b) in row.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{row:?}");
        }
        assert!((target_grad - (1.0_f32.exp() / sum - 1.0)).abs() < 1e-6);
        assert!((loss - (sum.ln() - 1.0)).abs() < 1e-5, "{loss}");
    }

    #[test]
    fn a_nan_target_gives_a_nan_loss() {
        let mut row = vec![0.0_f32; 2];
        let (loss, _) = softmax_row_in_place(&mut row, f32::NAN, &[0.0, 0.0], &[]);
        assert!(loss.is_nan());
    }

    #[test]
    fn every_column_of_a_repeated_item_is_left_out() {
        let left_out = LeftOut::new(&[4, 7, 4, 1]);
        assert_eq!(left_out.columns(4), &[0, 2]);
        assert_eq!(left_out.columns(7), &[1]);
        assert!(left_out.columns(5).is_empty());
    }
}
