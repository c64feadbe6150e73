//! Per-case ranking metrics from 0-based ranks, and their averages.

/// HR@K: 1 when the target's 0-based `rank < k`, else 0.
pub fn hit_at(rank: u32, k: u32) -> f64 {
    if rank < k { 1.0 } else { 0.0 }
}

/// NDCG@K with one relevant item: `1 / log2(rank + 2)` when `rank < k`, else 0.
pub fn ndcg_at(rank: u32, k: u32) -> f64 {
    if rank < k {
        1.0 / (f64::from(rank) + 2.0).log2()
    } else {
        0.0
    }
}

/// Reciprocal rank over the whole ranking: `1 / (rank + 1)`.
pub fn reciprocal_rank(rank: u32) -> f64 {
    1.0 / (f64::from(rank) + 1.0)
}

/// A per-case metric, for extracting per-user values (paired tests) from ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Metric {
    /// HR@K.
    Hit(u32),
    /// NDCG@K.
    Ndcg(u32),
    /// MRR over the full ranking.
    Mrr,
    /// MRR@K: reciprocal rank when `rank < k`, else 0.
    MrrAt(u32),
}

impl Metric {
    /// The metric's value for one case of 0-based rank `rank`.
    pub fn value(&self, rank: u32) -> f64 {
        match *self {
            Metric::Hit(k) => hit_at(rank, k),
            Metric::Ndcg(k) => ndcg_at(rank, k),
            Metric::Mrr => reciprocal_rank(rank),
            Metric::MrrAt(k) => hit_at(rank, k) * reciprocal_rank(rank),
        }
    }

    /// Report name, matching the [`RankingMetrics`] JSON keys (e.g. `"ndcg@10"`).
    pub fn name(&self) -> String {
        match *self {
            Metric::Hit(k) => format!("hr@{k}"),
            Metric::Ndcg(k) => format!("ndcg@{k}"),
            Metric::Mrr => "mrr".to_owned(),
            Metric::MrrAt(k) => format!("mrr@{k}"),
        }
    }
}

/// Averages over evaluated cases (users). JSON keys: `hr@10`, `ndcg@10`, `hr@20`, `ndcg@20`,
/// `mrr`, `mrr@10`, `mrr@20`, `users`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RankingMetrics {
    /// Mean HR@10.
    #[serde(rename = "hr@10")]
    pub hr_10: f64,
    /// Mean NDCG@10.
    #[serde(rename = "ndcg@10")]
    pub ndcg_10: f64,
    /// Mean HR@20.
    #[serde(rename = "hr@20")]
    pub hr_20: f64,
    /// Mean NDCG@20.
    #[serde(rename = "ndcg@20")]
    pub ndcg_20: f64,
    /// Mean reciprocal rank over the full ranking.
    pub mrr: f64,
    /// Mean reciprocal rank cut at 10.
    #[serde(rename = "mrr@10")]
    pub mrr_10: f64,
    /// Mean reciprocal rank cut at 20 (0 when read from a file written before it was kept).
    #[serde(rename = "mrr@20", default)]
    pub mrr_20: f64,
    /// Number of cases averaged.
    pub users: usize,
}

/// Averages the metrics over `ranks` (all zero, `users = 0`, when empty).
pub fn metrics_from_ranks(ranks: &[u32]) -> RankingMetrics {
    if ranks.is_empty() {
        return RankingMetrics::default();
    }
    let mut sums = [0.0f64; 7];
    for &rank in ranks {
        sums[0] += hit_at(rank, 10);
        sums[1] += ndcg_at(rank, 10);
        sums[2] += hit_at(rank, 20);
        sums[3] += ndcg_at(rank, 20);
        sums[4] += reciprocal_rank(rank);
        sums[5] += Metric::MrrAt(10).value(rank);
        sums[6] += Metric::MrrAt(20).value(rank);
    }
    let n = ranks.len() as f64;
    let [hr_10, ndcg_10, hr_20, ndcg_20, mrr, mrr_10, mrr_20] = sums.map(|s| s / n);
    RankingMetrics {
        hr_10,
        ndcg_10,
        hr_20,
        ndcg_20,
        mrr,
        mrr_10,
        mrr_20,
        users: ranks.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn per_case_values() {
        assert_eq!(hit_at(0, 1), 1.0);
        assert_eq!(hit_at(1, 1), 0.0);
        assert_eq!(hit_at(9, 10), 1.0);
        assert_eq!(hit_at(10, 10), 0.0);
        assert!(close(ndcg_at(0, 10), 1.0));
        assert!(close(ndcg_at(1, 10), 1.0 / 3f64.log2()));
        assert!(close(ndcg_at(9, 10), 1.0 / 11f64.log2()));
        assert_eq!(ndcg_at(10, 10), 0.0);
        assert!(close(reciprocal_rank(0), 1.0));
        assert!(close(reciprocal_rank(3), 0.25));
        assert!(close(Metric::MrrAt(10).value(4), 0.2));
        assert_eq!(Metric::MrrAt(10).value(10), 0.0);
        assert!(close(Metric::Mrr.value(10), 1.0 / 11.0));
        assert_eq!(Metric::Ndcg(20).name(), "ndcg@20");
    }

    #[test]
    fn averages_hand_computed() {
        // ranks 0, 1, 15, 40
        let m = metrics_from_ranks(&[0, 1, 15, 40]);
        assert_eq!(m.users, 4);
        assert!(close(m.hr_10, 0.5));
        assert!(close(m.hr_20, 0.75));
        assert!(close(m.ndcg_10, (1.0 + 1.0 / 3f64.log2()) / 4.0));
        assert!(close(
            m.ndcg_20,
            (1.0 + 1.0 / 3f64.log2() + 1.0 / 17f64.log2()) / 4.0
        ));
        assert!(close(m.mrr, (1.0 + 0.5 + 1.0 / 16.0 + 1.0 / 41.0) / 4.0));
        assert!(close(m.mrr_10, 1.5 / 4.0));
        assert!(close(m.mrr_20, (1.5 + 1.0 / 16.0) / 4.0));
        assert_eq!(metrics_from_ranks(&[]), RankingMetrics::default());
    }

    #[test]
    fn json_keys() {
        let m = metrics_from_ranks(&[0]);
        let v = serde_json::to_value(&m).unwrap();
        for key in [
            "hr@10", "ndcg@10", "hr@20", "ndcg@20", "mrr", "mrr@10", "mrr@20", "users",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        let back: RankingMetrics = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(back, m);
        // Files written before MRR@20 was kept still read, with it as 0.
        let mut older = v;
        older.as_object_mut().unwrap().remove("mrr@20");
        let older: RankingMetrics = serde_json::from_value(older).unwrap();
        assert_eq!(older.mrr_20, 0.0);
        assert_eq!(older.mrr_10, m.mrr_10);
    }
}
