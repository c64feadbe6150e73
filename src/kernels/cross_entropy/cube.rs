//! The two `#[cube]` kernels of the chunked cross-entropy (`chunked`), and their launches on a
//! [`CubeTensor`]'s own compute client. Written in CubeCL, not WGSL, so they compile for every
//! cubecl runtime (wgpu's WGSL and SPIR-V, CUDA, ROCm, Metal).
//!
//! - [`online_log_sum_exp`]: folds one chunk of logits `[n, c]` into each row's running maximum
//!   and running sum of exponentials (an online log-sum-exp), and picks up the target's logit
//!   when the target falls in the chunk. One cube per row.
//! - [`logit_gradients_in_place`]: turns one chunk of logits `[n, c]` into the loss's gradient
//!   with respect to them, `(softmax − onehot) · g`, in place. One unit per element.
//!
//! Both read the tensors in place and nothing goes back to the host.

use burn::backend::TensorMetadata;
use burn::backend::wgpu::{CubeDim, CubeTensor};
use burn::cubecl;
use burn::cubecl::calculate_cube_count_elemwise;
use burn::cubecl::prelude::*;

/// Units that share one row in [`online_log_sum_exp`] (a power of two).
const ROW_UNITS: u32 = 64;
/// Units per cube in [`logit_gradients_in_place`].
const ELEMENT_UNITS: u32 = 256;
/// Most cubes along one grid axis (WebGPU's limit).
const MAX_CUBES_PER_AXIS: u32 = 65_535;
/// A finite stand-in for −∞ (WGSL has no infinite literals): `exp(LOWEST − x)` is 0 for any
/// logit `x` a model produces.
const LOWEST: f32 = -3.0e38;

/// Merges the running pair `(max, sum)` with `(other_max, other_sum)`: the pair of the union,
/// `sum = Σ exp(x − max)`.
#[cube]
fn merge(max: f32, sum: f32, other_max: f32, other_sum: f32) -> (f32, f32) {
    let merged = f32::max(max, other_max);
    (
        merged,
        sum * f32::exp(max - merged) + other_sum * f32::exp(other_max - merged),
    )
}

/// One cube per row `i` of `logits` `[n, c]` (columns `offset..offset + c` of the full
/// `[n, v]` logits): folds the row into `max[i]` and `sum[i]` (`sum = Σ exp(x − max)`),
/// overwriting them when `first` is 1, and writes `target_logit[i]` when `targets[i]` lies in
/// the chunk. Rows are `CUBE_POS_X + CUBE_POS_Y · CUBE_COUNT_X`.
#[cube(launch)]
fn online_log_sum_exp_kernel(
    logits: &Tensor<f32>,
    targets: &Tensor<i32>,
    max: &mut Tensor<f32>,
    sum: &mut Tensor<f32>,
    target_logit: &mut Tensor<f32>,
    offset: i32,
    first: u32,
    #[comptime] units: usize,
) {
    let row = (CUBE_POS_Y * CUBE_COUNT_X + CUBE_POS_X) as usize;
    // The same for every unit of the cube, so the barriers below stay uniform.
    if row >= max.len() {
        terminate!();
    }
    let columns = logits.shape(1);
    let base = row * columns;
    let unit = UNIT_POS_X as usize;

    // Each unit's own online log-sum-exp over a strided share of the row (one exp per logit).
    let mut row_max = f32::new(LOWEST);
    let mut row_sum = f32::new(0.0);
    let mut column = unit;
    while column < columns {
        let x = logits[base + column];
        if x > row_max {
            row_sum = row_sum * f32::exp(row_max - x) + f32::new(1.0);
            row_max = x;
        } else {
            row_sum += f32::exp(x - row_max);
        }
        column += units;
    }

    // Tree reduction of the units' pairs in shared memory.
    let mut maxes = Shared::<[f32]>::new_slice(units);
    let mut sums = Shared::<[f32]>::new_slice(units);
    maxes[unit] = row_max;
    sums[unit] = row_sum;
    sync_cube();
    // A runtime variable (CUBE_DIM_X = units), not a comptime one halved in a runtime loop.
    let mut stride = CUBE_DIM_X as usize / 2;
    while stride > 0 {
        if unit < stride {
            let (m, s) = merge(
                maxes[unit],
                sums[unit],
                maxes[unit + stride],
                sums[unit + stride],
            );
            maxes[unit] = m;
            sums[unit] = s;
        }
        sync_cube();
        stride /= 2;
    }

    if unit == 0 {
        if first == 1 {
            max[row] = maxes[0];
            sum[row] = sums[0];
        } else {
            let (m, s) = merge(max[row], sum[row], maxes[0], sums[0]);
            max[row] = m;
            sum[row] = s;
        }
        let local = targets[row] - offset;
        if local >= 0 && local < columns as i32 {
            target_logit[row] = logits[base + local as usize];
        }
    }
}

/// One unit per element of `logits` `[n, c]` (columns `offset..offset + c` of the full
/// `[n, v]` logits), replaced by `(exp(x − lse[i]) − [offset + j = targets[i]]) · upstream[i]`.
#[cube(launch)]
fn logit_gradients_kernel(
    logits: &mut Tensor<f32>,
    lse: &Tensor<f32>,
    upstream: &Tensor<f32>,
    targets: &Tensor<i32>,
    offset: i32,
) {
    let position = ABSOLUTE_POS;
    if position >= logits.len() {
        terminate!();
    }
    let columns = logits.shape(1);
    let row = position / columns;
    let column = position % columns;
    let mut gradient = f32::exp(logits[position] - lse[row]);
    if targets[row] - offset == column as i32 {
        gradient -= f32::new(1.0);
    }
    logits[position] = gradient * upstream[row];
}

/// Running state of the online log-sum-exp, one entry per row, all `[n]` f32.
pub(super) struct RunningLogSumExp {
    /// Running maximum of the logits seen so far.
    pub max: CubeTensor,
    /// `Σ exp(x − max)` over the logits seen so far.
    pub sum: CubeTensor,
    /// The target's logit once its chunk has been seen (the caller fills it with NaN first).
    pub target_logit: CubeTensor,
}

/// Folds `logits` `[n, c]` (contiguous f32, columns `offset..offset + c`) into `state`;
/// `targets` `[n]` is contiguous i32. `first` overwrites the state instead.
pub(super) fn online_log_sum_exp(
    logits: &CubeTensor,
    targets: &CubeTensor,
    state: &RunningLogSumExp,
    offset: usize,
    first: bool,
) {
    let rows = logits.shape()[0] as u32;
    if rows == 0 {
        return;
    }
    let client = logits.client.clone();
    // One cube per row on a 2-D grid: WebGPU allows 65,535 cubes along one axis.
    let columns_x = rows.min(MAX_CUBES_PER_AXIS);
    let cube_count = CubeCount::Static(columns_x, rows.div_ceil(columns_x), 1);
    online_log_sum_exp_kernel::launch(
        &client,
        cube_count,
        CubeDim::new_1d(ROW_UNITS),
        logits.clone().into_tensor_arg(),
        targets.clone().into_tensor_arg(),
        state.max.clone().into_tensor_arg(),
        state.sum.clone().into_tensor_arg(),
        state.target_logit.clone().into_tensor_arg(),
        offset_i32(offset),
        u32::from(first),
        ROW_UNITS as usize,
    );
}

/// Replaces `logits` `[n, c]` (contiguous f32, columns `offset..offset + c`, not shared with any
/// other tensor) by `(softmax − onehot) · g` row by row, from `lse` `[n]`, `upstream` `[n]`
/// (`g`) and `targets` `[n]` (contiguous i32).
pub(super) fn logit_gradients_in_place(
    logits: &CubeTensor,
    lse: &CubeTensor,
    upstream: &CubeTensor,
    targets: &CubeTensor,
    offset: usize,
) {
    let elements = logits.shape().num_elements();
    if elements == 0 {
        return;
    }
    let client = logits.client.clone();
    let cube_dim = CubeDim::new_1d(ELEMENT_UNITS);
    let cube_count = calculate_cube_count_elemwise(&client, elements, cube_dim);
    logit_gradients_kernel::launch(
        &client,
        cube_count,
        cube_dim,
        logits.clone().into_tensor_arg(),
        lse.clone().into_tensor_arg(),
        upstream.clone().into_tensor_arg(),
        targets.clone().into_tensor_arg(),
        offset_i32(offset),
    );
}

/// A column offset as the kernels' i32 (the chunk loop keeps `v` below 2³¹).
fn offset_i32(offset: usize) -> i32 {
    i32::try_from(offset).unwrap_or(i32::MAX)
}
