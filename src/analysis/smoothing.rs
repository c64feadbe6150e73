//! Smoothing for noisy training curves.

/// Exponential moving average with bias correction (as TensorBoard's smoothing slider):
/// `s_t = β·s_{t-1} + (1-β)·x_t`, reported as `s_t / (1 - β^t)` so the start is not pulled
/// towards zero. `beta` is clamped to `[0, 0.999]`; 0 returns the input. Non-finite values are
/// passed through without entering the average.
pub fn debiased_ema(values: &[f64], beta: f64) -> Vec<f64> {
    let beta = if beta.is_finite() {
        beta.clamp(0.0, 0.999)
    } else {
        0.0
    };
    let mut average = 0.0;
    let mut weight = 0.0;
    values
        .iter()
        .map(|&value| {
            if !value.is_finite() {
                return value;
            }
            average = beta * average + (1.0 - beta) * value;
            weight = beta * weight + (1.0 - beta);
            if weight > 0.0 {
                average / weight
            } else {
                value
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_series_stay_constant_from_the_first_point() {
        let smoothed = debiased_ema(&[5.0, 5.0, 5.0], 0.9);
        assert!(
            smoothed.iter().all(|v| (v - 5.0).abs() < 1e-12),
            "{smoothed:?}"
        );
    }

    #[test]
    fn zero_smoothing_is_identity_and_steps_are_followed_gradually() {
        let raw = [1.0, 2.0, 3.0];
        assert_eq!(debiased_ema(&raw, 0.0), raw.to_vec());
        let step = debiased_ema(&[0.0, 0.0, 10.0, 10.0], 0.5);
        assert!(step[2] > 0.0 && step[2] < 10.0);
        assert!(step[3] > step[2] && step[3] < 10.0);
        let with_nan = debiased_ema(&[1.0, f64::NAN, 1.0], 0.5);
        assert!(with_nan[1].is_nan() && (with_nan[2] - 1.0).abs() < 1e-12);
    }
}
