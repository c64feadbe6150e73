//! Paired significance tests over per-user metric values (docs/MODEL.md §6), and mean ± std.
//!
//! Inputs are per-user values of one metric (e.g. [`super::EvalOutcome::per_case`] with
//! [`super::Metric::Ndcg`]) for two systems on the same users, in the same order. Differences are
//! `a - b`.

use super::special::{student_t_critical, student_t_two_sided_p};
use crate::rng::SplitMix64;

/// Result of a paired t-test on `a - b`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PairedTest {
    /// Mean of the differences `a - b`.
    pub mean_diff: f64,
    /// t statistic (±inf when all differences are equal and non-zero; JSON writes inf as null).
    pub t: f64,
    /// Degrees of freedom, `n - 1`.
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// 95% confidence interval of the mean difference.
    pub ci95: (f64, f64),
}

/// Result of a paired bootstrap on `a - b`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BootstrapCi {
    /// Mean of the differences `a - b`.
    pub mean_diff: f64,
    /// 2.5% percentile of the resampled means.
    pub low: f64,
    /// 97.5% percentile of the resampled means.
    pub high: f64,
    /// Two-sided p-value: share of resampled means at least as far from the observed mean as the
    /// observed mean is from 0 (the null-shifted bootstrap distribution), as `(count + 1) / (B + 1)`.
    pub p_value: f64,
}

/// Mean and sample standard deviation (n - 1 denominator). `(0, 0)` when empty; std 0 for n < 2.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let sum_sq: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (sum_sq / (n - 1.0)).sqrt())
}

/// Differences `a - b`, or `None` when lengths differ, fewer than 2 pairs, or a value is not finite.
fn differences(a: &[f64], b: &[f64]) -> Option<Vec<f64>> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    d.iter().all(|v| v.is_finite()).then_some(d)
}

/// Paired two-sided t-test of `mean(a - b) = 0`. `None` when lengths differ, fewer than 2 pairs,
/// or a value is not finite. Identical differences give `t = 0, p = 1` (all zero) or
/// `t = ±inf, p = 0`, with a zero-width interval.
pub fn paired_t_test(a: &[f64], b: &[f64]) -> Option<PairedTest> {
    let d = differences(a, b)?;
    let n = d.len() as f64;
    let (mean, sd) = mean_std(&d);
    let df = n - 1.0;
    let se = sd / n.sqrt();
    if se == 0.0 {
        let (t, p_value) = if mean == 0.0 {
            (0.0, 1.0)
        } else {
            (mean.signum() * f64::INFINITY, 0.0)
        };
        return Some(PairedTest {
            mean_diff: mean,
            t,
            df,
            p_value,
            ci95: (mean, mean),
        });
    }
    let t = mean / se;
    let half_width = student_t_critical(0.05, df) * se;
    Some(PairedTest {
        mean_diff: mean,
        t,
        df,
        p_value: student_t_two_sided_p(t, df),
        ci95: (mean - half_width, mean + half_width),
    })
}

/// Paired percentile bootstrap of `mean(a - b)`: `resamples` resamples of the users with
/// replacement, deterministic in `seed`. `None` when lengths differ, fewer than 2 pairs,
/// `resamples == 0`, or a value is not finite.
pub fn paired_bootstrap(a: &[f64], b: &[f64], resamples: usize, seed: u64) -> Option<BootstrapCi> {
    let d = differences(a, b)?;
    if resamples == 0 {
        return None;
    }
    let n = d.len();
    let mean = d.iter().sum::<f64>() / n as f64;
    let mut rng = SplitMix64::new(seed);
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| d[rng.below(n as u64) as usize]).sum::<f64>() / n as f64)
        .collect();
    let extreme = means
        .iter()
        .filter(|m| (*m - mean).abs() >= mean.abs())
        .count();
    means.sort_unstable_by(f64::total_cmp);
    Some(BootstrapCi {
        mean_diff: mean,
        low: percentile(&means, 0.025),
        high: percentile(&means, 0.975),
        p_value: ((extreme + 1) as f64 / (resamples + 1) as f64).min(1.0),
    })
}

/// Linear-interpolated percentile (`q` in [0, 1]) of ascending, non-empty `sorted`.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len().saturating_sub(1);
    let pos = q * last as f64;
    let below = (pos.floor() as usize).min(last);
    let above = (below + 1).min(last);
    let frac = pos - below as f64;
    match (sorted.get(below), sorted.get(above)) {
        (Some(lo), Some(hi)) => lo + (hi - lo) * frac,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want}");
    }

    #[test]
    fn mean_std_values() {
        assert_eq!(mean_std(&[]), (0.0, 0.0));
        assert_eq!(mean_std(&[3.0]), (3.0, 0.0));
        let (m, s) = mean_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_close(m, 5.0, 1e-15);
        assert_close(s, (32.0f64 / 7.0).sqrt(), 1e-14);
    }

    #[test]
    fn paired_t_test_hand_computed() {
        // d = 1..5: mean 3, sd sqrt(2.5), se sqrt(0.5), t = 4.2426, df 4, p = 0.0132356.
        let a = [2.0, 4.0, 6.0, 8.0, 10.0];
        let b = [1.0, 2.0, 3.0, 4.0, 5.0];
        let r = paired_t_test(&a, &b).unwrap();
        assert_close(r.mean_diff, 3.0, 1e-14);
        assert_close(r.t, 18f64.sqrt(), 1e-12);
        assert_eq!(r.df, 4.0);
        assert_close(r.p_value, 0.013_235_599_564_944, 1e-9);
        let half = 2.776_445_105_197_794 * 0.5f64.sqrt();
        assert_close(r.ci95.0, 3.0 - half, 1e-7);
        assert_close(r.ci95.1, 3.0 + half, 1e-7);
        // Swapping the systems flips the sign, not the p-value.
        let s = paired_t_test(&b, &a).unwrap();
        assert_close(s.t, -r.t, 1e-12);
        assert_close(s.p_value, r.p_value, 1e-15);
    }

    #[test]
    fn paired_t_test_edge_cases() {
        assert!(paired_t_test(&[1.0], &[0.0]).is_none());
        assert!(paired_t_test(&[1.0, 2.0], &[0.0]).is_none());
        assert!(paired_t_test(&[1.0, f64::NAN], &[0.0, 0.0]).is_none());
        let same = paired_t_test(&[0.5, 0.25], &[0.5, 0.25]).unwrap();
        assert_eq!((same.t, same.p_value, same.ci95), (0.0, 1.0, (0.0, 0.0)));
        let shifted = paired_t_test(&[1.5, 1.25], &[0.5, 0.25]).unwrap();
        assert_eq!((shifted.t, shifted.p_value), (f64::INFINITY, 0.0));
        assert!(serde_json::to_string(&shifted).is_ok());
    }

    #[test]
    fn bootstrap_is_deterministic_and_sensible() {
        let mut rng = SplitMix64::new(3);
        let a: Vec<f64> = (0..400).map(|_| rng.next_f64()).collect();
        let b: Vec<f64> = a
            .iter()
            .map(|x| x - 0.05 + 0.2 * (rng.next_f64() - 0.5))
            .collect();
        let r = paired_bootstrap(&a, &b, 2000, 9).unwrap();
        assert_eq!(paired_bootstrap(&a, &b, 2000, 9), Some(r.clone()));
        assert!(r.low < r.mean_diff && r.mean_diff < r.high);
        assert!(r.low > 0.0, "a clear +0.05 shift: {r:?}");
        assert!(r.p_value < 0.01);
        // The percentile interval is close to the t interval for a large sample.
        let t = paired_t_test(&a, &b).unwrap();
        assert_close(r.low, t.ci95.0, 0.2 * (t.ci95.1 - t.ci95.0));
        assert_close(r.high, t.ci95.1, 0.2 * (t.ci95.1 - t.ci95.0));
        // No difference on average: large p-value.
        let c: Vec<f64> = (0..400)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let zero = vec![0.0; 400];
        let r = paired_bootstrap(&c, &zero, 1000, 1).unwrap();
        assert!(r.p_value > 0.9, "{r:?}");
        assert!(paired_bootstrap(&c, &zero, 0, 1).is_none());
        assert!(paired_bootstrap(&c[..1], &zero[..1], 10, 1).is_none());
    }

    #[test]
    fn percentile_interpolates() {
        let v = [0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.0), 0.0);
        assert_eq!(percentile(&v, 1.0), 4.0);
        assert_close(percentile(&v, 0.3), 1.2, 1e-12);
        assert_eq!(percentile(&[7.0], 0.5), 7.0);
    }
}
