//! The chunked GPU cross-entropy (`sequda::kernels::cross_entropy` on the Cube backend: item
//! chunks, an online log-sum-exp in a `#[cube]` kernel, never `[n, v]`) against the reference
//! built from burn's `log_softmax` + `gather`, values and gradients of states and table, on
//! wgpu; and the same comparison on flex for the CPU body.
//!
//! Without any wgpu adapter the wgpu tests print a loud warning and pass; with
//! `SEQUDA_REQUIRE_ADAPTER=1` (CI, which has Mesa lavapipe) they fail instead.

mod kernel_common;

use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use kernel_common::{pseudo_random, relative_error, wgpu_device};
use sequda::kernels::cross_entropy::{chunk_items, linear_cross_entropy_in_chunks};

/// Largest tolerated relative error (see [`relative_error`]).
const TOLERANCE: f32 = 1e-4;

fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap_or_default()
}

/// The reference: burn's `log_softmax` over the full `[n, v]` logits, then `gather`.
fn reference(states: Tensor<2>, table: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [n] = targets.dims();
    log_softmax(states.matmul(table.transpose()), 1)
        .gather(1, targets.reshape([n, 1]))
        .reshape([n])
        .neg()
}

/// One problem: states `[n, d]`, table `[v, d]`, targets `[n]`, upstream weights `[n]`.
struct Problem {
    n: usize,
    d: usize,
    v: usize,
    states: Vec<f32>,
    table: Vec<f32>,
    targets: Vec<i64>,
    weights: Vec<f32>,
}

impl Problem {
    /// Logits of a few units' spread; rows 0, 1 and the last share a target (repeated rows of
    /// the table's gradient); targets reach both ends of the catalogue.
    fn new(n: usize, d: usize, v: usize) -> Self {
        let mut targets: Vec<i64> = (0..n).map(|i| ((i * 7919 + 13) % v) as i64).collect();
        targets[0] = (v - 1) as i64;
        targets[1] = (v - 1) as i64;
        targets[n - 1] = (v - 1) as i64;
        targets[2] = 0;
        Self {
            n,
            d,
            v,
            states: pseudo_random(n * d, 1 + n as u64, 1.5),
            table: pseudo_random(v * d, 2 + v as u64, 1.0),
            targets,
            // Weighted (and one negative) so every row has its own upstream gradient.
            weights: pseudo_random(n, 3, 2.0),
        }
    }

    /// Loss `[n]` and the gradients of `Σ weights ⊙ loss` for states `[n, d]` and table
    /// `[v, d]`, through `f` on `device` (with autodiff).
    fn run(
        &self,
        f: &dyn Fn(Tensor<2>, Tensor<2>, Tensor<1, Int>) -> Tensor<1>,
        device: &Device,
    ) -> [Vec<f32>; 3] {
        let device = device.clone().autodiff();
        let states = Tensor::<2>::from_data(
            TensorData::new(self.states.clone(), [self.n, self.d]),
            &device,
        )
        .require_grad();
        let table = Tensor::<2>::from_data(
            TensorData::new(self.table.clone(), [self.v, self.d]),
            &device,
        )
        .require_grad();
        let targets =
            Tensor::<1, Int>::from_data(TensorData::new(self.targets.clone(), [self.n]), &device);
        let weights =
            Tensor::<1>::from_data(TensorData::new(self.weights.clone(), [self.n]), &device);
        let loss = f(states.clone(), table.clone(), targets);
        let grads = (loss.clone() * weights).sum().backward();
        [
            to_vec(loss),
            states.grad(&grads).map(to_vec).unwrap_or_default(),
            table.grad(&grads).map(to_vec).unwrap_or_default(),
        ]
    }
}

/// The fused loss with `chunk` items per chunk against the reference on `device`; fails on a
/// relative error above [`TOLERANCE`] in the loss or either gradient.
fn compare(problem: &Problem, chunk: usize, device: &Device, label: &str) {
    let fused = problem.run(
        &|s, t, y| linear_cross_entropy_in_chunks(s, t, y, chunk),
        device,
    );
    let expected = problem.run(&reference, device);
    let (n, d, v) = (problem.n, problem.d, problem.v);
    for (name, actual, expected) in [
        ("loss", &fused[0], &expected[0]),
        ("states gradient", &fused[1], &expected[1]),
        ("table gradient", &fused[2], &expected[2]),
    ] {
        assert!(!expected.is_empty(), "{label}: the reference has no {name}");
        let error = relative_error(actual, expected);
        println!("{label} n {n} d {d} v {v} chunk {chunk}: {name} relative error {error:.2e}");
        assert!(
            error <= TOLERANCE,
            "{label} n {n} d {d} v {v} chunk {chunk}: {name}: relative error {error:e} > {TOLERANCE:e}"
        );
    }
}

#[test]
fn wgpu_chunked_loss_matches_reference_values_and_gradients() {
    let Some(device) = wgpu_device(
        "wgpu_chunked_loss_matches_reference_values_and_gradients",
        "chunked cross-entropy kernel",
    ) else {
        return;
    };
    // 96 items per chunk: fewer than v and not a divisor of it (10 full chunks and one of 40).
    let problem = Problem::new(37, 16, 1000);
    assert!(chunk_items(37, 1000, 96) == 96 && 1000 % 96 != 0);
    compare(&problem, 96, &device, "wgpu");
    // Chunks narrower than the 64 units that share a row (idle units), d not a multiple of 4,
    // more rows than one cube's units.
    compare(&Problem::new(130, 5, 300), 40, &device, "wgpu");
    // One item per chunk, and the automatic chunk (the whole catalogue in one).
    compare(&Problem::new(9, 8, 23), 1, &device, "wgpu");
    compare(&problem, 0, &device, "wgpu");
}

#[test]
fn flex_loss_matches_reference_values_and_gradients() {
    // The CPU body ignores the chunk; the comparison pins the same problem on flex.
    compare(&Problem::new(37, 16, 1000), 96, &Device::flex(), "flex");
}

#[test]
fn wgpu_targets_outside_the_catalogue_give_nan_rows() {
    let Some(device) = wgpu_device(
        "wgpu_targets_outside_the_catalogue_give_nan_rows",
        "chunked cross-entropy kernel",
    ) else {
        return;
    };
    let problem = Problem::new(6, 4, 50);
    let states = Tensor::<2>::from_data(TensorData::new(problem.states.clone(), [6, 4]), &device);
    let table = Tensor::<2>::from_data(TensorData::new(problem.table.clone(), [50, 4]), &device);
    let targets = vec![3_i64, -1, 49, 50, 1_000, 0];
    let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [6]), &device);
    let loss = to_vec(linear_cross_entropy_in_chunks(states, table, targets, 16));
    for (row, value) in loss.iter().enumerate() {
        let outside = matches!(row, 1 | 3 | 4);
        assert_eq!(
            value.is_nan(),
            outside,
            "row {row}: loss {value} ({loss:?})"
        );
        assert!(outside || *value > 0.0, "row {row}: loss {value}");
    }
}
