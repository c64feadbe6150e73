//! How the learning rate moves through a run (issue #35 item 7, time to a good model): constant,
//! or a linear warm-up followed by a cosine decay to a floor. The rate is set before every
//! step from the run's progress in epochs, so a resumed run continues on the same curve.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::invalid::InvalidConfig;

/// The shape of the curve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScheduleKind {
    /// The learning rate throughout (the published SASRec recipe).
    #[default]
    Constant,
    /// Linear warm-up from zero over `warmup_epochs`, then half a cosine down to
    /// `floor × learning_rate` at `decay_epochs`, and the floor after that.
    Cosine,
}

impl ScheduleKind {
    /// Every choice, in the order the CLI help lists them.
    pub const ALL: [Self; 2] = [Self::Constant, Self::Cosine];
}

impl fmt::Display for ScheduleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Constant => "constant",
            Self::Cosine => "cosine",
        })
    }
}

impl FromStr for ScheduleKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.to_string() == s.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown schedule '{s}' (expected constant or cosine)"))
    }
}

/// `[train.schedule]`: the learning-rate curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LrSchedule {
    /// Constant (default) or cosine.
    pub kind: ScheduleKind,
    /// Epochs of linear warm-up (cosine only); may be fractional. Default 1.
    pub warmup_epochs: f64,
    /// The epoch at which the cosine reaches its floor; 0 (default) means the run's `epochs`.
    pub decay_epochs: usize,
    /// The rate at the end of the decay, as a share of the learning rate. Default 0.1.
    pub floor: f64,
}

impl Default for LrSchedule {
    fn default() -> Self {
        Self {
            kind: ScheduleKind::Constant,
            warmup_epochs: 1.0,
            decay_epochs: 0,
            floor: 0.1,
        }
    }
}

impl LrSchedule {
    /// The rate of the step that brings the run to `progress` epochs (the first step of an
    /// epoch of 100 steps: 0.01; halfway through the second epoch: 1.5), in a run of at most
    /// `epochs` epochs whose peak rate is `peak`.
    pub fn rate(&self, peak: f64, progress: f64, epochs: usize) -> f64 {
        match self.kind {
            ScheduleKind::Constant => peak,
            ScheduleKind::Cosine => {
                let warmup = self.warmup_epochs.max(0.0);
                if progress < warmup {
                    return peak * progress.max(0.0) / warmup;
                }
                let end = if self.decay_epochs == 0 {
                    epochs
                } else {
                    self.decay_epochs
                } as f64;
                let span = (end - warmup).max(f64::EPSILON);
                let done = ((progress - warmup) / span).clamp(0.0, 1.0);
                let cosine = 0.5 * (1.0 + (std::f64::consts::PI * done).cos());
                peak * (self.floor + (1.0 - self.floor) * cosine)
            }
        }
    }

    /// Fails, naming the setting, on a negative or non-numeric warm-up or a floor outside
    /// [0, 1].
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if !(self.warmup_epochs.is_finite() && self.warmup_epochs >= 0.0) {
            return Err(InvalidConfig(format!(
                "schedule.warmup_epochs must be a number ≥ 0, got {}",
                self.warmup_epochs
            )));
        }
        if !(0.0..=1.0).contains(&self.floor) {
            return Err(InvalidConfig(format!(
                "schedule.floor must be in [0, 1], got {}",
                self.floor
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(warmup_epochs: f64, decay_epochs: usize) -> LrSchedule {
        LrSchedule {
            kind: ScheduleKind::Cosine,
            warmup_epochs,
            decay_epochs,
            floor: 0.1,
        }
    }

    #[test]
    fn constant_is_the_learning_rate_throughout() {
        let schedule = LrSchedule::default();
        for progress in [0.0, 0.5, 3.0, 199.9] {
            assert_eq!(schedule.rate(1e-3, progress, 200), 1e-3);
        }
    }

    #[test]
    fn cosine_warms_up_linearly_then_decays_to_its_floor() {
        let schedule = cosine(2.0, 10);
        let rate = |progress| schedule.rate(1.0, progress, 200);
        assert!((rate(0.01) - 0.005).abs() < 1e-12, "the first step of 100");
        assert!(
            (rate(1.0) - 0.5).abs() < 1e-12,
            "halfway through the warm-up"
        );
        assert!(
            (rate(2.0) - 1.0).abs() < 1e-12,
            "the peak at the warm-up's end"
        );
        assert!(
            (rate(6.0) - 0.55).abs() < 1e-12,
            "halfway down: floor + half the rest"
        );
        assert!(
            (rate(10.0) - 0.1).abs() < 1e-12,
            "the floor at decay_epochs"
        );
        assert!((rate(50.0) - 0.1).abs() < 1e-12, "and after it");
        let mut last = rate(2.0);
        for tenth in 21..100 {
            let now = rate(f64::from(tenth) / 10.0);
            assert!(now <= last, "the decay never rises");
            last = now;
        }
    }

    #[test]
    fn without_decay_epochs_the_decay_spans_the_run() {
        let schedule = cosine(0.0, 0);
        assert!((schedule.rate(1.0, 0.0, 20) - 1.0).abs() < 1e-12);
        assert!((schedule.rate(1.0, 10.0, 20) - 0.55).abs() < 1e-12);
        assert!((schedule.rate(1.0, 20.0, 20) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn names_round_trip_and_bad_values_are_refused() {
        for kind in ScheduleKind::ALL {
            assert_eq!(kind.to_string().parse::<ScheduleKind>(), Ok(kind));
        }
        assert!("linear".parse::<ScheduleKind>().is_err());
        let refused = |schedule: LrSchedule, name: &str| {
            let error = schedule.validate().err().map(|e| e.0).unwrap_or_default();
            assert!(error.contains(name), "{error}");
        };
        refused(cosine(-1.0, 0), "warmup_epochs");
        refused(cosine(f64::NAN, 0), "warmup_epochs");
        refused(
            LrSchedule {
                floor: 1.5,
                ..LrSchedule::default()
            },
            "floor",
        );
        assert!(cosine(0.5, 30).validate().is_ok());
    }
}
