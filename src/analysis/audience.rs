//! Audience targeting: every user ranked by how likely their next interaction is a given
//! item, with a held-out check of how well that ranking finds real future engagers.
//!
//! The ranking uses each user's whole history (forward-looking). The check uses the
//! leave-one-out test split: users are scored from their input without the test item, and a
//! user is a positive when their held-out test item is this item. It is compared with random
//! targeting and with popularity targeting (the most active users first, our baseline choice).

use super::AnalysisError;
use super::csv::{Cell, CsvTable};
use super::gains::{GainsCurve, cumulative_gains};
use super::states::{STATE_BATCH, item_scores};
use crate::data::Dataset;
use crate::model::InferenceModel;
use crate::train::query::ModelView;

/// Users ranked for one item, and the held-out gains of that ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct Audience {
    /// The item (dense index).
    pub item: u32,
    /// Every user with the probability that their next interaction is the item (softmax over
    /// the catalogue), most likely first; ties by lower user index.
    pub ranked: Vec<(u32, f32)>,
    /// Held-out gains of the model's ranking.
    pub model_gains: GainsCurve,
    /// Held-out gains of targeting the most active users first.
    pub popularity_gains: GainsCurve,
    /// Users with a held-out test item (the population of the gains curves).
    pub evaluated_users: usize,
    /// The epoch the weights come from.
    pub epoch: usize,
}

impl Audience {
    /// The expected number of users in the top `size` whose next interaction is the item.
    pub fn expected_reach(&self, size: usize) -> f64 {
        self.ranked
            .iter()
            .take(size)
            .map(|&(_, p)| f64::from(p))
            .sum()
    }

    /// How many top-ranked users have a probability of at least `threshold`.
    pub fn size_at_threshold(&self, threshold: f32) -> usize {
        self.ranked.partition_point(|&(_, p)| p >= threshold)
    }
}

/// Ranks every user for `item` and checks the ranking on held-out data.
pub fn audience(view: &ModelView<'_>, item: u32) -> Result<Audience, AnalysisError> {
    let model = view.model.ok_or(AnalysisError::NoModel)?;
    let n_items = view.dataset.n_items();
    if model.n_items() != n_items {
        return Err(AnalysisError::CatalogueMismatch {
            model: model.n_items(),
            data: n_items,
        });
    }
    if item as usize >= n_items {
        return Err(AnalysisError::UnknownItem(item.to_string()));
    }
    let forward: Vec<&[u32]> = view.dataset.sequences.iter().map(Vec::as_slice).collect();
    let all_users: Vec<u32> = (0..forward.len())
        .filter_map(|u| u32::try_from(u).ok())
        .collect();
    let probabilities = item_probabilities(model, &all_users, &forward, item)?;
    let mut ranked: Vec<(u32, f32)> = probabilities
        .iter()
        .enumerate()
        .filter_map(|(user, &p)| Some((u32::try_from(user).ok()?, p)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

    let evaluated: Vec<usize> = view.split.evaluated_users().collect();
    let inputs: Vec<Vec<u32>> = evaluated
        .iter()
        .map(|&u| view.split.test_input(u))
        .collect();
    let input_refs: Vec<&[u32]> = inputs.iter().map(Vec::as_slice).collect();
    let evaluated_ids: Vec<u32> = evaluated
        .iter()
        .filter_map(|&u| u32::try_from(u).ok())
        .collect();
    let held_out = item_probabilities(model, &evaluated_ids, &input_refs, item)?;
    let positives: Vec<bool> = evaluated
        .iter()
        .map(|&u| view.split.test.get(u).copied().flatten() == Some(item))
        .collect();
    let activity: Vec<f32> = evaluated
        .iter()
        .map(|&u| view.split.train.get(u).map_or(0, Vec::len) as f32)
        .collect();
    Ok(Audience {
        item,
        ranked,
        model_gains: cumulative_gains(&held_out, &positives),
        popularity_gains: cumulative_gains(&activity, &positives),
        evaluated_users: evaluated.len(),
        epoch: view.epoch,
    })
}

/// The top `size` users of an audience as a spreadsheet-safe table: rank, the dataset's own
/// user id, the probability that their next interaction is the item, and their history length.
pub fn audience_table(dataset: &Dataset, ranking: &Audience, size: usize) -> CsvTable {
    let mut table = CsvTable::new(["rank", "user_id", "probability", "interactions"]);
    for (rank, &(user, p)) in ranking.ranked.iter().take(size).enumerate() {
        table.push(vec![
            (rank + 1).into(),
            Cell::from(dataset.users.token(user)),
            p.into(),
            dataset
                .sequences
                .get(user as usize)
                .map_or(0, Vec::len)
                .into(),
        ]);
    }
    table
}

/// `P(next = item | sequence)` for each sequence: a softmax over the whole catalogue
/// (`users[i]` is the dense index of the user `sequences[i]` belongs to).
pub fn item_probabilities(
    model: &InferenceModel,
    users: &[u32],
    sequences: &[&[u32]],
    item: u32,
) -> Result<Vec<f32>, AnalysisError> {
    let mut probabilities = Vec::with_capacity(sequences.len());
    for (users, chunk) in users.chunks(STATE_BATCH).zip(sequences.chunks(STATE_BATCH)) {
        let scores = item_scores(model, users, chunk)?;
        for row in 0..scores.len() {
            let row = scores.row(row);
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let total: f32 = row.iter().map(|s| (s - max).exp()).sum();
            let own = row.get(item as usize).copied().unwrap_or(f32::NEG_INFINITY);
            probabilities.push(if total > 0.0 {
                (own - max).exp() / total
            } else {
                0.0
            });
        }
    }
    Ok(probabilities)
}

#[cfg(test)]
mod tests {
    use super::super::states::test_model::{dataset, model};
    use super::*;
    use crate::data::leave_one_out;

    #[test]
    fn every_user_is_ranked_with_probabilities_and_gains() {
        let data = dataset(20, 10);
        let split = leave_one_out(&data.sequences);
        let encoder = model(10);
        let view = ModelView {
            model: Some(&encoder),
            dataset: &data,
            split: &split,
            epoch: 1,
        };
        let audience = audience(&view, 4).expect("audience");
        assert_eq!(audience.ranked.len(), 20);
        assert!(audience.ranked.windows(2).all(|w| w[0].1 >= w[1].1));
        assert!(
            audience
                .ranked
                .iter()
                .all(|&(_, p)| (0.0..=1.0).contains(&p))
        );
        assert_eq!(audience.evaluated_users, split.evaluated_users().count());
        let positives = split.test.iter().filter(|t| **t == Some(4)).count();
        assert_eq!(audience.model_gains.positives, positives);
        assert_eq!(audience.popularity_gains.positives, positives);
        let reach = audience.expected_reach(20);
        assert!(reach > 0.0 && reach <= 20.0);
        assert_eq!(audience.size_at_threshold(0.0), 20);
        assert_eq!(audience.size_at_threshold(2.0), 0);
        let sum: f32 = item_probabilities(&encoder, &[0], &[&[1, 2]], 0)
            .into_iter()
            .flatten()
            .sum();
        assert!(sum > 0.0 && sum < 1.0);
    }

    #[test]
    fn no_model_or_unknown_item_is_an_error() {
        let data = dataset(5, 4);
        let split = leave_one_out(&data.sequences);
        let view = ModelView {
            model: None,
            dataset: &data,
            split: &split,
            epoch: 0,
        };
        assert_eq!(audience(&view, 0), Err(AnalysisError::NoModel));
        let encoder = model(4);
        let view = ModelView {
            model: Some(&encoder),
            ..view
        };
        assert!(matches!(
            audience(&view, 9),
            Err(AnalysisError::UnknownItem(_))
        ));
    }
}
