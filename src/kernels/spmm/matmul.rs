//! Sparse (CSR) × dense matrix product, the hot loop of LightGCN propagation
//! `Z⁽ᵏ⁺¹⁾ = Â · Z⁽ᵏ⁾` (docs/MODEL.md §3), as one differentiable operation.
//!
//! - wgpu ([`Cube`]): the hand-written WGSL kernel `shaders/spmm_csr.wgsl` (launched by `spmm/wgsl.rs`).
//! - flex ([`Flex`], CPU): a row-parallel Rust loop over the CSR arrays (`spmm/cpu.rs`).
//! - autodiff: the forward pass on the inner backend; the backward pass is the same kernel with
//!   the transposed matrix, `∂L/∂dense = Aᵀ · ∂L/∂output`. The matrix values get no gradient.
//!
//! [`sparse_matmul_reference`] computes the same product from ordinary burn operations
//! (gather + scatter-add) on every backend with burn's own autodiff; the tests compare the two,
//! values and gradients, on flex and on wgpu.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Cube, Dispatch, Flex, backend_extension};
use burn::tensor::{DType, Device, IndexingUpdateOp, Int, Tensor, TensorData};

use super::cpu;
use super::primitive::CsrPrimitive;
use super::wgsl;
use crate::data::graph::Csr;

/// Backends that multiply a CSR matrix by a dense matrix.
#[backend_extension(Flex, Cube, Autodiff)]
pub trait SparseMatmulBackend: Backend {
    /// `matrix · dense`: `[n_rows, width]` for `dense` `[n_cols, width]` (f32).
    ///
    /// `transpose` is `matrixᵀ` in CSR form; the concrete backends ignore it, the autodiff
    /// backend multiplies the upstream gradient by it.
    fn csr_matmul(
        #[extension_type] matrix: CsrPrimitive<Self>,
        #[extension_type] transpose: CsrPrimitive<Self>,
        dense: FloatTensor<Self>,
    ) -> FloatTensor<Self>;
}

impl SparseMatmulBackend for Flex {
    fn csr_matmul(
        matrix: CsrPrimitive<Self>,
        _transpose: CsrPrimitive<Self>,
        dense: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        cpu::csr_matmul(matrix, dense)
    }
}

impl SparseMatmulBackend for Cube {
    fn csr_matmul(
        matrix: CsrPrimitive<Self>,
        _transpose: CsrPrimitive<Self>,
        dense: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        wgsl::csr_matmul(matrix, dense)
    }
}

/// Backward pass: `∂L/∂dense = Aᵀ · ∂L/∂output`.
#[derive(Debug)]
struct CsrMatmulBackward;

impl<B: Backend + SparseMatmulBackend> Backward<B, 1> for CsrMatmulBackward {
    /// The matrix and its transpose (swapped when the backward product is launched).
    type State = (CsrPrimitive<B>, CsrPrimitive<B>);

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [dense_node] = ops.parents;
        let (matrix, transpose) = ops.state;
        let upstream = grads.consume::<B>(&ops.node);
        if let Some(node) = dense_node {
            grads.register::<B>(node.id, B::csr_matmul(transpose, matrix, upstream));
        }
    }
}

/// The inner-backend primitives of a CSR matrix given to the autodiff backend.
fn inner_csr<B: Backend, C: CheckpointStrategy>(
    csr: CsrPrimitive<Autodiff<B, C>>,
) -> CsrPrimitive<B> {
    CsrPrimitive {
        row_offsets: csr.row_offsets,
        columns: csr.columns,
        values: csr.values.into_primitive(),
    }
}

impl<B: Backend + SparseMatmulBackend, C: CheckpointStrategy> SparseMatmulBackend
    for Autodiff<B, C>
{
    fn csr_matmul(
        matrix: CsrPrimitive<Self>,
        transpose: CsrPrimitive<Self>,
        dense: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let (matrix, transpose) = (inner_csr(matrix), inner_csr(transpose));
        match CsrMatmulBackward
            .prepare::<C>([dense.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let output =
                    B::csr_matmul(matrix.clone(), transpose.clone(), dense.into_primitive());
                prep.finish((matrix, transpose), output)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(B::csr_matmul(matrix, transpose, dense.into_primitive()))
            }
        }
    }
}

/// Why a [`Csr`] cannot become a [`SparseMatrix`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SparseMatrixError {
    /// `row_offsets` must have `n_rows + 1` entries, start at 0, never decrease and end at nnz,
    /// and `values` must be as long as `columns`.
    #[error("malformed CSR arrays: {0}")]
    Malformed(String),
    /// A column index is not below `n_cols`.
    #[error("entry {entry} has column {column}, but the matrix has {n_cols} columns")]
    ColumnOutOfRange {
        /// Position in `columns`.
        entry: usize,
        /// The offending column.
        column: u32,
        /// Columns.
        n_cols: usize,
    },
    /// The kernels index with 32-bit signed integers.
    #[error("{0} entries or rows do not fit the kernels' 32-bit indices")]
    TooLarge(usize),
}

/// One CSR matrix `A` `[n_rows, n_cols]` and its transpose as tensors on one device, ready for
/// [`sparse_matmul`] and [`sparse_matmul_reference`].
///
/// Build it on the device of the dense operand (with or without autodiff: the arrays are stored
/// without it, and the matrix never gets a gradient, only the dense operand does).
#[derive(Clone, Debug)]
pub struct SparseMatrix {
    n_rows: usize,
    n_cols: usize,
    nnz: usize,
    /// `row_offsets [n + 1]`, `columns [nnz]`, `values [nnz]` of `A`.
    forward: CsrTensors,
    /// The same arrays of `Aᵀ`.
    transpose: CsrTensors,
    /// `[nnz]`: the row of each entry of `A` (for the reference's scatter-add).
    entry_rows: Tensor<1, Int>,
    /// `[n_rows]`: the stored entries of each row of `A` (a node's degree in an adjacency).
    row_counts: Vec<u32>,
}

/// The CSR arrays as tensors: `row_offsets` `[n + 1]`, `columns` `[nnz]` (i32), `values` `[nnz]`.
#[derive(Clone, Debug)]
struct CsrTensors {
    row_offsets: Tensor<1, Int>,
    columns: Tensor<1, Int>,
    values: Tensor<1>,
}

impl CsrTensors {
    fn new(csr: &Csr, device: &Device) -> Self {
        let int = |data: &[u32]| {
            let data: Vec<i32> = data.iter().map(|&v| v as i32).collect();
            let len = data.len();
            Tensor::<1, Int>::from_data(TensorData::new(data, [len]), (device, DType::I32))
        };
        let values = TensorData::new(csr.values.clone(), [csr.values.len()]);
        Self {
            row_offsets: int(&csr.row_offsets),
            columns: int(&csr.columns),
            values: Tensor::from_data(values, (device, DType::F32)),
        }
    }

    fn into_dispatch(self) -> CsrPrimitive<Dispatch> {
        CsrPrimitive {
            row_offsets: self.row_offsets.into_dispatch(),
            columns: self.columns.into_dispatch(),
            values: self.values.into_dispatch(),
        }
    }
}

impl SparseMatrix {
    /// Uploads `csr` and its transpose to `device` (kept without autodiff, so the matrix serves
    /// dense operands on `device` with and without autodiff), after checking the arrays.
    pub fn new(csr: &Csr, device: &Device) -> Result<Self, SparseMatrixError> {
        validate(csr)?;
        let device = &device.clone().inner();
        let entry_rows: Vec<i32> = (0..csr.n_rows)
            .flat_map(|r| {
                let count = csr.row_offsets[r + 1] - csr.row_offsets[r];
                std::iter::repeat_n(r as i32, count as usize)
            })
            .collect();
        let nnz = csr.nnz();
        Ok(Self {
            n_rows: csr.n_rows,
            n_cols: csr.n_cols,
            nnz,
            forward: CsrTensors::new(csr, device),
            transpose: CsrTensors::new(&csr.transpose(), device),
            entry_rows: Tensor::from_data(TensorData::new(entry_rows, [nnz]), (device, DType::I32)),
            row_counts: csr.row_offsets.windows(2).map(|w| w[1] - w[0]).collect(),
        })
    }

    /// Rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Columns: the rows a dense operand must have.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Stored entries.
    pub fn nnz(&self) -> usize {
        self.nnz
    }

    /// The stored entries of each row `[n_rows]`: in an adjacency matrix, each node's degree.
    pub fn row_counts(&self) -> &[u32] {
        &self.row_counts
    }

    /// The device the arrays live on (without autodiff).
    pub fn device(&self) -> Device {
        self.forward.values.device()
    }
}

fn validate(csr: &Csr) -> Result<(), SparseMatrixError> {
    let malformed = |what: String| Err(SparseMatrixError::Malformed(what));
    let largest = csr.n_rows.max(csr.n_cols).max(csr.nnz());
    if largest >= i32::MAX as usize {
        return Err(SparseMatrixError::TooLarge(largest));
    }
    if csr.row_offsets.len() != csr.n_rows + 1 {
        return malformed(format!(
            "{} row offsets for {} rows",
            csr.row_offsets.len(),
            csr.n_rows
        ));
    }
    if csr.values.len() != csr.columns.len() {
        return malformed(format!(
            "{} values for {} columns",
            csr.values.len(),
            csr.columns.len()
        ));
    }
    if csr.row_offsets.first() != Some(&0)
        || csr.row_offsets.last().map(|&v| v as usize) != Some(csr.nnz())
        || csr.row_offsets.windows(2).any(|w| w[0] > w[1])
    {
        return malformed("row offsets must rise from 0 to the number of entries".to_string());
    }
    match csr.columns.iter().position(|&c| c as usize >= csr.n_cols) {
        Some(entry) => Err(SparseMatrixError::ColumnOutOfRange {
            entry,
            column: csr.columns[entry],
            n_cols: csr.n_cols,
        }),
        None => Ok(()),
    }
}

/// `A · dense`: `[n_rows, width]` for the matrix `A` `[n_rows, n_cols]` and `dense`
/// `[n_cols, width]`, through the
/// custom kernels (WGSL on wgpu, a Rust loop on flex). Differentiable in `dense` (the backward
/// pass runs the same kernel with `Aᵀ`); `A` gets no gradient.
///
/// # Panics
/// When `dense` does not have `n_cols` rows, or (wgpu) has 2³² elements or more: programmer errors.
/// `dense` of another float type is computed in f32 and cast back.
pub fn sparse_matmul(matrix: &SparseMatrix, dense: Tensor<2>) -> Tensor<2> {
    let [rows, _] = dense.dims();
    assert_eq!(
        rows, matrix.n_cols,
        "sparse_matmul: dense has {rows} rows, the matrix {} columns",
        matrix.n_cols
    );
    let dtype = dense.dtype();
    if dtype != DType::F32 {
        return sparse_matmul(matrix, dense.cast(DType::F32)).cast(dtype);
    }
    // The plain (non-autodiff) matrix joins an autodiff `dense` as a constant.
    Tensor::from_dispatch(<Dispatch as SparseMatmulBackend>::csr_matmul(
        matrix.forward.clone().into_dispatch(),
        matrix.transpose.clone().into_dispatch(),
        dense.into_dispatch(),
    ))
}

/// `A · dense` from ordinary burn operations, for every backend and burn's own autodiff:
/// gather the rows of `dense` named by each entry's column, scale them by the entry values and
/// scatter-add them into the entry rows. Same shapes and panics as [`sparse_matmul`].
pub fn sparse_matmul_reference(matrix: &SparseMatrix, dense: Tensor<2>) -> Tensor<2> {
    let [rows, width] = dense.dims();
    assert_eq!(
        rows, matrix.n_cols,
        "sparse_matmul_reference: dense has {rows} rows, the matrix {} columns",
        matrix.n_cols
    );
    if matrix.nnz == 0 {
        // Keeps `dense` in the graph, so its gradient is zeros rather than absent.
        let zeros = dense.sum().mul_scalar(0.0).reshape([1, 1]);
        return zeros.expand([matrix.n_rows, width]);
    }
    let zeros = Tensor::<2>::zeros([matrix.n_rows, width], &dense.device());
    let forward = &matrix.forward;
    // [nnz, width]
    let gathered = dense.select(0, forward.columns.clone());
    let scaled = gathered * forward.values.clone().unsqueeze_dim::<2>(1);
    zeros.select_assign(0, matrix.entry_rows.clone(), scaled, IndexingUpdateOp::Add)
}
