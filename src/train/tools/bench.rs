//! `sequda bench`: training epochs of SASRec-CE or a SeqUDA-Rec variant and one full-ranking
//! evaluation pass, timed, with the process's peak memory.

use std::path::PathBuf;
use std::sync::mpsc::channel;
use std::time::Instant;

use serde::Serialize;

use crate::data::{Dataset, leave_one_out};
use crate::eval::{EvalCase, EvalOptions, evaluate};
use crate::model::InferenceModel;
use crate::settings::TrainConfig;
use crate::train::TrainError;
use crate::train::device::select_device;
use crate::train::epochs::trainable_users;
use crate::train::epochs::{CaseInputs, SplitPart};
use crate::train::epochs::{ModelScorer, PendingLosses, Recipe};
use crate::train::run::recipe;
use crate::train::run_folder::RunDir;
use crate::train::session::Control;

/// What `sequda bench` prints (JSON).
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// Data, model and shape, e.g. "ml-1m.txt sasrec max_len=200 dim=64 blocks=2 batch=128".
    pub workload: String,
    /// Mean seconds of the timed epochs (every trainable user once, plus the model's own
    /// per-epoch work: SeqUDA-Rec's GAN round and new graph views), after one untimed
    /// warm-up step.
    pub seconds_per_epoch: f64,
    /// Seconds of each timed epoch, first to last (SeqUDA-Rec's GAN pretrains by maximum
    /// likelihood in its first epochs and trains adversarially after, at a higher cost).
    pub epoch_seconds: Vec<f64>,
    /// Seconds of one full-ranking evaluation pass over every test user.
    pub eval_seconds: f64,
    /// The device.
    pub device: String,
    /// Optimisation steps per epoch.
    pub steps: usize,
    /// Training sequences per second (of the mean epoch).
    pub sequences_per_second: f64,
    /// Users evaluated.
    pub eval_users: usize,
    /// Seconds of the untimed warm-up step (kernel compilation on wgpu).
    pub warmup_seconds: f64,
    /// The process's peak resident memory in MiB by the end (data, model, optimiser and, on
    /// the CPU backend, every tensor; on a GPU, the host side only); None where the system
    /// does not report it (Linux's `/proc/self/status` `VmHWM` does).
    pub peak_resident_mib: Option<f64>,
}

/// Trains `config.model` (SASRec-CE or a SeqUDA-Rec variant) on `dataset` for `epochs` timed
/// epochs after a warm-up step, then times one full-ranking evaluation of the test split.
/// SeqUDA-Rec's per-epoch records go to a scratch folder that is removed afterwards.
pub fn run_bench(
    dataset: &Dataset,
    config: &TrainConfig,
    epochs: usize,
    workload: String,
) -> Result<BenchReport, TrainError> {
    config.validate()?;
    let selected = select_device(config.device)?;
    let split = leave_one_out(&dataset.sequences);
    let Some(mut recipe) = recipe(config, &split, dataset.n_items(), &selected.device)? else {
        return Err(TrainError::Mismatch(
            "the popularity baseline does not train; bench sasrec or a sequda variant".into(),
        ));
    };
    let users = trainable_users(&split.train);
    let batch_size = config.batch_size.max(1);
    let sync = || {
        selected
            .device
            .sync()
            .map_err(|e| TrainError::Backend(format!("{e:?}")))
    };

    let warmup = Instant::now();
    if let Some(first) = users.chunks(batch_size).next() {
        recipe.step(first, config.learning_rate)?;
    }
    sync()?;
    let warmup_seconds = warmup.elapsed().as_secs_f64();

    let (epoch_seconds, steps) = timed_epochs(recipe.as_mut(), &users, config, epochs, sync)?;
    let seconds_per_epoch = epoch_seconds.iter().sum::<f64>() / epoch_seconds.len() as f64;

    let test = CaseInputs::new(&split, SplitPart::Test);
    let cases = test.cases(&dataset.sequences);
    let eval_seconds = timed_evaluation(&recipe.snapshot(), &cases)?;
    Ok(BenchReport {
        workload,
        seconds_per_epoch,
        epoch_seconds,
        eval_seconds,
        device: selected.description,
        steps,
        sequences_per_second: users.len() as f64 / seconds_per_epoch.max(1e-9),
        eval_users: cases.len(),
        warmup_seconds,
        peak_resident_mib: peak_resident_mib(),
    })
}

/// `epochs` epochs over `users` (each after the recipe's own epoch start, its records going to
/// a scratch folder), timed to the device's sync: each epoch's seconds and the steps of one.
fn timed_epochs(
    recipe: &mut dyn Recipe,
    users: &[usize],
    config: &TrainConfig,
    epochs: usize,
    sync: impl Fn() -> Result<(), TrainError>,
) -> Result<(Vec<f64>, usize), TrainError> {
    let scratch = ScratchFolder::new()?;
    let mut metrics = RunDir::new(&scratch.0).metrics_writer()?;
    // Nobody listens to the events (the receiver is dropped, which `Control` allows).
    let (_commands, command_rx) = channel();
    let (event_tx, _) = channel();
    let mut control = Control::new(command_rx, event_tx);
    let batch_size = config.batch_size.max(1);
    let mut epoch_seconds = Vec::new();
    let mut steps = 0;
    for epoch in 1..=epochs.max(1) {
        let started = Instant::now();
        recipe.begin_epoch(epoch, &mut control, &mut metrics)?;
        steps = 0;
        let mut pending = PendingLosses::default();
        for (index, chunk) in users.chunks(batch_size).enumerate() {
            pending.push(index + 1, recipe.step(chunk, config.learning_rate)?);
            steps += 1;
        }
        sync()?;
        // The epoch's losses in one read, as the epoch loop reads a logging interval.
        let read_steps = pending.range();
        for (step, losses) in pending.read(control.host_reads())? {
            let value = losses.get("loss").copied().unwrap_or(f64::NAN);
            if !value.is_finite() {
                return Err(TrainError::NonFiniteLoss {
                    epoch,
                    step,
                    read_steps,
                    value,
                    kept_epoch: None,
                });
            }
        }
        epoch_seconds.push(started.elapsed().as_secs_f64());
    }
    Ok((epoch_seconds, steps))
}

/// Seconds of one full-ranking evaluation of `cases` with `inference`.
fn timed_evaluation(inference: &InferenceModel, cases: &[EvalCase<'_>]) -> Result<f64, TrainError> {
    let evaluation = Instant::now();
    let mut scorer = ModelScorer::new(inference);
    evaluate(
        &mut scorer,
        cases,
        &EvalOptions::default(),
        None,
        &mut |_, _| true,
    )?;
    Ok(evaluation.elapsed().as_secs_f64())
}

/// A fresh folder under the system's temporary folder, removed (with its contents) on drop.
struct ScratchFolder(PathBuf);

impl ScratchFolder {
    fn new() -> Result<Self, TrainError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("sequda-bench-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| TrainError::file(&path, e))?;
        Ok(Self(path))
    }
}

impl Drop for ScratchFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The process's peak resident set size in MiB, from `/proc/self/status` (`VmHWM: N kB`).
fn peak_resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
