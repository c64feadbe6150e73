//! Unit tests of the full-ranking protocol (hand-computed ranks, invariances, blocking).

use std::ops::Range;

use super::super::*;
use crate::rng::SplitMix64;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn keep_going() -> impl FnMut(usize, usize) -> bool {
    |_, _| true
}

/// Every user gets the same score row.
fn same_row(scores: &[f32]) -> MatrixScorer {
    MatrixScorer::new(scores.len(), scores.to_vec()).unwrap()
}

fn rank_of(scores: &[f32], target: u32, history: &[u32]) -> u32 {
    let case = EvalCase::new(0, history, target, &[]);
    let outcome = evaluate(
        &mut same_row(scores),
        &[case],
        &EvalOptions::default(),
        None,
        &mut keep_going(),
    );
    outcome.unwrap().ranks[0]
}

#[test]
fn hand_example_from_the_spec() {
    // item 3 (0.9) is filtered; item 1 ties with the target and counts against it.
    let scores = [0.1, 0.5, 0.5, 0.9, 0.2];
    let case = EvalCase::new(0, &[3], 2, &[]);
    let out = evaluate(
        &mut same_row(&scores),
        &[case],
        &EvalOptions::default(),
        None,
        &mut keep_going(),
    )
    .unwrap();
    assert_eq!(out.ranks, vec![1]);
    assert_eq!(hit_at(out.ranks[0], 1), 0.0);
    assert_eq!(out.metrics.hr_10, 1.0);
    assert!(close(out.metrics.ndcg_10, 1.0 / 3f64.log2()));
    assert!(close(out.metrics.mrr, 0.5));
    assert!(close(out.metrics.mrr_10, 0.5));
    assert_eq!(out.metrics.users, 1);
    assert_eq!(out.label(), "full ranking");
    assert_eq!(out.per_case(Metric::Mrr), vec![0.5]);
    // Without the filter item 3 also beats the target.
    assert_eq!(rank_of(&scores, 2, &[]), 2);
}

#[test]
fn target_in_history_is_never_filtered_and_duplicates_count_once() {
    let scores = [0.1, 0.5, 0.5, 0.9, 0.2];
    assert_eq!(rank_of(&scores, 2, &[3, 2, 2, 3]), 1);
    // All ties: everything but the target competes, filtered items do not.
    let flat = [0.5; 5];
    assert_eq!(rank_of(&flat, 0, &[]), 4);
    assert_eq!(rank_of(&flat, 0, &[1, 1, 4, 0]), 2);
}

#[test]
fn best_target_ranks_first() {
    let scores = [0.1, 0.5, 0.95, 0.9, 0.2];
    let case = EvalCase::new(0, &[0, 1], 2, &[]);
    let out = evaluate(
        &mut same_row(&scores),
        &[case],
        &EvalOptions::default(),
        None,
        &mut keep_going(),
    )
    .unwrap();
    assert_eq!(out.ranks, vec![0]);
    assert_eq!(
        (out.metrics.hr_10, out.metrics.ndcg_10, out.metrics.mrr),
        (1.0, 1.0, 1.0)
    );
}

#[test]
fn nan_scores_count_against_the_model() {
    let scores = [0.1, f32::NAN, 0.3, 0.2, 0.05];
    // competitors of item 3 (0.2): NaN item 1 and item 2 (0.3).
    assert_eq!(rank_of(&scores, 3, &[]), 2);
    // a filtered NaN does not count.
    assert_eq!(rank_of(&scores, 3, &[1]), 1);
    // a NaN target ranks last among the non-filtered items: 5 items, 1 filtered, minus itself.
    let nan_target = [0.1, 0.9, f32::NAN, 0.3, 0.2];
    assert_eq!(rank_of(&nan_target, 2, &[4]), 3);
    assert_eq!(rank_of(&nan_target, 2, &[]), 4);
}

#[test]
fn filtered_items_are_excluded_even_against_a_minus_infinity_target() {
    let ninf = f32::NEG_INFINITY;
    let scores = [ninf, ninf, 0.3, ninf, 0.1];
    // target 0 at -inf: items 2 and 4 beat it; 1 and 3 tie but are filtered.
    assert_eq!(rank_of(&scores, 0, &[1, 3]), 2);
    assert_eq!(rank_of(&scores, 0, &[]), 4);
    assert_eq!(
        rank_of(&[1.0, f32::INFINITY, 1.0, 0.0], 2, &[]),
        2,
        "+inf competes, ties count"
    );
}

#[test]
fn constant_scorer_ranks_every_target_last() {
    let n = 1000usize;
    let mut rng = SplitMix64::new(5);
    let histories: Vec<Vec<u32>> = (0..300)
        .map(|_| {
            (0..rng.below(30))
                .map(|_| rng.below(n as u64) as u32)
                .collect()
        })
        .collect();
    let targets: Vec<u32> = (0..300).map(|_| rng.below(n as u64) as u32).collect();
    let cases: Vec<EvalCase<'_>> = histories
        .iter()
        .zip(&targets)
        .enumerate()
        .map(|(u, (h, &t))| EvalCase::new(u as u32, h, t, &[]))
        .collect();
    let mut scorer = ConstantScorer { n_items: n };
    let out = evaluate(
        &mut scorer,
        &cases,
        &EvalOptions::default(),
        None,
        &mut keep_going(),
    )
    .unwrap();
    for (case, &rank) in cases.iter().zip(&out.ranks) {
        let mut filtered: Vec<u32> = case
            .history
            .iter()
            .copied()
            .filter(|&i| i != case.target)
            .collect();
        filtered.sort_unstable();
        filtered.dedup();
        assert_eq!(rank as usize, n - 1 - filtered.len());
    }
    assert_eq!(out.metrics.hr_10, 0.0);
    assert_eq!(out.metrics.ndcg_20, 0.0);
}

#[test]
fn progress_is_reported_per_block_and_can_cancel() {
    let cases: Vec<_> = (0..10).map(|u| EvalCase::new(u, &[1, 2], u, &[])).collect();
    let opts = EvalOptions {
        max_users_per_block: 4,
        ..EvalOptions::default()
    };
    let mut calls = vec![];
    let mut record = |done, total| {
        calls.push((done, total));
        true
    };
    evaluate(
        &mut ConstantScorer { n_items: 20 },
        &cases,
        &opts,
        None,
        &mut record,
    )
    .unwrap();
    assert_eq!(calls, vec![(4, 10), (8, 10), (10, 10)]);
    let mut stop = |done, _| done < 4;
    let err = evaluate(
        &mut ConstantScorer { n_items: 20 },
        &cases,
        &opts,
        None,
        &mut stop,
    );
    assert!(matches!(err, Err(EvalError::Cancelled)));
    let empty = evaluate(
        &mut ConstantScorer { n_items: 20 },
        &[],
        &opts,
        None,
        &mut keep_going(),
    )
    .unwrap();
    assert!(empty.ranks.is_empty());
    assert_eq!(empty.metrics.users, 0);
}

/// Fails on demand and counts calls.
struct Faulty {
    prepared: usize,
    wrong_rows: bool,
}

impl Scorer for Faulty {
    fn n_items(&self) -> usize {
        5
    }
    fn prepare(&mut self, cases: &[EvalCase<'_>]) -> Result<(), EvalError> {
        self.prepared = cases.len();
        Ok(())
    }
    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError> {
        if self.wrong_rows {
            check_score_call(5, self.prepared + 1, &items, out.len())
        } else {
            Err(EvalError::Scorer("device lost".into()))
        }
    }
}

#[test]
fn invalid_inputs_and_scorer_failures_are_errors() {
    let mut scorer = ConstantScorer { n_items: 5 };
    let bad_target = [EvalCase::new(0, &[], 5, &[])];
    let bad_history = [
        EvalCase::new(0, &[1], 0, &[]),
        EvalCase::new(1, &[9], 0, &[]),
    ];
    let opts = EvalOptions::default();
    assert!(matches!(
        evaluate(&mut scorer, &bad_target, &opts, None, &mut keep_going()),
        Err(EvalError::InvalidCase { index: 0, .. })
    ));
    assert!(matches!(
        evaluate(&mut scorer, &bad_history, &opts, None, &mut keep_going()),
        Err(EvalError::InvalidCase { index: 1, .. })
    ));
    let case = [EvalCase::new(0, &[], 1, &[])];
    let mut failing = Faulty {
        prepared: 0,
        wrong_rows: false,
    };
    let err = evaluate(&mut failing, &case, &opts, None, &mut keep_going()).unwrap_err();
    assert_eq!(err.to_string(), "scoring failed: device lost");
    let mut mismatched = Faulty {
        prepared: 0,
        wrong_rows: true,
    };
    assert!(matches!(
        evaluate(&mut mismatched, &case, &opts, None, &mut keep_going()),
        Err(EvalError::OutputLength { .. })
    ));
    let mut empty = ConstantScorer { n_items: 0 };
    assert!(matches!(
        evaluate(&mut empty, &case, &opts, None, &mut keep_going()),
        Err(EvalError::InvalidCatalogue(0))
    ));
}

/// A [`MatrixScorer`] that counts its `score_items` calls.
struct Counting {
    inner: MatrixScorer,
    calls: usize,
}

impl Scorer for Counting {
    fn n_items(&self) -> usize {
        self.inner.n_items()
    }
    fn prepare(&mut self, cases: &[EvalCase<'_>]) -> Result<(), EvalError> {
        self.inner.prepare(cases)
    }
    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError> {
        self.calls += 1;
        self.inner.score_items(items, out)
    }
}

#[test]
fn blocks_grouped_by_target_range_score_each_range_once() {
    // 20 items in 4 ranges of 5 (budget 20 floats, 4 users per block); targets alternate between
    // the first and the last range, so blocks taken in input order would hold both.
    let (users, n) = (8u32, 20usize);
    let scores: Vec<f32> = (0..users as usize * n)
        .map(|i| ((i * 7919) % 23) as f32)
        .collect();
    let targets: Vec<u32> = (0..users)
        .map(|u| if u % 2 == 0 { u / 2 } else { 15 + u / 2 })
        .collect();
    let cases: Vec<_> = (0..users)
        .map(|u| EvalCase::new(u, &[3, 17], targets[u as usize], &[]))
        .collect();
    let opts = EvalOptions {
        max_block_floats: 20,
        max_users_per_block: 4,
        ..EvalOptions::default()
    };
    let mut scorer = Counting {
        inner: MatrixScorer::new(n, scores.clone()).unwrap(),
        calls: 0,
    };
    let out = evaluate(&mut scorer, &cases, &opts, None, &mut keep_going()).unwrap();
    assert_eq!(
        scorer.calls,
        2 * 4,
        "two blocks, each range scored once per block"
    );
    for (u, case) in cases.iter().enumerate() {
        let row = &scores[u * n..(u + 1) * n];
        assert_eq!(
            out.ranks[u],
            rank_of(row, case.target, case.history),
            "user {u}, ranks in input order"
        );
    }
}
