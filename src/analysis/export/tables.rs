//! The tables a warehouse export holds: every user's state and log-sum-exp normaliser, every
//! item's output embedding, keyed by the dataset's own ids, and the item metadata.
//!
//! The app's audience score of item `c` for user `u` (full-ranking scoring) is the softmax
//! probability `P(next = c | u) = exp(h_u · E_c) / Σ_j exp(h_u · E_j)`; with the normaliser
//! `lse_u = log Σ_j exp(h_u · E_j)` exported per user it is `exp(h_u · E_c − lse_u)`, which a
//! warehouse can compute from the two tables alone. There is no item bias in the score.

use burn::tensor::Tensor;

use super::super::AnalysisError;
use super::super::states::{Rows, STATE_BATCH, dot, tensor_rows};
use crate::data::{Dataset, ItemMeta};
use crate::model::InferenceModel;

/// What the model scores with, keyed by the dataset's ids.
#[derive(Clone, Debug, PartialEq)]
pub struct WarehouseTables {
    /// The dataset's user ids, in dataset order (`[users]`; the index is the tie-break rule).
    pub user_ids: Vec<String>,
    /// Each user's state after their whole history, `[users, dim]`.
    pub user_states: Rows,
    /// Each user's `log Σ_j exp(h_u · E_j)` over the catalogue, `[users]`.
    pub user_lse: Vec<f32>,
    /// The dataset's item ids, in dataset order (`[items]`).
    pub item_ids: Vec<String>,
    /// The output item table the scores use, `[items, dim]`.
    pub item_embeddings: Rows,
    /// Item titles (`[items]`; `None` without metadata).
    pub titles: Vec<Option<String>>,
    /// Item categories (`[items]`; `None` without metadata).
    pub categories: Vec<Option<String>>,
}

impl WarehouseTables {
    /// The width of a state and an embedding.
    pub fn dim(&self) -> usize {
        self.user_states.width
    }

    /// `h_u · E_c − lse_u`: the log of the app's audience probability (the exported formula).
    pub fn log_probability(&self, user: usize, item: usize) -> f64 {
        let lse = self.user_lse.get(user).copied().unwrap_or(f32::INFINITY);
        f64::from(dot(
            self.user_states.row(user),
            self.item_embeddings.row(item),
        )) - f64::from(lse)
    }
}

/// Reads the states, normalisers and item table out of `model` for every user of `dataset`
/// (whole histories, in batches of [`STATE_BATCH`] users, exactly as the audience does).
pub fn warehouse_tables(
    model: &InferenceModel,
    dataset: &Dataset,
    meta: Option<&ItemMeta>,
) -> Result<WarehouseTables, AnalysisError> {
    let n_items = dataset.n_items();
    if model.n_items() != n_items {
        return Err(AnalysisError::CatalogueMismatch {
            model: model.n_items(),
            data: n_items,
        });
    }
    let table: Tensor<2> = model.item_table();
    let dim = model.encoder().dim();
    let mut user_states = Rows {
        width: dim,
        values: Vec::with_capacity(dataset.n_users() * dim),
    };
    let mut user_lse = Vec::with_capacity(dataset.n_users());
    let users: Vec<u32> = (0..dataset.n_users())
        .filter_map(|u| u32::try_from(u).ok())
        .collect();
    let sequences: Vec<&[u32]> = dataset.sequences.iter().map(Vec::as_slice).collect();
    for (users, chunk) in users.chunks(STATE_BATCH).zip(sequences.chunks(STATE_BATCH)) {
        let states = model.user_states(users, chunk);
        let scores = tensor_rows(states.clone().matmul(table.clone().transpose()))?;
        user_states
            .values
            .extend_from_slice(&tensor_rows(states)?.values);
        user_lse.extend((0..scores.len()).map(|row| log_sum_exp(scores.row(row))));
    }
    let item_embeddings = tensor_rows(table)?;
    let (titles, categories) = match meta {
        Some(meta) => (meta.titles.clone(), meta.categories.clone()),
        None => (vec![None; n_items], vec![None; n_items]),
    };
    Ok(WarehouseTables {
        user_ids: dataset.users.tokens().to_vec(),
        user_states,
        user_lse,
        item_ids: dataset.items.tokens().to_vec(),
        item_embeddings,
        titles,
        categories,
    })
}

/// `log Σ exp(row)`, computed as the audience's softmax does (`max + ln Σ exp(s − max)`, f32).
pub fn log_sum_exp(row: &[f32]) -> f32 {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let total: f32 = row.iter().map(|s| (s - max).exp()).sum();
    max + total.ln()
}

#[cfg(test)]
mod tests {
    use super::super::super::audience::audience;
    use super::super::super::states::test_model::{dataset, model, sequda_model};
    use super::*;
    use crate::data::leave_one_out;
    use crate::train::session::ModelView;

    /// Users ranked for `item` by the exported formula, ties by dataset order.
    fn ranked(tables: &WarehouseTables, item: usize) -> Vec<(usize, f64)> {
        let mut users: Vec<(usize, f64)> = (0..tables.user_ids.len())
            .map(|u| (u, tables.log_probability(u, item)))
            .collect();
        users.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        users
    }

    #[test]
    fn the_exported_formula_ranks_users_as_the_audience_does() {
        let data = dataset(40, 10);
        let split = leave_one_out(&data.sequences);
        for (name, model) in [("sasrec", model(10)), ("sequda", sequda_model(40, 10))] {
            let tables = warehouse_tables(&model, &data, None).expect("tables");
            assert_eq!(tables.user_states.len(), 40);
            assert_eq!(tables.item_embeddings.len(), 10);
            assert_eq!((tables.user_lse.len(), tables.dim()), (40, 8));
            let view = ModelView {
                model: Some(&model),
                dataset: &data,
                split: &split,
                epoch: 1,
            };
            // Full-ranking scoring: what the export reproduces exactly.
            let app = audience(&view, 3, false).expect("audience");
            let export = ranked(&tables, 3);
            for (&(app_user, p), &(user, log_p)) in app.ranked.iter().zip(&export) {
                assert_eq!(app_user as usize, user, "{name}");
                let q = log_p.exp();
                assert!(
                    (q - f64::from(p)).abs() <= 1e-5 * (1.0 + q),
                    "{name}: {p} vs {q}"
                );
            }
        }
        assert!((log_sum_exp(&[0.0, 0.0]) - 2f32.ln()).abs() < 1e-6);
    }

    #[test]
    fn a_model_for_another_catalogue_is_refused() {
        let data = dataset(5, 10);
        assert!(matches!(
            warehouse_tables(&model(9), &data, None),
            Err(AnalysisError::CatalogueMismatch { model: 9, data: 10 })
        ));
    }
}
