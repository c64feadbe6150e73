//! Custom operations: each beside a reference built from ordinary burn operations and a test
//! that compares them.

pub mod cross_entropy;
pub mod spmm;

use burn::tensor::Device;
use burn_dispatch::DispatchDevice;

/// Whether `device` is burn's flex (CPU) device, with or without autodiff: there a tensor's
/// values are host memory, so reading them waits on nothing.
pub fn on_flex(device: &Device) -> bool {
    matches!(
        device.clone().inner().as_dispatch(),
        DispatchDevice::Flex(_)
    )
}
