//! Test metrics with 95% confidence intervals, from each test user's rank.

use crate::analysis::audience_verdict::Z_95;
use crate::eval::{Metric, hit_at, mean_std, ndcg_at, reciprocal_rank};

/// One metric over the test users with its 95% interval.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricInterval {
    /// Display name ("NDCG@10").
    pub name: &'static str,
    /// Mean over the test users.
    pub value: f64,
    /// Lower end of the 95% interval (mean − 1.96 · standard error, at least 0).
    pub low: f64,
    /// Upper end (at most 1).
    pub high: f64,
    /// Test users averaged.
    pub users: usize,
}

/// HR@10, NDCG@10, HR@20, NDCG@20, MRR@10 and MRR over `ranks` (0-based rank of each test
/// user's held-out item), each with a normal-approximation 95% interval over users. Empty
/// when there are no ranks.
pub fn metric_intervals(ranks: &[u32]) -> Vec<MetricInterval> {
    if ranks.is_empty() {
        return Vec::new();
    }
    let metrics: [(&'static str, &dyn Fn(u32) -> f64); 6] = [
        ("HR@10", &|r| hit_at(r, 10)),
        ("NDCG@10", &|r| ndcg_at(r, 10)),
        ("HR@20", &|r| hit_at(r, 20)),
        ("NDCG@20", &|r| ndcg_at(r, 20)),
        ("MRR@10", &|r| Metric::MrrAt(10).value(r)),
        ("MRR", &|r| reciprocal_rank(r)),
    ];
    metrics
        .iter()
        .map(|(name, per_user)| {
            let values: Vec<f64> = ranks.iter().map(|&r| per_user(r)).collect();
            let (mean, std) = mean_std(&values);
            let half = Z_95 * std / (values.len() as f64).sqrt();
            MetricInterval {
                name,
                value: mean,
                low: (mean - half).max(0.0),
                high: (mean + half).min(1.0),
                users: values.len(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_surround_the_mean_and_narrow_with_more_users() {
        let few: Vec<u32> = vec![0, 3, 50, 9, 1, 200];
        let many: Vec<u32> = few.iter().cycle().take(600).copied().collect();
        let small = metric_intervals(&few);
        let large = metric_intervals(&many);
        assert_eq!(small.len(), 6);
        for (s, l) in small.iter().zip(&large) {
            assert!((s.value - l.value).abs() < 1e-12, "{}", s.name);
            assert!(s.low <= s.value && s.value <= s.high, "{}", s.name);
            assert!(l.high - l.low < s.high - s.low, "{}", s.name);
        }
        // Four of six ranks are inside the top 10.
        assert!((small[0].value - 4.0 / 6.0).abs() < 1e-12);
        assert!(metric_intervals(&[]).is_empty());
    }
}
