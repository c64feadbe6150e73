//! Adam for the item table, one step's rows at a time ("lazy" Adam, as TensorFlow's LazyAdam
//! and PyTorch's SparseAdam): a sampled-loss step's gradient touches only the rows of its
//! tokens, targets and negatives, so only those rows' moments and weights change. Dense Adam
//! would rewrite the whole `[n_items + 1, dim]` table and both moments every step (at a
//! million items, twenty 256 MB tensors per step: docs/SCALING.md §2).
//!
//! The arithmetic is burn's Adam's (`AdaptiveMomentum`), step for step, on the listed rows; a
//! row no step touches keeps its weights, where dense Adam would still move it by its decaying
//! momentum. On the first step, and whenever every row is touched, the two agree.

use burn::module::{Module, Param, ParamId};
use burn::tensor::{IndexingUpdateOp, Int, Tensor, TensorData};

use crate::model::SasRec;
use crate::train::TrainError;
use crate::train::run_folder::{load_checkpoint, save_checkpoint};
use std::path::Path;

/// Adam's β₁ for every model parameter, here and in [`super::new_optimizer`].
pub(super) const BETA_1: f32 = 0.9;
/// Adam's β₂: 0.98, as the reference SASRec-CE implementations (SeqUDA-Rec uses the same).
pub(super) const BETA_2: f32 = 0.98;
/// Adam's ε: 1e-8, as the reference SASRec-CE implementations.
pub(super) const EPSILON: f32 = 1e-8;

/// The item table's Adam state: both moments of every row, and the step count.
#[derive(Clone, Debug, Default)]
pub struct ItemRowAdam {
    /// `[n_items + 1, dim]` first and second moments on the table's inner (non-autodiff)
    /// device; `None` before the first step.
    moments: Option<(Tensor<2>, Tensor<2>)>,
    /// Steps taken (Adam's `t`, for the bias corrections).
    time: usize,
}

/// The saved form of [`ItemRowAdam`] (a burn record, like the optimiser's own file).
#[derive(Module, Debug)]
struct SavedRowAdam {
    /// `[n_items + 1, dim]`.
    first: Param<Tensor<2>>,
    /// `[n_items + 1, dim]`.
    second: Param<Tensor<2>>,
    /// `[1]` the step count.
    time: Param<Tensor<1, Int>>,
}

impl ItemRowAdam {
    /// A fresh state: zero moments, no steps.
    pub fn new() -> Self {
        Self::default()
    }

    /// One Adam step on rows `rows` `[R]` (distinct) of `model`'s item table with their
    /// `gradient` `[R, dim]` and learning rate `rate`. The table, and the moments, are updated
    /// in place where nothing else holds them.
    pub fn step(
        &mut self,
        model: &mut SasRec,
        rows: Tensor<1, Int>,
        gradient: Tensor<2>,
        rate: f64,
    ) {
        let placeholder = Param::from_tensor(Tensor::zeros([1, 1], &gradient.device()));
        let weight = std::mem::replace(&mut model.item_embedding.weight, placeholder);
        let (id, table, mapper) = weight.consume();
        let require_grad = table.is_require_grad();
        let table = self.update(table.inner(), rows, gradient, rate);
        let table = Tensor::from_inner(table);
        let table = if require_grad {
            table.require_grad()
        } else {
            table
        };
        model.item_embedding.weight = Param::from_mapped_value(id, table, mapper);
    }

    /// The step on inner tensors: `table` `[n, dim]`, `rows` `[R]`, `gradient` `[R, dim]`;
    /// returns the updated table.
    fn update(
        &mut self,
        table: Tensor<2>,
        rows: Tensor<1, Int>,
        gradient: Tensor<2>,
        rate: f64,
    ) -> Tensor<2> {
        let rows = rows.to_device(&table.device());
        let gradient = gradient.to_device(&table.device());
        let (first, second) = self
            .moments
            .take()
            .unwrap_or_else(|| (table.zeros_like(), table.zeros_like()));
        self.time += 1;
        // [R, dim]
        let m = first
            .clone()
            .select(0, rows.clone())
            .mul_scalar(BETA_1)
            .add(gradient.clone().mul_scalar(1.0 - BETA_1));
        let v = second
            .clone()
            .select(0, rows.clone())
            .mul_scalar(BETA_2)
            .add(gradient.square().mul_scalar(1.0 - BETA_2));
        let time = self.time as i32;
        let correction_2 = (1.0 - BETA_2.powi(time)).sqrt();
        let combined = correction_2 / (1.0 - BETA_1.powi(time));
        let direction = m
            .clone()
            .mul_scalar(combined)
            .div(v.clone().sqrt().add_scalar(EPSILON * correction_2));
        let new_rows = table
            .clone()
            .select(0, rows.clone())
            .sub(direction.mul_scalar(rate));
        let first = first.select_assign(0, rows.clone(), m, IndexingUpdateOp::Assign);
        let second = second.select_assign(0, rows.clone(), v, IndexingUpdateOp::Assign);
        self.moments = Some((first, second));
        table.select_assign(0, rows, new_rows, IndexingUpdateOp::Assign)
    }

    /// Writes the state to `path`; nothing is written before the first step.
    pub fn save(&self, path: &Path) -> Result<(), TrainError> {
        let Some((first, second)) = &self.moments else {
            return Ok(());
        };
        let device = first.device();
        let saved = SavedRowAdam {
            first: Param::from_tensor(first.clone()),
            second: Param::from_tensor(second.clone()),
            time: Param::initialized(
                ParamId::new(),
                Tensor::from_data(TensorData::new(vec![self.time as i64], [1]), &device),
            ),
        };
        save_checkpoint(&saved, path)
    }

    /// The state saved at `path` for `model`'s table; a fresh one when the run has no such
    /// file (it trained with dense updates, or saved before its first step).
    pub fn restore(model: &SasRec, path: &Path) -> Result<Self, TrainError> {
        if !path.is_file() {
            return Ok(Self::new());
        }
        let table = model.item_embedding.weight.val().inner();
        let device = table.device();
        let template = SavedRowAdam {
            first: Param::from_tensor(table.zeros_like()),
            second: Param::from_tensor(table.zeros_like()),
            time: Param::initialized(ParamId::new(), Tensor::zeros([1], &device)),
        };
        let saved = load_checkpoint(template, path)?;
        let time = saved
            .time
            .val()
            .into_data()
            .convert::<i64>()
            .try_to_vec::<i64>()
            .ok()
            .and_then(|t| t.first().copied())
            .and_then(|t| usize::try_from(t).ok())
            .ok_or_else(|| TrainError::file(path, "the step count is not a count"))?;
        Ok(Self {
            moments: Some((saved.first.val(), saved.second.val())),
            time,
        })
    }
}

#[cfg(test)]
#[path = "row_adam_tests.rs"]
mod tests;
