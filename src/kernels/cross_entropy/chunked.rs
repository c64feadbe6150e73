//! The Cube backend's body of the fused loss: item chunks, never the whole `[n, v]` logits, in
//! the spirit of Cut Cross-Entropy.
//!
//! Forward: for each chunk of `c` items, `L = S · E_cᵀ` `[n, c]` (burn's matmul), then the
//! `online_log_sum_exp` kernel (`cube`) folds `L` into each row's running maximum and sum and
//! picks up the target's logit; `lse = max + ln sum` and `loss = lse − target logit`.
//!
//! Backward, from states, table, targets and `lse` `[n]` alone: for each chunk it recomputes
//! `L`, turns it in place into `G = (exp(L − lse) − onehot) · g` (`logit_gradients_in_place`),
//! and adds `G · E_c` to the states' gradient and writes `Gᵀ · S` into the chunk's rows of the
//! table's gradient. Peak memory is one chunk `[n, c]` beside the `[n, d]` and `[v, d]` tensors.
//!
//! Everything stays on the device: no tensor is read back to the host.

use burn::backend::ops::{FloatTensorOps, IntTensorOps};
use burn::backend::wgpu::{CubeTensor, into_contiguous};
use burn::backend::{Cube, TensorMetadata};
use burn::tensor::{DType, FloatDType, IntDType, Shape, Slice};

use super::cube::{RunningLogSumExp, logit_gradients_in_place, online_log_sum_exp};

/// Floats in one chunk of logits `[n, c]` when the caller names no chunk: 2²⁴ (64 MiB).
const CHUNK_FLOATS: usize = 1 << 24;

/// Items per chunk for `n` rows and `v` items: `requested` when it is not 0, otherwise as many
/// as keep `n · c` within [`CHUNK_FLOATS`]; always at least 1 and at most `v`.
pub fn chunk_items(n: usize, v: usize, requested: usize) -> usize {
    let chunk = if requested == 0 {
        CHUNK_FLOATS / n.max(1)
    } else {
        requested
    };
    chunk.clamp(1, v.max(1))
}

/// Per-row loss `[n]` and log-sum-exp `[n]` of states `[n, d]` against `table` `[v, d]` with
/// `targets` `[n]`, `chunk` items at a time (0: automatic). Targets outside `0..v` give a NaN
/// loss for their row.
pub(super) fn forward(
    states: CubeTensor,
    table: CubeTensor,
    targets: CubeTensor,
    chunk: usize,
) -> (CubeTensor, CubeTensor) {
    let dtype = states.dtype;
    let (states, table) = (as_f32(states), as_f32(table));
    let (n, v) = (states.shape()[0], table.shape()[0]);
    let device = states.device.clone();
    let rows = Shape::new([n]);
    if n == 0 || v == 0 {
        let nan = Cube::float_full(rows, f32::NAN.into(), &device, FloatDType::F32);
        return (as_dtype(nan.clone(), dtype), as_dtype(nan, dtype));
    }
    let targets = targets_i32(targets);
    let state = RunningLogSumExp {
        max: Cube::float_empty(rows.clone(), &device, FloatDType::F32),
        sum: Cube::float_empty(rows.clone(), &device, FloatDType::F32),
        target_logit: Cube::float_full(rows, f32::NAN.into(), &device, FloatDType::F32),
    };
    let chunk = chunk_items(n, v, chunk);
    for (index, start) in (0..v).step_by(chunk).enumerate() {
        let end = (start + chunk).min(v);
        let logits = chunk_logits(&states, &table_rows(&table, start, end));
        online_log_sum_exp(&logits, &targets, &state, start, index == 0);
    }
    // [n] each
    let lse = Cube::float_add(state.max, Cube::float_log(state.sum));
    let loss = Cube::float_sub(lse.clone(), state.target_logit);
    (as_dtype(loss, dtype), as_dtype(lse, dtype))
}

/// Gradients `(states [n, d], table [v, d])` of `Σ_i upstream_i · loss_i`, from `lse` `[n]`
/// (what [`forward`] returned) and `upstream` `[n]`, recomputing the logits `chunk` items at a
/// time (0: automatic).
pub(super) fn backward(
    states: CubeTensor,
    table: CubeTensor,
    targets: CubeTensor,
    lse: CubeTensor,
    upstream: CubeTensor,
    chunk: usize,
) -> (CubeTensor, CubeTensor) {
    let dtype = states.dtype;
    let (states, table) = (as_f32(states), as_f32(table));
    let [n, d] = states.shape().dims::<2>();
    let v = table.shape()[0];
    let device = states.device.clone();
    if n == 0 || v == 0 {
        let state_grads = Cube::float_zeros(Shape::new([n, d]), &device, FloatDType::F32);
        let table_grads = Cube::float_zeros(Shape::new([v, d]), &device, FloatDType::F32);
        return (as_dtype(state_grads, dtype), as_dtype(table_grads, dtype));
    }
    let targets = targets_i32(targets);
    let lse = into_contiguous(as_f32(lse));
    let upstream = into_contiguous(Cube::float_reshape(as_f32(upstream), Shape::new([n])));
    let chunk = chunk_items(n, v, chunk);
    let mut state_grads: Option<CubeTensor> = None;
    let mut table_grads = Cube::float_empty(Shape::new([v, d]), &device, FloatDType::F32);
    for start in (0..v).step_by(chunk) {
        let end = (start + chunk).min(v);
        let rows = table_rows(&table, start, end);
        // [n, c]: the logits, then in place their gradient G.
        let logits = chunk_logits(&states, &rows);
        logit_gradients_in_place(&logits, &lse, &upstream, &targets, start);
        // [n, d]
        let part = Cube::float_matmul(logits.clone(), rows);
        state_grads = Some(match state_grads {
            None => part,
            Some(sum) => Cube::float_add(sum, part),
        });
        // [c, d]
        let chunk_grads = Cube::float_matmul(Cube::float_transpose(logits), states.clone());
        let slices = [Slice::from(start..end), Slice::full()];
        table_grads = Cube::float_slice_assign(table_grads, &slices, chunk_grads);
    }
    let state_grads = state_grads
        .unwrap_or_else(|| Cube::float_zeros(Shape::new([n, d]), &device, FloatDType::F32));
    (as_dtype(state_grads, dtype), as_dtype(table_grads, dtype))
}

/// Rows `start..end` of `table` `[v, d]`: `[end − start, d]` (a view, no copy).
fn table_rows(table: &CubeTensor, start: usize, end: usize) -> CubeTensor {
    Cube::float_slice(table.clone(), &[Slice::from(start..end), Slice::full()])
}

/// `states · rowsᵀ`: `[n, d] · [c, d]ᵀ` → `[n, c]`, contiguous and in a buffer of its own.
fn chunk_logits(states: &CubeTensor, rows: &CubeTensor) -> CubeTensor {
    into_contiguous(Cube::float_matmul(
        states.clone(),
        Cube::float_transpose(rows.clone()),
    ))
}

/// The float tensor in f32 (a copy only when it is not).
fn as_f32(tensor: CubeTensor) -> CubeTensor {
    as_dtype(tensor, DType::F32)
}

/// The float tensor in `dtype` (a copy only when it is not already; non-float: unchanged).
fn as_dtype(tensor: CubeTensor, dtype: DType) -> CubeTensor {
    let float = match dtype {
        DType::F64 => FloatDType::F64,
        DType::F32 => FloatDType::F32,
        DType::F16 => FloatDType::F16,
        DType::BF16 => FloatDType::BF16,
        _ => return tensor,
    };
    if tensor.dtype == dtype {
        tensor
    } else {
        Cube::float_cast(tensor, float)
    }
}

/// Targets `[n]` as a contiguous i32 tensor, the kernels' index type.
fn targets_i32(targets: CubeTensor) -> CubeTensor {
    let targets = if targets.dtype == DType::I32 {
        targets
    } else {
        Cube::int_cast(targets, IntDType::I32)
    };
    into_contiguous(targets)
}
