//! Dataset statistics for the Data pane and `sequda data stats`.

use std::collections::HashSet;

use serde::Serialize;

use super::dataset::Dataset;

/// Summary statistics of a dataset.
#[derive(Clone, Debug, Serialize)]
pub struct DatasetStats {
    /// The source file.
    pub path: String,
    /// The format it was read as.
    pub format: String,
    /// Number of users.
    pub users: usize,
    /// Number of distinct items.
    pub items: usize,
    /// Number of interactions.
    pub interactions: usize,
    /// 1 − interactions / (users × items); 0 for an empty dataset.
    pub sparsity: f64,
    /// Sequence length (interactions per user).
    pub sequence_length: LengthStats,
    /// (bucket start, users) for buckets starting 1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300,
    /// 500, … (1-2-3-5 steps per decade; a bucket runs up to the next start), from the
    /// shortest to the longest sequence. A bucket starting at 0 is added for empty sequences.
    pub length_histogram: Vec<(usize, usize)>,
    /// Interaction count of every item, largest first (the long tail). Left out of the JSON
    /// when empty (`sequda data stats` empties it for a catalogue over
    /// [`POPULARITY_LIST_MAX_ITEMS`](super::POPULARITY_LIST_MAX_ITEMS) items).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub item_popularity: Vec<u64>,
    /// (behaviour name, count), in the dataset's behaviour order; empty without behaviours.
    pub behaviours: Vec<(String, u64)>,
    /// Interactions that repeat an item the same user already had.
    pub repeated_pairs: u64,
    /// Rows skipped during the import.
    pub skipped_rows: u64,
}

/// Distribution summary of sequence lengths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LengthStats {
    /// Shortest sequence.
    pub min: usize,
    /// Median length (mean of the two middle ones for an even number of users).
    pub median: f64,
    /// Mean length.
    pub mean: f64,
    /// Longest sequence.
    pub max: usize,
}

/// Computes the statistics of `dataset`.
pub fn dataset_stats(dataset: &Dataset) -> DatasetStats {
    let users = dataset.n_users();
    let items = dataset.n_items();
    let interactions = dataset.n_interactions();
    let cells = users as f64 * items as f64;
    let sparsity = if cells > 0.0 {
        1.0 - interactions as f64 / cells
    } else {
        0.0
    };
    let mut lengths: Vec<usize> = dataset.sequences.iter().map(Vec::len).collect();
    lengths.sort_unstable();

    let mut popularity = vec![0u64; items];
    let mut repeated_pairs = 0u64;
    let mut seen = HashSet::new();
    for sequence in &dataset.sequences {
        seen.clear();
        for &item in sequence {
            if let Some(count) = usize::try_from(item)
                .ok()
                .and_then(|i| popularity.get_mut(i))
            {
                *count += 1;
            }
            if !seen.insert(item) {
                repeated_pairs += 1;
            }
        }
    }
    popularity.sort_unstable_by(|a, b| b.cmp(a));

    let mut behaviour_counts = vec![0u64; dataset.behaviour_names.len()];
    for &behaviour in dataset.behaviours.iter().flatten().flatten() {
        if let Some(count) = behaviour_counts.get_mut(usize::from(behaviour)) {
            *count += 1;
        }
    }

    DatasetStats {
        path: dataset.source.display().to_string(),
        format: dataset.format.to_string(),
        users,
        items,
        interactions,
        sparsity,
        sequence_length: length_stats(&lengths),
        length_histogram: histogram(&lengths),
        item_popularity: popularity,
        behaviours: dataset
            .behaviour_names
            .iter()
            .cloned()
            .zip(behaviour_counts)
            .collect(),
        repeated_pairs,
        skipped_rows: dataset.report.skipped_count(),
    }
}

/// Min, median, mean and max of sorted lengths.
fn length_stats(sorted: &[usize]) -> LengthStats {
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return LengthStats::default();
    };
    let middle = sorted.len() / 2;
    let upper = sorted.get(middle).copied().unwrap_or(0) as f64;
    let median = if sorted.len().is_multiple_of(2) {
        (sorted.get(middle.wrapping_sub(1)).copied().unwrap_or(0) as f64 + upper) / 2.0
    } else {
        upper
    };
    let mean = sorted.iter().sum::<usize>() as f64 / sorted.len() as f64;
    LengthStats {
        min,
        median,
        mean,
        max,
    }
}

/// The start of the histogram bucket holding `length`: 0, or the largest of
/// 1, 2, 3, 5 × 10^k not above it.
fn bucket_start(length: usize) -> usize {
    if length == 0 {
        return 0;
    }
    let mut decade = 1usize;
    while length / decade >= 10 {
        decade *= 10;
    }
    let lead = length / decade;
    let step = match lead {
        1 => 1,
        2 => 2,
        3 | 4 => 3,
        _ => 5,
    };
    step * decade
}

/// The next bucket start after `start` (which is a bucket start).
fn next_bucket(start: usize) -> usize {
    if start == 0 {
        return 1;
    }
    let mut decade = 1usize;
    while start / decade >= 10 {
        decade *= 10;
    }
    match start / decade {
        1 => 2 * decade,
        2 => 3 * decade,
        3 => 5 * decade,
        _ => decade.saturating_mul(10),
    }
}

/// Users per bucket of sorted lengths, from the first to the last non-empty bucket.
fn histogram(sorted: &[usize]) -> Vec<(usize, usize)> {
    let (Some(&shortest), Some(&longest)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let mut buckets = Vec::new();
    let mut start = bucket_start(shortest);
    let last = bucket_start(longest);
    loop {
        let end = next_bucket(start);
        let count =
            sorted.partition_point(|&len| len < end) - sorted.partition_point(|&len| len < start);
        buckets.push((start, count));
        if start >= last || end <= start {
            break;
        }
        start = end;
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::super::idmap::IdMap;
    use super::*;

    #[test]
    fn buckets() {
        let starts: Vec<usize> = [0, 1, 2, 3, 4, 5, 9, 10, 19, 20, 35, 49, 50, 99, 100, 2277]
            .into_iter()
            .map(bucket_start)
            .collect();
        assert_eq!(
            starts,
            [0, 1, 2, 3, 3, 5, 5, 10, 10, 20, 30, 30, 50, 50, 100, 2000]
        );
        assert_eq!(
            histogram(&[1, 1, 4, 12]),
            vec![(1, 2), (2, 0), (3, 1), (5, 0), (10, 1)]
        );
        assert_eq!(histogram(&[]), vec![]);
    }

    #[test]
    fn stats_of_a_small_dataset() {
        let users: IdMap = ["a", "b", "c"].into_iter().collect();
        let items: IdMap = ["x", "y", "z", "w"].into_iter().collect();
        let mut dataset = Dataset::from_sequences(
            "mem.txt".into(),
            users,
            items,
            vec![vec![0, 1, 0], vec![0], vec![2, 0, 2, 2]],
        );
        dataset.behaviour_names = vec!["view".into(), "buy".into()];
        dataset.behaviours = Some(vec![vec![0, 0, 1], vec![0], vec![0, 0, 0, 1]]);
        let stats = dataset_stats(&dataset);
        assert_eq!((stats.users, stats.items, stats.interactions), (3, 4, 8));
        assert!((stats.sparsity - (1.0 - 8.0 / 12.0)).abs() < 1e-12);
        assert_eq!(
            stats.sequence_length,
            LengthStats {
                min: 1,
                median: 3.0,
                mean: 8.0 / 3.0,
                max: 4
            }
        );
        assert_eq!(stats.item_popularity, vec![4, 3, 1, 0]);
        assert_eq!(stats.repeated_pairs, 3);
        assert_eq!(
            stats.behaviours,
            vec![("view".to_owned(), 6), ("buy".to_owned(), 2)]
        );
        assert_eq!(stats.format, "sasrec");
        assert_eq!(length_stats(&[1, 2, 3, 10]).median, 2.5);
        let json = serde_json::to_string(&stats).unwrap_or_default();
        assert!(
            json.contains("\"length_histogram\":[[1,1],[2,0],[3,2]]"),
            "{json}"
        );
    }
}
