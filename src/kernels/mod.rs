//! Custom operations: each beside a reference built from ordinary burn operations and a test
//! that compares them.

pub mod cross_entropy;
pub mod spmm;
