//! The custom CSR × dense kernel (`sequda::kernels::spmm`) against the pure-burn reference
//! (gather + scatter-add) and against plain CPU arithmetic, values and gradients, on flex and
//! on wgpu (the WGSL kernel).
//!
//! Without any wgpu adapter the wgpu tests print a loud warning and pass; with
//! `SEQUDA_REQUIRE_ADAPTER=1` (CI, which has Mesa lavapipe) they fail instead.

mod kernel_common;

use burn::tensor::{Device, Tensor, TensorData};
use kernel_common::{pseudo_random, relative_error, wgpu_device};
use sequda::data::graph::{Csr, InteractionGraph};
use sequda::kernels::spmm::{SparseMatrix, sparse_matmul, sparse_matmul_reference};

/// Largest tolerated relative error (see [`relative_error`]).
const TOLERANCE: f32 = 1e-4;

fn to_vec(tensor: Tensor<2>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap_or_default()
}

/// Output and gradient of `Σ weights ⊙ f(matrix, dense)` with respect to `dense`.
fn forward_backward(
    f: fn(&SparseMatrix, Tensor<2>) -> Tensor<2>,
    matrix: &SparseMatrix,
    dense: &[f32],
    weights: &[f32],
    width: usize,
    device: &Device,
) -> (Vec<f32>, Vec<f32>) {
    let (rows, columns) = (matrix.n_rows(), matrix.n_cols());
    let x = Tensor::<2>::from_data(TensorData::new(dense.to_vec(), [columns, width]), device)
        .require_grad();
    let w = Tensor::<2>::from_data(TensorData::new(weights.to_vec(), [rows, width]), device);
    let output = f(matrix, x.clone());
    let grads = (output.clone() * w).sum().backward();
    let gradient = x.grad(&grads).map(to_vec).unwrap_or_default();
    (to_vec(output), gradient)
}

/// Kernel vs reference vs CPU arithmetic on one matrix and width; returns the largest
/// (value, gradient) relative error of the kernel against the reference.
fn compare(csr: &Csr, width: usize, device: &Device, label: &str) -> (f32, f32) {
    let device = device.clone().autodiff();
    let matrix = SparseMatrix::new(csr, &device).expect("valid CSR");
    let dense = pseudo_random(csr.n_cols * width, width as u64 + 1, 1.0);
    let weights = pseudo_random(csr.n_rows * width, width as u64 + 101, 1.0);
    let (kernel, kernel_grad) =
        forward_backward(sparse_matmul, &matrix, &dense, &weights, width, &device);
    let (reference, reference_grad) = forward_backward(
        sparse_matmul_reference,
        &matrix,
        &dense,
        &weights,
        width,
        &device,
    );
    // Plain arithmetic: A·x and, for the gradient of Σ w ⊙ (A·x), Aᵀ·w.
    let truth = csr.multiply_dense(&dense, width);
    let truth_grad = csr.transpose().multiply_dense(&weights, width);

    let value_error = relative_error(&kernel, &reference);
    let grad_error = relative_error(&kernel_grad, &reference_grad);
    println!(
        "{label} width {width}: kernel vs reference: values {value_error:.2e}, gradients {grad_error:.2e}"
    );
    for (name, error) in [
        ("kernel values vs reference", value_error),
        ("kernel gradients vs reference", grad_error),
        (
            "kernel values vs CPU arithmetic",
            relative_error(&kernel, &truth),
        ),
        (
            "kernel gradients vs CPU arithmetic",
            relative_error(&kernel_grad, &truth_grad),
        ),
        (
            "reference values vs CPU arithmetic",
            relative_error(&reference, &truth),
        ),
        (
            "reference gradients vs CPU arithmetic",
            relative_error(&reference_grad, &truth_grad),
        ),
    ] {
        assert!(
            error <= TOLERANCE,
            "{label}, width {width}: {name}: relative error {error:e} > {TOLERANCE:e}"
        );
    }
    (value_error, grad_error)
}

/// 7 × 7, asymmetric, rows 2 and 6 empty, column 0 empty, a row with a repeated pattern.
fn asymmetric() -> Csr {
    Csr {
        n_rows: 7,
        n_cols: 7,
        row_offsets: vec![0, 2, 4, 4, 7, 8, 11, 11],
        columns: vec![1, 5, 3, 6, 1, 2, 4, 6, 1, 3, 5],
        values: vec![0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0, 1.0, -2.0, 0.125, 0.6],
    }
}

/// The user–item graph of 60 users over 40 items (a few items never seen: empty rows).
fn interaction_graph() -> Csr {
    let train: Vec<Vec<u32>> = (0..60u32)
        .map(|u| (0..(u % 9)).map(|t| (u * 7 + t * t * 3) % 36).collect())
        .collect();
    InteractionGraph::from_train(&train, 40).adjacency
}

/// A power-law-ish asymmetric matrix: row r has (r % 17)² % 50 entries.
fn skewed(n_rows: usize) -> Csr {
    let mut csr = Csr {
        n_rows,
        n_cols: n_rows,
        row_offsets: vec![0],
        ..Csr::default()
    };
    for r in 0..n_rows {
        let count = (r % 17) * (r % 17) % 50;
        let mut columns: Vec<u32> = (0..count)
            .map(|k| ((r * 31 + k * k * 7 + 3) % n_rows) as u32)
            .collect();
        columns.sort_unstable();
        columns.dedup();
        for c in columns {
            csr.columns.push(c);
            csr.values.push(1.0 / (1.0 + (r + c as usize) as f32 % 5.0));
        }
        csr.row_offsets.push(csr.columns.len() as u32);
    }
    csr
}

/// The interaction graph's user rows and item columns: 60 × 40, the shape LightGCN's
/// item-only propagation multiplies by.
fn user_item_block() -> Csr {
    let graph = interaction_graph();
    let users = 60;
    graph.block(0..users, users..graph.n_cols)
}

fn cases() -> Vec<(&'static str, Csr)> {
    vec![
        ("asymmetric", asymmetric()),
        ("asymmetric transposed", asymmetric().transpose()),
        ("interaction graph", interaction_graph()),
        ("skewed 500", skewed(500)),
        ("users from items (rectangular)", user_item_block()),
        (
            "items from users (rectangular)",
            user_item_block().transpose(),
        ),
    ]
}

/// Widths for the scalar path (not a multiple of 4), the vec4 path with few and with many
/// lanes, and rows wider than one workgroup (several vectors per lane).
const WIDTHS: [usize; 5] = [1, 5, 8, 64, 300];

#[test]
fn flex_kernel_matches_reference_values_and_gradients() {
    let device = Device::flex();
    let (mut worst_value, mut worst_grad) = (0.0_f32, 0.0_f32);
    for (label, csr) in cases() {
        for width in WIDTHS {
            let (value, grad) = compare(&csr, width, &device, &format!("flex {label}"));
            worst_value = worst_value.max(value);
            worst_grad = worst_grad.max(grad);
        }
    }
    println!("flex: max relative error values {worst_value:.2e}, gradients {worst_grad:.2e}");
}

#[test]
fn wgpu_kernel_matches_reference_values_and_gradients() {
    let Some(device) = wgpu_device(
        "wgpu_kernel_matches_reference_values_and_gradients",
        "WGSL SpMM kernel",
    ) else {
        return;
    };
    let (mut worst_value, mut worst_grad) = (0.0_f32, 0.0_f32);
    for (label, csr) in cases() {
        for width in WIDTHS {
            let (value, grad) = compare(&csr, width, &device, &format!("wgpu {label}"));
            worst_value = worst_value.max(value);
            worst_grad = worst_grad.max(grad);
        }
    }
    println!("wgpu: max relative error values {worst_value:.2e}, gradients {worst_grad:.2e}");
}

/// More workgroups than one grid axis holds (65,535): the kernel's 2-D grid must reach every row.
#[test]
fn wgpu_kernel_covers_a_two_dimensional_grid() {
    let Some(device) = wgpu_device(
        "wgpu_kernel_covers_a_two_dimensional_grid",
        "WGSL SpMM kernel",
    ) else {
        return;
    };
    // width 256 → 64 lanes per row → one row per workgroup; 70,000 rows → 2 grid rows.
    let (n_rows, width) = (70_000, 256);
    let csr = Csr {
        n_rows,
        n_cols: n_rows,
        row_offsets: (0..=n_rows as u32).collect(),
        columns: (0..n_rows as u32)
            .map(|r| (r * 7 + 1) % n_rows as u32)
            .collect(),
        values: (0..n_rows).map(|r| 1.0 + (r % 3) as f32).collect(),
    };
    let matrix = SparseMatrix::new(&csr, &device).expect("valid CSR");
    let dense = pseudo_random(n_rows * width, 5, 1.0);
    let x = Tensor::<2>::from_data(TensorData::new(dense.clone(), [n_rows, width]), &device);
    let output = to_vec(sparse_matmul(&matrix, x));
    let error = relative_error(&output, &csr.multiply_dense(&dense, width));
    assert!(error <= TOLERANCE, "relative error {error:e}");
}

#[test]
fn flex_kernel_without_autodiff_and_without_entries() {
    plain_strided_and_empty(&Device::flex());
}

#[test]
fn wgpu_kernel_without_autodiff_and_without_entries() {
    if let Some(device) = wgpu_device(
        "wgpu_kernel_without_autodiff_and_without_entries",
        "WGSL SpMM kernel",
    ) {
        plain_strided_and_empty(&device);
    }
}

/// The kernel also runs without autodiff and on strided or offset operands, and a matrix with
/// no entries gives zeros.
fn plain_strided_and_empty(device: &Device) {
    let device = device.clone();
    let csr = asymmetric();
    let matrix = SparseMatrix::new(&csr, &device).expect("valid CSR");
    let dense = pseudo_random(7 * 4, 9, 1.0);
    let x = Tensor::<2>::from_data(TensorData::new(dense.clone(), [7, 4]), &device);
    let error = relative_error(
        &to_vec(sparse_matmul(&matrix, x)),
        &csr.multiply_dense(&dense, 4),
    );
    assert!(error <= TOLERANCE, "relative error {error:e}");

    // A non-contiguous operand (a transposed view) and a row slice of a larger tensor.
    let transposed = Tensor::<2>::from_data(TensorData::new(dense.clone(), [4, 7]), &device);
    let expected = csr.multiply_dense(&to_vec(transposed.clone().transpose()), 4);
    let output = to_vec(sparse_matmul(&matrix, transposed.transpose()));
    assert!(
        relative_error(&output, &expected) <= TOLERANCE,
        "transposed view"
    );
    let taller = pseudo_random(9 * 4, 10, 1.0);
    let sliced = Tensor::<2>::from_data(TensorData::new(taller.clone(), [9, 4]), &device);
    let output = to_vec(sparse_matmul(&matrix, sliced.slice([1..8, 0..4])));
    let expected = csr.multiply_dense(&taller[4..32], 4);
    assert!(relative_error(&output, &expected) <= TOLERANCE, "row slice");

    let empty = Csr {
        n_rows: 3,
        n_cols: 3,
        row_offsets: vec![0; 4],
        ..Csr::default()
    };
    let matrix = SparseMatrix::new(&empty, &device).expect("valid CSR");
    let output = to_vec(sparse_matmul(&matrix, Tensor::<2>::ones([3, 2], &device)));
    assert_eq!(output, vec![0.0; 6]);
}

/// Back-to-back launches on a large matrix: every read-back must see its own launch's result.
#[test]
fn wgpu_kernel_repeated_launches_read_fresh_results() {
    let Some(device) = wgpu_device(
        "wgpu_kernel_repeated_launches_read_fresh_results",
        "WGSL SpMM kernel",
    ) else {
        return;
    };
    let (n_rows, width) = (4000, 64);
    let csr = Csr {
        n_rows,
        n_cols: n_rows,
        row_offsets: (0..=n_rows as u32).map(|r| r * 100).collect(),
        columns: (0..n_rows as u32 * 100)
            .map(|e| (e * 37) % n_rows as u32)
            .collect(),
        values: (0..n_rows * 100).map(|e| (e % 7) as f32 * 0.1).collect(),
    };
    let transpose = csr.transpose();
    let matrices = [
        SparseMatrix::new(&csr, &device).expect("valid CSR"),
        SparseMatrix::new(&transpose, &device).expect("valid CSR"),
    ];
    let dense = pseudo_random(n_rows * width, 20, 1.0);
    let expected = [
        csr.multiply_dense(&dense, width),
        transpose.multiply_dense(&dense, width),
    ];
    // One operand for every launch, the two matrices in turn: a read that returned an earlier
    // launch's bytes would hold the other product.
    let x = Tensor::<2>::from_data(TensorData::new(dense, [n_rows, width]), &device);
    for round in 0..8 {
        let started = std::time::Instant::now();
        let output = to_vec(sparse_matmul(&matrices[round % 2], x.clone()));
        println!("round {round}: {:?}", started.elapsed());
        let error = relative_error(&output, &expected[round % 2]);
        assert!(
            error <= TOLERANCE,
            "round {round}: relative error {error:e}"
        );
    }
}
