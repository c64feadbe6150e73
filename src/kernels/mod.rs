//! Custom operations: each beside a reference built from ordinary burn operations and a test
//! that compares them.

pub mod cross_entropy;
mod cross_entropy_cpu;
pub mod spmm;
