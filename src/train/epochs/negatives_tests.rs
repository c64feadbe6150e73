//! The three sources draw what they claim, with the corrections they document.

use super::*;
use crate::train::epochs::build_batch;

/// Item `j` appears `j + 1` times in training (items 0..8), item 8 never.
fn skewed_train() -> Vec<Vec<u32>> {
    (0..8u32)
        .map(|item| vec![item; item as usize + 1])
        .collect()
}

fn config(source: NegativeSource, negatives: usize) -> SampledLossConfig {
    SampledLossConfig {
        negatives,
        source,
        ..SampledLossConfig::default()
    }
}

/// Share of `draws` equal to each item of a catalogue of `n_items`.
fn frequencies(draws: &[i64], n_items: usize) -> Vec<f64> {
    let mut counts = vec![0.0; n_items];
    for &item in draws {
        counts[item as usize] += 1.0;
    }
    counts.iter().map(|c| c / draws.len() as f64).collect()
}

/// Asserts each empirical share is within five standard errors of `q`.
fn assert_shares(observed: &[f64], q: &[f64], draws: usize) {
    for (item, (&f, &q)) in observed.iter().zip(q).enumerate() {
        let error = (q * (1.0 - q) / draws as f64).sqrt();
        assert!(
            (f - q).abs() <= 5.0 * error + 1e-9,
            "item {item}: {f} vs {q}"
        );
    }
}

#[test]
fn uniform_draws_cover_the_catalogue_with_one_constant_correction() {
    let mut sampler = NegativeSampler::new(&config(NegativeSource::Uniform, 4000), &[], 9, 1);
    let drawn = sampler.draw(&[]);
    assert_eq!(drawn.len(), 4000);
    assert_shares(&frequencies(&drawn.items, 9), &[1.0 / 9.0; 9], 4000);
    let expected = (4000.0_f64 / 9.0).ln() as f32;
    assert!(drawn.log_counts.iter().all(|&c| c == expected));
}

#[test]
fn popularity_mixed_draws_in_proportion_to_its_q() {
    let train = skewed_train();
    let n = 50_000;
    let mut sampler = NegativeSampler::new(&config(NegativeSource::Popularity, n), &train, 9, 7);
    let drawn = sampler.draw(&[]);
    // share 0.5: q_j = 0.5 · (j + 1) / 36 + 0.5 / 9, and 0.5 / 9 for the unseen item 8.
    let q: Vec<f64> = (0..9)
        .map(|j| {
            let count = if j < 8 { j as f64 + 1.0 } else { 0.0 };
            0.5 * count / 36.0 + 0.5 / 9.0
        })
        .collect();
    assert_shares(&frequencies(&drawn.items, 9), &q, n);
    for (&item, &c) in drawn.items.iter().zip(&drawn.log_counts) {
        let expected = (n as f64 * q[item as usize]).ln() as f32;
        assert!(
            (c - expected).abs() < 1e-5,
            "item {item}: {c} vs {expected}"
        );
    }
}

#[test]
fn in_batch_draws_only_listed_targets_in_proportion() {
    // Targets are every item but the first of each sequence: 5 (twice), 6, 7, 2 and 3; the
    // first items (1, 4) and padding are never a listed target.
    let train: Vec<Vec<u32>> = vec![vec![1, 5, 6, 5], vec![4, 7], vec![4, 2, 3]];
    let first = build_batch(&train, &[0], 8);
    let rest = build_batch(&train, &[1, 2], 8);
    let n = 30_000;
    let mut sampler = NegativeSampler::new(&config(NegativeSource::InBatch, n), &train, 9, 3);
    let drawn = sampler.draw(&[&first, &rest]);
    let mut q = vec![0.0; 9];
    for (item, share) in [(5, 2.0), (6, 1.0), (7, 1.0), (2, 1.0), (3, 1.0)] {
        q[item] = share / 6.0;
    }
    let observed = frequencies(&drawn.items, 9);
    assert_shares(&observed, &q, n);
    for never in [0, 1, 4, 8] {
        assert_eq!(observed[never], 0.0, "item {never} is no listed target");
    }
    for (&item, &c) in drawn.items.iter().zip(&drawn.log_counts) {
        let expected = (n as f64 * q[item as usize]).ln() as f32;
        assert!(
            (c - expected).abs() < 1e-5,
            "item {item}: {c} vs {expected}"
        );
    }
    assert!(
        sampler.draw(&[]).is_empty(),
        "no positions, nothing to draw"
    );
}

#[test]
fn without_the_correction_every_count_is_zero() {
    let mut off = config(NegativeSource::Popularity, 100);
    off.logq_correction = false;
    let drawn = NegativeSampler::new(&off, &skewed_train(), 9, 1).draw(&[]);
    assert!(drawn.log_counts.iter().all(|&c| c == 0.0));
}

#[test]
fn draws_repeat_for_a_seed_and_epoch_and_differ_between_epochs() {
    let settings = config(NegativeSource::Popularity, 64);
    let train = skewed_train();
    let mut a = NegativeSampler::new(&settings, &train, 9, 5);
    let mut b = NegativeSampler::new(&settings, &train, 9, 5);
    a.begin_epoch(3);
    b.begin_epoch(3);
    let first = a.draw(&[]);
    assert_eq!(first, b.draw(&[]));
    assert_ne!(first, a.draw(&[]), "the next step draws anew");
    b.begin_epoch(4);
    a.begin_epoch(3);
    assert_eq!(first, a.draw(&[]), "an epoch restarts its own stream");
    assert_ne!(first, b.draw(&[]));
    let mut other_seed = NegativeSampler::new(&settings, &train, 9, 6);
    other_seed.begin_epoch(3);
    assert_ne!(first, other_seed.draw(&[]));
}

#[test]
fn every_item_is_the_catalogue_once_without_correction() {
    let every = SharedNegatives::every_item(4);
    assert_eq!(every.items, [0, 1, 2, 3]);
    assert_eq!(every.log_counts, [0.0; 4]);
}
