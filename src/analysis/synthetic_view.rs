//! Chart series for the synthetic-sequence pane: length and popularity distributions of real
//! and generated sequences, and the CSV of the samples.

use super::csv::{Cell, CsvTable};
use super::labels::ItemLabels;
use crate::train::session::SyntheticSample;

/// Share of sequences per length bucket `1, 2, …, cap-1, cap+` (bucket `i` = length `i + 1`).
pub fn length_shares(sequences: &[&[u32]], cap: usize) -> Vec<f64> {
    let cap = cap.max(1);
    let mut counts = vec![0usize; cap];
    for sequence in sequences.iter().filter(|s| !s.is_empty()) {
        counts[(sequence.len() - 1).min(cap - 1)] += 1;
    }
    shares(&counts)
}

/// Share of item occurrences falling in each decile of items ranked by `popularity` (most
/// popular decile first).
pub fn decile_shares(sequences: &[&[u32]], popularity: &[u64]) -> Vec<f64> {
    let mut ranked: Vec<usize> = (0..popularity.len()).collect();
    ranked.sort_by(|&a, &b| popularity[b].cmp(&popularity[a]).then(a.cmp(&b)));
    let mut decile_of = vec![9usize; popularity.len()];
    for (rank, &item) in ranked.iter().enumerate() {
        decile_of[item] = (rank * 10 / popularity.len().max(1)).min(9);
    }
    let mut counts = vec![0usize; 10];
    for &item in sequences.iter().flat_map(|s| s.iter()) {
        if let Some(&decile) = decile_of.get(item as usize) {
            counts[decile] += 1;
        }
    }
    shares(&counts)
}

fn shares(counts: &[usize]) -> Vec<f64> {
    let total = counts.iter().sum::<usize>().max(1) as f64;
    counts.iter().map(|&c| c as f64 / total).collect()
}

/// Generated samples (and real references) as a CSV: kind, source user, discriminator score,
/// real-prefix length, item ids and titles.
pub fn samples_table(
    samples: &[&SyntheticSample],
    real: &[Vec<u32>],
    users: &crate::data::IdMap,
    labels: &ItemLabels,
) -> CsvTable {
    let mut table = CsvTable::new([
        "kind",
        "source_user",
        "discriminator_score",
        "real_prefix_length",
        "item_ids",
        "titles",
    ]);
    let ids = |items: &[u32]| {
        items
            .iter()
            .map(|&i| labels.id(i))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let titles = |items: &[u32]| {
        items
            .iter()
            .map(|&i| labels.title(i))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    for sample in samples {
        table.push(vec![
            Cell::from("generated"),
            Cell::from(users.token(u32::try_from(sample.source_user).unwrap_or(u32::MAX))),
            sample.d_score.into(),
            sample.prefix_len.into(),
            Cell::from(ids(&sample.items)),
            Cell::from(titles(&sample.items)),
        ]);
    }
    for sequence in real {
        table.push(vec![
            Cell::from("real"),
            Cell::from(""),
            Cell::from(""),
            sequence.len().into(),
            Cell::from(ids(sequence)),
            Cell::from(titles(sequence)),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_one_and_put_popular_items_first() {
        let a: &[u32] = &[0, 0, 1];
        let b: &[u32] = &[0, 2, 3, 4];
        let lengths = length_shares(&[a, b], 3);
        assert_eq!(lengths, vec![0.0, 0.0, 1.0]);
        let popularity: Vec<u64> = (0..10).map(|i| 10 - i).collect();
        let deciles = decile_shares(&[a, b], &popularity);
        assert!((deciles.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((deciles[0] - 3.0 / 7.0).abs() < 1e-12);
        assert!(decile_shares(&[], &popularity).iter().all(|&s| s == 0.0));
    }
}
