//! Top-K recommendations for one user, with the history items that drove each one.
//!
//! Drivers are found by occlusion: the user's sequence is encoded again once per history item
//! with that item left out, and a history item drives a recommendation by how much the
//! recommendation's score drops without it. This is exact for the model (no gradients or
//! approximations) and costs one extra batch of at most `max_len` sequences.

use std::cmp::Ordering;
use std::ops::Range;

use super::AnalysisError;
use super::query::user_history;
use super::states::{Rows, item_scores};
use crate::eval::popularity_counts;
use crate::model::InferenceModel;
use crate::train::session::ModelView;

/// A history item that pushed a recommendation up.
#[derive(Clone, Debug, PartialEq)]
pub struct Driver {
    /// The history item.
    pub item: u32,
    /// Its 0-based position in the user's full history.
    pub position: usize,
    /// How much the recommendation's score drops when this item is left out (> 0).
    pub effect: f32,
}

/// One recommended item.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    /// The item.
    pub item: u32,
    /// Its score (`h · e`, or the training count for the popularity fallback).
    pub score: f32,
    /// The history items that drove it, strongest first (empty without a model).
    pub drivers: Vec<Driver>,
}

/// Recommendations for one user.
#[derive(Clone, Debug, PartialEq)]
pub struct UserRecommendations {
    /// The user (dense index).
    pub user: u32,
    /// The user's whole history, oldest first.
    pub history: Vec<u32>,
    /// The best items, best first.
    pub items: Vec<Recommendation>,
    /// Whether a sequence model ranked them (false: popularity fallback).
    pub model_based: bool,
    /// The epoch the weights come from.
    pub epoch: usize,
}

/// What to recommend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecommendRequest {
    /// The user (dense index).
    pub user: u32,
    /// How many items.
    pub k: usize,
    /// Leave out items the user already interacted with.
    pub exclude_seen: bool,
    /// Drivers reported per recommendation.
    pub drivers: usize,
}

/// Recommends for one user from the full history (a forward-looking recommendation, not an
/// evaluation). Without a model, ranks by training popularity and reports no drivers.
pub fn recommend(
    view: &ModelView<'_>,
    request: RecommendRequest,
) -> Result<UserRecommendations, AnalysisError> {
    let history = user_history(view, request.user)?.to_vec();
    let n_items = view.dataset.n_items();
    let Some(model) = view.model else {
        return Ok(popularity_recommendations(view, history, request));
    };
    if model.n_items() != n_items {
        return Err(AnalysisError::CatalogueMismatch {
            model: model.n_items(),
            data: n_items,
        });
    }
    let base = item_scores(model, &[request.user], &[history.as_slice()])?;
    let best = best_items(base.row(0), &history, request);
    let occlusion = Occlusion::run(model, request.user, &history)?;
    let items = best
        .into_iter()
        .map(|(item, score)| Recommendation {
            item,
            score,
            drivers: occlusion.drivers(item, score, &history, request.drivers),
        })
        .collect();
    Ok(UserRecommendations {
        user: request.user,
        history,
        items,
        model_based: true,
        epoch: view.epoch,
    })
}

/// The fallback without a model: the most popular training items, without drivers.
fn popularity_recommendations(
    view: &ModelView<'_>,
    history: Vec<u32>,
    request: RecommendRequest,
) -> UserRecommendations {
    let counts = popularity_counts(&view.split.train, view.dataset.n_items());
    let scores: Vec<f32> = counts.iter().map(|&c| c as f32).collect();
    let items = best_items(&scores, &history, request)
        .into_iter()
        .map(|(item, score)| Recommendation {
            item,
            score,
            drivers: Vec::new(),
        })
        .collect();
    UserRecommendations {
        user: request.user,
        history,
        items,
        model_based: false,
        epoch: view.epoch,
    }
}

/// Item scores of the user's history with one item left out, for each history position inside
/// the encoder's window.
struct Occlusion {
    /// The history positions left out, one per variant.
    left_out: Range<usize>,
    /// Row `r`: scores without the history item at `left_out.start + r`.
    scores: Rows,
}

impl Occlusion {
    /// Encodes every one-item-left-out variant of `history` in one batch.
    fn run(model: &InferenceModel, user: u32, history: &[u32]) -> Result<Self, AnalysisError> {
        let left_out = history.len().saturating_sub(model.encoder().max_len())..history.len();
        let variants: Vec<Vec<u32>> = left_out
            .clone()
            .map(|left_out| {
                let mut variant = history.to_vec();
                variant.remove(left_out);
                variant
            })
            .collect();
        let variant_refs: Vec<&[u32]> = variants.iter().map(Vec::as_slice).collect();
        let scores = item_scores(model, &vec![user; variant_refs.len()], &variant_refs)?;
        Ok(Self { left_out, scores })
    }

    /// The (at most `limit`) history items whose absence lowers `item`'s `score`, strongest
    /// first, ties by earlier position.
    fn drivers(&self, item: u32, score: f32, history: &[u32], limit: usize) -> Vec<Driver> {
        let mut drivers: Vec<Driver> = self
            .left_out
            .clone()
            .enumerate()
            .filter_map(|(row, position)| {
                let effect = score - self.scores.row(row).get(item as usize)?;
                let history_item = *history.get(position)?;
                (effect > 0.0).then_some(Driver {
                    item: history_item,
                    position,
                    effect,
                })
            })
            .collect();
        drivers.sort_by(|a, b| {
            b.effect
                .total_cmp(&a.effect)
                .then(a.position.cmp(&b.position))
        });
        drivers.truncate(limit);
        drivers
    }
}

/// The `k` best (item, score) pairs, best first, ties by lower index; NaN never recommended;
/// history items left out when asked.
fn best_items(scores: &[f32], history: &[u32], request: RecommendRequest) -> Vec<(u32, f32)> {
    let mut candidates: Vec<(u32, f32)> = scores
        .iter()
        .enumerate()
        .filter(|(_, score)| !score.is_nan())
        .filter_map(|(item, &score)| Some((u32::try_from(item).ok()?, score)))
        .filter(|(item, _)| !(request.exclude_seen && history.contains(item)))
        .collect();
    candidates.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(Ordering::Equal)
            .then(a.0.cmp(&b.0))
    });
    candidates.truncate(request.k);
    candidates
}

#[cfg(test)]
mod tests {
    use super::super::states::test_model::{dataset, model};
    use super::*;
    use crate::data::leave_one_out;

    fn request(user: u32, exclude_seen: bool) -> RecommendRequest {
        RecommendRequest {
            user,
            k: 5,
            exclude_seen,
            drivers: 3,
        }
    }

    #[test]
    fn model_recommendations_exclude_history_and_explain_themselves() {
        let data = dataset(12, 10);
        let split = leave_one_out(&data.sequences);
        let encoder = model(10);
        let view = ModelView {
            model: Some(&encoder),
            dataset: &data,
            split: &split,
            epoch: 2,
        };
        let recs = recommend(&view, request(3, true)).expect("recommend");
        assert!(recs.model_based);
        assert_eq!(recs.items.len(), 5);
        for rec in &recs.items {
            assert!(
                !recs.history.contains(&rec.item),
                "{rec:?} is in the history"
            );
            for driver in &rec.drivers {
                assert!(driver.effect > 0.0);
                assert_eq!(recs.history[driver.position], driver.item);
            }
        }
        let scores: Vec<f32> = recs.items.iter().map(|r| r.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        let with_seen = recommend(&view, request(3, false)).expect("recommend");
        assert!(with_seen.items[0].score >= recs.items[0].score);
    }

    #[test]
    fn without_a_model_popularity_ranks_and_unknown_users_fail() {
        let data = dataset(12, 10);
        let split = leave_one_out(&data.sequences);
        let view = ModelView {
            model: None,
            dataset: &data,
            split: &split,
            epoch: 0,
        };
        let recs = recommend(&view, request(0, true)).expect("recommend");
        assert!(!recs.model_based);
        let counts = popularity_counts(&split.train, 10);
        let first = recs.items[0].item as usize;
        let best_unseen = (0..10)
            .filter(|i| !recs.history.contains(&(*i as u32)))
            .map(|i| counts[i])
            .max();
        assert_eq!(Some(counts[first]), best_unseen);
        assert!(matches!(
            recommend(&view, request(99, true)),
            Err(AnalysisError::UnknownUser(_))
        ));
    }
}
