//! The fused sampled softmax cross-entropy (`sequda::kernels::cross_entropy::
//! sampled_linear_cross_entropy`: the CPU's one-pass row body on flex, the body built from
//! backend operations on wgpu) against the same loss composed from burn's operations (corrected
//! scores, the own-target mask, `log_softmax` over the target's column and the negatives'),
//! values and the gradients of the states, the targets' rows and the negatives' rows.
//!
//! Without any wgpu adapter the wgpu test prints a loud warning and passes; with
//! `SEQUDA_REQUIRE_ADAPTER=1` (CI, which has Mesa lavapipe) it fails instead.

mod kernel_common;

use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use kernel_common::{pseudo_random, relative_error, wgpu_device};
use sequda::kernels::cross_entropy::sampled_linear_cross_entropy;

/// Largest tolerated relative error (see [`relative_error`]). An entry that cancels to the floor
/// (a thousandth of the largest magnitude) carries one `f32` rounding of the largest terms, a
/// relative error of about 1.2e-4 there whichever way the sum is ordered; 5e-4 allows that and
/// still catches a wrong term.
const TOLERANCE: f32 = 5e-4;

fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap_or_default()
}

/// One problem: `n` rows of states and their targets' rows `[n, d]`, `count` negatives' rows
/// `[count, d]`, with items and corrections, and upstream weights `[n]`.
struct Problem {
    n: usize,
    d: usize,
    count: usize,
    states: Vec<f32>,
    target_rows: Vec<f32>,
    negative_rows: Vec<f32>,
    log_counts: Vec<f32>,
    targets: Vec<i64>,
    negative_items: Vec<i64>,
    weights: Vec<f32>,
}

impl Problem {
    /// Items drawn from a catalogue of `3 · count`, some twice; about a third of the rows'
    /// targets are among the negatives (one of them twice), the others are not.
    fn new(n: usize, d: usize, count: usize) -> Self {
        let negative_items: Vec<i64> = (0..count).map(|k| ((k * 7) % (2 * count)) as i64).collect();
        let mut negative_items = negative_items;
        negative_items[count - 1] = negative_items[0];
        let targets: Vec<i64> = (0..n)
            .map(|i| match i % 3 {
                0 => negative_items[(i * 5) % count],
                _ => (2 * count + i % count) as i64,
            })
            .collect();
        Self {
            n,
            d,
            count,
            states: pseudo_random(n * d, 3 + n as u64, 1.2),
            target_rows: pseudo_random(n * d, 5 + d as u64, 1.2),
            negative_rows: pseudo_random(count * d, 7 + count as u64, 1.2),
            log_counts: pseudo_random(count, 11, 2.0),
            targets,
            negative_items,
            weights: pseudo_random(n, 13, 1.0),
        }
    }

    /// `loss` on `device`: the loss `[n]`, then the gradients of `Σ w_i loss_i` for the states,
    /// the targets' rows and the negatives' rows.
    fn run(&self, loss: &Loss, device: &Device) -> [Vec<f32>; 4] {
        let device = device.clone().autodiff();
        let float = |values: &[f32], shape: [usize; 2]| {
            Tensor::<2>::from_data(TensorData::new(values.to_vec(), shape), &device)
        };
        let int = |values: &[i64]| {
            Tensor::<1, Int>::from_data(TensorData::new(values.to_vec(), [values.len()]), &device)
        };
        let (n, d, count) = (self.n, self.d, self.count);
        let states = float(&self.states, [n, d]).require_grad();
        let target_rows = float(&self.target_rows, [n, d]).require_grad();
        let negative_rows = float(&self.negative_rows, [count, d]).require_grad();
        let inputs = Inputs {
            states: states.clone(),
            target_rows: target_rows.clone(),
            negative_rows: negative_rows.clone(),
            log_counts: float(&self.log_counts, [1, count]),
            targets: int(&self.targets),
            negative_items: int(&self.negative_items),
        };
        let values = loss(inputs);
        let weights = Tensor::<1>::from_data(TensorData::new(self.weights.clone(), [n]), &device);
        let grads = (values.clone() * weights).sum().backward();
        let grad = |t: &Tensor<2>| t.grad(&grads).map(to_vec).unwrap_or_default();
        [
            to_vec(values),
            grad(&states),
            grad(&target_rows),
            grad(&negative_rows),
        ]
    }
}

/// The loss's inputs.
struct Inputs {
    states: Tensor<2>,
    target_rows: Tensor<2>,
    negative_rows: Tensor<2>,
    log_counts: Tensor<2>,
    targets: Tensor<1, Int>,
    negative_items: Tensor<1, Int>,
}

type Loss = dyn Fn(Inputs) -> Tensor<1>;

/// The fused operation.
fn fused(inputs: Inputs) -> Tensor<1> {
    sampled_linear_cross_entropy(
        inputs.states,
        inputs.target_rows,
        inputs.negative_rows,
        inputs.log_counts,
        inputs.targets,
        inputs.negative_items,
    )
}

/// The loss composed from burn's operations, as the training loop built it before the fused
/// operation.
fn reference(inputs: Inputs) -> Tensor<1> {
    let [n, _] = inputs.states.dims();
    let [count] = inputs.negative_items.dims();
    let positive = (inputs.states.clone() * inputs.target_rows).sum_dim(1);
    let own_target = inputs
        .targets
        .reshape([n, 1])
        .expand([n, count])
        .equal(inputs.negative_items.reshape([1, count]).expand([n, count]));
    let scores = inputs.states.matmul(inputs.negative_rows.transpose())
        - inputs.log_counts.expand([n, count]);
    let scores = scores.mask_fill(own_target, -1.0e9);
    let log_p = log_softmax(Tensor::cat(vec![positive, scores], 1), 1);
    log_p.slice([0..n, 0..1]).reshape([n]).neg()
}

/// Fails on a relative error above [`TOLERANCE`] in the loss or any gradient.
fn compare(problem: &Problem, device: &Device, label: &str) {
    let actual = problem.run(&fused, device);
    let expected = problem.run(&reference, device);
    let (n, d, count) = (problem.n, problem.d, problem.count);
    for (i, name) in [
        "loss",
        "states gradient",
        "targets' gradient",
        "negatives' gradient",
    ]
    .iter()
    .enumerate()
    {
        assert!(
            !expected[i].is_empty(),
            "{label}: the reference has no {name}"
        );
        let error = relative_error(&actual[i], &expected[i]);
        println!("{label} n {n} d {d} negatives {count}: {name} relative error {error:.2e}");
        assert!(
            error <= TOLERANCE,
            "{label} n {n} d {d} negatives {count}: {name}: relative error {error:e} > {TOLERANCE:e}"
        );
    }
}

#[test]
fn flex_sampled_loss_matches_the_composed_loss() {
    let device = Device::flex();
    compare(&Problem::new(37, 16, 50), &device, "flex");
    // More rows than cores' chunks divide evenly, d not a multiple of 4, a single negative.
    compare(&Problem::new(131, 5, 9), &device, "flex");
    compare(&Problem::new(4, 8, 1), &device, "flex");
}

#[test]
fn wgpu_sampled_loss_matches_the_composed_loss() {
    let Some(device) = wgpu_device(
        "wgpu_sampled_loss_matches_the_composed_loss",
        "fused sampled cross-entropy",
    ) else {
        return;
    };
    compare(&Problem::new(37, 16, 50), &device, "wgpu");
    compare(&Problem::new(131, 5, 9), &device, "wgpu");
}

#[test]
fn a_row_whose_every_negative_is_its_target_costs_nothing() {
    // One negative, drawn twice, equal to the row's target: only the target is left.
    let mut problem = Problem::new(2, 4, 2);
    problem.negative_items = vec![6, 6];
    problem.targets = vec![6, 1];
    let [loss, ..] = problem.run(&fused, &Device::flex());
    assert!(loss[0].abs() < 1e-6, "{loss:?}");
    assert!(loss[1] > 0.0, "{loss:?}");
}
