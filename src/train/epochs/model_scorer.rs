//! Scoring for [`InferenceModel`]s: `h_u · Eᵀ` over the catalogue, with the top candidates
//! re-ranked by target attention when the model has that head (docs/MODEL.md §5).

use std::ops::Range;

use burn::tensor::Tensor;

use super::host_scores::{HostScores, read};
use crate::eval::{EvalCase, EvalError, Scorer};
use crate::model::InferenceModel;

/// A [`Scorer`] for any trained encoder model.
///
/// Two-stage ranking when re-ranking is on: every item gets `h_u · E_c`; the best
/// `rerank_top` items outside the user's history are then ordered by their target-attention
/// score and placed above every other item. Evaluation sees one full ranking either way.
pub struct ModelScorer<'m> {
    model: &'m InferenceModel,
    /// `[users, dim]` of the prepared block.
    states: Option<Tensor<2>>,
    /// Final `[users × n_items]` scores when the block was re-ranked.
    reranked: Option<Vec<f32>>,
    /// The table on the host when the model runs on the CPU device (read at the first
    /// `prepare`), and the prepared block's states `[users × dim]` with it.
    host: Option<(HostScores, Vec<f32>)>,
    /// Whether the first `prepare` has looked for the host table.
    host_checked: bool,
}

impl<'m> ModelScorer<'m> {
    /// Wraps a model (already in inference mode).
    pub fn new(model: &'m InferenceModel) -> Self {
        Self {
            model,
            states: None,
            reranked: None,
            host: None,
            host_checked: false,
        }
    }
}

impl Scorer for ModelScorer<'_> {
    fn n_items(&self) -> usize {
        self.model.n_items()
    }

    fn prepare(&mut self, cases: &[EvalCase<'_>]) -> Result<(), EvalError> {
        let users: Vec<u32> = cases.iter().map(|c| c.user).collect();
        let histories: Vec<&[u32]> = cases.iter().map(|c| c.history).collect();
        let states = self.model.user_states(&users, &histories);
        self.reranked = None;
        let top = self.model.rerank_top().min(self.model.n_items());
        if top > 0 {
            let n_items = self.model.n_items();
            let mut base = vec![0.0_f32; cases.len() * n_items];
            copy_scores(
                states.clone().matmul(self.model.item_table().transpose()),
                &mut base,
            )?;
            let candidates: Vec<Vec<u32>> = base
                .chunks_exact(n_items)
                .zip(&histories)
                .map(|(row, history)| best_outside(row, history, top))
                .collect();
            if let Some(scores) = self.model.target_scores(&users, &histories, &candidates) {
                let mut attended = vec![0.0_f32; cases.len() * top];
                copy_scores(scores.scores, &mut attended)?;
                for ((row, picked), values) in base
                    .chunks_exact_mut(n_items)
                    .zip(&candidates)
                    .zip(attended.chunks_exact(top))
                {
                    lift_candidates(row, picked, values);
                }
                self.reranked = Some(base);
            }
        }
        if !self.host_checked {
            self.host_checked = true;
            self.host = HostScores::for_table(self.model.item_table())?.map(|h| (h, Vec::new()));
        }
        // A re-ranked block is scored from `reranked`; only the others need their states here.
        if let Some((_, host_states)) = &mut self.host
            && self.reranked.is_none()
        {
            *host_states = read(states.clone())?;
        }
        self.states = Some(states);
        Ok(())
    }

    fn score_items(&mut self, items: Range<usize>, out: &mut [f32]) -> Result<(), EvalError> {
        if let Some(scores) = &self.reranked {
            let n_items = self.model.n_items();
            let width = items.len();
            for (row, chunk) in out.chunks_exact_mut(width.max(1)).enumerate() {
                let start = row * n_items + items.start;
                let source = scores
                    .get(start..start + width)
                    .ok_or_else(|| EvalError::Scorer("score range outside the block".into()))?;
                chunk.copy_from_slice(source);
            }
            return Ok(());
        }
        if let Some((host, states)) = &self.host {
            return host.score(states, items, out);
        }
        let states = self
            .states
            .clone()
            .ok_or_else(|| EvalError::Scorer("score_items called before prepare".into()))?;
        let table = self.model.item_table();
        let [_, dim] = table.dims();
        copy_scores(states.matmul(table.slice([items, 0..dim]).transpose()), out)
    }
}

/// The `count` best-scoring items not in `history` (ties: lower index first).
pub fn best_outside(row: &[f32], history: &[u32], count: usize) -> Vec<u32> {
    let mut seen = vec![false; row.len()];
    for &item in history {
        if let Some(flag) = seen.get_mut(item as usize) {
            *flag = true;
        }
    }
    let mut order: Vec<u32> = (0..row.len() as u32)
        .filter(|&i| !seen[i as usize] && row[i as usize].is_finite())
        .collect();
    let count = count.min(order.len());
    if count == 0 {
        return Vec::new();
    }
    let by_score = |a: &u32, b: &u32| row[*b as usize].total_cmp(&row[*a as usize]).then(a.cmp(b));
    order.select_nth_unstable_by(count - 1, by_score);
    order.truncate(count);
    order.sort_by(by_score);
    order
}

/// Places `picked` above every other item of `row`, ordered by `values` (their
/// target-attention scores, same order as `picked`).
fn lift_candidates(row: &mut [f32], picked: &[u32], values: &[f32]) {
    let ceiling = row
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f32::MIN, f32::max);
    let lowest = values.iter().copied().fold(f32::INFINITY, f32::min);
    for (&item, &value) in picked.iter().zip(values) {
        if let Some(slot) = row.get_mut(item as usize) {
            *slot = ceiling + 1.0 + (value - lowest);
        }
    }
}

/// Copies a `[rows, cols]` float tensor into `out`, checking the size.
fn copy_scores(scores: Tensor<2>, out: &mut [f32]) -> Result<(), EvalError> {
    // Read as a slice, not a `Vec`: converting the read-back bytes to a `Vec` copied a score
    // block once more (6% of a million-item evaluation in `perf`).
    let data = scores.into_data();
    let values = data
        .as_slice::<f32>()
        .map_err(|e| EvalError::Scorer(format!("reading scores back: {e:?}")))?;
    if values.len() != out.len() {
        return Err(EvalError::Scorer(format!(
            "expected {} scores, got {}",
            out.len(),
            values.len()
        )));
    }
    out.copy_from_slice(values);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_skip_history_and_keep_order() {
        let row = [0.5, 0.9, 0.1, 0.9, 0.7];
        assert_eq!(best_outside(&row, &[1], 3), vec![3, 4, 0]);
        assert_eq!(best_outside(&row, &[], 2), vec![1, 3]);
        assert!(best_outside(&row, &[0, 1, 2, 3, 4], 2).is_empty());
    }

    #[test]
    fn lifted_candidates_rank_first_in_attention_order() {
        let mut row = vec![0.5, 0.9, 0.1, 0.8];
        lift_candidates(&mut row, &[3, 2], &[0.1, 0.4]);
        assert!(row[2] > row[3] && row[3] > row[1], "{row:?}");
    }
}
