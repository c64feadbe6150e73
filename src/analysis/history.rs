//! The loss and validation history of a run, from live events or from `metrics.jsonl`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::eval::RankingMetrics;
use crate::train::session::{EpochReport, StepReport};

/// What the x axis of a training curve counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum XAxis {
    /// Optimisation steps since the start.
    #[default]
    Step,
    /// Epochs (fractional within an epoch).
    Epoch,
    /// Training seconds (pauses excluded).
    Time,
}

impl XAxis {
    /// Every choice, in menu order.
    pub const ALL: [XAxis; 3] = [XAxis::Step, XAxis::Epoch, XAxis::Time];

    /// Axis label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Step => "step",
            Self::Epoch => "epoch",
            Self::Time => "seconds",
        }
    }
}

/// A validation metric tracked per epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValidMetric {
    /// Hit rate at 10.
    Hr10,
    /// NDCG at 10.
    Ndcg10,
    /// Mean reciprocal rank.
    Mrr,
}

impl ValidMetric {
    /// Every metric, in display order.
    pub const ALL: [ValidMetric; 3] = [ValidMetric::Hr10, ValidMetric::Ndcg10, ValidMetric::Mrr];

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Hr10 => "HR@10",
            Self::Ndcg10 => "NDCG@10",
            Self::Mrr => "MRR",
        }
    }

    /// The value in a metrics record.
    pub fn value(self, metrics: &RankingMetrics) -> f64 {
        match self {
            Self::Hr10 => metrics.hr_10,
            Self::Ndcg10 => metrics.ndcg_10,
            Self::Mrr => metrics.mrr,
        }
    }
}

/// One logged optimisation step.
#[derive(Clone, Debug, PartialEq)]
pub struct StepPoint {
    /// Steps since the start.
    pub global_step: usize,
    /// Fractional epoch: `epoch - 1 + step / steps_per_epoch`.
    pub epoch_position: f64,
    /// Training seconds since the start.
    pub seconds: f64,
    /// Throughput over the logged interval.
    pub sequences_per_second: f64,
    /// Loss components by name.
    pub losses: BTreeMap<String, f64>,
}

/// One finished epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochPoint {
    /// 1-based epoch.
    pub epoch: usize,
    /// Steps done when it ended.
    pub global_step: usize,
    /// Training seconds when it ended.
    pub seconds: f64,
    /// Validation metrics.
    pub valid: RankingMetrics,
    /// Whether it set a new best.
    pub improved: bool,
}

/// A run's curves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunHistory {
    /// Display name (the run folder's name).
    pub name: String,
    /// Logged steps in order.
    pub steps: Vec<StepPoint>,
    /// Finished epochs in order.
    pub epochs: Vec<EpochPoint>,
    /// Lines of `metrics.jsonl` that could not be read.
    pub unreadable_lines: usize,
    /// Steps in one epoch, once known (0 before).
    pub steps_per_epoch: usize,
}

impl RunHistory {
    /// An empty history.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Adds a live step report.
    pub fn push_step(&mut self, report: &StepReport) {
        self.steps_per_epoch = report.steps_per_epoch;
        let steps_per_epoch = report.steps_per_epoch.max(1) as f64;
        self.steps.push(StepPoint {
            global_step: report.global_step,
            epoch_position: (report.epoch as f64 - 1.0) + report.step as f64 / steps_per_epoch,
            seconds: report.elapsed_seconds,
            sequences_per_second: report.sequences_per_second,
            losses: report.losses.clone(),
        });
    }

    /// Adds a live epoch report.
    pub fn push_epoch(&mut self, report: &EpochReport) {
        self.epochs.push(EpochPoint {
            epoch: report.epoch,
            global_step: self.steps.last().map_or(0, |s| s.global_step),
            seconds: report.elapsed_seconds,
            valid: report.valid.clone(),
            improved: report.improved,
        });
    }

    /// Reads the lines of a `metrics.jsonl` file; unreadable lines are counted and skipped.
    pub fn from_metrics_jsonl(name: impl Into<String>, text: &str) -> Self {
        let mut history = Self::new(name);
        let mut raw_steps: Vec<(usize, usize, serde_json::Map<String, serde_json::Value>)> =
            Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(serde_json::Value::Object(record)) = serde_json::from_str(line) else {
                history.unreadable_lines += 1;
                continue;
            };
            let number = |key: &str| record.get(key).and_then(serde_json::Value::as_f64);
            match record.get("kind").and_then(serde_json::Value::as_str) {
                Some("step") => {
                    let epoch = number("epoch").unwrap_or(1.0) as usize;
                    let step = number("step").unwrap_or(0.0) as usize;
                    raw_steps.push((epoch, step, record));
                }
                Some("epoch") => {
                    let valid = record
                        .get("valid")
                        .and_then(|v| serde_json::from_value(v.clone()).ok())
                        .unwrap_or_default();
                    history.flush_steps(&mut raw_steps);
                    history.epochs.push(EpochPoint {
                        epoch: number("epoch").unwrap_or(0.0) as usize,
                        global_step: history.steps.last().map_or(0, |s| s.global_step),
                        seconds: number("time").unwrap_or(0.0),
                        valid,
                        improved: record
                            .get("improved")
                            .and_then(serde_json::Value::as_bool)
                            .unwrap_or(false),
                    });
                }
                // Records of other kinds (GAN epochs, synthetic-sequence monitors, warnings)
                // are not curves of this history.
                Some(_) => {}
                None => history.unreadable_lines += 1,
            }
        }
        history.flush_steps(&mut raw_steps);
        history
    }

    /// Converts buffered step records (the steps per epoch is the largest step seen, since the
    /// last step of an epoch is always logged).
    fn flush_steps(
        &mut self,
        raw: &mut Vec<(usize, usize, serde_json::Map<String, serde_json::Value>)>,
    ) {
        const KNOWN: [&str; 6] = [
            "kind",
            "epoch",
            "step",
            "global_step",
            "time",
            "sequences_per_second",
        ];
        let seen = raw.iter().map(|r| r.1).max().unwrap_or(0);
        self.steps_per_epoch = self.steps_per_epoch.max(seen);
        let steps_per_epoch = self.steps_per_epoch.max(1) as f64;
        for (epoch, step, record) in raw.drain(..) {
            let number = |key: &str| record.get(key).and_then(serde_json::Value::as_f64);
            let losses = record
                .iter()
                .filter(|(key, _)| !KNOWN.contains(&key.as_str()))
                .filter_map(|(key, value)| Some((key.clone(), value.as_f64()?)))
                .collect();
            self.steps.push(StepPoint {
                global_step: number("global_step").unwrap_or(0.0) as usize,
                epoch_position: (epoch as f64 - 1.0) + step as f64 / steps_per_epoch,
                seconds: number("time").unwrap_or(0.0),
                sequences_per_second: number("sequences_per_second").unwrap_or(0.0),
                losses,
            });
        }
    }

    /// Names of the loss components logged, sorted.
    pub fn loss_names(&self) -> BTreeSet<String> {
        self.steps
            .iter()
            .flat_map(|s| s.losses.keys().cloned())
            .collect()
    }

    /// `(x, loss)` points of one loss component.
    pub fn loss_series(&self, name: &str, axis: XAxis) -> Vec<[f64; 2]> {
        self.steps
            .iter()
            .filter_map(|s| Some([step_x(s, axis), *s.losses.get(name)?]))
            .collect()
    }

    /// `(x, value)` points of one validation metric, one per epoch.
    pub fn metric_series(&self, metric: ValidMetric, axis: XAxis) -> Vec<[f64; 2]> {
        self.epochs
            .iter()
            .map(|e| {
                let x = match axis {
                    XAxis::Step => e.global_step as f64,
                    XAxis::Epoch => e.epoch as f64,
                    XAxis::Time => e.seconds,
                };
                [x, metric.value(&e.valid)]
            })
            .collect()
    }
}

/// The x coordinate of a step on `axis`.
fn step_x(step: &StepPoint, axis: XAxis) -> f64 {
    match axis {
        XAxis::Step => step.global_step as f64,
        XAxis::Epoch => step.epoch_position,
        XAxis::Time => step.seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSONL: &str = r#"{"kind":"step","epoch":1,"step":1,"global_step":1,"time":0.5,"sequences_per_second":100.0,"loss":5.0,"ce":5.0}
{"kind":"step","epoch":1,"step":2,"global_step":2,"time":1.0,"sequences_per_second":110.0,"loss":4.0,"ce":4.0}
{"kind":"epoch","epoch":1,"time":1.5,"epoch_seconds":1.0,"eval_seconds":0.5,"improved":true,"best_epoch":1,"valid":{"hr@10":0.2,"ndcg@10":0.1,"hr@20":0.3,"ndcg@20":0.12,"mrr":0.08,"mrr@10":0.07,"users":10}}
not json
{"kind":"gan","epoch":1,"g_loss":1.0}
{"kind":"step","epoch":2,"step":1,"global_step":3,"time":2.0,"sequences_per_second":120.0,"loss":3.5,"ce":3.5}
"#;

    #[test]
    fn metrics_files_read_back_into_curves() {
        let history = RunHistory::from_metrics_jsonl("run", JSONL);
        assert_eq!(history.unreadable_lines, 1);
        assert_eq!(history.steps.len(), 3);
        assert_eq!(history.epochs.len(), 1);
        assert_eq!(history.epochs[0].global_step, 2);
        let names: Vec<String> = history.loss_names().into_iter().collect();
        assert_eq!(names, vec!["ce".to_owned(), "loss".to_owned()]);
        assert_eq!(
            history.loss_series("loss", XAxis::Step),
            vec![[1.0, 5.0], [2.0, 4.0], [3.0, 3.5]]
        );
        assert_eq!(history.loss_series("loss", XAxis::Epoch)[1], [1.0, 4.0]);
        assert_eq!(
            history.metric_series(ValidMetric::Ndcg10, XAxis::Epoch),
            vec![[1.0, 0.1]]
        );
        assert_eq!(
            history.metric_series(ValidMetric::Hr10, XAxis::Time),
            vec![[1.5, 0.2]]
        );
    }

    #[test]
    fn live_reports_build_the_same_shape() {
        let mut history = RunHistory::new("live");
        let mut losses = BTreeMap::new();
        losses.insert("loss".to_owned(), 2.0);
        history.push_step(&StepReport {
            epoch: 2,
            step: 5,
            steps_per_epoch: 10,
            global_step: 15,
            elapsed_seconds: 3.0,
            sequences_per_second: 50.0,
            losses,
        });
        history.push_epoch(&EpochReport {
            epoch: 2,
            valid: RankingMetrics::default(),
            epoch_seconds: 1.0,
            eval_seconds: 0.1,
            elapsed_seconds: 3.5,
            improved: false,
            best_epoch: 1,
        });
        assert_eq!(history.loss_series("loss", XAxis::Epoch), vec![[1.5, 2.0]]);
        assert_eq!(history.epochs[0].global_step, 15);
    }
}
