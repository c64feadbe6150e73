//! Streaming top-K recommendation with a bounded heap per user.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::case::{Uses, validate};
use super::rank::check_catalogue;
use super::{EvalCase, EvalError, EvalOptions, Scorer};

/// A candidate in a user's heap. Ordered so that the *worst* candidate is the greatest (the heap
/// top): lower score is worse, and on equal scores the higher item index is worse.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    score: f32,
    item: u32,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // NaN never enters a heap, so partial_cmp is total here (and -0.0 == 0.0 ties by index).
        other
            .score
            .partial_cmp(&self.score)
            .unwrap_or(Ordering::Equal)
            .then(self.item.cmp(&other.item))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

/// Streaming top-K: per case, up to `k` `(item, score)` pairs, best first, ties broken by lower
/// item index. NaN scores are never recommended; `-inf` is an ordinary (worst) score.
///
/// With `exclude_history`, every item of the case's `history` is excluded, the target included:
/// this is a recommendation, the target plays no role (and is not validated). Items come only from
/// `0..scorer.n_items()`, so padding rows outside the catalogue can never appear. Memory is
/// bounded like [`super::evaluate`]: users in blocks, items in ranges, one heap of `k` per user.
pub fn top_k(
    scorer: &mut dyn Scorer,
    cases: &[EvalCase<'_>],
    k: usize,
    exclude_history: bool,
    options: &EvalOptions,
) -> Result<Vec<Vec<(u32, f32)>>, EvalError> {
    let n_items = scorer.n_items();
    check_catalogue(n_items)?;
    let uses = Uses {
        target: false,
        touched: false,
    };
    validate(cases, n_items, uses)?;
    if k == 0 {
        return Ok(vec![Vec::new(); cases.len()]);
    }

    let plan = options.plan(cases.len(), n_items);
    let capacity = k.min(n_items);
    let mut buf = vec![0.0f32; plan.buffer_len()];
    let mut heaps: Vec<BinaryHeap<Candidate>> = (0..plan.users_per_block.min(cases.len()))
        .map(|_| BinaryHeap::with_capacity(capacity))
        .collect();
    let mut results = Vec::with_capacity(cases.len());

    for block in cases.chunks(plan.users_per_block) {
        scorer.prepare(block)?;
        let rows = block.len();
        for index in 0..plan.n_ranges() {
            let range = plan.range(index);
            let len = range.len();
            let scores = &mut buf[..rows * len];
            scorer.score_items(range.clone(), scores)?;
            for ((case, row), heap) in block
                .iter()
                .zip(scores.chunks_exact_mut(len))
                .zip(&mut heaps)
            {
                if exclude_history {
                    for &item in case.history {
                        if let Some(offset) = (item as usize).checked_sub(range.start)
                            && let Some(score) = row.get_mut(offset)
                        {
                            *score = f32::NAN;
                        }
                    }
                }
                push_row(heap, row, range.start, capacity);
            }
        }
        for heap in &mut heaps[..rows] {
            let best_first = std::mem::take(heap).into_sorted_vec();
            results.push(best_first.into_iter().map(|c| (c.item, c.score)).collect());
            *heap = BinaryHeap::with_capacity(capacity);
        }
    }
    Ok(results)
}

/// Offers one row of scores (items `start..start + row.len()`) to a bounded heap.
fn push_row(heap: &mut BinaryHeap<Candidate>, row: &[f32], start: usize, capacity: usize) {
    for (offset, &score) in row.iter().enumerate() {
        if score.is_nan() {
            continue;
        }
        // Ids fit in u32: the catalogue size was checked.
        let candidate = Candidate {
            score,
            item: (start + offset) as u32,
        };
        if heap.len() < capacity {
            heap.push(candidate);
        } else if let Some(mut worst) = heap.peek_mut()
            && candidate < *worst
        {
            *worst = candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn rows(n: usize, rows: &[&[f32]]) -> MatrixScorer {
        MatrixScorer::new(n, rows.concat()).unwrap()
    }

    #[test]
    fn best_first_with_ties_by_lower_index() {
        let mut s = rows(6, &[&[0.5, 0.9, 0.5, f32::NAN, 0.9, -1.0]]);
        let case = [EvalCase::new(0, &[], 0, &[])];
        let got = top_k(&mut s, &case, 4, false, &EvalOptions::default()).unwrap();
        assert_eq!(got, vec![vec![(1, 0.9), (4, 0.9), (0, 0.5), (2, 0.5)]]);
        // k larger than the catalogue: every non-NaN item, -inf / negative included.
        let got = top_k(&mut s, &case, 100, false, &EvalOptions::default()).unwrap();
        assert_eq!(
            got[0].iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![1, 4, 0, 2, 5]
        );
        assert_eq!(
            top_k(&mut s, &case, 0, false, &EvalOptions::default()).unwrap(),
            vec![vec![]]
        );
    }

    #[test]
    fn history_exclusion_drops_every_seen_item() {
        let mut s = rows(
            5,
            &[&[0.1, 0.5, 0.5, 0.9, 0.2], &[0.3, 0.2, 0.1, 0.0, -0.5]],
        );
        // target 2 is in the history: for recommendation it is excluded too; target not validated.
        let cases = [
            EvalCase::new(0, &[3, 2], 2, &[]),
            EvalCase::new(1, &[0, 0], u32::MAX, &[]),
        ];
        let got = top_k(&mut s, &cases, 2, true, &EvalOptions::default()).unwrap();
        assert_eq!(
            got,
            vec![vec![(1, 0.5), (4, 0.2)], vec![(1, 0.2), (2, 0.1)]]
        );
        let got = top_k(&mut s, &cases, 2, false, &EvalOptions::default()).unwrap();
        assert_eq!(got[0], vec![(3, 0.9), (1, 0.5)]);
        let bad = [EvalCase::new(0, &[5], 0, &[])];
        assert!(matches!(
            top_k(&mut s, &bad, 2, true, &EvalOptions::default()),
            Err(EvalError::InvalidCase { .. })
        ));
    }

    #[test]
    fn streaming_over_tiny_ranges_matches_one_block() {
        let (users, n) = (23usize, 61usize);
        let mut rng = crate::rng::SplitMix64::new(4);
        let scores: Vec<f32> = (0..users * n)
            .map(|_| {
                if rng.below(30) == 0 {
                    f32::NAN
                } else {
                    rng.below(8) as f32
                }
            })
            .collect();
        let histories: Vec<Vec<u32>> = (0..users)
            .map(|_| (0..10).map(|_| rng.below(n as u64) as u32).collect())
            .collect();
        let cases: Vec<_> = (0..users)
            .map(|u| EvalCase::new(u as u32, &histories[u], 0, &[]))
            .collect();
        let mut s = MatrixScorer::new(n, scores.clone()).unwrap();
        let reference = top_k(&mut s, &cases, 10, true, &EvalOptions::default()).unwrap();
        for (floats, per_block) in [(1, 1), (7, 3), (100, 4)] {
            let opts = EvalOptions {
                max_block_floats: floats,
                max_users_per_block: per_block,
                ..EvalOptions::default()
            };
            assert_eq!(top_k(&mut s, &cases, 10, true, &opts).unwrap(), reference);
        }
        // Brute force: sort all eligible items by (score desc, index asc).
        for (u, got) in reference.iter().enumerate() {
            let row = &scores[u * n..(u + 1) * n];
            let mut all: Vec<(u32, f32)> = (0..n as u32)
                .filter(|i| !histories[u].contains(i) && !row[*i as usize].is_nan())
                .map(|i| (i, row[i as usize]))
                .collect();
            all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            all.truncate(10);
            assert_eq!(got, &all);
        }
    }

    #[test]
    fn scorer_errors_propagate() {
        let mut s = ConstantScorer { n_items: 0 };
        assert!(top_k(&mut s, &[], 3, false, &EvalOptions::default()).is_err());
    }
}
