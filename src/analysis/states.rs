//! Reading encoder states and item embeddings back from a model as plain `f32` rows.

use burn::tensor::Tensor;

use super::AnalysisError;
use crate::model::InferenceModel;

/// Users encoded per batch (bounds memory on large datasets).
pub const STATE_BATCH: usize = 256;

/// A row-major `rows × width` matrix of `f32`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// Number of columns.
    pub width: usize,
    /// `rows * width` values.
    pub values: Vec<f32>,
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len().checked_div(self.width).unwrap_or(0)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `index` (empty when out of range).
    pub fn row(&self, index: usize) -> &[f32] {
        let start = index.saturating_mul(self.width);
        self.values.get(start..start + self.width).unwrap_or(&[])
    }
}

/// Reads a 2-D tensor back as rows.
pub fn tensor_rows(tensor: Tensor<2>) -> Result<Rows, AnalysisError> {
    let [_, width] = tensor.dims();
    let values = tensor
        .into_data()
        .try_into_vec::<f32>()
        .map_err(|e| AnalysisError::Backend(format!("{e:?}")))?;
    Ok(Rows { width, values })
}

/// The output item table `[n_items, dim]` (padding row excluded).
pub fn item_embeddings(model: &InferenceModel) -> Result<Rows, AnalysisError> {
    tensor_rows(model.item_table())
}

/// The user state after the last item of each sequence, `[sequences, dim]`, in batches.
/// `users[i]` is the dense index of the user `sequences[i]` belongs to (models that fuse a
/// user's graph embedding into the state use it).
pub fn final_states(
    model: &InferenceModel,
    users: &[u32],
    sequences: &[&[u32]],
) -> Result<Rows, AnalysisError> {
    let dim = model.encoder().dim();
    let mut all = Rows {
        width: dim,
        values: Vec::with_capacity(sequences.len() * dim),
    };
    for (users, chunk) in users.chunks(STATE_BATCH).zip(sequences.chunks(STATE_BATCH)) {
        let rows = tensor_rows(model.user_states(users, chunk))?;
        all.values.extend_from_slice(&rows.values);
    }
    Ok(all)
}

/// Full-ranking scores of every item for each sequence (`h_u · Eᵀ`), `[sequences, n_items]`,
/// computed in batches on the model's device (`users` as in [`final_states`]).
pub fn item_scores(
    model: &InferenceModel,
    users: &[u32],
    sequences: &[&[u32]],
) -> Result<Rows, AnalysisError> {
    let table: Tensor<2> = model.item_table();
    let mut all = Rows {
        width: model.n_items(),
        values: Vec::with_capacity(sequences.len() * model.n_items()),
    };
    for (users, chunk) in users.chunks(STATE_BATCH).zip(sequences.chunks(STATE_BATCH)) {
        let states = model.user_states(users, chunk);
        let rows = tensor_rows(states.matmul(table.clone().transpose()))?;
        all.values.extend_from_slice(&rows.values);
    }
    Ok(all)
}

/// Scores of `items` (given as embedding rows) against state rows: a plain dot product.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Cosine similarity (0 when either vector is zero).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let norm = (dot(a, a) * dot(b, b)).sqrt();
    if norm > 0.0 { dot(a, b) / norm } else { 0.0 }
}

#[cfg(test)]
pub(crate) mod test_model {
    //! A small seeded encoder on the CPU for analysis tests.

    use crate::data::{Dataset, IdMap};
    use burn::tensor::Device;

    use crate::model::sequda::SeqUdaRec;
    use crate::model::{InferenceModel, SasRec, SeqUdaSnapshot};
    use crate::settings::DeviceChoice;
    use crate::settings::EncoderConfig;
    use crate::settings::SeqUdaConfig;
    use crate::train::device::select_device;

    /// A dataset of `users` users over `items` items with simple repeating sequences.
    pub fn dataset(users: usize, items: usize) -> Dataset {
        let user_ids: IdMap = (0..users).map(|u| format!("u{u}")).collect();
        let item_ids: IdMap = (0..items).map(|i| format!("i{i}")).collect();
        let sequences = (0..users)
            .map(|u| {
                (0..(4 + u % 5))
                    .map(|j| ((u + 2 * j) % items) as u32)
                    .collect()
            })
            .collect();
        Dataset::from_sequences("test".into(), user_ids, item_ids, sequences)
    }

    /// The CPU device, seeded, and a tiny two-head encoder shape with `blocks` blocks.
    fn seeded_cpu(blocks: usize) -> (Device, EncoderConfig) {
        let device = select_device(DeviceChoice::Cpu)
            .expect("the CPU device is always available")
            .device;
        device.seed(7);
        let config = EncoderConfig {
            max_len: 8,
            dim: 8,
            blocks,
            heads: 2,
            dropout: 0.0,
            ..EncoderConfig::default()
        };
        (device, config)
    }

    /// A freshly initialised (seeded) two-head SASRec encoder.
    pub fn model(items: usize) -> InferenceModel {
        let (device, config) = seeded_cpu(2);
        InferenceModel::SasRec(Box::new(SasRec::new(&config, items, &device)))
    }

    /// A freshly initialised (seeded) SeqUDA-Rec with its target-attention head and no graph.
    pub fn sequda_model(users: usize, items: usize) -> InferenceModel {
        let (device, config) = seeded_cpu(1);
        let settings = SeqUdaConfig {
            graph: false,
            ..SeqUdaConfig::default()
        };
        let model = SeqUdaRec::new(&settings, &config, users, items, &device);
        InferenceModel::SeqUda(Box::new(SeqUdaSnapshot::new(model, None, 0)))
    }
}

#[cfg(test)]
mod tests {
    use super::test_model::model;
    use super::*;

    #[test]
    fn scores_equal_states_times_table() {
        let model = model(6);
        let a: &[u32] = &[0, 1, 2];
        let b: &[u32] = &[5];
        let states = final_states(&model, &[0, 1], &[a, b]).expect("states");
        let table = item_embeddings(&model).expect("table");
        let scores = item_scores(&model, &[0, 1], &[a, b]).expect("scores");
        assert_eq!((states.len(), table.len(), scores.len()), (2, 6, 2));
        for user in 0..2 {
            for item in 0..6 {
                let expected = dot(states.row(user), table.row(item));
                let got = scores.row(user)[item];
                assert!((expected - got).abs() < 1e-4, "{expected} vs {got}");
            }
        }
        assert_eq!(states.width, 8);
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
    }
}
