//! Full-ranking protocol: rank the target against every item, input-sequence items filtered.
//!
//! rank = number of non-filtered items other than the target whose score is `>=` the target's,
//! with NaN on either side counting against the model (a NaN target ranks last). Filtered items
//! (the case's `history`, except the target) are left out of the count entirely, so a filtered
//! item behaves exactly like the usual "score = -inf" mask even when the target scores -inf.
//!
//! Memory: users go in blocks and items in contiguous ranges (see [`super::EvalOptions`]). When the
//! catalogue needs several ranges, each block takes two passes: pass 1 scores the ranges holding
//! the block's targets and keeps each target's score; pass 2 scores every range and counts. The
//! target's score is thus always the very number the batched `score_items` call produced for it,
//! never one from a separate "score this one item" path: such a path (a dot product instead of a
//! matmul tile, another summation order, fused multiply-add or not) can differ in the last bit,
//! which would flip exact ties (e.g. duplicate or untrained embeddings) and bias the rank. The
//! range scored last in pass 1 is reused as the first range of pass 2, so a catalogue that fits in
//! one range is scored exactly once.
//!
//! Blocks are formed from cases ordered by the range that holds their target, so most blocks have
//! all their targets in one range: pass 1 then scores that range only, and pass 2 reuses it, so
//! each range is scored once per block rather than about twice (the ranks come back in input
//! order; each case's rank does not depend on which block it is in).

use super::case::{Marks, Uses, validate};
use super::options::BlockPlan;
use super::rank::{check_catalogue, not_less, to_rank};
use super::{EvalCase, EvalError, EvalOptions, Scorer};

/// 0-based full-ranking rank of every case's target, in input order.
pub(super) fn rank_full(
    scorer: &mut dyn Scorer,
    cases: &[EvalCase<'_>],
    options: &EvalOptions,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<u32>, EvalError> {
    let n_items = scorer.n_items();
    check_catalogue(n_items)?;
    let uses = Uses {
        target: true,
        touched: false,
    };
    validate(cases, n_items, uses)?;

    let plan = options.plan(cases.len(), n_items);
    let order = by_target_range(cases, plan);
    let ordered: Vec<EvalCase<'_>> = order.iter().map(|&i| cases[i]).collect();
    let mut buf = vec![0.0f32; plan.buffer_len()];
    let mut target_scores = vec![0.0f32; plan.users_per_block];
    let mut counts = vec![0usize; plan.users_per_block];
    let mut has_target = vec![false; plan.n_ranges()];
    let mut marks = Marks::new(n_items);
    let mut ranks = Vec::with_capacity(cases.len());

    for block in ordered.chunks(plan.users_per_block) {
        scorer.prepare(block)?;
        let rows = block.len();

        // Pass 1: target scores, from the ranges that hold them.
        has_target.fill(false);
        for case in block {
            has_target[plan.range_of(case.target as usize)] = true;
        }
        let mut last_scored = None;
        for (index, _) in has_target.iter().enumerate().filter(|(_, has)| **has) {
            let range = plan.range(index);
            let scores = &mut buf[..rows * range.len()];
            scorer.score_items(range.clone(), scores)?;
            for (c, case) in block.iter().enumerate() {
                let target = case.target as usize;
                if range.contains(&target) {
                    target_scores[c] = scores[c * range.len() + target - range.start];
                }
            }
            last_scored = Some(index);
        }

        // Pass 2: count competitors range by range, starting with the range still in `buf`.
        counts[..rows].fill(0);
        let reused = last_scored.into_iter();
        let others = (0..plan.n_ranges()).filter(|&i| Some(i) != last_scored);
        for (step, index) in reused.chain(others).enumerate() {
            let range = plan.range(index);
            let scores = &mut buf[..rows * range.len()];
            if step > 0 || last_scored.is_none() {
                scorer.score_items(range.clone(), scores)?;
            }
            count_range(
                block,
                plan,
                index,
                scores,
                &target_scores,
                &mut counts,
                &mut marks,
            );
        }
        ranks.extend(counts[..rows].iter().map(|&n| to_rank(n)));

        if !progress(ranks.len(), cases.len()) {
            return Err(EvalError::Cancelled);
        }
    }
    let mut in_input_order = vec![0u32; cases.len()];
    for (&index, rank) in order.iter().zip(ranks) {
        in_input_order[index] = rank;
    }
    Ok(in_input_order)
}

/// Case indices ordered by the item range holding each target (stable, so input order within a
/// range); the identity when the catalogue is one range.
fn by_target_range(cases: &[EvalCase<'_>], plan: BlockPlan) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cases.len()).collect();
    if plan.n_ranges() > 1 {
        order.sort_by_key(|&i| plan.range_of(cases[i].target as usize));
    }
    order
}

/// Adds, for each case of the block, the competitors found in item range `index`.
fn count_range(
    block: &[EvalCase<'_>],
    plan: BlockPlan,
    index: usize,
    scores: &[f32],
    target_scores: &[f32],
    counts: &mut [usize],
    marks: &mut Marks,
) {
    let range = plan.range(index);
    let len = range.len();
    for (c, case) in block.iter().enumerate() {
        let t = target_scores[c];
        let row = &scores[c * len..(c + 1) * len];
        // Tight, allocation-free loop: `s < t` is false for NaN on either side, so NaNs compete.
        let below = row.iter().filter(|&&s| s < t).count();
        let mut competing = len - below;
        // Take out the target itself and each distinct filtered item that was counted.
        let target = case.target as usize;
        if range.contains(&target) && not_less(row[target - range.start], t) {
            competing -= 1;
        }
        marks.clear();
        for &item in case.history {
            let item = item as usize;
            if item != target
                && range.contains(&item)
                && marks.insert(item)
                && not_less(row[item - range.start], t)
            {
                competing -= 1;
            }
        }
        counts[c] += competing;
    }
}

#[cfg(test)]
#[path = "full_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "full_invariance_tests.rs"]
mod invariance_tests;
