//! Sparse (CSR) × dense matrix product, the hot loop of LightGCN propagation
//! `Z⁽ᵏ⁺¹⁾ = Â · Z⁽ᵏ⁾` (docs/MODEL.md §3), as one differentiable operation: the operation and its
//! reference (`matmul`), the CSR primitive both backends read, and each backend's body.

mod cpu;
mod matmul;
mod primitive;
#[cfg(test)]
mod tests;
mod wgsl;

pub use matmul::{
    SparseMatmulBackend, SparseMatrix, SparseMatrixError, sparse_matmul, sparse_matmul_reference,
};
pub use primitive::CsrPrimitive;
