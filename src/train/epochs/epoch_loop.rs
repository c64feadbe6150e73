//! The epoch loop every model shares: shuffled users, optimisation steps, step events,
//! validation after each epoch, early stopping on validation NDCG@10, best checkpoint kept
//! (docs/MODEL.md §1). Live queries are answered between steps.

use super::batches::trainable_users;
use super::evaluation::{CaseInputs, SplitPart, evaluate_model};
use super::recipe::Recipe;
use super::selection::improves_on;
use super::step_losses::PendingLosses;
use crate::data::{Dataset, Split};
use crate::eval::{EvalError, RankingMetrics};
use crate::rng::SplitMix64;
use crate::settings::TrainConfig;
use crate::train::TrainError;
use crate::train::readback::HostReads;
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
/// losses (the best checkpoint so far, if any, stays on disk, and the error says which). With
/// `resume`, epochs `1..=best_epoch` count as done (the recipe already holds that checkpoint's
/// weights) and the loop goes on from the next one, with the shuffling order it would have had.
pub fn run_epochs(
    recipe: &mut dyn Recipe,
    inputs: &LoopInputs<'_>,
    control: &mut Control,
    metrics: &mut MetricsWriter,
    resume: Option<&ResumePoint>,
) -> Result<LoopOutcome, TrainError> {
    let mut run = EpochLoop::start(recipe, inputs, control, metrics, resume)?;
    run.control.status(RunStatus::Training, "training");
    for epoch in run.outcome.epochs_run + 1..=inputs.config.epochs {
        let epoch_start = run.control.elapsed_seconds();
        let best_epoch = run.outcome.best_epoch;
        run.recipe
            .begin_epoch(epoch, run.control, run.metrics)
            .map_err(|e| e.keeping_checkpoint_of(best_epoch))?;
        run.train_epoch(epoch)?;
        if run.control.stop_requested() {
            run.outcome.stop_reason = "stopped by user".into();
            break;
        }
        run.outcome.epochs_run = epoch;
        let epoch_seconds = run.control.elapsed_seconds() - epoch_start;
        run.outcome.epoch_seconds.push(epoch_seconds);
        if !run.validate_epoch(epoch, epoch_seconds)? {
            run.outcome.stop_reason = "stopped by user".into();
            break;
        }
        if epoch - run.outcome.best_epoch >= inputs.config.patience.max(1) {
            run.outcome.stop_reason = "early stopping".into();
            break;
        }
    }
    let mut outcome = run.outcome;
    if outcome.stop_reason.is_empty() {
        outcome.stop_reason = "max epochs".into();
    }
    if outcome.best_epoch == 0 {
        // Every epoch is validated unless the run is stopped, so without a stop every
        // validation score was NaN ([`improves_on`]).
        let message = if outcome.stop_reason == "stopped by user" {
            "training stopped before the first validation, so there is no checkpoint to test"
        } else {
            "no epoch's validation score was a number (NaN), so there is no checkpoint to test"
        };
        return Err(TrainError::NotEnoughData(message.into()));
    }
    Ok(outcome)
}

/// The loop's state between epochs.
struct EpochLoop<'r, 'i> {
    recipe: &'r mut dyn Recipe,
    inputs: &'r LoopInputs<'i>,
    control: &'r mut Control,
    metrics: &'r mut MetricsWriter,
    /// Trainable users, reshuffled every epoch.
    users: Vec<usize>,
    rng: SplitMix64,
    valid_inputs: CaseInputs,
    steps_per_epoch: usize,
    global_step: usize,
    outcome: LoopOutcome,
}

impl<'r, 'i> EpochLoop<'r, 'i> {
    /// Checks there is something to train and validate on, and replays a resumed run's
    /// shuffles and figures.
    fn start(
        recipe: &'r mut dyn Recipe,
        inputs: &'r LoopInputs<'i>,
        control: &'r mut Control,
        metrics: &'r mut MetricsWriter,
        resume: Option<&ResumePoint>,
    ) -> Result<Self, TrainError> {
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
        let mut rng = SplitMix64::new(inputs.config.seed);
        let steps_per_epoch = users.len().div_ceil(inputs.config.batch_size.max(1));
        let mut outcome = LoopOutcome::default();
        let mut global_step = 0;
        if let Some(point) = resume {
            for _ in 0..point.best_epoch {
                rng.shuffle(&mut users);
            }
            outcome.epochs_run = point.best_epoch;
            outcome.best_epoch = point.best_epoch;
            outcome.best_valid = point.best_valid.clone();
            outcome.epoch_seconds = point.epoch_seconds.clone();
            global_step = point.global_step;
        }
        Ok(Self {
            recipe,
            inputs,
            control,
            metrics,
            users,
            rng,
            valid_inputs,
            steps_per_epoch,
            global_step,
            outcome,
        })
    }

    /// One epoch of optimisation steps over the reshuffled users, answering live queries
    /// between steps; returns early (no error) when a stop is requested. Losses stay on the
    /// device until a logged step, where the interval's are read at once.
    fn train_epoch(&mut self, epoch: usize) -> Result<(), TrainError> {
        let config = self.inputs.config;
        let batch_size = config.batch_size.max(1);
        self.rng.shuffle(&mut self.users);
        let mut interval = Interval::new(self.control.elapsed_seconds());
        let mut pending = PendingLosses::default();
        for (index, chunk) in self.users.chunks(batch_size).enumerate() {
            let recipe = &*self.recipe;
            let (inputs, epochs_run) = (self.inputs, self.outcome.epochs_run);
            let views = |answer: &mut dyn FnMut(&ModelView<'_>)| {
                let snapshot = recipe.snapshot();
                answer(&ModelView {
                    model: Some(&snapshot),
                    dataset: inputs.dataset,
                    split: inputs.split,
                    epoch: epochs_run,
                });
            };
            if self.control.poll_answering(Some(&views)) == Flow::Stop {
                break;
            }
            let step = index + 1;
            let progress = (epoch - 1) as f64 + step as f64 / self.steps_per_epoch.max(1) as f64;
            let rate = config
                .schedule
                .rate(config.learning_rate, progress, config.epochs);
            pending.push(step, self.recipe.step(chunk, rate)?);
            self.global_step += 1;
            interval.sequences += chunk.len();
            if step % config.log_every.max(1) == 0 || step == self.steps_per_epoch {
                let best_epoch = self.outcome.best_epoch;
                let reads = self.control.host_reads();
                read_interval(reads, epoch, best_epoch, &mut pending, &mut interval)?;
                let now = self.control.elapsed_seconds();
                let report =
                    interval.report(epoch, step, self.steps_per_epoch, self.global_step, now);
                self.metrics.append(&step_record(&report))?;
                self.control.send(Event::Step(report));
                interval = Interval::new(now);
            }
        }
        // A stop between logged steps: the guard still looks at the steps that ran.
        let reads = self.control.host_reads();
        read_interval(
            reads,
            epoch,
            self.outcome.best_epoch,
            &mut pending,
            &mut Interval::new(0.0),
        )
    }

    /// Validates the epoch's weights, keeps them when they are the best so far (staged,
    /// logged, then moved in, so a crash never leaves files of an epoch the log does not call
    /// best) and reports the epoch. False when validation was cancelled by a stop.
    fn validate_epoch(&mut self, epoch: usize, epoch_seconds: f64) -> Result<bool, TrainError> {
        let control = &mut *self.control;
        control.status(RunStatus::Evaluating, format!("validating epoch {epoch}"));
        let eval_start = control.elapsed_seconds();
        let snapshot = self.recipe.snapshot();
        let sequences = &self.inputs.dataset.sequences;
        let evaluated = match evaluate_model(&snapshot, &self.valid_inputs, sequences, control) {
            Err(TrainError::Eval(EvalError::Cancelled)) => return Ok(false),
            other => other?,
        };
        let outcome = &mut self.outcome;
        let best_so_far = (outcome.best_epoch > 0).then_some(outcome.best_valid.ndcg_10);
        let improved = improves_on(evaluated.metrics.ndcg_10, best_so_far);
        let run_dir = self.inputs.run_dir;
        if improved {
            let staged = staging::begin(run_dir)?;
            self.recipe.save(&snapshot, &staged)?;
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
        self.metrics.append(&epoch_record(&report))?;
        if improved {
            // The record goes to disk before the files move in (a power cut too must never
            // leave files of an epoch the log does not call best).
            self.metrics.sync()?;
            staging::commit(run_dir)?;
        }
        control.send(Event::Epoch(report));
        control.status(RunStatus::Training, "training");
        Ok(true)
    }
}

/// Reads the losses of the steps since the last read in one go (through the session's counted
/// [`HostReads`]) and adds them to `interval`; a non-finite total stops the run, naming the step
/// and the range read (and the checkpoint of `best_epoch` the folder keeps).
fn read_interval(
    reads: &HostReads,
    epoch: usize,
    best_epoch: usize,
    pending: &mut PendingLosses,
    interval: &mut Interval,
) -> Result<(), TrainError> {
    let read_steps = pending.range();
    for (step, losses) in pending.read(reads)? {
        let total = losses.get("loss").copied().unwrap_or(f64::NAN);
        if !total.is_finite() {
            let error = TrainError::NonFiniteLoss {
                epoch,
                step,
                read_steps,
                value: total,
                kept_epoch: None,
            };
            return Err(error.keeping_checkpoint_of(best_epoch));
        }
        interval.add(&losses);
    }
    Ok(())
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

    /// Adds one step's losses (its sequences are counted as it runs).
    fn add(&mut self, losses: &LossValues) {
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

#[cfg(test)]
#[path = "epoch_loop_tests.rs"]
mod tests;
