//! Target attention of one candidate item over one user's recent items (docs/MODEL.md §5): how much
//! each past item supports the candidate, the explanation behind an audience or a re-ranking.

use super::AnalysisError;
use super::query::user_history;
use crate::train::session::ModelView;

/// The target-attention weights of `item` over `user`'s window, in history order.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetAttentionBars {
    /// The user (dense index).
    pub user: u32,
    /// The candidate item (dense index).
    pub item: u32,
    /// The items in the encoder's window, oldest first.
    pub items: Vec<u32>,
    /// Position of `items[0]` in the user's whole history.
    pub first_position: usize,
    /// Length of the user's whole history.
    pub history_len: usize,
    /// `weights[i]`: the candidate's attention on `items[i]` (they sum to 1).
    pub weights: Vec<f32>,
    /// The candidate's target-attention score for the user (a logit).
    pub score: f32,
    /// The epoch the weights come from.
    pub epoch: usize,
}

impl TargetAttentionBars {
    /// Indices into `items` of the `count` strongest weights, strongest first (the later
    /// position first on ties).
    pub fn strongest(&self, count: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.weights.len()).collect();
        order.sort_by(|&a, &b| self.weights[b].total_cmp(&self.weights[a]).then(b.cmp(&a)));
        order.truncate(count);
        order
    }
}

/// Scores `item` for `user` with the target-attention head and returns its attention over the
/// user's window (the last `max_len` items). Fails when the model has no such head.
pub fn target_attention_bars(
    view: &ModelView<'_>,
    user: u32,
    item: u32,
) -> Result<TargetAttentionBars, AnalysisError> {
    let model = view.model.ok_or(AnalysisError::NoModel)?;
    if !model.has_target_attention() {
        return Err(AnalysisError::NoTargetAttention);
    }
    if item as usize >= view.dataset.n_items() {
        return Err(AnalysisError::UnknownItem(item.to_string()));
    }
    let history = user_history(view, user)?;
    let first_position = history.len().saturating_sub(model.encoder().max_len());
    let window = &history[first_position..];
    let scored = model
        .target_scores(&[user], &[window], &[vec![item]])
        .ok_or(AnalysisError::NoTargetAttention)?;
    let read = |values: burn::tensor::TensorData| {
        values
            .try_into_vec::<f32>()
            .map_err(|e| AnalysisError::Backend(format!("{e:?}")))
    };
    // [1, 1, len]: a batch of one is not padded, so len = the window length.
    let weights = read(scored.weights.into_data())?;
    // [1, 1]
    let score = read(scored.scores.into_data())?;
    if weights.len() != window.len() || score.len() != 1 {
        return Err(AnalysisError::Backend(format!(
            "target attention has {} weights for {} items",
            weights.len(),
            window.len()
        )));
    }
    Ok(TargetAttentionBars {
        user,
        item,
        items: window.to_vec(),
        first_position,
        history_len: history.len(),
        weights,
        score: score[0],
        epoch: view.epoch,
    })
}

#[cfg(test)]
mod tests {
    use super::super::states::test_model::{dataset, model, sequda_model};
    use super::*;
    use crate::data::leave_one_out;

    #[test]
    fn one_weight_per_window_item_summing_to_one_and_the_score_matches_the_audience_head() {
        let data = dataset(30, 10);
        let split = leave_one_out(&data.sequences);
        let sequda = sequda_model(30, 10);
        let view = ModelView {
            model: Some(&sequda),
            dataset: &data,
            split: &split,
            epoch: 3,
        };
        let user = 9;
        let bars = target_attention_bars(&view, user, 4).expect("bars");
        let history = &data.sequences[user as usize];
        assert_eq!(bars.items, history[history.len().saturating_sub(8)..]);
        assert_eq!(bars.weights.len(), bars.items.len());
        let sum: f32 = bars.weights.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "weights sum to {sum}");
        assert!(bars.weights.iter().all(|&w| w >= 0.0));
        assert_eq!((bars.epoch, bars.history_len), (3, history.len()));
        let direct = sequda
            .target_scores(&[user], &[history.as_slice()], &[vec![4]])
            .expect("head");
        let direct: Vec<f32> = direct.scores.into_data().try_into_vec().expect("f32");
        assert!((direct[0] - bars.score).abs() < 1e-5);
        let strongest = bars.strongest(2);
        assert_eq!(strongest.len(), 2.min(bars.items.len()));
        assert!(bars.weights[strongest[0]] >= bars.weights[strongest[1]]);
        // Another candidate attends differently.
        let other = target_attention_bars(&view, user, 7).expect("bars");
        assert_ne!(other.weights, bars.weights);
    }

    #[test]
    fn models_without_the_head_and_unknown_items_are_refused() {
        let data = dataset(30, 10);
        let split = leave_one_out(&data.sequences);
        let sasrec = model(10);
        let plain = ModelView {
            model: Some(&sasrec),
            dataset: &data,
            split: &split,
            epoch: 1,
        };
        assert_eq!(
            target_attention_bars(&plain, 0, 1),
            Err(AnalysisError::NoTargetAttention)
        );
        let sequda = sequda_model(30, 10);
        let view = ModelView {
            model: Some(&sequda),
            ..plain
        };
        assert!(matches!(
            target_attention_bars(&view, 0, 99),
            Err(AnalysisError::UnknownItem(_))
        ));
        let none = ModelView {
            model: None,
            ..view
        };
        assert_eq!(
            target_attention_bars(&none, 0, 1),
            Err(AnalysisError::NoModel)
        );
    }
}
