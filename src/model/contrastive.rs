//! InfoNCE between two stochastic views of the same graph nodes (docs/MODEL.md §3).

use burn::tensor::{Int, Tensor};

use crate::kernels::cross_entropy::linear_cross_entropy;

/// Rows scaled to unit length: `[n, d]`.
pub fn normalise_rows(x: Tensor<2>) -> Tensor<2> {
    let norms = x
        .clone()
        .powf_scalar(2.0)
        .sum_dim(1)
        .sqrt()
        .add_scalar(1e-8);
    x.div(norms)
}

/// Symmetric InfoNCE with cosine similarity and temperature `τ`: node `i` of view one must
/// pick node `i` of view two among all `n` nodes of view two (and vice versa).
///
/// - `view_a`, `view_b`: `[n, d]` embeddings of the same nodes under two perturbations.
///
/// Returns a one-element tensor.
pub fn info_nce(view_a: Tensor<2>, view_b: Tensor<2>, temperature: f64) -> Tensor<1> {
    let [n, _] = view_a.dims();
    let device = view_a.device();
    let a = normalise_rows(view_a);
    let b = normalise_rows(view_b);
    let diagonal = Tensor::<1, Int>::arange(0..n as i64, &device);
    let scale = 1.0 / temperature.max(1e-6);
    let forward = linear_cross_entropy(a.clone().mul_scalar(scale), b.clone(), diagonal.clone());
    let backward = linear_cross_entropy(b.mul_scalar(scale), a, diagonal);
    (forward.mean() + backward.mean()).div_scalar(2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, Distribution};

    fn value(t: Tensor<1>) -> f32 {
        t.into_scalar::<f32>()
    }

    #[test]
    fn aligned_views_score_lower_than_shuffled_ones() {
        let device = Device::flex();
        device.seed(2);
        let x = Tensor::<2>::random([16, 8], Distribution::Normal(0.0, 1.0), &device);
        let noise = Tensor::<2>::random([16, 8], Distribution::Normal(0.0, 0.05), &device);
        let aligned = value(info_nce(x.clone(), x.clone() + noise, 0.2));
        let other = Tensor::<2>::random([16, 8], Distribution::Normal(0.0, 1.0), &device);
        let unrelated = value(info_nce(x, other, 0.2));
        assert!(aligned < unrelated, "{aligned} vs {unrelated}");
        // Perfectly aligned views can still not beat log(1) = 0, and n equal rows give log n.
        assert!(aligned > 0.0);
    }

    #[test]
    fn identical_rows_give_log_n() {
        let device = Device::flex();
        let x = Tensor::<2>::ones([4, 3], &device);
        let loss = value(info_nce(x.clone(), x, 0.5));
        assert!((loss - (4.0_f32).ln()).abs() < 1e-5, "{loss}");
    }
}
