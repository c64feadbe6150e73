//! The fused linear + softmax cross-entropy (`sequda::kernels::cross_entropy`) against the
//! reference built from burn's `log_softmax` + `gather` over the full `[n, v]` logits: on wgpu
//! that is the chunked path (item chunks, `#[cube]` online log-sum-exp, never `[n, v]`), on
//! flex the CPU row pass. `cargo bench --bench cross_entropy` (`-- --small` for a short run on
//! a software adapter). One JSON line per measurement:
//!
//! - `"check"` lines: the largest relative error of the loss and of both gradients against the
//!   reference, and of both against f64 arithmetic (weighted upstream gradient, a chunk that
//!   does not divide `v`); the process exits with status 1 when the fused loss is more than
//!   1e-4 from the reference at the tests' size (the larger check is for information);
//! - timing lines, `{"workload", "backend", "impl", "ms", ...}`: median milliseconds of one
//!   forward + backward at SASRec-CE size (`n` = 128 × 50 rows, `d` = 64), against the
//!   reference where it fits, and the chunked path alone on a million items.

use std::time::{Duration, Instant};

use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, DeviceKind, Int, Tensor, TensorData};
use sequda::kernels::cross_entropy::linear_cross_entropy_in_chunks;
use sequda::train::device::list_adapters;

/// Largest tolerated relative error of the check.
const TOLERANCE: f32 = 1e-4;
/// Timed repetitions stop after this long (at least [`MIN_REPS`] are taken)…
const BUDGET: Duration = Duration::from_secs(2);
/// …or after this many.
const MAX_REPS: usize = 10;
const MIN_REPS: usize = 3;

/// `(states, table, targets) → loss [n]`.
type Loss = fn(Tensor<2>, Tensor<2>, Tensor<1, Int>) -> Tensor<1>;

fn main() {
    let small = std::env::args().any(|a| a == "--small");
    let mut backends = vec![("flex".to_string(), Device::flex())];
    match list_adapters().first() {
        Some(adapter) => backends.push((
            format!(
                "wgpu {} ({}, {})",
                adapter.name, adapter.backend, adapter.device_type
            ),
            Device::wgpu(DeviceKind::DefaultDevice),
        )),
        None => eprintln!("WARNING: no wgpu adapter: the chunked GPU path is not measured"),
    }
    let mut failed = false;
    for (backend, device) in &backends {
        // The acceptance check (tests/kernel_cross_entropy.rs's size): fused vs reference.
        failed |= !check(&Problem::new(37, 16, 1000), 96, backend, device, true);
        // Larger, for information: both f32 paths against f64 (not gated: over 10,000 items
        // both sit near 10⁻⁴ from f64 on the elements the states' gradient sums cancel).
        check(&Problem::new(300, 64, 10_000), 768, backend, device, false);
    }
    // Timings on the GPU only: the CPU's row pass has its own benchmark (docs/benchmark-log.md).
    let scale = if small { 10 } else { 1 };
    for (backend, device) in backends.iter().skip(1) {
        let rows = 128 * 50 / scale;
        let problem = Problem::new(rows, 64, 50_000 / scale);
        for (implementation, loss) in [("chunked", chunked as Loss), ("reference", reference)] {
            report(
                &problem,
                backend,
                implementation,
                time(&problem, device, loss),
            );
        }
        let problem = Problem::new(rows, 64, 1_000_000 / scale);
        report(
            &problem,
            backend,
            "chunked",
            time(&problem, device, chunked),
        );
    }
    if failed {
        std::process::exit(1);
    }
}

/// The fused loss, the backend's own chunk.
fn chunked(states: Tensor<2>, table: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    linear_cross_entropy_in_chunks(states, table, targets, 0)
}

/// burn's `log_softmax` over the full `[n, v]` logits, then `gather`.
fn reference(states: Tensor<2>, table: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [n] = targets.dims();
    log_softmax(states.matmul(table.transpose()), 1)
        .gather(1, targets.reshape([n, 1]))
        .reshape([n])
        .neg()
}

/// States `[n, d]`, table `[v, d]`, targets `[n]` and upstream weights `[n]`.
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
    fn new(n: usize, d: usize, v: usize) -> Self {
        Self {
            n,
            d,
            v,
            states: pseudo_random(n * d, 1, 0.5),
            table: pseudo_random(v * d, 2, 0.5),
            // Rows share targets (repeated rows of the table's gradient).
            targets: (0..n)
                .map(|i| ((i * 7919) % v.min(n * 2 / 3 + 1)) as i64)
                .collect(),
            weights: pseudo_random(n, 3, 2.0),
        }
    }

    /// Loss `[n]` and the gradients of `Σ weights ⊙ loss` (states `[n, d]`, table `[v, d]`) in
    /// f64 on the host: `G = (softmax − onehot) · w`, `∂S = G · E`, `∂E = Gᵀ · S`.
    fn truth(&self) -> [Vec<f32>; 3] {
        let (n, d, v) = (self.n, self.d, self.v);
        let (mut loss, mut states, mut table) = (vec![0.0; n], vec![0.0; n * d], vec![0.0; v * d]);
        let mut logits = vec![0.0_f64; v];
        for i in 0..n {
            let s = &self.states[i * d..(i + 1) * d];
            for (j, logit) in logits.iter_mut().enumerate() {
                let e = &self.table[j * d..(j + 1) * d];
                *logit = s
                    .iter()
                    .zip(e)
                    .map(|(a, b)| f64::from(*a) * f64::from(*b))
                    .sum();
            }
            let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = max + logits.iter().map(|x| (x - max).exp()).sum::<f64>().ln();
            let target = self.targets[i] as usize;
            loss[i] = lse - logits[target];
            let weight = f64::from(self.weights[i]);
            for (j, logit) in logits.iter().enumerate() {
                let onehot = if j == target { 1.0 } else { 0.0 };
                let g = ((logit - lse).exp() - onehot) * weight;
                for k in 0..d {
                    states[i * d + k] += g * f64::from(self.table[j * d + k]);
                    table[j * d + k] += g * f64::from(s[k]);
                }
            }
        }
        let narrow = |values: Vec<f64>| values.into_iter().map(|x| x as f32).collect();
        [narrow(loss), narrow(states), narrow(table)]
    }

    /// States, table, targets and weights on `device`.
    fn tensors(&self, device: &Device) -> Inputs {
        (
            Tensor::from_data(
                TensorData::new(self.states.clone(), [self.n, self.d]),
                device,
            ),
            Tensor::from_data(
                TensorData::new(self.table.clone(), [self.v, self.d]),
                device,
            ),
            Tensor::from_data(TensorData::new(self.targets.clone(), [self.n]), device),
            Tensor::from_data(TensorData::new(self.weights.clone(), [self.n]), device),
        )
    }

    /// Loss `[n]` and the gradients of `Σ weights ⊙ loss` (states `[n, d]`, table `[v, d]`),
    /// read back.
    fn run(&self, loss: &LossRef, device: &Device) -> Result<[Vec<f32>; 3], String> {
        let inputs = self.tensors(&device.clone().autodiff());
        let (value, states_grad, table_grad) = forward_backward(inputs, loss)?;
        Ok([read(value)?, read(states_grad)?, read(table_grad)?])
    }
}

/// `(states, table, targets, weights)` on an autodiff device.
type Inputs = (Tensor<2>, Tensor<2>, Tensor<1, Int>, Tensor<1>);
/// A loss as a trait object (closures with a chunk, or [`Loss`]).
type LossRef = dyn Fn(Tensor<2>, Tensor<2>, Tensor<1, Int>) -> Tensor<1>;

/// Loss `[n]` and the gradients of `Σ weights ⊙ loss` for states and table, on the device.
fn forward_backward(
    inputs: Inputs,
    loss: &LossRef,
) -> Result<(Tensor<1>, Tensor<2>, Tensor<2>), String> {
    let (states, table, targets, weights) = inputs;
    let (states, table) = (states.require_grad(), table.require_grad());
    let value = loss(states.clone(), table.clone(), targets);
    let grads = (value.clone() * weights).sum().backward();
    let states_grad = states.grad(&grads).ok_or("no states gradient")?;
    let table_grad = table.grad(&grads).ok_or("no table gradient")?;
    Ok((value, states_grad, table_grad))
}

/// Loss and gradients with `chunk` items per chunk against the reference, and both against
/// plain f64 arithmetic on the host; prints one line and says whether the fused loss is within
/// [`TOLERANCE`] of the reference (`gated`: only printed, whether it fails the run is the
/// caller's).
fn check(problem: &Problem, chunk: usize, backend: &str, device: &Device, gated: bool) -> bool {
    let fused = problem.run(
        &move |s, t, y| linear_cross_entropy_in_chunks(s, t, y, chunk),
        device,
    );
    let expected = problem.run(&reference, device);
    let truth = problem.truth();
    let (n, d, v) = (problem.n, problem.d, problem.v);
    let head = format!(
        "{{\"check\": \"fused vs reference (and both vs f64)\", \"backend\": \"{backend}\", \"n\": {n}, \"d\": {d}, \"v\": {v}, \"chunk\": {chunk}"
    );
    match (fused, expected) {
        (Ok(fused), Ok(expected)) => {
            let errors = |values: &[Vec<f32>; 3], truth: &[Vec<f32>; 3]| -> [f32; 3] {
                [0, 1, 2].map(|i| relative_error(&values[i], &truth[i]))
            };
            let (fused_errors, reference_errors) =
                (errors(&fused, &truth), errors(&expected, &truth));
            let between = errors(&fused, &expected);
            let ok = between.iter().all(|e| *e <= TOLERANCE);
            let show = |e: [f32; 3]| format!("[{:.2e}, {:.2e}, {:.2e}]", e[0], e[1], e[2]);
            println!(
                "{head}, \"errors\": \"[loss, states_grad, table_grad]\", \"fused\": {}, \"reference\": {}, \"fused_vs_reference\": {}, \"tolerance\": {TOLERANCE:e}, \"gated\": {gated}, \"ok\": {ok}}}",
                show(fused_errors),
                show(reference_errors),
                show(between)
            );
            ok
        }
        (fused, expected) => {
            let error = fused.err().or(expected.err()).unwrap_or_default();
            println!("{head}, \"ok\": false, \"error\": \"{}\"}}", clean(&error));
            false
        }
    }
}

/// Median milliseconds of one forward + backward (after one untimed warm-up), inputs already
/// on the device, and the
/// repetitions taken; the first failure ends the measurement.
fn time(problem: &Problem, device: &Device, loss: Loss) -> Result<(f64, usize), String> {
    let device = device.clone().autodiff();
    let inputs = problem.tensors(&device);
    // Only two sums come back: the inputs' upload and the gradients' read-back stay untimed.
    let step = || -> Result<(), String> {
        let (value, states_grad, table_grad) = forward_backward(inputs.clone(), &loss)?;
        let sums = Tensor::cat(vec![value.sum(), states_grad.sum(), table_grad.sum()], 0);
        std::hint::black_box(read(sums)?);
        Ok(())
    };
    step()?;
    let started = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < MIN_REPS || (samples.len() < MAX_REPS && started.elapsed() < BUDGET) {
        let start = Instant::now();
        step()?;
        samples.push(start.elapsed().as_secs_f64() * 1e3);
    }
    samples.sort_by(f64::total_cmp);
    Ok((samples[samples.len() / 2], samples.len()))
}

fn report(
    problem: &Problem,
    backend: &str,
    implementation: &str,
    times: Result<(f64, usize), String>,
) {
    let (n, d, v) = (problem.n, problem.d, problem.v);
    let head = format!(
        "{{\"workload\": \"forward+backward n {n} d {d} v {v}\", \"backend\": \"{backend}\", \"impl\": \"{implementation}\""
    );
    match times {
        Ok((ms, reps)) => println!("{head}, \"ms\": {ms:.3}, \"reps\": {reps}}}"),
        Err(error) => println!("{head}, \"ms\": null, \"error\": \"{}\"}}", clean(&error)),
    }
}

/// The text without characters that would break a JSON string.
fn clean(text: &str) -> String {
    text.replace(['"', '\\', '\n'], " ")
}

/// A tensor's values (waits for the device and surfaces a failed kernel).
fn read<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, String> {
    let data = tensor.try_into_data().map_err(|error| format!("{error}"))?;
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|error| format!("{error:?}"))
}

/// `max_i |a_i − b_i| / max(|a_i|, |b_i|, 10⁻³ · max_j |b_j|)`; NaN counts as infinite.
fn relative_error(actual: &[f32], expected: &[f32]) -> f32 {
    if actual.len() != expected.len() {
        return f32::INFINITY;
    }
    let scale = expected.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
    let floor = (1e-3 * scale).max(f32::MIN_POSITIVE);
    actual
        .iter()
        .zip(expected)
        .map(|(a, b)| (a - b).abs() / a.abs().max(b.abs()).max(floor))
        .fold(
            0.0,
            |m: f32, e| if e.is_nan() { f32::INFINITY } else { m.max(e) },
        )
}

/// Deterministic values in [-scale, scale).
fn pseudo_random(len: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            scale * ((state >> 40) as f32 / (1u64 << 23) as f32 - 1.0)
        })
        .collect()
}
