//! Item popularity summarised, so `sequda data stats` stays readable on a catalogue of a
//! million items: the per-item list is printed only when asked for or when it is short.

use serde::Serialize;

use super::stats::DatasetStats;

/// Catalogues up to this many items get the per-item list in `sequda data stats` by default;
/// larger ones only the summary (`--item-popularity` lists them anyway).
pub const POPULARITY_LIST_MAX_ITEMS: usize = 10_000;

/// How many of the largest counts the summary lists.
const TOP_COUNTS: usize = 20;

/// The shape of the item-popularity long tail.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PopularitySummary {
    /// Items with at least one interaction.
    pub items_seen: usize,
    /// Items with exactly one interaction.
    pub singletons: usize,
    /// Median interactions per item.
    pub median: f64,
    /// Mean interactions per item.
    pub mean: f64,
    /// Share of all interactions on the most popular 1% of items (at least one item).
    pub top_1_percent_share: f64,
    /// Share on the most popular 10% (at least one item).
    pub top_10_percent_share: f64,
    /// Gini coefficient of the counts (0 = every item equally popular, → 1 = one item has
    /// everything).
    pub gini: f64,
    /// The largest counts, most popular first (at most 20).
    pub top: Vec<u64>,
}

/// The summary of `counts`, one per item, largest first (as
/// [`DatasetStats::item_popularity`] holds them).
pub fn popularity_summary(counts: &[u64]) -> PopularitySummary {
    let n = counts.len();
    let total: u64 = counts.iter().sum();
    let share = |fraction: f64| {
        let top = ((n as f64 * fraction).ceil() as usize).clamp(1.min(n), n);
        counts[..top].iter().sum::<u64>() as f64 / total.max(1) as f64
    };
    let median = match n {
        0 => 0.0,
        _ if n.is_multiple_of(2) => (counts[n / 2 - 1] + counts[n / 2]) as f64 / 2.0,
        _ => counts[n / 2] as f64,
    };
    // Gini over ascending counts: Σ (2i − n − 1) x_i / (n Σ x), i = 1..n.
    let weighted: f64 = counts
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| (2.0 * (i + 1) as f64 - n as f64 - 1.0) * x as f64)
        .sum();
    PopularitySummary {
        items_seen: counts.iter().filter(|&&c| c > 0).count(),
        singletons: counts.iter().filter(|&&c| c == 1).count(),
        median,
        mean: total as f64 / n.max(1) as f64,
        top_1_percent_share: share(0.01),
        top_10_percent_share: share(0.1),
        gini: weighted / (n.max(1) as f64 * total.max(1) as f64),
        top: counts.iter().take(TOP_COUNTS).copied().collect(),
    }
}

/// What `sequda data stats` prints: the statistics, the popularity summary, and the
/// per-item list (`item_popularity`) only when `list` or the catalogue is small.
#[derive(Clone, Debug, Serialize)]
pub struct StatsJson {
    /// The statistics (without `item_popularity` when it is not listed).
    #[serde(flatten)]
    pub stats: DatasetStats,
    /// The long tail in a few numbers.
    pub item_popularity_summary: PopularitySummary,
}

impl StatsJson {
    /// The printed form of `stats`; `list` keeps the per-item list of a large catalogue.
    pub fn new(mut stats: DatasetStats, list: bool) -> Self {
        let item_popularity_summary = popularity_summary(&stats.item_popularity);
        if !list && stats.item_popularity.len() > POPULARITY_LIST_MAX_ITEMS {
            stats.item_popularity = Vec::new();
        }
        Self {
            stats,
            item_popularity_summary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_of_a_long_tail() {
        let mut counts: Vec<u64> = vec![50, 20, 10, 5, 5, 3, 1, 1, 1, 0];
        let summary = popularity_summary(&counts);
        assert_eq!((summary.items_seen, summary.singletons), (9, 3));
        assert_eq!(summary.median, 4.0);
        assert_eq!(summary.mean, 9.6);
        assert_eq!(summary.top_1_percent_share, 50.0 / 96.0);
        assert_eq!(summary.top_10_percent_share, 50.0 / 96.0);
        assert_eq!(summary.top, counts);
        assert!(summary.gini > 0.5 && summary.gini < 1.0, "{}", summary.gini);
        counts = vec![7; 4];
        assert!(
            popularity_summary(&counts).gini.abs() < 1e-12,
            "equal counts"
        );
        let empty = popularity_summary(&[]);
        assert_eq!((empty.items_seen, empty.mean, empty.gini), (0, 0.0, 0.0));
    }
}
