//! The one place training reads tensors back to the host (issue #34, item 3).
//!
//! A read drains the device's queue, so a training step performs none: a step hands back its
//! losses as device scalars ([`crate::train::epochs::StepLosses`]), and the epoch loop reads a
//! whole logging interval of them at once through [`HostReads`]. The GAN round between epochs
//! reads its losses, its generated sequences and its discriminator scores here too. Each read
//! is counted, so tests can assert how many a step or an epoch performed. Evaluation (full
//! ranking after an epoch) reads its score blocks through `ModelScorer`, outside any step.

use std::sync::atomic::{AtomicU64, Ordering};

use burn::tensor::{Int, Tensor};

use crate::train::TrainError;

/// Reads tensors to the host and counts the reads. One per training session (it lives in its
/// [`crate::train::session::Control`]), so runs in parallel never share a count.
#[derive(Debug, Default)]
pub struct HostReads {
    reads: AtomicU64,
}

impl HostReads {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads so far.
    pub fn count(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// The values of a float `tensor` of any shape, row-major, as `f32` (one read).
    pub fn floats<const D: usize>(&self, tensor: Tensor<D>) -> Result<Vec<f32>, TrainError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let data = tensor.try_into_data().map_err(read_failed)?;
        data.try_into_vec_as::<f32>().map_err(read_failed)
    }

    /// The values of an integer `tensor` of any shape, row-major, as `i64` (one read).
    pub fn ints<const D: usize>(&self, tensor: Tensor<D, Int>) -> Result<Vec<i64>, TrainError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let data = tensor.try_into_data().map_err(read_failed)?;
        data.try_into_vec_as::<i64>().map_err(read_failed)
    }
}

/// A failed read (the backend's error or a data type that does not convert).
fn read_failed(error: impl std::fmt::Debug) -> TrainError {
    TrainError::Backend(format!("reading a tensor back failed: {error:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    #[test]
    fn every_read_is_counted_and_returns_the_values() {
        let device = Device::flex();
        let reads = HostReads::new();
        assert_eq!(reads.count(), 0);
        let floats = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.5]], &device);
        assert_eq!(
            reads.floats(floats).expect("read"),
            vec![1.0, 2.0, 3.0, 4.5]
        );
        let ints = Tensor::<1, Int>::from_ints([3, 1, 2], &device);
        assert_eq!(reads.ints(ints).expect("read"), vec![3, 1, 2]);
        assert_eq!(reads.count(), 2);
    }
}
