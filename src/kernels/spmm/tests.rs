//! Unit tests on flex (the CPU backend). tests/kernel_spmm.rs compares kernel and reference on
//! flex and on wgpu, values and gradients.

use burn::tensor::{Device, Tensor, TensorData};

use super::*;
use crate::data::graph::Csr;
use crate::data::graph::InteractionGraph;

/// A 4 × 4 asymmetric matrix with an empty row (row 2) and an empty column (column 0):
/// ```text
/// [0 1 0 2]
/// [0 0 3 0]
/// [0 0 0 0]
/// [0 4 5 6]
/// ```
fn asymmetric() -> Csr {
    Csr {
        n_rows: 4,
        n_cols: 4,
        row_offsets: vec![0, 2, 3, 3, 6],
        columns: vec![1, 3, 2, 1, 2, 3],
        values: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    }
}

fn dense(rows: usize, width: usize) -> Vec<f32> {
    (0..rows * width)
        .map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0)
        .collect()
}

fn values(tensor: Tensor<2>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap_or_default()
}

fn assert_close(actual: &[f32], expected: &[f32], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= 1e-5 * e.abs().max(1.0),
            "{what}[{i}]: {a} vs {e}"
        );
    }
}

#[test]
fn flex_kernel_matches_the_cpu_reference_product() {
    let device = Device::flex();
    for csr in [
        asymmetric(),
        asymmetric().transpose(),
        InteractionGraph::from_train(&[vec![0, 1], vec![1, 2], vec![]], 4).adjacency,
    ] {
        let matrix = SparseMatrix::new(&csr, &device).expect("valid CSR");
        for width in [1, 3, 4, 8] {
            let x = dense(csr.n_rows, width);
            let tensor =
                Tensor::<2>::from_data(TensorData::new(x.clone(), [csr.n_rows, width]), &device);
            let expected = csr.multiply_dense(&x, width);
            assert_close(
                &values(sparse_matmul(&matrix, tensor.clone())),
                &expected,
                "kernel",
            );
            assert_close(
                &values(sparse_matmul_reference(&matrix, tensor)),
                &expected,
                "reference",
            );
        }
    }
}

#[test]
fn gradient_is_the_transposed_product() {
    let device = Device::flex().autodiff();
    let csr = asymmetric();
    let matrix = SparseMatrix::new(&csr, &device).expect("valid CSR");
    let width = 3;
    let weights = dense(4, width)
        .into_iter()
        .map(|v| v + 0.25)
        .collect::<Vec<_>>();
    let x = Tensor::<2>::from_data(TensorData::new(dense(4, width), [4, width]), &device)
        .require_grad();
    let w = Tensor::<2>::from_data(TensorData::new(weights.clone(), [4, width]), &device);
    let grads = (sparse_matmul(&matrix, x.clone()) * w).sum().backward();
    let gradient = x.grad(&grads).expect("dense gets a gradient");
    // d/dx Σ w ⊙ (A x) = Aᵀ w; with the asymmetric A this differs from A w.
    let expected = csr.transpose().multiply_dense(&weights, width);
    assert_close(&values(gradient), &expected, "gradient");
    assert_ne!(expected, csr.multiply_dense(&weights, width));
}

#[test]
fn empty_matrix_and_untracked_autodiff() {
    let empty = Csr {
        n_rows: 3,
        n_cols: 3,
        row_offsets: vec![0; 4],
        ..Csr::default()
    };
    let device = Device::flex().autodiff();
    let matrix = SparseMatrix::new(&empty, &device).expect("valid CSR");
    let x = Tensor::<2>::ones([3, 2], &device);
    assert_eq!(values(sparse_matmul(&matrix, x.clone())), vec![0.0; 6]);
    assert_eq!(values(sparse_matmul_reference(&matrix, x)), vec![0.0; 6]);
}

#[test]
fn row_counts_are_the_entries_of_each_row() {
    let device = Device::flex();
    let matrix = SparseMatrix::new(&asymmetric(), &device).expect("valid CSR");
    assert_eq!(matrix.row_counts(), &[2, 1, 0, 3]);
    let transpose = SparseMatrix::new(&asymmetric().transpose(), &device).expect("valid CSR");
    assert_eq!(transpose.row_counts(), &[0, 2, 2, 2]);
}

#[test]
fn malformed_csr_is_rejected() {
    let device = Device::flex();
    let mut short = asymmetric();
    short.row_offsets.pop();
    assert!(matches!(
        SparseMatrix::new(&short, &device),
        Err(SparseMatrixError::Malformed(_))
    ));
    let mut falling = asymmetric();
    falling.row_offsets = vec![0, 3, 2, 3, 6];
    assert!(matches!(
        SparseMatrix::new(&falling, &device),
        Err(SparseMatrixError::Malformed(_))
    ));
    let mut wide = asymmetric();
    wide.columns[4] = 4;
    assert_eq!(
        SparseMatrix::new(&wide, &device).err(),
        Some(SparseMatrixError::ColumnOutOfRange {
            entry: 4,
            column: 4,
            n_cols: 4
        })
    );
    let mut unpaired = asymmetric();
    unpaired.values.pop();
    assert!(matches!(
        SparseMatrix::new(&unpaired, &device),
        Err(SparseMatrixError::Malformed(_))
    ));
}

#[test]
#[should_panic(expected = "dense has 3 rows, the matrix 4")]
fn wrong_dense_height_panics() {
    let device = Device::flex();
    let matrix = SparseMatrix::new(&asymmetric(), &device).expect("valid CSR");
    let _ = sparse_matmul(&matrix, Tensor::<2>::zeros([3, 2], &device));
}

#[test]
fn one_matrix_serves_plain_autodiff_and_checkpointing_operands() {
    let csr = asymmetric();
    let x = dense(4, 2);
    let expected_values = csr.multiply_dense(&x, 2);
    let expected_gradient = csr.transpose().multiply_dense(&[1.0; 8], 2);
    for device in [
        Device::flex().autodiff(),
        Device::flex().autodiff().gradient_checkpointing(),
    ] {
        for (matrix_device, product) in [
            (
                Device::flex(),
                sparse_matmul as fn(&SparseMatrix, Tensor<2>) -> Tensor<2>,
            ),
            (Device::flex().autodiff(), sparse_matmul),
            (Device::flex(), sparse_matmul_reference),
            (Device::flex().autodiff(), sparse_matmul_reference),
        ] {
            let matrix = SparseMatrix::new(&csr, &matrix_device).expect("valid CSR");
            let tensor =
                Tensor::<2>::from_data(TensorData::new(x.clone(), [4, 2]), &device).require_grad();
            let output = product(&matrix, tensor.clone());
            let grads = output.clone().sum().backward();
            assert_close(&values(output), &expected_values, "values");
            let gradient = tensor.grad(&grads).expect("dense gets a gradient");
            assert_close(&values(gradient), &expected_gradient, "gradient");
        }
    }
}
