//! SASRec-CE training (docs/MODEL.md §2): one Adam step per batch of users, every position
//! predicting its next item with full-softmax cross-entropy (or, with `loss = "sampled"`, a
//! sampled softmax over shared negatives).

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};

use crate::data::Split;
use crate::model::SasRec;
use crate::model::dropout::seed_dropout;
use crate::model::inference::InferenceModel;
use crate::settings::TrainConfig;
use crate::train::TrainError;
use crate::train::epochs::{LengthGroup, length_groups};
use crate::train::epochs::{LossPlan, Recipe, StepLosses, grouped_loss};
use crate::train::run_folder::{MetricsWriter, RunDir};
use crate::train::run_folder::{
    load_checkpoint, restore_optimizer, save_checkpoint, save_optimizer, warm_start,
};
use crate::train::session::Control;

use super::row_adam::{BETA_1, BETA_2, EPSILON, ItemRowAdam};
use super::row_step::row_sparse_step;

/// The SASRec-CE recipe: the model on an autodiff device and its optimiser.
pub struct SasRecRecipe<'a> {
    model: SasRec,
    optimizer: ModuleOptimizer,
    device: Device,
    split: &'a Split,
    config: &'a TrainConfig,
    /// Full or sampled softmax, with the sampler's state.
    loss: LossPlan,
    /// The item table's row-by-row Adam, when the sampled loss trains it one step's rows at
    /// a time (`[train.sampled] row_updates`); `None`: the table is one dense parameter.
    item_rows: Option<ItemRowAdam>,
}

impl<'a> SasRecRecipe<'a> {
    /// A fresh, seeded model for `n_items` items on `device`.
    pub fn new(
        config: &'a TrainConfig,
        split: &'a Split,
        n_items: usize,
        device: &Device,
    ) -> Result<Self, TrainError> {
        let (model, optimizer, device) = new_optimisation(config, n_items, device)?;
        let model = warm_start(model, config, split.train.len(), n_items)?;
        let loss = LossPlan::new(config, &split.train, n_items);
        let rows = matches!(loss, LossPlan::Sampled(_)) && config.sampled.row_updates;
        Ok(Self {
            model,
            optimizer,
            device,
            split,
            config,
            loss,
            item_rows: rows.then(ItemRowAdam::new),
        })
    }
}

impl Recipe for SasRecRecipe<'_> {
    fn begin_epoch(
        &mut self,
        epoch: usize,
        _control: &mut Control,
        _metrics: &mut MetricsWriter,
    ) -> Result<(), TrainError> {
        self.loss.begin_epoch(epoch);
        Ok(())
    }

    fn step(&mut self, users: &[usize], rate: f64) -> Result<StepLosses, TrainError> {
        // Cloning a module shares its parameter tensors; the step returns new ones.
        let model = self.model.clone();
        let groups = length_groups(
            &self.split.train,
            users,
            self.config.encoder.max_len,
            self.config.length_groups,
        );
        let loss = if self.item_rows.is_some() {
            self.row_sparse_step(model, &groups, rate)
        } else {
            let (model, loss) = optimisation_step_with(
                model,
                &mut self.optimizer,
                &groups,
                &self.device,
                rate,
                &mut self.loss,
            );
            self.model = model;
            loss
        };
        Ok(match loss {
            Some(loss) => StepLosses::new()
                .on_device("loss", loss.clone())
                .on_device("ce", loss),
            None => StepLosses::new().on_host("loss", 0.0).on_host("ce", 0.0),
        })
    }

    fn snapshot(&self) -> InferenceModel {
        InferenceModel::SasRec(Box::new(self.model.valid()))
    }

    /// The weights, and the optimiser's state when the run saved it.
    fn resume(&mut self, run_dir: &RunDir, _best_epoch: usize) -> Result<(), TrainError> {
        self.model = load_checkpoint(self.model.clone(), &run_dir.checkpoint_path())?;
        restore_optimizer(&mut self.optimizer, &run_dir.optimizer_path())?;
        if self.item_rows.is_some() {
            let path = run_dir.item_rows_optimizer_path();
            self.item_rows = Some(ItemRowAdam::restore(&self.model, &path)?);
        }
        Ok(())
    }

    fn save(&self, snapshot: &InferenceModel, run_dir: &RunDir) -> Result<(), TrainError> {
        save_checkpoint(snapshot.encoder(), &run_dir.checkpoint_path())?;
        save_optimizer(&self.optimizer, &run_dir.optimizer_path())?;
        match &self.item_rows {
            Some(rows) => rows.save(&run_dir.item_rows_optimizer_path()),
            None => Ok(()),
        }
    }
}

impl SasRecRecipe<'_> {
    /// The step with the item table trained row by row ([`row_sparse_step`]): the model is
    /// replaced before the table's rows are updated, so the table is the only holder of its
    /// storage and the rows are written in place.
    fn row_sparse_step(
        &mut self,
        model: SasRec,
        groups: &[LengthGroup],
        rate: f64,
    ) -> Option<Tensor<1>> {
        let batches: Vec<_> = groups.iter().map(|group| &group.batch).collect();
        let negatives = self.loss.draw(&batches)?;
        let step = row_sparse_step(
            model,
            &mut self.optimizer,
            groups,
            &negatives,
            &self.device,
            rate,
        );
        self.model = step.model;
        if let (Some(table), Some(adam)) = (step.table, self.item_rows.as_mut()) {
            adam.step(&mut self.model, table.rows, table.gradient, rate);
        }
        step.loss
    }
}

/// One Adam step on a batch split into length `groups`: forward, full-softmax
/// cross-entropy averaged over every position of every group, backward, update.
/// Returns the updated model and the loss before the update, `[1]`, left on the device and
/// detached (nothing is read back, so nothing blocks before `backward()`; the caller reads it
/// when it chooses); `None` and no update for a batch without positions.
pub fn optimisation_step(
    model: SasRec,
    optimizer: &mut ModuleOptimizer,
    groups: &[LengthGroup],
    device: &Device,
    learning_rate: f64,
) -> (SasRec, Option<Tensor<1>>) {
    let mut full = LossPlan::Full;
    optimisation_step_with(model, optimizer, groups, device, learning_rate, &mut full)
}

/// [`optimisation_step`] with the run's loss `plan`: the full softmax, or the sampled one
/// (negatives drawn once for the whole batch).
pub fn optimisation_step_with(
    model: SasRec,
    optimizer: &mut ModuleOptimizer,
    groups: &[LengthGroup],
    device: &Device,
    learning_rate: f64,
    plan: &mut LossPlan,
) -> (SasRec, Option<Tensor<1>>) {
    let batches: Vec<_> = groups.iter().map(|group| &group.batch).collect();
    let table = model.item_table();
    let step_loss = plan.for_step(&batches, &table, device);
    let Some(loss) = grouped_loss(&batches, &table, device, &step_loss, |tokens| {
        model.encode(tokens, false).hidden
    }) else {
        return (model, None);
    };
    let value = loss.clone().detach();
    let gradients = GradientsParams::from_grads(loss.backward(), &model);
    (optimizer.step(learning_rate, model, gradients), Some(value))
}

/// A fresh encoder on the autodiff version of `device`, seeded, with its Adam optimiser
/// ([`new_optimizer`]).
pub fn new_optimisation(
    config: &TrainConfig,
    n_items: usize,
    device: &Device,
) -> Result<(SasRec, ModuleOptimizer, Device), TrainError> {
    config.encoder.validate()?;
    let device = device.clone().autodiff();
    device.seed(config.seed);
    seed_dropout(config.seed);
    let model = SasRec::new(&config.encoder, n_items, &device);
    Ok((model, new_optimizer(), device))
}

/// A fresh Adam optimiser with β₂ = 0.98 and ε = 1e-8, as the reference SASRec-CE
/// implementations (SeqUDA-Rec uses the same), and the item table's row-by-row Adam too.
pub fn new_optimizer() -> ModuleOptimizer {
    AdamConfig::new()
        .with_beta_1(BETA_1)
        .with_beta_2(BETA_2)
        .with_epsilon(EPSILON)
        .init()
}

#[cfg(test)]
#[path = "sasrec_tests.rs"]
mod tests;
