//! Audience targeting: every user ranked by how likely their next interaction is a given
//! item, with a held-out check of how well that ranking finds real future engagers.
//!
//! The ranking uses each user's whole history (forward-looking). The check uses the
//! leave-one-out test split: users are scored from their input without the test item, and a
//! user is a positive when their held-out test item is this item. It is compared with random
//! targeting and with popularity targeting (the most active users first, our baseline choice).
//!
//! With a SeqUDA-Rec model that has the target-attention head (docs/MODEL.md §5), the item's score
//! for each user is its target-attention score `(h_u + r_c) · E_c` in place of `h_u · E_c`
//! inside the catalogue softmax, and the head's weights say which history items made the
//! top users likely engagers.

use super::AnalysisError;
use super::csv::{Cell, CsvTable};
use super::gains::{GainsCurve, cumulative_gains};
use super::states::{Rows, STATE_BATCH, item_scores, tensor_rows};
use crate::data::Dataset;
use crate::model::InferenceModel;
use crate::train::session::ModelView;

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
    /// How the users were scored.
    pub scored_by: AudienceScoring,
    /// For the first [`EXPLAINED_USERS`] ranked users, when target attention scored them: the
    /// history items the item attended to most.
    pub reasons: Vec<AudienceReason>,
    /// The epoch the weights come from.
    pub epoch: usize,
}

/// How an audience was scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudienceScoring {
    /// The full-ranking score `h_u · E_c` in a softmax over the catalogue.
    FullRanking,
    /// The target-attention score `(h_u + r_c) · E_c` in place of the item's full-ranking
    /// score in that softmax.
    TargetAttention,
}

impl AudienceScoring {
    /// A plain-language name.
    pub fn label(self) -> &'static str {
        match self {
            Self::FullRanking => "full-ranking scores",
            Self::TargetAttention => "target attention",
        }
    }
}

/// Why target attention ranked a user high: the history items (within the encoder's window)
/// the item attended to most, with their attention weights, strongest first.
#[derive(Clone, Debug, PartialEq)]
pub struct AudienceReason {
    /// The user.
    pub user: u32,
    /// `(item, weight)` pairs, at most [`REASON_ITEMS`].
    pub items: Vec<(u32, f32)>,
}

/// Top-ranked users that get an explanation.
pub const EXPLAINED_USERS: usize = 50;
/// History items named per explanation.
pub const REASON_ITEMS: usize = 3;

impl Audience {
    /// The expected number of users in the top `size` whose next interaction is the item.
    pub fn expected_reach(&self, size: usize) -> f64 {
        self.ranked
            .iter()
            .take(size)
            .map(|&(_, p)| f64::from(p))
            .sum()
    }

    /// Target attention's explanation for `user`, when the user is among the explained ones.
    pub fn reason(&self, user: u32) -> Option<&AudienceReason> {
        self.reasons.iter().find(|r| r.user == user)
    }

    /// How many top-ranked users have a probability of at least `threshold`.
    pub fn size_at_threshold(&self, threshold: f32) -> usize {
        self.ranked.partition_point(|&(_, p)| p >= threshold)
    }
}

/// Ranks every user for `item` and checks the ranking on held-out data. Target attention
/// scores the item when the model has the head and `use_target_attention` is set.
pub fn audience(
    view: &ModelView<'_>,
    item: u32,
    use_target_attention: bool,
) -> Result<Audience, AnalysisError> {
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
    let scored_by = if use_target_attention && model.has_target_attention() {
        AudienceScoring::TargetAttention
    } else {
        AudienceScoring::FullRanking
    };
    let probabilities = item_probabilities(model, scored_by, &all_users, &forward, item)?;
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
    let held_out = item_probabilities(model, scored_by, &evaluated_ids, &input_refs, item)?;
    let positives: Vec<bool> = evaluated
        .iter()
        .map(|&u| view.split.test.get(u).copied().flatten() == Some(item))
        .collect();
    let activity: Vec<f32> = evaluated
        .iter()
        .map(|&u| view.split.train.get(u).map_or(0, Vec::len) as f32)
        .collect();
    let reasons = match scored_by {
        AudienceScoring::TargetAttention => ranked
            .iter()
            .take(EXPLAINED_USERS)
            .filter_map(|&(user, _)| {
                let history = view.dataset.sequences.get(user as usize)?;
                Some(AudienceReason {
                    user,
                    items: attended_items(model, user, history, item)?,
                })
            })
            .collect(),
        AudienceScoring::FullRanking => Vec::new(),
    };
    Ok(Audience {
        item,
        ranked,
        scored_by,
        reasons,
        model_gains: cumulative_gains(&held_out, &positives),
        popularity_gains: cumulative_gains(&activity, &positives),
        evaluated_users: evaluated.len(),
        epoch: view.epoch,
    })
}

/// The top `size` users of an audience as a spreadsheet-safe table: rank, the dataset's own
/// user id, the probability that their next interaction is the item, their history length,
/// and (when target attention scored them) the ids of the history items it attended to most.
pub fn audience_table(dataset: &Dataset, ranking: &Audience, size: usize) -> CsvTable {
    let mut table = CsvTable::new([
        "rank",
        "user_id",
        "probability",
        "interactions",
        "attended_items",
    ]);
    for (rank, &(user, p)) in ranking.ranked.iter().take(size).enumerate() {
        let attended: Vec<&str> = ranking
            .reason(user)
            .map(|r| {
                r.items
                    .iter()
                    .map(|&(i, _)| dataset.items.token(i))
                    .collect()
            })
            .unwrap_or_default();
        table.push(vec![
            (rank + 1).into(),
            Cell::from(dataset.users.token(user)),
            p.into(),
            dataset
                .sequences
                .get(user as usize)
                .map_or(0, Vec::len)
                .into(),
            Cell::from(attended.join(" ")),
        ]);
    }
    table
}

/// The history items (of the encoder's window) `item` attends to most for `user`, strongest
/// first; `None` without a target-attention head.
fn attended_items(
    model: &InferenceModel,
    user: u32,
    history: &[u32],
    item: u32,
) -> Option<Vec<(u32, f32)>> {
    let window = &history[history.len().saturating_sub(model.encoder().max_len())..];
    if window.is_empty() {
        return None;
    }
    let scored = model.target_scores(&[user], &[window], &[vec![item]])?;
    // [1, 1, len] with len = the window length (a batch of one is not padded).
    let weights = scored.weights.into_data().try_into_vec::<f32>().ok()?;
    let mut pairs: Vec<(usize, f32)> = weights.into_iter().enumerate().collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    Some(
        pairs
            .into_iter()
            .filter_map(|(position, weight)| Some((*window.get(position)?, weight)))
            .take(REASON_ITEMS)
            .collect(),
    )
}

/// Catalogue scores `[users, n_items]` of one chunk of users with the ad's own column replaced
/// by its target-attention score, from a single encoding pass; None when the model has no
/// target-attention head.
fn target_attention_scores(
    model: &InferenceModel,
    users: &[u32],
    sequences: &[&[u32]],
    item: u32,
) -> Result<Option<Rows>, AnalysisError> {
    let candidates = vec![vec![item]; sequences.len()];
    let Some(scored) = model.target_scores(users, sequences, &candidates) else {
        return Ok(None);
    };
    // [users, dim] · [dim, n_items]
    let mut scores = tensor_rows(scored.states.matmul(model.item_table().transpose()))?;
    // [users, 1]
    let own = scored
        .scores
        .into_data()
        .try_into_vec::<f32>()
        .map_err(|e| AnalysisError::Backend(format!("{e:?}")))?;
    let width = scores.width;
    for (row, value) in own.into_iter().enumerate() {
        if let Some(slot) = scores.values.get_mut(row * width + item as usize) {
            *slot = value;
        }
    }
    Ok(Some(scores))
}

/// `P(next = item | sequence)` for each sequence: a softmax over the whole catalogue, with the
/// item's own score from `scoring` (`users[i]` is the dense index of the user `sequences[i]`
/// belongs to).
pub fn item_probabilities(
    model: &InferenceModel,
    scoring: AudienceScoring,
    users: &[u32],
    sequences: &[&[u32]],
    item: u32,
) -> Result<Vec<f32>, AnalysisError> {
    let mut probabilities = Vec::with_capacity(sequences.len());
    for (users, chunk) in users.chunks(STATE_BATCH).zip(sequences.chunks(STATE_BATCH)) {
        let scores = match scoring {
            AudienceScoring::TargetAttention => target_attention_scores(model, users, chunk, item)?,
            AudienceScoring::FullRanking => None,
        };
        let scores = match scores {
            Some(scores) => scores,
            None => item_scores(model, users, chunk)?,
        };
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
    use super::super::states::test_model::{dataset, model, sequda_model};
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
        let audience = audience(&view, 4, true).expect("audience");
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
        let sum: f32 =
            item_probabilities(&encoder, AudienceScoring::FullRanking, &[0], &[&[1, 2]], 0)
                .into_iter()
                .flatten()
                .sum();
        assert!(sum > 0.0 && sum < 1.0);
    }

    #[test]
    fn target_attention_scores_the_item_and_explains_the_top_users() {
        let data = dataset(30, 10);
        let split = leave_one_out(&data.sequences);
        let model = sequda_model(30, 10);
        assert!(model.has_target_attention());
        let view = ModelView {
            model: Some(&model),
            dataset: &data,
            split: &split,
            epoch: 1,
        };
        let with_head = audience(&view, 3, true).expect("audience");
        let without = audience(&view, 3, false).expect("audience");
        assert_eq!(with_head.scored_by, AudienceScoring::TargetAttention);
        assert_eq!(without.scored_by, AudienceScoring::FullRanking);
        assert!(without.reasons.is_empty());
        assert_ne!(
            with_head.ranked, without.ranked,
            "the head changes the item's scores"
        );
        assert_eq!(with_head.reasons.len(), EXPLAINED_USERS.min(30));
        for reason in &with_head.reasons {
            let history = &data.sequences[reason.user as usize];
            assert!(!reason.items.is_empty() && reason.items.len() <= REASON_ITEMS);
            assert!(reason.items.windows(2).all(|w| w[0].1 >= w[1].1));
            for &(item, weight) in &reason.items {
                assert!(history.contains(&item), "explanations name history items");
                assert!((0.0..=1.0).contains(&weight));
            }
        }
        let table = audience_table(&data, &with_head, 5);
        assert_eq!(table.headers.len(), 5);
        assert!(table.rows.iter().all(|row| row[4] != Cell::from("")));
    }

    #[test]
    fn one_encoding_pass_gives_the_catalogue_scores_of_a_plain_ranking() {
        let data = dataset(30, 10);
        let sequda = sequda_model(30, 10);
        let users: Vec<u32> = (0..30).collect();
        let sequences: Vec<&[u32]> = data.sequences.iter().map(Vec::as_slice).collect();
        let plain = item_scores(&sequda, &users, &sequences).expect("plain scores");
        let with_head = target_attention_scores(&sequda, &users, &sequences, 3)
            .expect("scores")
            .expect("the model has the head");
        assert_eq!(with_head.width, plain.width);
        let mut ad_column_changed = false;
        for row in 0..plain.len() {
            for (item, (a, b)) in with_head.row(row).iter().zip(plain.row(row)).enumerate() {
                if item == 3 {
                    ad_column_changed |= (a - b).abs() > 1e-6;
                } else {
                    assert!(
                        (a - b).abs() <= 1e-4 * (1.0 + b.abs()),
                        "{row}/{item}: {a} vs {b}"
                    );
                }
            }
        }
        assert!(ad_column_changed, "the ad's column holds the head's score");
        assert_eq!(
            target_attention_scores(&model(10), &users, &sequences, 3).expect("scores"),
            None,
            "SASRec has no head"
        );
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
        assert_eq!(audience(&view, 0, true), Err(AnalysisError::NoModel));
        let encoder = model(4);
        let view = ModelView {
            model: Some(&encoder),
            ..view
        };
        assert!(matches!(
            audience(&view, 9, true),
            Err(AnalysisError::UnknownItem(_))
        ));
    }
}
