//! The CPU (flex) body of the row-wise softmax cross-entropy: one pass per row over the
//! logits, in place, on all cores, instead of the half-dozen allocating passes the generic
//! body makes over an `[n, v]` tensor.

use burn::backend::flex::FlexTensor;
use burn::tensor::{DType, Shape, TensorData};

use super::rows::RowsCrossEntropy;
use burn::backend::Flex;

/// Loss `[n]` and `softmax − onehot` `[n, v]` for `logits` `[n, v]` and `targets` `[n]`.
/// Targets outside `0..v` give a NaN loss for that row (the caller stops on NaN losses).
pub fn rows(logits: FlexTensor, targets: FlexTensor) -> RowsCrossEntropy<Flex> {
    let shape = logits.layout().shape().clone();
    let (n, v) = (shape[0], shape[1]);
    let mut logits = contiguous(logits);
    let targets = target_indices(targets, n);
    let mut losses = vec![0.0_f32; n];
    {
        let values: &mut [f32] = logits.storage_mut::<f32>();
        let values = &mut values[..n * v];
        let rows_per_worker = rows_per_worker(n);
        std::thread::scope(|scope| {
            for ((chunk, loss_chunk), target_chunk) in values
                .chunks_mut(rows_per_worker * v)
                .zip(losses.chunks_mut(rows_per_worker))
                .zip(targets.chunks(rows_per_worker))
            {
                scope.spawn(move || {
                    for ((row, loss), &target) in
                        chunk.chunks_exact_mut(v).zip(loss_chunk).zip(target_chunk)
                    {
                        *loss = softmax_row_in_place(row, target);
                    }
                });
            }
        });
    }
    let loss = FlexTensor::from_data(TensorData::new(losses, Shape::new([n])));
    RowsCrossEntropy {
        loss,
        logit_grads: logits,
    }
}

/// `tensor` with its values contiguous from the start of its storage, as the row passes read them.
pub(super) fn contiguous(tensor: FlexTensor) -> FlexTensor {
    if tensor.is_contiguous() && tensor.layout().start_offset() == 0 {
        tensor
    } else {
        tensor.to_contiguous()
    }
}

/// Rows each worker thread takes of `n`, one worker per core (at least 1).
pub(super) fn rows_per_worker(n: usize) -> usize {
    let workers = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(n.max(1));
    n.div_ceil(workers.max(1)).max(1)
}

/// Targets as `i64`, whatever integer type the backend stores.
pub(super) fn target_indices(targets: FlexTensor, n: usize) -> Vec<i64> {
    let data = targets.into_data();
    let values: Vec<i64> = match data.dtype() {
        DType::I32 => data.iter::<i32>().map(i64::from).collect(),
        DType::U32 => data.iter::<u32>().map(i64::from).collect(),
        _ => data.iter::<i64>().collect(),
    };
    let mut values = values;
    values.resize(n, -1);
    values
}

/// Replaces `row` (logits) by `softmax(row) − onehot(target)` and returns
/// `logsumexp(row) − row[target]`.
fn softmax_row_in_place(row: &mut [f32], target: i64) -> f32 {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let target_logit = usize::try_from(target)
        .ok()
        .and_then(|t| row.get(t).copied())
        .unwrap_or(f32::NAN);
    let mut sum = 0.0_f32;
    for x in row.iter_mut() {
        let e = exp_non_positive(*x - max);
        *x = e;
        sum += e;
    }
    let inverse = 1.0 / sum;
    for x in row.iter_mut() {
        *x *= inverse;
    }
    if let Some(slot) = usize::try_from(target).ok().and_then(|t| row.get_mut(t)) {
        *slot -= 1.0;
    }
    sum.ln() - (target_logit - max)
}

/// `eˣ` for `x ≤ 0` (x = logit − max), accurate to a few ulp, written so the compiler
/// vectorises the loop around it: `x = k·ln2 + r`, `eʳ` by a degree-6 polynomial, `2ᵏ` by
/// building the float's exponent bits. Below −87 it returns 0, like `f32::exp` nearly does.
#[inline(always)]
pub(super) fn exp_non_positive(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2²³: adding and subtracting rounds to nearest
    let x = x.max(-87.0);
    let k = (x * LOG2_E + ROUND) - ROUND;
    let r = x - k * LN2_HI - k * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    let scale = f32::from_bits(((k as i32 + 127) << 23) as u32);
    p * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_matches_the_library() {
        let mut worst = 0.0_f32;
        let mut x = -87.0_f32;
        while x <= 0.0 {
            let (fast, exact) = (exp_non_positive(x), x.exp());
            worst = worst.max((fast - exact).abs() / exact.max(f32::MIN_POSITIVE));
            x += 0.0137;
        }
        assert!(worst < 2e-6, "worst relative error {worst}");
        assert_eq!(exp_non_positive(0.0), 1.0);
        assert!(exp_non_positive(-200.0) < 1e-37);
    }

    #[test]
    fn a_row_becomes_softmax_minus_onehot() {
        let mut row = vec![1.0_f32, 2.0, 3.0];
        let loss = softmax_row_in_place(&mut row, 1);
        let sum: f32 = [1.0_f32, 2.0, 3.0].iter().map(|v| v.exp()).sum();
        let expected = [
            1.0_f32.exp() / sum,
            2.0_f32.exp() / sum - 1.0,
            3.0_f32.exp() / sum,
        ];
        for (a, b) in row.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{row:?}");
        }
        assert!((loss - (sum.ln() - 2.0)).abs() < 1e-5);
        let mut bad = vec![0.0_f32; 3];
        assert!(softmax_row_in_place(&mut bad, 7).is_nan());
    }
}
