//! Seeded, backend-independent initialisation of the GAN's modules.
//!
//! burn draws initial weights from the backend's global random state, which every test thread
//! (and every model on the device) shares, so two GANs built with the same seed can differ.
//! Redrawing every parameter from our own SplitMix64 stream makes the GAN's starting point a
//! function of the seed alone, identical on flex and wgpu.

use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::{Tensor, TensorData};

use crate::rng::SplitMix64;

/// Redraws every float parameter of `module` from a seeded stream (one per parameter, in
/// field order): matrices (rank ≥ 2, `[fan_in, …, fan_out]`) from Xavier-normal
/// N(0, 2 / (fan_in + fan_out)), the scheme the SASRec encoder uses for its embeddings and
/// linear layers; vectors named `gamma` (LayerNorm scale) 1; every other vector (biases,
/// LayerNorm shift) 0.
pub fn seeded_init<M: Module>(module: M, seed: u64) -> M {
    module.map(&mut SeededInit {
        seed,
        stream: 0,
        path: Vec::new(),
    })
}

struct SeededInit {
    seed: u64,
    stream: u64,
    /// Names of the fields entered, innermost last.
    path: Vec<String>,
}

impl ModuleMapper for SeededInit {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_owned());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let mut rng = SplitMix64::for_stream(self.seed, self.stream);
        self.stream += 1;
        let is_scale = self.path.last().is_some_and(|name| name == "gamma");
        param.map(|tensor| redraw(tensor, is_scale, &mut rng))
    }
}

fn redraw<const D: usize>(tensor: Tensor<D>, is_scale: bool, rng: &mut SplitMix64) -> Tensor<D> {
    let dims = tensor.dims();
    let count: usize = dims.iter().product();
    let values: Vec<f32> = if D >= 2 {
        let std = (2.0 / (dims[0] + dims[D - 1]) as f64).sqrt();
        (0..count)
            .map(|_| (std * standard_normal(rng)) as f32)
            .collect()
    } else if is_scale {
        vec![1.0; count]
    } else {
        vec![0.0; count]
    };
    with_values(tensor, values)
}

/// A tensor of `tensor`'s shape, device and gradient requirement holding `values` (row-major,
/// as many as the shape has elements).
pub(crate) fn with_values<const D: usize>(tensor: Tensor<D>, values: Vec<f32>) -> Tensor<D> {
    let fresh = Tensor::<D>::from_data(TensorData::new(values, tensor.dims()), &tensor.device());
    if tensor.is_require_grad() {
        fresh.require_grad()
    } else {
        fresh
    }
}

/// One N(0, 1) draw (Box–Muller).
pub(crate) fn standard_normal(rng: &mut SplitMix64) -> f64 {
    let u1 = 1.0 - rng.next_f64(); // (0, 1]
    let u2 = rng.next_f64();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::{LayerNormConfig, LinearConfig};
    use burn::tensor::Device;

    #[test]
    fn same_seed_same_weights_and_layer_norm_kept() {
        let device = Device::flex();
        let a = seeded_init(LinearConfig::new(40, 60).init(&device), 3);
        let b = seeded_init(LinearConfig::new(40, 60).init(&device), 3);
        let c = seeded_init(LinearConfig::new(40, 60).init(&device), 4);
        let weights = |l: &burn::nn::Linear| {
            l.weight
                .val()
                .into_data()
                .try_into_vec::<f32>()
                .unwrap_or_default()
        };
        assert_eq!(weights(&a), weights(&b));
        assert_ne!(weights(&a), weights(&c));
        let w = weights(&a);
        let variance = w.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / w.len() as f64;
        assert!((variance - 2.0 / 100.0).abs() < 0.004, "{variance}");
        let bias = a.bias.map(|b| {
            b.val()
                .into_data()
                .try_into_vec::<f32>()
                .unwrap_or_default()
        });
        assert_eq!(bias, Some(vec![0.0; 60]));
        let norm = seeded_init(LayerNormConfig::new(8).init(&device), 1);
        assert_eq!(
            norm.gamma
                .val()
                .into_data()
                .try_into_vec::<f32>()
                .unwrap_or_default(),
            vec![1.0; 8]
        );
        let beta = norm.beta.map(|b| {
            b.val()
                .into_data()
                .try_into_vec::<f32>()
                .unwrap_or_default()
        });
        assert_eq!(beta, Some(vec![0.0; 8]));
        // A one-element bias is zeroed too (not left at burn's random draw).
        let head = seeded_init(LinearConfig::new(4, 1).init(&device), 1);
        let bias = head.bias.map(|b| {
            b.val()
                .into_data()
                .try_into_vec::<f32>()
                .unwrap_or_default()
        });
        assert_eq!(bias, Some(vec![0.0]));
    }
}
