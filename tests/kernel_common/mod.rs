//! Helpers shared by the kernel tests (`kernel_spmm`, `kernel_cross_entropy`): the wgpu
//! device or a loud skip, deterministic values, and the relative error they are judged by.

use burn::tensor::{Device, DeviceKind};
use sequda::train::device::list_adapters;

/// The wgpu device, or `None` (after a loud warning naming `kernel`) when this machine has no
/// adapter and `SEQUDA_REQUIRE_ADAPTER=1` is not set.
pub fn wgpu_device(test: &str, kernel: &str) -> Option<Device> {
    if list_adapters().is_empty() {
        let required = std::env::var("SEQUDA_REQUIRE_ADAPTER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{test}: SEQUDA_REQUIRE_ADAPTER=1 but wgpu finds no adapter (install mesa-vulkan-drivers)"
        );
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             WARNING: {test} SKIPPED: wgpu finds no adapter on this machine, so the {kernel}\n\
             was NOT tested. Install a Vulkan driver (mesa-vulkan-drivers) or set\n\
             SEQUDA_REQUIRE_ADAPTER=1 to make this a failure.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return None;
    }
    Some(Device::wgpu(DeviceKind::DefaultDevice))
}

/// Deterministic values in [-scale, scale).
pub fn pseudo_random(len: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            scale * ((state >> 40) as f32 / (1u64 << 23) as f32 - 1.0)
        })
        .collect()
}

/// `max_i |a_i − b_i| / max(|a_i|, |b_i|, 10⁻³ · max_j |b_j|)`: relative, with a floor at a
/// thousandth of the largest magnitude so that entries that cancel to ~0 do not divide by ~0.
/// A NaN anywhere counts as an infinite error.
pub fn relative_error(actual: &[f32], expected: &[f32]) -> f32 {
    assert_eq!(actual.len(), expected.len(), "lengths differ");
    let scale = expected.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
    let floor = (1e-3 * scale).max(f32::MIN_POSITIVE);
    actual
        .iter()
        .zip(expected)
        .map(|(a, b)| (a - b).abs() / a.abs().max(b.abs()).max(floor))
        .fold(
            0.0,
            |m: f32, e| if e.is_nan() { f32::INFINITY } else { m.max(e) },
        )
}
