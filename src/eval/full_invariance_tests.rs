//! Unit tests of the full-ranking protocol: invariances (item order, block sizes), chance level, speed.

use std::ops::Range;

use super::super::*;
use crate::rng::SplitMix64;

fn keep_going() -> impl FnMut(usize, usize) -> bool {
    |_, _| true
}

/// Scores `1 + 1e-3 * noise(user, item)`: a slightly perturbed constant.
struct NoisyConstant {
    n_items: usize,
    users: Vec<u32>,
}

impl Scorer for NoisyConstant {
    fn n_items(&self) -> usize {
        self.n_items
    }
    fn prepare(&mut self, cases: &[EvalCase<'_>]) -> Result<(), EvalError> {
        self.users = cases.iter().map(|c| c.user).collect();
        Ok(())
    }
    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError> {
        check_score_call(self.n_items, self.users.len(), &items, out.len())?;
        for (row, &u) in out.chunks_exact_mut(items.len()).zip(&self.users) {
            for (s, item) in row.iter_mut().zip(items.clone()) {
                let noise = crate::rng::mix64((u64::from(u) << 32) | item as u64) >> 40;
                *s = 1.0 + 1e-3 * (noise as f32 / (1u64 << 24) as f32);
            }
        }
        Ok(())
    }
}

#[test]
fn perturbed_constant_gets_chance_level_hit_rate() {
    let n = 200usize;
    let users = 4000u32;
    let mut rng = SplitMix64::new(11);
    let targets: Vec<u32> = (0..users).map(|_| rng.below(n as u64) as u32).collect();
    let cases: Vec<_> = (0..users)
        .map(|u| EvalCase::new(u, &[], targets[u as usize], &[]))
        .collect();
    let mut scorer = NoisyConstant {
        n_items: n,
        users: vec![],
    };
    let out = evaluate(
        &mut scorer,
        &cases,
        &EvalOptions::default(),
        None,
        &mut keep_going(),
    )
    .unwrap();
    let chance = 10.0 / n as f64;
    // binomial std = sqrt(0.05 * 0.95 / 4000) ~ 0.0034
    assert!(
        (out.metrics.hr_10 - chance).abs() < 0.015,
        "hr@10 {}",
        out.metrics.hr_10
    );
    assert!(
        (out.metrics.hr_20 - 2.0 * chance).abs() < 0.02,
        "hr@20 {}",
        out.metrics.hr_20
    );
}

/// Random scores for `users x n` with many exact ties and a few NaNs.
fn tied_scores(users: usize, n: usize, seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    (0..users * n)
        .map(|_| match rng.below(50) {
            0 => f32::NAN,
            _ => rng.below(12) as f32 * 0.25,
        })
        .collect()
}

struct Fixture {
    histories: Vec<Vec<u32>>,
    targets: Vec<u32>,
}

impl Fixture {
    fn new(users: usize, n: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let histories = (0..users)
            .map(|_| {
                (0..rng.below(20))
                    .map(|_| rng.below(n as u64) as u32)
                    .collect()
            })
            .collect();
        let targets = (0..users).map(|_| rng.below(n as u64) as u32).collect();
        Self { histories, targets }
    }
    fn cases(&self) -> Vec<EvalCase<'_>> {
        (0..self.targets.len())
            .map(|u| EvalCase::new(u as u32, &self.histories[u], self.targets[u], &[]))
            .collect()
    }
}

#[test]
fn rank_does_not_depend_on_item_order() {
    let (users, n) = (60, 97);
    let scores = tied_scores(users, n, 3);
    let fx = Fixture::new(users, n, 4);
    let mut perm: Vec<u32> = (0..n as u32).collect();
    let mut rng = SplitMix64::new(9);
    for i in (1..n).rev() {
        perm.swap(i, rng.below(i as u64 + 1) as usize);
    }
    // Item i of the original catalogue is item perm[i] of the permuted one.
    let mut permuted = vec![0.0; users * n];
    for u in 0..users {
        for i in 0..n {
            permuted[u * n + perm[i] as usize] = scores[u * n + i];
        }
    }
    let p_histories: Vec<Vec<u32>> = fx
        .histories
        .iter()
        .map(|h| h.iter().map(|&i| perm[i as usize]).collect())
        .collect();
    let p_cases: Vec<_> = (0..users)
        .map(|u| EvalCase::new(u as u32, &p_histories[u], perm[fx.targets[u] as usize], &[]))
        .collect();
    let opts = EvalOptions::default();
    let a = evaluate(
        &mut MatrixScorer::new(n, scores).unwrap(),
        &fx.cases(),
        &opts,
        None,
        &mut keep_going(),
    )
    .unwrap();
    let b = evaluate(
        &mut MatrixScorer::new(n, permuted).unwrap(),
        &p_cases,
        &opts,
        None,
        &mut keep_going(),
    )
    .unwrap();
    assert_eq!(a.ranks, b.ranks);
}

#[test]
fn tiny_blocks_give_identical_ranks() {
    let (users, n) = (70, 53);
    let fx = Fixture::new(users, n, 8);
    let cases = fx.cases();
    let mut scorer = MatrixScorer::new(n, tied_scores(users, n, 7)).unwrap();
    let reference = evaluate(
        &mut scorer,
        &cases,
        &EvalOptions::default(),
        None,
        &mut keep_going(),
    )
    .unwrap();
    for (floats, per_block) in [(7, 3), (1, 256), (53, 1), (106, 2), (1000, 9), (54, 256)] {
        let opts = EvalOptions {
            max_block_floats: floats,
            max_users_per_block: per_block,
            ..EvalOptions::default()
        };
        let out = evaluate(&mut scorer, &cases, &opts, None, &mut keep_going()).unwrap();
        assert_eq!(
            out.ranks, reference.ranks,
            "budget {floats}, users {per_block}"
        );
    }
    // Brute force check of the reference on a few cases.
    let scores = tied_scores(users, n, 7);
    for (u, case) in cases.iter().enumerate().take(10) {
        let row = &scores[u * n..(u + 1) * n];
        let t = row[case.target as usize];
        let rank = (0..n as u32)
            .filter(|&i| i != case.target && !case.history.contains(&i))
            .filter(|&i| row[i as usize].partial_cmp(&t) != Some(std::cmp::Ordering::Less))
            .count();
        assert_eq!(reference.ranks[u] as usize, rank);
    }
}
