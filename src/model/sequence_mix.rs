//! Frequency mixing beside self-attention (BSARec, RESEARCH.md recipe 1; docs/MODEL.md §2).
//!
//! A block with mixing computes `x + dropout(α·(low(n) + β⊙high(n)) + (1 − α)·attention(n))`
//! with `n = LN(x)`. `low` keeps the lowest real-DFT frequencies along the sequence axis and
//! `high = n − low`. BSARec filters the whole sequence at once, which lets every position see
//! the future; our encoder predicts at every position, so the filter is made causal: position
//! t is filtered over the prefix window `0..=t` and keeps that window's value at t. The last
//! position therefore gets exactly BSARec's filter, and no position reads a later one.

use std::ops::Range;

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};

use crate::settings::{EncoderConfig, Mixing};

/// The mixing part of one block; absent from blocks whose encoder has mixing off.
#[derive(Module, Debug)]
pub struct SequenceMix {
    /// `[dim]` per-channel √β: the high-pass weight is its square, as BSARec's `sqrt_beta`.
    /// Starts at 1 (β = 1: low + high = n, the residual control). `None` for the control.
    sqrt_beta: Option<Param<Tensor<1>>>,
    /// Weight α of the mixing part; attention gets 1 − α.
    alpha: f64,
    /// Real-DFT frequencies the low-pass keeps, lowest first.
    frequencies: usize,
}

impl SequenceMix {
    /// The mixing `config` asks for, or `None` when its mixing is off.
    pub fn new(config: &EncoderConfig, device: &Device) -> Option<Self> {
        let sqrt_beta = match config.mixing {
            Mixing::Off => return None,
            Mixing::Residual => None,
            Mixing::Frequency => Some(Param::from_tensor(Tensor::ones([config.dim], device))),
        };
        Some(Self {
            sqrt_beta,
            alpha: config.mix_alpha,
            frequencies: config.mix_frequencies,
        })
    }

    /// Mixes at every position. `normed`: `[batch, len, dim]` the block's normalised input;
    /// `context`: `[batch, len, dim]` its attention output. Returns `[batch, len, dim]`.
    pub fn mix(&self, normed: Tensor<3>, context: Tensor<3>) -> Tensor<3> {
        let [_, len, _] = normed.dims();
        let filter = causal_low_pass(len, self.frequencies, &normed.device());
        self.combine(filter, normed.clone(), normed, context)
    }

    /// Mixes at the last position only. `normed`: `[batch, len, dim]` (every position, which
    /// the filter reads); `context`: `[batch, 1, dim]` the last position's attention output.
    /// Returns `[batch, 1, dim]`, equal to the last position of [`SequenceMix::mix`].
    pub fn mix_last(&self, normed: Tensor<3>, context: Tensor<3>) -> Tensor<3> {
        let [batch, len, dim] = normed.dims();
        let last_row = low_pass_rows(len - 1..len, len, self.frequencies, &normed.device());
        let last = normed.clone().slice([0..batch, len - 1..len, 0..dim]);
        self.combine(last_row, last, normed, context)
    }

    /// `α·(low + β⊙(at − low)) + (1 − α)·context` with `low = rows · sequence`.
    ///
    /// - `rows`: `[q, len]` filter rows for the `q` output positions;
    /// - `at`: `[batch, q, dim]` the normalised input at those positions;
    /// - `sequence`: `[batch, len, dim]` the whole normalised input; `context`: `[batch, q, dim]`.
    fn combine(
        &self,
        rows: Tensor<2>,
        at: Tensor<3>,
        sequence: Tensor<3>,
        context: Tensor<3>,
    ) -> Tensor<3> {
        let [batch, q, dim] = at.dims();
        let mixed = match &self.sqrt_beta {
            None => at,
            Some(sqrt_beta) => {
                let [_, len] = rows.dims();
                let low = rows
                    .reshape([1, q, len])
                    .expand([batch, q, len])
                    .matmul(sequence);
                let beta = sqrt_beta.val().powi_scalar(2).reshape([1, 1, dim]);
                low.clone() + (at - low) * beta
            }
        };
        mixed * self.alpha + context * (1.0 - self.alpha)
    }
}

/// The causal low-pass as a `[len, len]` lower-triangular matrix: row t is the value at t of
/// the inverse real DFT of the window `0..=t` with only its `frequencies` lowest frequencies
/// kept, `P[t, j] = (1/n) Σ_k w_k cos(2πk(t − j)/n)` over kept `k ≤ n/2` with `n = t + 1`,
/// `w_0 = 1`, `w_{n/2} = 1` for even n and `w_k = 2` otherwise.
pub fn causal_low_pass(len: usize, frequencies: usize, device: &Device) -> Tensor<2> {
    low_pass_rows(0..len, len, frequencies, device)
}

/// Rows `rows` of [`causal_low_pass`]`(len, …)`: `[rows.len(), len]`, computing only those.
fn low_pass_rows(rows: Range<usize>, len: usize, frequencies: usize, device: &Device) -> Tensor<2> {
    let count = rows.len();
    let mut values = vec![0f32; count * len];
    for (row, t) in rows.enumerate() {
        let n = t + 1;
        for j in 0..=t {
            let lag = (t - j) as f64;
            let sum: f64 = (0..frequencies.min(n / 2 + 1))
                .map(|k| {
                    let weight = if k == 0 || 2 * k == n { 1.0 } else { 2.0 };
                    weight * (std::f64::consts::TAU * k as f64 * lag / n as f64).cos()
                })
                .sum();
            values[row * len + j] = (sum / n as f64) as f32;
        }
    }
    Tensor::from_data(TensorData::new(values, [count, len]), device)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(len: usize, frequencies: usize) -> Vec<f32> {
        causal_low_pass(len, frequencies, &Device::flex())
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default()
    }

    /// The inverse DFT of `x` with only the `frequencies` lowest real-DFT bins kept (and
    /// their mirror images), by the textbook O(n²) sums: an independent reference.
    fn reference_low_pass(x: &[f64], frequencies: usize) -> Vec<f64> {
        let n = x.len();
        let tau = std::f64::consts::TAU;
        let kept = |k: usize| k < frequencies || (k > 0 && n - k < frequencies && n - k <= n / 2);
        let spectrum: Vec<(f64, f64)> = (0..n)
            .map(|k| {
                if !kept(k) {
                    return (0.0, 0.0);
                }
                x.iter().enumerate().fold((0.0, 0.0), |(re, im), (j, v)| {
                    let angle = -tau * (k * j) as f64 / n as f64;
                    (re + v * angle.cos(), im + v * angle.sin())
                })
            })
            .collect();
        (0..n)
            .map(|t| {
                let sum: f64 = spectrum
                    .iter()
                    .enumerate()
                    .map(|(k, (re, im))| {
                        let angle = tau * (k * t) as f64 / n as f64;
                        re * angle.cos() - im * angle.sin()
                    })
                    .sum();
                sum / n as f64
            })
            .collect()
    }

    #[test]
    fn the_filter_is_causal_and_keeps_constants() {
        let len = 9;
        let p = matrix(len, 3);
        for t in 0..len {
            for j in t + 1..len {
                assert_eq!(p[t * len + j], 0.0, "P[{t}, {j}] looks ahead");
            }
            let row: f32 = p[t * len..t * len + len].iter().sum();
            assert!((row - 1.0).abs() < 1e-5, "row {t} sums to {row}");
        }
        // Keeping one frequency is the running mean of the prefix.
        let mean = matrix(4, 1);
        assert!((mean[3 * 4] - 0.25).abs() < 1e-6 && (mean[4 + 1] - 0.5).abs() < 1e-6);
    }

    #[test]
    fn each_row_is_the_dft_low_pass_of_its_window() {
        let x: Vec<f64> = (0..12).map(|i| ((i * 7 % 5) as f64 - 2.0) * 0.3).collect();
        for frequencies in [1, 3, 5, 7] {
            let p = matrix(x.len(), frequencies);
            for t in 0..x.len() {
                let want = reference_low_pass(&x[..=t], frequencies)[t];
                let got: f64 = (0..=t).map(|j| p[t * x.len() + j] as f64 * x[j]).sum();
                assert!(
                    (got - want).abs() < 1e-5,
                    "c {frequencies}, t {t}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn starting_beta_makes_frequency_mixing_equal_the_residual_control() {
        let device = Device::flex();
        let config = |mixing| EncoderConfig {
            dim: 4,
            mixing,
            ..EncoderConfig::default()
        };
        assert!(SequenceMix::new(&config(Mixing::Off), &device).is_none());
        let frequency = SequenceMix::new(&config(Mixing::Frequency), &device);
        let residual = SequenceMix::new(&config(Mixing::Residual), &device);
        let (Some(frequency), Some(residual)) = (frequency, residual) else {
            panic!("both mixings build a module");
        };
        let normed = Tensor::<3>::random(
            [2, 5, 4],
            burn::tensor::Distribution::Normal(0.0, 1.0),
            &device,
        );
        let context = normed.clone().neg();
        let a = frequency.mix(normed.clone(), context.clone());
        let b = residual.mix(normed.clone(), context.clone());
        let gap = (a.clone() - b).abs().max().into_scalar::<f32>();
        assert!(gap < 1e-5, "{gap}");
        // α·n + (1 − α)·(−n) = (2α − 1)·n.
        let want = normed.clone() * (2.0 * 0.7 - 1.0);
        assert!((a - want).abs().max().into_scalar::<f32>() < 1e-5);
        let last = frequency.mix_last(normed.clone(), context.slice([0..2, 4..5, 0..4]));
        assert_eq!(last.dims(), [2, 1, 4]);
    }
}
