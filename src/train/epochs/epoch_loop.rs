//! The epoch loop every model shares: shuffled users, optimisation steps, step events,
//! validation after each epoch, early stopping on validation NDCG@10, best checkpoint kept
//! (docs/MODEL.md §1). Live queries are answered between steps.

use super::batches::trainable_users;
use super::evaluation::{CaseInputs, SplitPart, evaluate_model};
use super::recipe::Recipe;
use crate::data::{Dataset, Split};
use crate::eval::{EvalError, RankingMetrics};
use crate::rng::SplitMix64;
use crate::settings::TrainConfig;
use crate::train::TrainError;
use crate::train::run_folder::staging;
use crate::train::run_folder::{MetricsWriter, RunDir};
use crate::train::run_folder::{ResumePoint, epoch_record, step_record};
use crate::train::session::ModelView;
use crate::train::session::{Control, Flow};
use crate::train::session::{EpochReport, Event, LossValues, RunStatus, StepReport};

/// Everything the loop reads.
pub struct LoopInputs<'a> {
    /// The data.
    pub dataset: &'a Dataset,
    /// Its split (after any sparsity drop).
    pub split: &'a Split,
    /// Settings.
    pub config: &'a TrainConfig,
    /// Where checkpoints go.
    pub run_dir: &'a RunDir,
}

/// How training went.
#[derive(Clone, Debug, Default)]
pub struct LoopOutcome {
    /// Epochs that ran.
    pub epochs_run: usize,
    /// Epoch of the saved checkpoint (best validation NDCG@10).
    pub best_epoch: usize,
    /// Its validation metrics.
    pub best_valid: RankingMetrics,
    /// Seconds of each epoch's optimisation (validation excluded).
    pub epoch_seconds: Vec<f64>,
    /// "max epochs", "early stopping" or "stopped by user".
    pub stop_reason: String,
}

/// Trains until max epochs, early stopping or a stop request. Returns an error for NaN/Inf
/// losses (the last good checkpoint stays on disk). With `resume`, epochs `1..=best_epoch`
/// count as done (the recipe already holds that checkpoint's weights) and the loop goes on
/// from the next one, with the shuffling order it would have had.
pub fn run_epochs(
    recipe: &mut dyn Recipe,
    inputs: &LoopInputs<'_>,
    control: &mut Control,
    metrics: &mut MetricsWriter,
    resume: Option<&ResumePoint>,
) -> Result<LoopOutcome, TrainError> {
    let config = inputs.config;
    let mut users = trainable_users(&inputs.split.train);
    if users.is_empty() {
        return Err(TrainError::NotEnoughData(
            "no user has two or more training interactions; nothing to learn from".into(),
        ));
    }
    let valid_inputs = CaseInputs::new(inputs.split, SplitPart::Valid);
    if valid_inputs.is_empty() {
        return Err(TrainError::NotEnoughData(
            "no user has 3 or more interactions, so there is no validation item to select a model with".into(),
        ));
    }
    let mut rng = SplitMix64::new(config.seed);
    let batch_size = config.batch_size.max(1);
    let steps_per_epoch = users.len().div_ceil(batch_size);
    let mut outcome = LoopOutcome::default();
    let mut global_step = 0;
    if let Some(point) = resume {
        for _ in 0..point.best_epoch {
            shuffle(&mut users, &mut rng);
        }
        outcome.epochs_run = point.best_epoch;
        outcome.best_epoch = point.best_epoch;
        outcome.best_valid = point.best_valid.clone();
        outcome.epoch_seconds = point.epoch_seconds.clone();
        global_step = point.global_step;
    }
    control.status(RunStatus::Training, "training");

    for epoch in outcome.epochs_run + 1..=config.epochs {
        let epoch_start = control.elapsed_seconds();
        recipe.begin_epoch(epoch, control, metrics)?;
        shuffle(&mut users, &mut rng);
        let mut interval = Interval::new(control.elapsed_seconds());
        for (index, chunk) in users.chunks(batch_size).enumerate() {
            let views = |answer: &mut dyn FnMut(&ModelView<'_>)| {
                let snapshot = recipe.snapshot();
                answer(&ModelView {
                    model: Some(&snapshot),
                    dataset: inputs.dataset,
                    split: inputs.split,
                    epoch: outcome.epochs_run,
                });
            };
            if control.poll_answering(Some(&views)) == Flow::Stop {
                break;
            }
            let step = index + 1;
            let losses = recipe.step(chunk)?;
            let total = losses.get("loss").copied().unwrap_or(f64::NAN);
            if !total.is_finite() {
                return Err(TrainError::NonFiniteLoss {
                    epoch,
                    step,
                    value: total,
                });
            }
            global_step += 1;
            interval.add(chunk.len(), &losses);
            if step % config.log_every.max(1) == 0 || step == steps_per_epoch {
                let now = control.elapsed_seconds();
                let report = interval.report(epoch, step, steps_per_epoch, global_step, now);
                metrics.append(&step_record(&report))?;
                control.send(Event::Step(report));
                interval = Interval::new(now);
            }
        }
        if control.stop_requested() {
            outcome.stop_reason = "stopped by user".into();
            break;
        }
        outcome.epochs_run = epoch;
        let epoch_seconds = control.elapsed_seconds() - epoch_start;
        outcome.epoch_seconds.push(epoch_seconds);

        control.status(RunStatus::Evaluating, format!("validating epoch {epoch}"));
        let eval_start = control.elapsed_seconds();
        let snapshot = recipe.snapshot();
        let evaluated =
            match evaluate_model(&snapshot, &valid_inputs, &inputs.dataset.sequences, control) {
                Err(TrainError::Eval(EvalError::Cancelled)) => {
                    outcome.stop_reason = "stopped by user".into();
                    break;
                }
                other => other?,
            };
        let improved =
            outcome.best_epoch == 0 || evaluated.metrics.ndcg_10 > outcome.best_valid.ndcg_10;
        if improved {
            // Staged and sealed now, moved in once the epoch's record is in the log, so that
            // a crash never leaves files of an epoch the log does not call best.
            let staged = staging::begin(inputs.run_dir)?;
            recipe.save(&snapshot, &staged)?;
            staging::seal(&staged, epoch)?;
            outcome.best_epoch = epoch;
            outcome.best_valid = evaluated.metrics.clone();
        }
        let report = EpochReport {
            epoch,
            valid: evaluated.metrics,
            epoch_seconds,
            eval_seconds: control.elapsed_seconds() - eval_start,
            elapsed_seconds: control.elapsed_seconds(),
            improved,
            best_epoch: outcome.best_epoch,
        };
        metrics.append(&epoch_record(&report))?;
        if improved {
            staging::commit(inputs.run_dir)?;
        }
        control.send(Event::Epoch(report));
        control.status(RunStatus::Training, "training");
        if epoch - outcome.best_epoch >= config.patience.max(1) {
            outcome.stop_reason = "early stopping".into();
            break;
        }
    }
    if outcome.stop_reason.is_empty() {
        outcome.stop_reason = "max epochs".into();
    }
    if outcome.best_epoch == 0 {
        return Err(TrainError::NotEnoughData(
            "training stopped before the first validation, so there is no checkpoint to test"
                .into(),
        ));
    }
    Ok(outcome)
}

/// Loss components and throughput accumulated between two logged steps.
struct Interval {
    started: f64,
    sequences: usize,
    sums: LossValues,
    steps: usize,
}

impl Interval {
    fn new(now: f64) -> Self {
        Self {
            started: now,
            sequences: 0,
            sums: LossValues::new(),
            steps: 0,
        }
    }

    fn add(&mut self, sequences: usize, losses: &LossValues) {
        self.sequences += sequences;
        self.steps += 1;
        for (name, value) in losses {
            *self.sums.entry(name.clone()).or_insert(0.0) += value;
        }
    }

    fn report(
        &self,
        epoch: usize,
        step: usize,
        steps_per_epoch: usize,
        global_step: usize,
        now: f64,
    ) -> StepReport {
        let steps = self.steps.max(1) as f64;
        StepReport {
            epoch,
            step,
            steps_per_epoch,
            global_step,
            elapsed_seconds: now,
            sequences_per_second: self.sequences as f64 / (now - self.started).max(1e-9),
            losses: self
                .sums
                .iter()
                .map(|(name, sum)| (name.clone(), sum / steps))
                .collect(),
        }
    }
}

/// Fisher–Yates shuffle with the run's seeded generator.
fn shuffle(values: &mut [usize], rng: &mut SplitMix64) {
    for i in (1..values.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        values.swap(i, j);
    }
}
