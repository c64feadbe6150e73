//! SASRec-CE training (docs/MODEL.md §2): one Adam step per batch of users, every position
//! predicting its next item with full-softmax cross-entropy (or, with `loss = "sampled"`, a
//! sampled softmax over shared negatives).

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};

use crate::data::Split;
use crate::model::SasRec;
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

use super::row_adam::ItemRowAdam;
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
    let model = SasRec::new(&config.encoder, n_items, &device);
    Ok((model, new_optimizer(), device))
}

/// A fresh Adam optimiser with β₂ = 0.98 and ε = 1e-8, as the reference SASRec-CE
/// implementations (SeqUDA-Rec uses the same).
pub fn new_optimizer() -> ModuleOptimizer {
    AdamConfig::new()
        .with_beta_2(0.98)
        .with_epsilon(1e-8)
        .init()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::readback::HostReads;

    /// The item table of `recipe`'s current weights, flattened.
    fn weights(recipe: &SasRecRecipe) -> Vec<f32> {
        recipe
            .snapshot()
            .item_table()
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32 weights")
    }

    #[test]
    fn auto_trains_as_full_and_sampled_takes_its_own_finite_steps() {
        let _seeded = crate::train::trainers::seeded_test_lock();
        use crate::settings::LossChoice;
        let sequences: Vec<Vec<u32>> = (0..24u32)
            .map(|u| (0..7).map(|t| (u * 5 + t * (1 + u % 4)) % 30).collect())
            .collect();
        let split = crate::data::leave_one_out(&sequences);
        let mut config = TrainConfig::default();
        config.encoder.max_len = 8;
        config.encoder.dim = 8;
        let users: Vec<usize> = (0..24).collect();
        let two_steps = |config: &TrainConfig| {
            let mut recipe =
                SasRecRecipe::new(config, &split, 30, &Device::flex()).expect("recipe");
            let reads = HostReads::new();
            let losses: Vec<f64> = (0..2)
                .map(|_| {
                    recipe
                        .step(&users, config.learning_rate)
                        .expect("step")
                        .read(&reads)
                        .expect("read")["loss"]
                })
                .collect();
            (losses, weights(&recipe))
        };
        let auto = two_steps(&config);
        config.loss = LossChoice::Full;
        assert_eq!(two_steps(&config), auto, "bit for bit");
        config.loss = LossChoice::Sampled;
        config.sampled.negatives = 10;
        let sampled = two_steps(&config);
        assert!(sampled.0.iter().all(|l| l.is_finite()), "{:?}", sampled.0);
        assert_ne!(sampled.1, auto.1);
        assert_eq!(two_steps(&config), sampled, "the draws repeat for a seed");
    }

    #[test]
    fn row_updates_take_the_dense_first_step_and_a_resumed_run_keeps_their_moments() {
        let _seeded = crate::train::trainers::seeded_test_lock();
        use crate::settings::LossChoice;
        let sequences: Vec<Vec<u32>> = (0..24u32)
            .map(|u| (0..7).map(|t| (u * 5 + t * (1 + u % 4)) % 30).collect())
            .collect();
        let split = crate::data::leave_one_out(&sequences);
        let mut config = TrainConfig::default();
        config.encoder.max_len = 8;
        config.encoder.dim = 8;
        config.encoder.dropout = 0.0;
        config.learning_rate = 1e-2;
        config.loss = LossChoice::Sampled;
        config.sampled.negatives = 10;
        let users: Vec<usize> = (0..24).collect();
        let device = Device::flex();
        let reads = HostReads::new();
        let gap = |a: &[f32], b: &[f32]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0f32, f32::max)
        };

        // Adam's first step leaves an untouched row where it was, so both updates agree.
        let first_step = |row_updates: bool| {
            let mut config = config.clone();
            config.sampled.row_updates = row_updates;
            let mut recipe = SasRecRecipe::new(&config, &split, 30, &device).expect("recipe");
            assert_eq!(recipe.item_rows.is_some(), row_updates);
            let step = recipe.step(&users, config.learning_rate).expect("step");
            (step.read(&reads).expect("read")["loss"], weights(&recipe))
        };
        let (rows_loss, rows_weights) = first_step(true);
        let (dense_loss, dense_weights) = first_step(false);
        assert!(
            (rows_loss - dense_loss).abs() < 1e-6,
            "{rows_loss} vs {dense_loss}"
        );
        let moved = gap(
            &rows_weights,
            &weights(&SasRecRecipe::new(&config, &split, 30, &device).expect("recipe")),
        );
        assert!(moved > 1e-3, "the step moved the table by {moved}");
        let apart = gap(&rows_weights, &dense_weights);
        assert!(apart < 1e-6, "gap {apart}");

        let folder = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(folder.path());
        let mut uninterrupted = SasRecRecipe::new(&config, &split, 30, &device).expect("recipe");
        for _ in 0..3 {
            uninterrupted
                .step(&users, config.learning_rate)
                .expect("step");
        }
        uninterrupted
            .save(&uninterrupted.snapshot(), &run)
            .expect("save");
        assert!(run.item_rows_optimizer_path().is_file());
        uninterrupted.loss.begin_epoch(5);
        uninterrupted
            .step(&users, config.learning_rate)
            .expect("step");
        let mut resumed = SasRecRecipe::new(&config, &split, 30, &device).expect("recipe");
        resumed.resume(&run, 3).expect("resume");
        resumed.loss.begin_epoch(5);
        resumed.step(&users, config.learning_rate).expect("step");
        let apart = gap(&weights(&uninterrupted), &weights(&resumed));
        assert!(apart < 1e-6, "gap {apart}");
    }

    #[test]
    fn a_resumed_recipe_takes_the_step_the_uninterrupted_one_takes() {
        let _seeded = crate::train::trainers::seeded_test_lock();
        let sequences: Vec<Vec<u32>> = (0..24u32)
            .map(|u| (0..7).map(|t| (u * 5 + t * (1 + u % 4)) % 30).collect())
            .collect();
        let split = crate::data::leave_one_out(&sequences);
        let mut config = TrainConfig::default();
        config.encoder.max_len = 8;
        config.encoder.dim = 8;
        config.encoder.dropout = 0.0;
        config.learning_rate = 1e-2;
        let users: Vec<usize> = (0..24).collect();
        let device = Device::flex();
        let folder = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(folder.path());

        let mut uninterrupted = SasRecRecipe::new(&config, &split, 30, &device).expect("recipe");
        for _ in 0..3 {
            uninterrupted
                .step(&users, config.learning_rate)
                .expect("step");
        }
        uninterrupted
            .save(&uninterrupted.snapshot(), &run)
            .expect("save");
        assert!(
            run.optimizer_path().is_file(),
            "the optimiser state is saved"
        );
        uninterrupted
            .step(&users, config.learning_rate)
            .expect("step");
        let expected = weights(&uninterrupted);

        let next_step_after_resume = |run: &RunDir| {
            let mut resumed = SasRecRecipe::new(&config, &split, 30, &device).expect("recipe");
            resumed.resume(run, 3).expect("resume");
            resumed.step(&users, config.learning_rate).expect("step");
            weights(&resumed)
        };
        let largest_gap = |weights: &[f32]| {
            expected
                .iter()
                .zip(weights)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max)
        };
        let resumed = next_step_after_resume(&run);
        assert!(
            largest_gap(&resumed) < 1e-6,
            "gap {}",
            largest_gap(&resumed)
        );

        // Without the saved state (a run from before it was kept) Adam starts afresh: the
        // step differs, which is what the saved state is for.
        std::fs::remove_file(run.optimizer_path()).expect("remove");
        let fresh = next_step_after_resume(&run);
        assert!(largest_gap(&fresh) > 1e-4, "gap {}", largest_gap(&fresh));
    }
}
