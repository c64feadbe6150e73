//! The custom CSR × dense kernel against the pure-burn reference (gather + scatter-add), forward
//! and forward + backward, on flex (CPU) and on wgpu, at LightGCN size: the training graphs of
//! ML-1M and Beauty from ../shared/data when present, else a synthetic power-law graph of
//! ML-1M's size. `cargo bench --bench spmm`; one JSON line per measurement:
//! `{"workload", "backend", "impl", "ms", ...}` with the median over the timed repetitions.

use std::path::Path;
use std::time::{Duration, Instant};

use burn::tensor::{Device, DeviceKind, Tensor, TensorData};
use sequda::data::graph::{Csr, InteractionGraph};
use sequda::data::{LoadOptions, leave_one_out, load_dataset};
use sequda::kernels::spmm::{SparseMatrix, sparse_matmul, sparse_matmul_reference};
use sequda::train::device::list_adapters;

/// Embedding width (docs/MODEL.md default).
const WIDTH: usize = 64;
/// Timed repetitions stop after this long (at least [`MIN_REPS`] are taken)…
const BUDGET: Duration = Duration::from_secs(3);
/// …or after this many.
const MAX_REPS: usize = 20;
const MIN_REPS: usize = 3;

type Product = fn(&SparseMatrix, Tensor<2>) -> Tensor<2>;

fn main() {
    let mut graphs = Vec::new();
    for (name, path) in [
        ("ml-1m", "../shared/data/ml-1m/ml-1m.txt"),
        (
            "beauty",
            "../shared/data/amazon-beauty/5core-s3rec/Beauty.txt",
        ),
    ] {
        match load_dataset(Path::new(path), &LoadOptions::default()) {
            Ok(dataset) => {
                let split = leave_one_out(&dataset.sequences);
                graphs.push((
                    name.to_string(),
                    InteractionGraph::from_train(&split.train, dataset.n_items()),
                ));
            }
            Err(error) => eprintln!("{name}: {error}; skipped"),
        }
    }
    if graphs.is_empty() {
        eprintln!("no real dataset found: using a synthetic power-law graph of ML-1M's size");
        graphs.push((
            "synthetic 6040x3416".to_string(),
            synthetic_graph(6040, 3416, 165),
        ));
    }

    let mut backends = vec![("flex".to_string(), Device::flex())];
    match list_adapters().first() {
        Some(adapter) => backends.push((
            format!(
                "wgpu {} ({}, {})",
                adapter.name, adapter.backend, adapter.device_type
            ),
            Device::wgpu(DeviceKind::DefaultDevice),
        )),
        None => eprintln!("WARNING: no wgpu adapter: the wgpu backend is not measured"),
    }

    for (name, graph) in &graphs {
        let csr = &graph.adjacency;
        eprintln!(
            "{name}: {} nodes, {} stored entries, width {WIDTH}",
            csr.n_rows,
            csr.nnz()
        );
        let dense = pseudo_random(csr.n_rows * WIDTH, 1);
        let weights = pseudo_random(csr.n_rows * WIDTH, 2);
        for (backend, device) in &backends {
            for (implementation, product) in [
                ("kernel", sparse_matmul as Product),
                ("reference", sparse_matmul_reference as Product),
            ] {
                let forward = time_forward(csr, device, product, &dense);
                report(name, "forward", backend, implementation, csr.nnz(), forward);
                let both = time_forward_backward(csr, device, product, &dense, &weights);
                report(
                    name,
                    "forward+backward",
                    backend,
                    implementation,
                    csr.nnz(),
                    both,
                );
            }
        }
    }
}

fn report(
    graph: &str,
    pass: &str,
    backend: &str,
    implementation: &str,
    nnz: usize,
    times: Result<(f64, usize), String>,
) {
    let head = format!(
        "{{\"workload\": \"{graph} {pass}\", \"backend\": \"{backend}\", \"impl\": \"{implementation}\""
    );
    match times {
        Ok((ms, reps)) => {
            println!(
                "{head}, \"ms\": {ms:.3}, \"nnz\": {nnz}, \"width\": {WIDTH}, \"reps\": {reps}}}"
            )
        }
        Err(error) => {
            let error = error.replace(['"', '\\', '\n'], " ");
            println!(
                "{head}, \"ms\": null, \"nnz\": {nnz}, \"width\": {WIDTH}, \"error\": \"{error}\"}}"
            )
        }
    }
}

/// Median milliseconds of `run` (after one untimed warm-up run) and the repetitions taken; the
/// first failure ends the measurement.
fn median_ms(mut run: impl FnMut() -> Result<(), String>) -> Result<(f64, usize), String> {
    run()?;
    let started = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < MIN_REPS || (samples.len() < MAX_REPS && started.elapsed() < BUDGET) {
        let start = Instant::now();
        run()?;
        samples.push(start.elapsed().as_secs_f64() * 1e3);
    }
    samples.sort_by(f64::total_cmp);
    Ok((samples[samples.len() / 2], samples.len()))
}

/// `A · Z` without autodiff, waiting for the device to finish.
fn time_forward(
    csr: &Csr,
    device: &Device,
    product: Product,
    dense: &[f32],
) -> Result<(f64, usize), String> {
    let matrix = SparseMatrix::new(csr, device).map_err(|e| e.to_string())?;
    let x = Tensor::<2>::from_data(TensorData::new(dense.to_vec(), [csr.n_rows, WIDTH]), device);
    sync(device)?;
    median_ms(|| read_back(product(&matrix, x.clone())))
}

/// `∂/∂Z Σ W ⊙ (A · Z)` through autodiff, waiting for the device to finish.
fn time_forward_backward(
    csr: &Csr,
    device: &Device,
    product: Product,
    dense: &[f32],
    weights: &[f32],
) -> Result<(f64, usize), String> {
    let device = device.clone().autodiff();
    let matrix = SparseMatrix::new(csr, &device).map_err(|e| e.to_string())?;
    let x = Tensor::<2>::from_data(
        TensorData::new(dense.to_vec(), [csr.n_rows, WIDTH]),
        &device,
    );
    let w = Tensor::<2>::from_data(
        TensorData::new(weights.to_vec(), [csr.n_rows, WIDTH]),
        &device,
    );
    sync(&device)?;
    median_ms(|| {
        let x = x.clone().require_grad();
        let grads = (product(&matrix, x.clone()) * w.clone()).sum().backward();
        read_back(x.grad(&grads).ok_or("no gradient")?)
    })
}

/// Waits until the device has finished all queued work (and reports a failed one).
fn sync(device: &Device) -> Result<(), String> {
    device.sync().map_err(|error| format!("{error:?}"))
}

/// Reads the whole result back: waits for it and surfaces a failed kernel (on wgpu a kernel
/// whose buffer could not be allocated is skipped, and only a read reports it). The bytes are
/// touched because a read's bytes may arrive lazily. Costs the same for both implementations
/// (`[n, 64]` floats).
fn read_back(tensor: Tensor<2>) -> Result<(), String> {
    let data = tensor.try_into_data().map_err(|error| format!("{error}"))?;
    let values = data
        .as_slice::<f32>()
        .map_err(|error| format!("{error:?}"))?;
    std::hint::black_box(values.iter().sum::<f32>());
    Ok(())
}

/// Deterministic values in [-1, 1).
fn pseudo_random(len: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// `users` users with about `mean_length` items each, item popularity ∝ 1 / rank (Zipf).
fn synthetic_graph(users: usize, items: usize, mean_length: usize) -> InteractionGraph {
    let harmonic: f64 = (1..=items).map(|r| 1.0 / r as f64).sum();
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let train: Vec<Vec<u32>> = (0..users)
        .map(|_| {
            let length = ((next() * 2.0 * mean_length as f64) as usize).max(3);
            (0..length)
                .map(|_| {
                    // Inverse of the Zipf CDF, approximately: rank ≈ exp(u · H) .
                    let rank = (next() * harmonic).exp() as usize;
                    (rank.clamp(1, items) - 1) as u32
                })
                .collect()
        })
        .collect();
    InteractionGraph::from_train(&train, items)
}
