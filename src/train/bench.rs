//! `sequda bench`: one SASRec-CE training epoch and one full-ranking evaluation pass, timed,
//! with the process's peak memory.

use std::time::Instant;

use burn::module::Module;
use serde::Serialize;

use super::batches::{length_groups, trainable_users};
use super::config::TrainConfig;
use super::device::select_device;
use super::error::TrainError;
use super::evaluation::{CaseInputs, SplitPart};
use super::sasrec_trainer::{new_optimisation, optimisation_step};
use crate::data::{Dataset, leave_one_out};
use crate::eval::{EvalOptions, evaluate};
use crate::model::inference::InferenceModel;
use crate::model::rerank::ModelScorer;

/// What `sequda bench` prints (JSON).
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// Data and shape, e.g. "ml-1m.txt sasrec-ce max_len=200 dim=64 blocks=2 batch=128".
    pub workload: String,
    /// Seconds of one full training epoch (every trainable user once), after one untimed
    /// warm-up step.
    pub seconds_per_epoch: f64,
    /// Seconds of one full-ranking evaluation pass over every test user.
    pub eval_seconds: f64,
    /// The device.
    pub device: String,
    /// Optimisation steps in the epoch.
    pub steps: usize,
    /// Training sequences per second.
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

/// The process's peak resident set size in MiB, from `/proc/self/status` (`VmHWM: N kB`).
fn peak_resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs the benchmark on `dataset` with `config` (its model must be SASRec).
pub fn run_bench(
    dataset: &Dataset,
    config: &TrainConfig,
    workload: String,
) -> Result<BenchReport, TrainError> {
    let selected = select_device(config.device)?;
    let split = leave_one_out(&dataset.sequences);
    let (mut model, mut optimizer, device) =
        new_optimisation(config, dataset.n_items(), &selected.device)?;
    let users = trainable_users(&split.train);
    let batch_size = config.batch_size.max(1);
    let max_len = config.encoder.max_len;
    let sync = |device: &burn::tensor::Device| {
        device
            .sync()
            .map_err(|e| TrainError::Backend(format!("{e:?}")))
    };

    let warmup = Instant::now();
    if let Some(first) = users.chunks(batch_size).next() {
        let groups = length_groups(&split.train, first, max_len, config.length_groups);
        let (next, _) = optimisation_step(
            model,
            &mut optimizer,
            &groups,
            &device,
            config.learning_rate,
        );
        model = next;
    }
    sync(&device)?;
    let warmup_seconds = warmup.elapsed().as_secs_f64();

    let epoch = Instant::now();
    let mut steps = 0;
    for (index, chunk) in users.chunks(batch_size).enumerate() {
        let groups = length_groups(&split.train, chunk, max_len, config.length_groups);
        let (next, value) = optimisation_step(
            model,
            &mut optimizer,
            &groups,
            &device,
            config.learning_rate,
        );
        model = next;
        if !value.is_finite() {
            return Err(TrainError::NonFiniteLoss {
                epoch: 1,
                step: index + 1,
                value,
            });
        }
        steps += 1;
    }
    sync(&device)?;
    let seconds_per_epoch = epoch.elapsed().as_secs_f64();

    let inference = InferenceModel::SasRec(Box::new(model.valid()));
    let test = CaseInputs::new(&split, SplitPart::Test);
    let cases = test.cases(&dataset.sequences);
    let evaluation = Instant::now();
    let mut scorer = ModelScorer::new(&inference);
    evaluate(
        &mut scorer,
        &cases,
        &EvalOptions::default(),
        None,
        &mut |_, _| true,
    )?;
    let eval_seconds = evaluation.elapsed().as_secs_f64();

    Ok(BenchReport {
        workload,
        seconds_per_epoch,
        eval_seconds,
        device: selected.description,
        steps,
        sequences_per_second: users.len() as f64 / seconds_per_epoch.max(1e-9),
        eval_users: cases.len(),
        warmup_seconds,
        peak_resident_mib: peak_resident_mib(),
    })
}
