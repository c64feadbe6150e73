//! Fused "linear + softmax cross-entropy" (`fused`), with the CPU's one-pass row body (`cpu`)
//! and what both return (`rows`).

mod cpu;
mod fused;
mod rows;

pub use fused::{LinearCrossEntropyBackend, linear_cross_entropy};
pub use rows::RowsCrossEntropy;
