//! Sampled protocols (uniform-100, popular-100): rank the target against 100 sampled negatives.
//!
//! Only for cross-checking against papers that used them; reports must label them (see
//! [`super::Protocol::label`]). rank = number of the case's negatives scoring `>=` the target
//! (NaN on either side counts against the model). Negatives exclude `touched` and the target; the
//! full-ranking history filter does not apply otherwise. See [`super::negatives`] for the draw.
//!
//! Scores come from the same blocked `score_items` calls as full ranking (ranges holding no
//! candidate of the block are skipped), so a target's score is the number the batched call
//! produced for it, and the result does not depend on block sizes.

use super::case::{Uses, validate};
use super::negatives::NegativeSampler;
use super::options::BlockPlan;
use super::rank::{check_catalogue, not_less, to_rank};
use super::{EvalCase, EvalError, EvalOptions, Protocol, SAMPLED_NEGATIVES, Scorer};

/// 0-based sampled rank of every case's target, in input order.
pub(super) fn rank_sampled(
    scorer: &mut dyn Scorer,
    cases: &[EvalCase<'_>],
    options: &EvalOptions,
    popularity: Option<&[u64]>,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<u32>, EvalError> {
    let n_items = scorer.n_items();
    check_catalogue(n_items)?;
    let weights = sampling_weights(options.protocol, popularity, n_items)?;
    let uses = Uses {
        target: true,
        touched: true,
    };
    validate(cases, n_items, uses)?;

    let plan = options.plan(cases.len(), n_items);
    let mut sampler = NegativeSampler::new(n_items, weights);
    let mut buf = vec![0.0f32; plan.buffer_len()];
    let mut needed = vec![false; plan.n_ranges()];
    let mut candidates = BlockCandidates::with_capacity(plan.users_per_block);
    let mut ranks = Vec::with_capacity(cases.len());

    for (block_index, block) in cases.chunks(plan.users_per_block).enumerate() {
        let first_case = block_index * plan.users_per_block;
        candidates.draw(&mut sampler, block, first_case, options.seed);
        scorer.prepare(block)?;
        candidates.score(scorer, &plan, &mut needed, &mut buf)?;
        candidates.push_ranks(&mut ranks);
        if !progress(ranks.len(), cases.len()) {
            return Err(EvalError::Cancelled);
        }
    }
    Ok(ranks)
}

/// The popularity counts that popular-100 draws negatives by (checked against the catalogue);
/// `None` (uniform draws) for the other protocols.
fn sampling_weights(
    protocol: Protocol,
    popularity: Option<&[u64]>,
    n_items: usize,
) -> Result<Option<&[u64]>, EvalError> {
    match protocol {
        Protocol::Popular100 => {
            let counts = popularity.ok_or(EvalError::MissingPopularity)?;
            if counts.len() != n_items {
                return Err(EvalError::PopularityLength {
                    expected: n_items,
                    got: counts.len(),
                });
            }
            Ok(Some(counts))
        }
        Protocol::Uniform100 | Protocol::Full => Ok(None),
    }
}

/// The candidates of one block of cases and their scores.
struct BlockCandidates {
    /// Per case `c` of the block: `items[bounds[c]..bounds[c + 1]]` = its target, then its
    /// negatives.
    items: Vec<u32>,
    /// Where each case's candidates start, and where the last one's end.
    bounds: Vec<usize>,
    /// The score of each candidate (NaN until scored).
    scores: Vec<f32>,
}

impl BlockCandidates {
    /// Empty buffers sized for blocks of `users_per_block` cases.
    fn with_capacity(users_per_block: usize) -> Self {
        Self {
            items: Vec::with_capacity(users_per_block * (SAMPLED_NEGATIVES + 1)),
            bounds: Vec::with_capacity(users_per_block + 1),
            scores: Vec::new(),
        }
    }

    /// Draws the negatives of `block`, whose first case is case `first_case` of the run (the
    /// sampler's stream), and resets the scores to NaN.
    fn draw(
        &mut self,
        sampler: &mut NegativeSampler<'_>,
        block: &[EvalCase<'_>],
        first_case: usize,
        seed: u64,
    ) {
        self.items.clear();
        self.bounds.clear();
        for (c, case) in block.iter().enumerate() {
            self.bounds.push(self.items.len());
            self.items.push(case.target);
            let stream = (first_case + c) as u64;
            sampler.sample(case, seed, stream, SAMPLED_NEGATIVES, &mut self.items);
        }
        self.bounds.push(self.items.len());
        self.scores.clear();
        self.scores.resize(self.items.len(), f32::NAN);
    }

    /// Scores the candidates with the item ranges of `plan` that hold one (the scorer is
    /// prepared for the block); `needed` and `buf` are scratch space.
    fn score(
        &mut self,
        scorer: &mut dyn Scorer,
        plan: &BlockPlan,
        needed: &mut [bool],
        buf: &mut [f32],
    ) -> Result<(), EvalError> {
        needed.fill(false);
        for &item in &self.items {
            needed[plan.range_of(item as usize)] = true;
        }
        let rows = self.bounds.len() - 1;
        for (index, _) in needed.iter().enumerate().filter(|(_, n)| **n) {
            let range = plan.range(index);
            let scores = &mut buf[..rows * range.len()];
            scorer.score_items(range.clone(), scores)?;
            for c in 0..rows {
                let row = &scores[c * range.len()..(c + 1) * range.len()];
                for k in self.bounds[c]..self.bounds[c + 1] {
                    let item = self.items[k] as usize;
                    if range.contains(&item) {
                        self.scores[k] = row[item - range.start];
                    }
                }
            }
        }
        Ok(())
    }

    /// Appends each case's rank: the number of its negatives scoring at least its target.
    fn push_ranks(&self, ranks: &mut Vec<u32>) {
        for bounds in self.bounds.windows(2) {
            let target = self.scores[bounds[0]];
            let negatives = &self.scores[bounds[0] + 1..bounds[1]];
            ranks.push(to_rank(
                negatives.iter().filter(|&&s| not_less(s, target)).count(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn keep_going() -> impl FnMut(usize, usize) -> bool {
        |_, _| true
    }

    fn options(protocol: Protocol) -> EvalOptions {
        EvalOptions {
            protocol,
            seed: 17,
            ..EvalOptions::default()
        }
    }

    #[test]
    fn hand_computed_sampled_ranks() {
        // 150 items; scores rise with the item id; user touched 0..40 (target 45 among them too).
        let n = 150;
        let row: Vec<f32> = (0..n).map(|i| i as f32).collect();
        let touched: Vec<u32> = (0..40).chain([45]).collect();
        // Only 150 - 41 = 109 eligible items; 100 are drawn.
        let best = EvalCase::new(0, &[], 149, &touched);
        let worst = EvalCase::new(0, &[3, 2], 40, &touched);
        let mut scorer = MatrixScorer::new(n, row).unwrap();
        let out = evaluate(
            &mut scorer,
            &[best, worst],
            &options(Protocol::Uniform100),
            None,
            &mut keep_going(),
        )
        .unwrap();
        assert_eq!(out.ranks, vec![0, 100]);
        assert_eq!(out.label(), "sampled: 100 uniform negatives (seed 17)");
        // Constant scores: every negative ties and counts against the model.
        let case = EvalCase::new(0, &[], 5, &[5]);
        let out = evaluate(
            &mut ConstantScorer { n_items: 500 },
            &[case],
            &options(Protocol::Uniform100),
            None,
            &mut keep_going(),
        )
        .unwrap();
        assert_eq!(out.ranks, vec![100]);
    }

    #[test]
    fn fewer_eligible_items_than_negatives_uses_them_all() {
        // 30 items, 10 touched (target 12 among them) -> 20 negatives; target beats 15 of them.
        let row: Vec<f32> = (0..30).map(|i| if i < 15 { 0.0 } else { 1.0 }).collect();
        let touched: Vec<u32> = (10..20).collect();
        let case = EvalCase::new(0, &[], 12, &touched);
        let mut scorer = MatrixScorer::new(30, row).unwrap();
        let out = evaluate(
            &mut scorer,
            &[case],
            &options(Protocol::Uniform100),
            None,
            &mut keep_going(),
        )
        .unwrap();
        // negatives: 0..10 (score 0, tie with target 0.0 -> count) and 20..30 (score 1 -> count).
        assert_eq!(out.ranks, vec![20]);
        let row: Vec<f32> = (0..30)
            .map(|i| if i == 12 { 0.5 } else { i as f32 / 100.0 })
            .collect();
        let mut scorer = MatrixScorer::new(30, row).unwrap();
        let out = evaluate(
            &mut scorer,
            &[case],
            &options(Protocol::Uniform100),
            None,
            &mut keep_going(),
        )
        .unwrap();
        assert_eq!(out.ranks, vec![0]);
    }

    #[test]
    fn nan_counts_against_the_model() {
        let touched: Vec<u32> = (0..25).collect();
        let mut row = vec![0.0f32; 30];
        row[26] = f32::NAN;
        row[3] = 1.0; // touched: not a negative
        let case = EvalCase::new(0, &[], 3, &touched);
        let mut scorer = MatrixScorer::new(30, row.clone()).unwrap();
        let out = evaluate(
            &mut scorer,
            &[case],
            &options(Protocol::Uniform100),
            None,
            &mut keep_going(),
        )
        .unwrap();
        assert_eq!(out.ranks, vec![1], "only the NaN negative counts");
        row[3] = f32::NAN;
        let mut scorer = MatrixScorer::new(30, row).unwrap();
        let out = evaluate(
            &mut scorer,
            &[case],
            &options(Protocol::Uniform100),
            None,
            &mut keep_going(),
        )
        .unwrap();
        assert_eq!(
            out.ranks,
            vec![5],
            "a NaN target ranks last among its 5 negatives"
        );
    }

    #[test]
    fn block_size_does_not_change_sampled_ranks() {
        let (users, n) = (40usize, 400usize);
        let mut rng = crate::rng::SplitMix64::new(2);
        let scores: Vec<f32> = (0..users * n).map(|_| rng.below(20) as f32).collect();
        let counts: Vec<u64> = (0..n).map(|i| (i % 7) as u64 * 3).collect();
        let touched: Vec<Vec<u32>> = (0..users)
            .map(|_| (0..50).map(|_| rng.below(n as u64) as u32).collect())
            .collect();
        let cases: Vec<_> = (0..users)
            .map(|u| EvalCase::new(u as u32, &[], touched[u][0], &touched[u]))
            .collect();
        let mut scorer = MatrixScorer::new(n, scores).unwrap();
        for protocol in [Protocol::Uniform100, Protocol::Popular100] {
            let reference = evaluate(
                &mut scorer,
                &cases,
                &options(protocol),
                Some(&counts),
                &mut keep_going(),
            )
            .unwrap();
            assert_eq!(reference.protocol, protocol);
            for (floats, per_block) in [(3, 1), (50, 7), (1200, 3)] {
                let opts = EvalOptions {
                    max_block_floats: floats,
                    max_users_per_block: per_block,
                    ..options(protocol)
                };
                let out =
                    evaluate(&mut scorer, &cases, &opts, Some(&counts), &mut keep_going()).unwrap();
                assert_eq!(out.ranks, reference.ranks, "{protocol} budget {floats}");
            }
            let other_seed = EvalOptions {
                seed: 18,
                ..options(protocol)
            };
            let out = evaluate(
                &mut scorer,
                &cases,
                &other_seed,
                Some(&counts),
                &mut keep_going(),
            )
            .unwrap();
            assert_ne!(out.ranks, reference.ranks, "seed matters");
        }
    }

    #[test]
    fn popularity_inputs_are_checked() {
        let case = [EvalCase::new(0, &[], 1, &[])];
        let mut scorer = ConstantScorer { n_items: 5 };
        let opts = options(Protocol::Popular100);
        assert!(matches!(
            evaluate(&mut scorer, &case, &opts, None, &mut keep_going()),
            Err(EvalError::MissingPopularity)
        ));
        assert!(matches!(
            evaluate(
                &mut scorer,
                &case,
                &opts,
                Some(&[1, 2, 3]),
                &mut keep_going()
            ),
            Err(EvalError::PopularityLength {
                expected: 5,
                got: 3
            })
        ));
        let bad_touched = [EvalCase::new(0, &[], 1, &[7])];
        assert!(matches!(
            evaluate(
                &mut scorer,
                &bad_touched,
                &options(Protocol::Uniform100),
                None,
                &mut keep_going()
            ),
            Err(EvalError::InvalidCase { index: 0, .. })
        ));
        let mut stop = |_, _| false;
        assert!(matches!(
            evaluate(
                &mut scorer,
                &case,
                &options(Protocol::Uniform100),
                None,
                &mut stop
            ),
            Err(EvalError::Cancelled)
        ));
    }
}
