//! The epoch loop with a real SASRec-CE recipe whose loss can be made to turn NaN: what its
//! NaN guard says, what it keeps, and what it leaves durable in the log.

use std::path::PathBuf;
use std::sync::mpsc;

use super::*;
use crate::data::{IdMap, leave_one_out};
use crate::model::inference::InferenceModel;
use crate::settings::DeviceChoice;
use crate::train::device::select_device;
use crate::train::epochs::StepLosses;
use crate::train::trainers::SasRecRecipe;
use burn::tensor::{Device, Tensor};

/// SASRec-CE whose loss is NaN from optimisation step `nan_from` (1-based, over the run) on.
struct TurnsNan<'a> {
    inner: SasRecRecipe<'a>,
    steps: usize,
    nan_from: usize,
    /// The learning rate of every step, in order.
    rates: Vec<f64>,
}

impl Recipe for TurnsNan<'_> {
    fn step(&mut self, users: &[usize], rate: f64) -> Result<StepLosses, TrainError> {
        self.steps += 1;
        self.rates.push(rate);
        let losses = self.inner.step(users, rate)?;
        if self.steps >= self.nan_from {
            let device = Device::flex().autodiff();
            return Ok(losses.on_device("loss", Tensor::from_floats([f32::NAN], &device)));
        }
        Ok(losses)
    }

    fn snapshot(&self) -> InferenceModel {
        self.inner.snapshot()
    }

    fn resume(&mut self, run_dir: &RunDir, best_epoch: usize) -> Result<(), TrainError> {
        self.inner.resume(run_dir, best_epoch)
    }

    fn save(&self, snapshot: &InferenceModel, run_dir: &RunDir) -> Result<(), TrainError> {
        self.inner.save(snapshot, run_dir)
    }
}

/// 40 users over 12 items, six events each.
fn dataset() -> Dataset {
    let sequences: Vec<Vec<u32>> = (0..40u32)
        .map(|u| (0..6).map(|t| (u + t * (1 + u % 3)) % 12).collect())
        .collect();
    let users: IdMap = (0..40).map(|u| format!("u{u}")).collect();
    let items: IdMap = (0..12).map(|i| format!("i{i}")).collect();
    Dataset::from_sequences(PathBuf::from("synthetic"), users, items, sequences)
}

/// A tiny CPU configuration: three steps of 16 users per epoch.
fn config(epochs: usize) -> TrainConfig {
    let mut config = TrainConfig::default();
    config.encoder.max_len = 8;
    config.encoder.dim = 8;
    config.batch_size = 16;
    config.epochs = epochs;
    config.patience = epochs;
    config.device = DeviceChoice::Cpu;
    config
}

/// Runs `epochs` epochs into a fresh folder with the loss NaN from step `nan_from` on: the
/// outcome, the folder, and the records the log holds unsynced at the end.
fn run(
    nan_from: usize,
    epochs: usize,
) -> (Result<LoopOutcome, TrainError>, tempfile::TempDir, usize) {
    run_logging_every(nan_from, epochs, 1)
}

/// [`run`] with a step record every `log_every` steps (and the losses read as often).
fn run_logging_every(
    nan_from: usize,
    epochs: usize,
    log_every: usize,
) -> (Result<LoopOutcome, TrainError>, tempfile::TempDir, usize) {
    let mut config = config(epochs);
    config.log_every = log_every;
    let (outcome, folder, unsynced, _) = run_configured(nan_from, &config);
    (outcome, folder, unsynced)
}

/// [`run`] with `config`; also returns the learning rate of every step.
fn run_configured(
    nan_from: usize,
    config: &TrainConfig,
) -> (
    Result<LoopOutcome, TrainError>,
    tempfile::TempDir,
    usize,
    Vec<f64>,
) {
    let dataset = dataset();
    let split = leave_one_out(&dataset.sequences);
    let folder = tempfile::tempdir().expect("tempdir");
    let run_dir = RunDir::new(folder.path());
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device;
    let inner = SasRecRecipe::new(config, &split, dataset.n_items(), &device).expect("recipe");
    let mut recipe = TurnsNan {
        inner,
        steps: 0,
        nan_from,
        rates: Vec::new(),
    };
    let inputs = LoopInputs {
        dataset: &dataset,
        split: &split,
        config,
        run_dir: &run_dir,
    };
    let (_commands, commands_in) = mpsc::channel();
    let (events, _events_out) = mpsc::channel();
    let mut control = Control::new(commands_in, events);
    let mut metrics = run_dir.metrics_writer().expect("log");
    let outcome = run_epochs(&mut recipe, &inputs, &mut control, &mut metrics, None);
    (outcome, folder, metrics.unsynced_records(), recipe.rates)
}

#[test]
fn each_step_gets_the_schedules_rate() {
    let mut config = config(3);
    let (_, _, _, rates) = run_configured(usize::MAX, &config);
    assert_eq!(
        rates, [1e-3; 9],
        "constant by default: three epochs of three steps"
    );
    config.schedule = crate::settings::LrSchedule {
        kind: crate::settings::ScheduleKind::Cosine,
        warmup_epochs: 1.0,
        decay_epochs: 2,
        floor: 0.1,
    };
    let (_, _, _, rates) = run_configured(usize::MAX, &config);
    let expected = [
        1.0 / 3.0,
        2.0 / 3.0,
        1.0,
        0.1 + 0.9 * 0.5 * (1.0 + (std::f64::consts::PI / 3.0).cos()),
        0.1 + 0.9 * 0.5 * (1.0 + (2.0 * std::f64::consts::PI / 3.0).cos()),
        0.1,
        0.1,
        0.1,
        0.1,
    ];
    assert_eq!(rates.len(), expected.len());
    for (step, (got, want)) in rates.iter().zip(expected).enumerate() {
        assert!(
            (got - want * 1e-3).abs() < 1e-12,
            "step {step}: {got} vs {want}e-3"
        );
    }
}

#[test]
fn a_nan_before_the_first_checkpoint_does_not_claim_one_was_kept() {
    let (outcome, folder, _) = run(2, 2);
    let message = outcome.expect_err("the loss turned NaN").to_string();
    assert!(!message.contains("was kept"), "{message}");
    assert!(message.contains("no checkpoint was saved"), "{message}");
    assert!(!RunDir::new(folder.path()).checkpoint_path().exists());
}

#[test]
fn a_nan_after_a_checkpoint_names_the_epoch_it_kept() {
    // Three steps an epoch: step 5 is in epoch 2, after epoch 1 was validated and saved.
    let (outcome, folder, _) = run(5, 3);
    let message = outcome.expect_err("the loss turned NaN").to_string();
    assert!(message.contains("at epoch 2, step 2"), "{message}");
    assert!(
        message.contains("the checkpoint of epoch 1, the best so far, was kept"),
        "{message}"
    );
    assert!(RunDir::new(folder.path()).checkpoint_path().is_file());
}

#[test]
fn a_checkpointed_epoch_is_synced_in_the_log() {
    let (outcome, _folder, unsynced) = run(usize::MAX, 1);
    assert_eq!(outcome.expect("trained").best_epoch, 1);
    assert_eq!(unsynced, 0, "the best epoch's record is on disk");
}

#[test]
fn a_nan_between_reads_is_found_at_the_next_read_and_names_its_steps() {
    // Three steps an epoch, the losses read after steps 3 (end of epoch 1), 2 and 3: the NaN
    // of step 5 (epoch 2, step 2) is found reading steps 1–2 of epoch 2.
    let (outcome, _folder, _) = run_logging_every(5, 3, 2);
    let message = outcome.expect_err("the loss turned NaN").to_string();
    assert!(message.contains("at epoch 2, step 2"), "{message}");
    assert!(message.contains("steps 1–2"), "{message}");
    assert!(message.contains("the checkpoint of epoch 1"), "{message}");
    // An interval longer than the epoch: the epoch's end reads steps 1–3 together.
    let (outcome, _folder, _) = run_logging_every(2, 1, 5);
    let message = outcome.expect_err("the loss turned NaN").to_string();
    assert!(message.contains("at epoch 1, step 2"), "{message}");
    assert!(message.contains("steps 1–3"), "{message}");
}
