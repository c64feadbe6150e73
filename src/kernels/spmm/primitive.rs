//! The CSR arrays as the backends hold them, shared by the CPU and wgpu bodies of the product.

use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::backend::{Backend, ExtensionType};

/// The three CSR arrays of one sparse matrix as backend primitives.
#[derive(ExtensionType, Clone, Debug)]
pub struct CsrPrimitive<B: Backend> {
    /// `[n_rows + 1]` (i32): row `r`'s entries are `row_offsets[r]..row_offsets[r + 1]`.
    pub row_offsets: IntTensor<B>,
    /// `[nnz]` (i32): column of each entry.
    pub columns: IntTensor<B>,
    /// `[nnz]` (f32): value of each entry.
    pub values: FloatTensor<B>,
}
