//! Fused "linear + softmax cross-entropy" (`fused`), with the CPU's one-pass row body (`cpu`),
//! the GPU's chunked body (`chunked`, never `[n, v]`) and its `#[cube]` kernels (`cube`), and
//! what they return (`rows`).

mod chunked;
mod cpu;
mod cube;
mod fused;
mod rows;

pub use chunked::chunk_items;
pub use fused::{LinearCrossEntropyBackend, linear_cross_entropy, linear_cross_entropy_in_chunks};
pub use rows::{LinearCrossEntropyGrads, RowsCrossEntropy, SavedCrossEntropy};
