//! A SASRec-CE step under the sampled loss that differentiates only the item-table rows it
//! reads (docs/SCALING.md §2, "Row-sparse item updates"). The step copies its rows into a small
//! `[R, dim]` leaf, renumbers its batches and negatives into it, and encodes and scores against
//! it: the loss and every other gradient are those of the whole-table step, while the table's
//! gradient is `[R, dim]` instead of `[n_items + 1, dim]`. Adam then updates those rows
//! ([`super::row_adam::ItemRowAdam`]); burn's optimiser updates the other parameters.

use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::model::{PADDING_TOKEN, SasRec};
use crate::train::epochs::{
    LengthGroup, SharedNegatives, StepLoss, StepNegatives, StepRows, TrainBatch, grouped_loss,
};

/// The item table's share of a row-sparse step.
pub struct RowGradient {
    /// `[R]` the rows (tokens, padding row included) on the table's inner device.
    pub rows: Tensor<1, Int>,
    /// `[R, dim]` their gradient.
    pub gradient: Tensor<2>,
}

/// What a row-sparse step returns.
pub struct RowStep {
    /// The model with every parameter but the item table updated.
    pub model: SasRec,
    /// `[1]` the loss before the update, on the device and detached; `None` (and no update)
    /// for a batch without positions or negatives.
    pub loss: Option<Tensor<1>>,
    /// The item table's rows and gradient, for [`super::row_adam::ItemRowAdam::step`].
    pub table: Option<RowGradient>,
}

/// One step on a batch split into length `groups` with the sampled loss against
/// `negatives`: forward on the step's rows of the table, backward, and burn's Adam step for
/// every parameter but the item table, whose gradient comes back in [`RowStep::table`].
pub fn row_sparse_step(
    model: SasRec,
    optimizer: &mut ModuleOptimizer,
    groups: &[LengthGroup],
    negatives: &SharedNegatives,
    device: &Device,
    learning_rate: f64,
) -> RowStep {
    let batches: Vec<&TrainBatch> = groups.iter().map(|group| &group.batch).collect();
    let rows = StepRows::new(&batches, negatives);
    let local_batches: Vec<TrainBatch> = batches.iter().map(|b| rows.local_batch(b)).collect();
    let local_batches: Vec<&TrainBatch> = local_batches.iter().collect();
    let full_table = model.item_embedding.weight.val().inner();
    let inner_device = full_table.device();
    // [R]
    let row_tokens: Tensor<1, Int> = Tensor::from_data(
        TensorData::new(rows.tokens().to_vec(), [rows.len()]),
        &inner_device,
    );
    // [R, dim], a leaf: the only item weights this step's graph sees.
    let table = Tensor::from_inner(full_table.select(0, row_tokens.clone())).require_grad();
    let unchanged = |model| RowStep {
        model,
        loss: None,
        table: None,
    };
    let Some(step_negatives) = StepNegatives::new(&rows.local_negatives(negatives), &table, device)
    else {
        return unchanged(model);
    };
    let step_loss = StepLoss::Sampled(Box::new(step_negatives));
    let Some(loss) = grouped_loss(&local_batches, &table, device, &step_loss, |tokens| {
        let padding = tokens.clone().equal_elem(PADDING_TOKEN);
        let embedded = model.embed_with_table(tokens, table.clone());
        model.encode_embedded(embedded, padding, false).hidden
    }) else {
        return unchanged(model);
    };
    let value = loss.clone().detach();
    let mut gradients = loss.backward();
    let table_gradient = table.grad_remove(&mut gradients);
    let gradients = GradientsParams::from_grads(gradients, &model);
    RowStep {
        model: optimizer.step(learning_rate, model, gradients),
        loss: Some(value),
        table: table_gradient.map(|gradient| RowGradient {
            rows: row_tokens,
            gradient,
        }),
    }
}
