//! Drawing continuations on the generator's device (issue #34, item 3): each step's
//! next-item distribution never leaves the device. Per step only one uniform per row goes up
//! (drawn on the host from that row's own seeded stream), and the drawn item stays on the
//! device as the next input column, so a whole batch of continuations is read back once.
//!
//! The draw is the inverse CDF of [`super::sample_index`] done with a cumulative sum: the
//! first item whose cumulative weight passes `u · total`, over the allowed items with a
//! finite positive probability (and, with `top_k`, only the `k` most probable of those).
//! On burn's flex (CPU) device, where the probabilities are host memory already, the same
//! draw runs as one pass per row (`host_draw.rs`) unless `top_k` is set.

use burn::tensor::{Bool, Int, Tensor, TensorData};

use super::generator::Generator;
use super::host_draw::draw_rows;
use crate::kernels::on_flex;
use crate::rng::SplitMix64;

/// Draws left on the device: read them back with one read of [`Self::into_tensor`].
pub struct DeviceDraws {
    /// `[rows, steps]` drawn item indices (0-based).
    pub items: Tensor<2, Int>,
    /// `[rows, steps]` 1 where no item could be drawn (no allowed item with a finite positive
    /// probability); the row's later draws mean nothing.
    pub failed: Tensor<2, Int>,
}

impl DeviceDraws {
    /// `[rows, 2 · steps]`: the items, then the failure flags, for a single read.
    pub fn into_tensor(self) -> Tensor<2, Int> {
        Tensor::cat(vec![self.items, self.failed], 1)
    }
}

/// What one draw step needs besides the generator's input.
pub struct DrawSettings<'a> {
    /// Logits are divided by this before the softmax (> 0).
    pub temperature: f64,
    /// `allowed[item]`; `None` allows every item. Ids past the slice's end are not allowed.
    pub allowed: Option<&'a [bool]>,
    /// Only the `k` most probable usable items may be drawn (ties at the k-th value all may);
    /// `None` draws from the whole distribution.
    pub top_k: Option<usize>,
}

/// `steps` items drawn after each row of left-padded `tokens` `[rows, len]` (item + 1, 0 =
/// padding), one generator pass per step, row `r` taking its uniforms from `streams[r]` in
/// order. The context slides to the generator's window as items are appended.
pub fn draw_on_device(
    generator: &Generator,
    mut tokens: Tensor<2, Int>,
    steps: usize,
    settings: &DrawSettings<'_>,
    streams: &mut [SplitMix64],
) -> DeviceDraws {
    let device = generator.device();
    let n_items = generator.n_items();
    let rows = streams.len();
    // [n_items] true for the items that may not be drawn.
    let blocked_list: Vec<bool> = (0..n_items)
        .map(|item| is_blocked(settings.allowed, item))
        .collect();
    // On the CPU the probabilities are host memory: one pass per row draws the same items.
    let on_host = on_flex(&device) && settings.top_k.is_none();
    let blocked =
        Tensor::<2, Bool>::from_data(TensorData::new(blocked_list.clone(), [1, n_items]), &device)
            .expand([rows, n_items]);
    // [rows, n_items] column index of every entry
    let columns = Tensor::<1, Int>::arange(0..n_items as i64, &device)
        .reshape([1, n_items])
        .expand([rows, n_items]);
    let (mut items, mut failed) = (Vec::with_capacity(steps), Vec::with_capacity(steps));
    for _ in 0..steps {
        let probabilities = generator.next_item_probabilities(tokens.clone(), settings.temperature);
        if on_host {
            let uniforms: Vec<f32> = streams.iter_mut().map(|s| s.next_f64() as f32).collect();
            let values = probabilities
                .into_data()
                .try_into_vec::<f32>()
                .unwrap_or_default();
            let (drawn, fails) = draw_rows(&values, &blocked_list, &uniforms);
            let column = |values: Vec<i64>| {
                Tensor::<2, Int>::from_data(TensorData::new(values, [rows, 1]), &device)
            };
            let drawn = column(drawn);
            failed.push(column(fails));
            tokens = next_context(tokens, drawn.clone().add_scalar(1), generator.max_len());
            items.push(drawn);
            continue;
        }
        let unusable = probabilities
            .clone()
            .is_finite()
            .bool_not()
            .bool_or(probabilities.clone().lower_equal_elem(0.0))
            .bool_or(blocked.clone());
        let mut weights = probabilities.mask_fill(unusable, 0.0);
        if let Some(k) = settings.top_k.filter(|&k| k > 0 && k < n_items) {
            // [rows, 1] the k-th largest weight
            let kth = weights.clone().topk(k, 1).slice([0..rows, k - 1..k]);
            let below = weights.clone().lower(kth.expand([rows, n_items]));
            weights = weights.mask_fill(below, 0.0);
        }
        let usable = weights.clone().greater_elem(0.0);
        let cumulative = weights.cumsum(1);
        // [rows, 1]
        let total = cumulative.clone().slice([0..rows, n_items - 1..n_items]);
        let uniforms: Vec<f32> = streams.iter_mut().map(|s| s.next_f64() as f32).collect();
        let target =
            Tensor::<2>::from_data(TensorData::new(uniforms, [rows, 1]), &device) * total.clone();
        let passed = cumulative.lower_equal(target.expand([rows, n_items]));
        // The first item past the target; the last usable one when rounding reaches the end.
        let last_usable = columns.clone().mask_fill(usable.bool_not(), 0).max_dim(1);
        let drawn = passed.int().sum_dim(1).min_pair(last_usable);
        failed.push(total.lower_equal_elem(0.0).int());
        tokens = next_context(tokens, drawn.clone().add_scalar(1), generator.max_len());
        items.push(drawn);
    }
    DeviceDraws {
        items: cat_or_empty(items, rows, &device),
        failed: cat_or_empty(failed, rows, &device),
    }
}

/// Whether `item` may not be drawn under `allowed` (`None` allows every item).
fn is_blocked(allowed: Option<&[bool]>, item: usize) -> bool {
    allowed.is_some_and(|a| !a.get(item).copied().unwrap_or(false))
}

/// `tokens` with the column `next` `[rows, 1]` appended, keeping the last `window` columns.
fn next_context(tokens: Tensor<2, Int>, next: Tensor<2, Int>, window: usize) -> Tensor<2, Int> {
    let appended = Tensor::cat(vec![tokens, next], 1);
    let [rows, len] = appended.dims();
    if len > window.max(1) {
        appended.slice([0..rows, len - window.max(1)..len])
    } else {
        appended
    }
}

/// The columns side by side, or `[rows, 0]` when there are none.
fn cat_or_empty(
    columns: Vec<Tensor<2, Int>>,
    rows: usize,
    device: &burn::tensor::Device,
) -> Tensor<2, Int> {
    if columns.is_empty() {
        Tensor::zeros([rows, 0], device)
    } else {
        Tensor::cat(columns, 1)
    }
}
