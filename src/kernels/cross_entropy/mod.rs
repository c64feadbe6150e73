//! Fused "linear + softmax cross-entropy" (`fused`), with the CPU's one-pass row body (`cpu`),
//! the GPU's chunked body (`chunked`, never `[n, v]`) and its `#[cube]` kernels (`cube`), and
//! what they return (`rows`); and the fused sampled softmax cross-entropy (`sampled`) with its
//! CPU row pass (`sampled_cpu`).

mod chunked;
mod cpu;
mod cube;
mod fused;
mod rows;
mod sampled;
mod sampled_cpu;

pub use chunked::chunk_items;
pub use fused::{LinearCrossEntropyBackend, linear_cross_entropy, linear_cross_entropy_in_chunks};
pub use rows::{
    LinearCrossEntropyGrads, RowsCrossEntropy, SampledGrads, SampledRows, SavedCrossEntropy,
};
pub use sampled::{SampledCrossEntropyBackend, sampled_linear_cross_entropy};
