//! What the GAN's steps and epochs report (plain values for events and `metrics.jsonl`).

use serde::{Deserialize, Serialize};

/// Which part of the schedule an epoch ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GanPhase {
    /// Maximum-likelihood pretraining of G.
    Pretrain,
    /// D steps and policy-gradient G steps.
    Adversarial,
}

/// Losses and monitors of one adversarial round (or their mean over an epoch).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GanStepStats {
    /// The generator's loss: `pg_loss + λ_mle · mle_loss` (REINFORCE) or `mle_loss` (MLE only).
    pub g_loss: f64,
    /// Policy-gradient term `Σ (D(x) − b) · (−log π(generated item)) / #generated items`.
    pub pg_loss: f64,
    /// Mean next-item cross-entropy of G on the real windows.
    pub mle_loss: f64,
    /// Discriminator BCE over real and generated windows.
    pub d_loss: f64,
    /// Discriminator accuracy, real (logit > 0) and generated (logit < 0) together.
    pub d_acc: f64,
    /// Mean D(x) over the real windows.
    pub d_real: f64,
    /// Mean D(x) over the generated windows.
    pub d_fake: f64,
    /// Mean reward (D(x) of the generated windows after D's update).
    pub mean_reward: f64,
    /// Reward baseline the advantages were taken against.
    pub baseline: f64,
}

impl GanStepStats {
    /// Every field NaN: nothing could be computed (e.g. no usable window or sample).
    pub fn failed() -> Self {
        Self {
            g_loss: f64::NAN,
            pg_loss: f64::NAN,
            mle_loss: f64::NAN,
            d_loss: f64::NAN,
            d_acc: f64::NAN,
            d_real: f64::NAN,
            d_fake: f64::NAN,
            mean_reward: f64::NAN,
            baseline: f64::NAN,
        }
    }

    /// The D fields from a loss and the logits of real and generated windows; G fields NaN.
    pub fn from_discriminator(d_loss: f64, real_logits: &[f32], fake_logits: &[f32]) -> Self {
        let total = real_logits.len() + fake_logits.len();
        let correct = real_logits.iter().filter(|&&l| l > 0.0).count()
            + fake_logits.iter().filter(|&&l| l < 0.0).count();
        let mean_probability = |logits: &[f32]| {
            let sum: f64 = logits
                .iter()
                .map(|&l| 1.0 / (1.0 + (-f64::from(l)).exp()))
                .sum();
            sum / logits.len().max(1) as f64
        };
        Self {
            d_loss,
            d_acc: if total == 0 {
                f64::NAN
            } else {
                correct as f64 / total as f64
            },
            d_real: mean_probability(real_logits),
            d_fake: mean_probability(fake_logits),
            ..Self::failed()
        }
    }

    /// Whether every value is finite (a NaN means: stop the run).
    pub fn is_finite(&self) -> bool {
        self.values().iter().all(|(_, v)| v.is_finite())
    }

    /// `(metrics key, value)` pairs, keys as in `metrics.jsonl` (`g_loss`, `d_loss`, `d_acc`, …).
    pub fn values(&self) -> [(&'static str, f64); 9] {
        [
            ("g_loss", self.g_loss),
            ("pg_loss", self.pg_loss),
            ("gan_mle", self.mle_loss),
            ("d_loss", self.d_loss),
            ("d_acc", self.d_acc),
            ("d_real", self.d_real),
            ("d_fake", self.d_fake),
            ("reward", self.mean_reward),
            ("reward_baseline", self.baseline),
        ]
    }
}

/// What one [`super::GanTrainer::run_epoch`] did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GanEpochReport {
    /// 1-based GAN epoch.
    pub epoch: usize,
    /// What it ran.
    pub phase: GanPhase,
    /// Real windows it read.
    pub windows: usize,
    /// Mean maximum-likelihood loss of G over its steps (NaN when one was not finite).
    pub mle_loss: f64,
    /// Mean adversarial statistics over the rounds (adversarial epochs only).
    pub adversarial: Option<GanStepStats>,
}

impl GanEpochReport {
    /// A report.
    pub fn new(
        epoch: usize,
        phase: GanPhase,
        windows: usize,
        mle_loss: f64,
        adversarial: Option<GanStepStats>,
    ) -> Self {
        Self {
            epoch,
            phase,
            windows,
            mle_loss,
            adversarial,
        }
    }

    /// Whether every value is finite (a NaN means: stop the run).
    pub fn is_finite(&self) -> bool {
        self.mle_loss.is_finite() && self.adversarial.is_none_or(|s| s.is_finite())
    }

    /// `(metrics key, value)` pairs for `metrics.jsonl` and loss events: `gan_mle`, and in
    /// adversarial epochs also `g_loss`, `d_loss`, `d_acc`, `reward`, ….
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        match &self.adversarial {
            Some(stats) => stats.values().to_vec(),
            None => vec![("gan_mle", self.mle_loss)],
        }
    }
}

/// Running means of losses and statistics.
#[derive(Default)]
pub(crate) struct MeanStats {
    sums: Option<[f64; 9]>,
    rounds: usize,
    value_sum: f64,
    count: usize,
}

impl MeanStats {
    /// Adds one scalar (for MLE-only means).
    pub(crate) fn add_value(&mut self, value: f64) {
        self.value_sum += value;
        self.count += 1;
    }

    /// Mean of the scalars added (NaN when none).
    pub(crate) fn value(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.value_sum / self.count as f64
        }
    }

    /// Adds one round's statistics.
    pub(crate) fn add(&mut self, stats: &GanStepStats) {
        let values = stats.values().map(|(_, v)| v);
        let sums = self.sums.get_or_insert([0.0; 9]);
        self.rounds += 1;
        for (sum, value) in sums.iter_mut().zip(values) {
            *sum += value;
        }
    }

    /// Field-wise mean of the rounds added, `None` when none.
    pub(crate) fn stats(&self) -> Option<GanStepStats> {
        let sums = self.sums?;
        let n = self.rounds.max(1) as f64;
        let [
            g_loss,
            pg_loss,
            mle_loss,
            d_loss,
            d_acc,
            d_real,
            d_fake,
            mean_reward,
            baseline,
        ] = sums.map(|s| s / n);
        Some(GanStepStats {
            g_loss,
            pg_loss,
            mle_loss,
            d_loss,
            d_acc,
            d_real,
            d_fake,
            mean_reward,
            baseline,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminator_fields_and_means() {
        let stats = GanStepStats::from_discriminator(0.5, &[1.0, -1.0], &[-2.0, 0.0]);
        // Correct: real 1.0, fake −2.0 → 2 of 4 (a logit of exactly 0 is wrong for both).
        assert!((stats.d_acc - 0.5).abs() < 1e-12);
        let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
        assert!((stats.d_real - 0.5).abs() < 1e-12, "σ(1) + σ(−1) = 1");
        assert!((stats.d_fake - 0.5 * (sigmoid(-2.0) + 0.5)).abs() < 1e-12);
        assert!(!stats.is_finite(), "G fields are NaN");

        let mut mean = MeanStats::default();
        let full = GanStepStats {
            g_loss: 1.0,
            pg_loss: 0.0,
            mle_loss: 2.0,
            mean_reward: 0.4,
            baseline: 0.3,
            ..stats
        };
        mean.add(&full);
        mean.add_value(2.0);
        mean.add(&GanStepStats {
            g_loss: 3.0,
            ..full
        });
        mean.add_value(4.0);
        let averaged = mean.stats().unwrap_or_else(GanStepStats::failed);
        assert!((averaged.g_loss - 2.0).abs() < 1e-12 && averaged.is_finite());
        assert!((mean.value() - 3.0).abs() < 1e-12);
        assert_eq!(MeanStats::default().stats(), None);
        let report = GanEpochReport::new(1, GanPhase::Adversarial, 4, 3.0, Some(averaged));
        assert!(report.is_finite());
        assert!(report.values().contains(&("d_acc", 0.5)));
    }
}
