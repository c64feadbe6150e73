//! Dropout whose keep-mask costs little on the CPU (issue 34, acceptance E).
//!
//! burn's `Dropout` draws a Bernoulli tensor through its generic sampler, one ChaCha draw per
//! element: 13% of an ML-1M epoch on flex (the attention weights alone are `[batch, heads,
//! len, len]`). On the flex (CPU) device [`dropout`] instead fills the mask `{0, 1/keep}` from
//! SplitMix64, two decisions per 64-bit draw, and multiplies once. Each call takes the next
//! sub-seed of its thread's stream, seeded with the run's seed by [`seed_dropout`] on the thread
//! that trains, so a seeded run repeats, whatever other threads train at the same time. On other devices (wgpu) the mask is drawn on the device by burn's own
//! `Dropout`, so nothing is uploaded per call. The layer's settings (its rate and training flag)
//! stay in burn's `Dropout` module, so checkpoints do not change.

use std::cell::RefCell;

use burn::nn::Dropout;
use burn::tensor::{Tensor, TensorData};

use crate::kernels::on_flex;
use crate::rng::{SplitMix64, mix64};

thread_local! {
    /// The stream this thread's flex dropout masks draw their sub-seeds from.
    static MASK_SEEDS: RefCell<Option<SplitMix64>> = const { RefCell::new(None) };
}

/// Seeds this thread's flex dropout masks (beside burn's own `device.seed`, where a run starts).
pub fn seed_dropout(seed: u64) {
    let seeded = SplitMix64::new(mix64(seed ^ 0xD5A6_1266_F0C9_392C));
    MASK_SEEDS.with(|seeds| *seeds.borrow_mut() = Some(seeded));
}

/// The next mask's sub-seed on this thread (unseeded: from seed 0).
fn next_mask_seed() -> u64 {
    MASK_SEEDS.with(|seeds| {
        seeds
            .borrow_mut()
            .get_or_insert_with(|| SplitMix64::new(0))
            .next_u64()
    })
}

/// `layer` applied to `input` (any shape): unchanged outside training (a device without
/// autodiff, or the layer's training flag off) or at rate 0; otherwise each element is kept
/// with probability `1 − rate` and scaled by `1 / (1 − rate)`.
pub fn dropout<const D: usize>(layer: &Dropout, input: Tensor<D>) -> Tensor<D> {
    let device = input.device();
    if !layer.training.is_enabled() || !device.is_autodiff() || layer.prob == 0.0 {
        return input;
    }
    if !on_flex(&device) {
        return layer.forward(input);
    }
    let shape = input.shape();
    let mask = keep_mask(shape.num_elements(), 1.0 - layer.prob, next_mask_seed());
    input * Tensor::<D>::from_data(TensorData::new(mask, shape), &device)
}

/// `len` mask values from `seed`: `1 / keep` with probability `keep`, else 0.
fn keep_mask(len: usize, keep: f64, seed: u64) -> Vec<f32> {
    // A 32-bit uniform below this keeps its element.
    let threshold = (keep * 4_294_967_296.0).round() as u64;
    let scale = (1.0 / keep) as f32;
    let value = |bits: u64| if bits < threshold { scale } else { 0.0 };
    let mut random = SplitMix64::new(seed);
    let mut mask = Vec::with_capacity(len + 1);
    while mask.len() < len {
        let bits = random.next_u64();
        mask.push(value(bits & 0xFFFF_FFFF));
        mask.push(value(bits >> 32));
    }
    mask.truncate(len);
    mask
}

#[cfg(test)]
mod tests {
    use burn::nn::DropoutConfig;
    use burn::tensor::Device;

    use super::*;

    fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
        tensor.into_data().try_into_vec::<f32>().expect("f32")
    }

    #[test]
    fn a_mask_keeps_its_share_scaled_up() {
        let mask = keep_mask(100_001, 0.8, 7);
        assert_eq!(mask.len(), 100_001);
        let kept = mask.iter().filter(|&&v| v != 0.0).count() as f64 / mask.len() as f64;
        assert!((kept - 0.8).abs() < 0.01, "kept {kept}");
        assert!(
            mask.iter().all(|&v| v == 0.0 || v == 1.25),
            "only 0 and 1/keep"
        );
        assert_eq!(mask, keep_mask(100_001, 0.8, 7));
        assert_ne!(mask, keep_mask(100_001, 0.8, 8));
    }

    #[test]
    fn training_on_flex_drops_and_repeats_for_a_seed() {
        let layer = DropoutConfig::new(0.25).init();
        let device = Device::flex().autodiff();
        let input = Tensor::<2>::ones([40, 50], &device);
        seed_dropout(3);
        let first = values(dropout(&layer, input.clone()));
        let second = values(dropout(&layer, input.clone()));
        seed_dropout(3);
        assert_eq!(values(dropout(&layer, input.clone())), first, "seeded");
        assert_ne!(first, second, "each call draws a new mask");
        let dropped = first.iter().filter(|&&v| v == 0.0).count();
        assert!((350..650).contains(&dropped), "{dropped} of 2000 dropped");
        assert!(
            first
                .iter()
                .all(|&v| v == 0.0 || (v - 4.0 / 3.0).abs() < 1e-6)
        );
    }

    #[test]
    fn nothing_is_dropped_outside_training_or_at_rate_zero() {
        let ones = |device: &Device| Tensor::<2>::ones([3, 4], device);
        let layer = DropoutConfig::new(0.5).init();
        let inference = values(dropout(&layer, ones(&Device::flex())));
        assert!(inference.iter().all(|&v| v == 1.0));
        let off = DropoutConfig::new(0.0).init();
        let training = values(dropout(&off, ones(&Device::flex().autodiff())));
        assert!(training.iter().all(|&v| v == 1.0));
    }

    #[test]
    fn the_gradient_passes_through_the_kept_elements() {
        let layer = DropoutConfig::new(0.5).init();
        let device = Device::flex().autodiff();
        let input = Tensor::<1>::ones([64], &device).require_grad();
        let output = dropout(&layer, input.clone());
        let kept = values(output.clone());
        let grads = output.sum().backward();
        assert_eq!(values(input.grad(&grads).expect("gradient")), kept);
    }
}
