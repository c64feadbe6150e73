//! The adversarial part of the GAN's loop: discriminator steps and the REINFORCE generator
//! step (docs/MODEL.md §4).

use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};

use super::data::{clip_windows, next_item_batch};
use super::stats::GanStepStats;
use super::trainer::GanTrainer;
use crate::model::gan::discriminator_loss;
use crate::model::tokens::TokenMatrix;
use crate::settings::AdversarialMethod;

impl GanTrainer {
    /// One adversarial round on `real_windows` (cut to their last W items; fewer than two
    /// items skipped): G continues a random real prefix (1..=max_prefix items) of every window
    /// to the window's length; `discriminator_steps` BCE steps of D on real vs generated; then
    /// one G step on `−(D(x) − b)·log π(generated items) + λ_mle·MLE(real windows)` with the
    /// moving-average baseline b (MLE only for [`AdversarialMethod::MleOnly`]). `d_acc` and the
    /// D means come from D's last pass before its update.
    pub fn adversarial_round(&mut self, real_windows: &[Vec<u32>]) -> GanStepStats {
        let real = clip_windows(real_windows, self.config.window, self.generator.n_items());
        let (fakes, prefix_lens) = self.fakes_like(&real);
        if fakes.is_empty() {
            return GanStepStats::failed();
        }
        let mut stats = GanStepStats::failed();
        for _ in 0..self.config.discriminator_steps.max(1) {
            stats = self.discriminator_step(&real, &fakes);
            if !stats.d_loss.is_finite() {
                return stats;
            }
        }
        // Rewards from the updated D, without gradient.
        let rewards = self.sampler().discriminator_scores(&fakes);
        let mean_reward = rewards.iter().map(|&r| f64::from(r)).sum::<f64>() / rewards.len() as f64;
        let baseline = self.baseline.unwrap_or(mean_reward);
        if mean_reward.is_finite() {
            let decay = self.config.baseline_decay;
            self.baseline = Some(decay * baseline + (1.0 - decay) * mean_reward);
        }
        let (g_value, pg_value, mle_value) =
            self.policy_gradient_step(fakes, &prefix_lens, real, &rewards, baseline);
        GanStepStats {
            g_loss: g_value,
            pg_loss: pg_value,
            mle_loss: mle_value,
            mean_reward,
            baseline,
            ..stats
        }
    }

    /// The generator step of a round, in one pass over generated + real windows: each
    /// generated target carries `(reward − baseline) / #generated targets` (× 1 for REINFORCE,
    /// × 0 for MLE only), each real target `1 / #real targets` (× λ_mle, or × 1 for MLE only).
    /// Returns `(g_loss, pg_loss, mle_loss)` before the update (no update when not finite).
    fn policy_gradient_step(
        &mut self,
        fakes: Vec<Vec<u32>>,
        prefix_lens: &[usize],
        real: Vec<Vec<u32>>,
        rewards: &[f32],
        baseline: f64,
    ) -> (f64, f64, f64) {
        let (pg_weight, mle_weight) = match self.config.method {
            AdversarialMethod::Reinforce => (1.0, self.config.mle_weight),
            AdversarialMethod::MleOnly => (0.0, 1.0),
        };
        let n_fakes = fakes.len();
        let first_targets: Vec<usize> = prefix_lens
            .iter()
            .copied()
            .chain(std::iter::repeat_n(1, real.len()))
            .collect();
        let sequences: Vec<Vec<u32>> = fakes.into_iter().chain(real).collect();
        let batch = next_item_batch(&sequences, Some(&first_targets), self.config.window);
        let fake_targets = batch
            .rows
            .iter()
            .filter(|&&row| row < n_fakes)
            .count()
            .max(1) as f64;
        let real_targets = batch
            .rows
            .iter()
            .filter(|&&row| row >= n_fakes)
            .count()
            .max(1) as f64;
        // Per target: (is generated, its share of the pg or mle mean).
        let shares: Vec<(bool, f64)> = batch
            .rows
            .iter()
            .map(|&row| {
                if row < n_fakes {
                    let reward = rewards.get(row).map_or(f64::NAN, |&r| f64::from(r));
                    (true, (reward - baseline) / fake_targets)
                } else {
                    (false, 1.0 / real_targets)
                }
            })
            .collect();
        let weights: Vec<f32> = shares
            .iter()
            .map(|&(fake, share)| (share * if fake { pg_weight } else { mle_weight }) as f32)
            .collect();
        let weights =
            Tensor::<1>::from_data(TensorData::new(weights, [shares.len()]), &self.device);
        // [n] −log π(target)
        let losses = self.generator_losses(&batch);
        let (mut pg_value, mut mle_value) = (0.0, 0.0);
        match self.reads.floats(losses.clone()) {
            Ok(values) => {
                for (&(fake, share), value) in shares.iter().zip(values) {
                    let term = share * f64::from(value);
                    if fake {
                        pg_value += term;
                    } else {
                        mle_value += term;
                    }
                }
            }
            Err(_) => (pg_value, mle_value) = (f64::NAN, f64::NAN),
        }
        let g_value = pg_weight * pg_value + mle_weight * mle_value;
        if g_value.is_finite() {
            self.step_generator((losses * weights).sum());
        }
        (g_value, pg_value, mle_value)
    }

    /// D-only round (the warm-up after pretraining): fakes like `real_windows`, then
    /// `discriminator_steps` D steps. The G fields of the result are 0.
    pub fn discriminator_round(&mut self, real_windows: &[Vec<u32>]) -> GanStepStats {
        let real = clip_windows(real_windows, self.config.window, self.generator.n_items());
        let (fakes, _) = self.fakes_like(&real);
        if fakes.is_empty() {
            return GanStepStats::failed();
        }
        let mut stats = GanStepStats::failed();
        for _ in 0..self.config.discriminator_steps.max(1) {
            stats = self.discriminator_step(&real, &fakes);
            if !stats.d_loss.is_finite() {
                break;
            }
        }
        GanStepStats {
            g_loss: 0.0,
            pg_loss: 0.0,
            mle_loss: 0.0,
            mean_reward: 0.0,
            baseline: 0.0,
            ..stats
        }
    }

    /// One BCE step of D on `real` (label 1) vs `fake` (label 0), both at most W long. Returns
    /// the D fields (G fields NaN); no update when the loss is not finite.
    pub fn discriminator_step(&mut self, real: &[Vec<u32>], fake: &[Vec<u32>]) -> GanStepStats {
        let rows: Vec<&[u32]> = real.iter().chain(fake).map(Vec::as_slice).collect();
        let tokens = TokenMatrix::left_padded(&rows, self.config.window).to_tensor(&self.device);
        // [real + fake]
        let logits = self.discriminator.logits(tokens);
        let values = self
            .reads
            .floats(logits.clone())
            .unwrap_or_else(|_| vec![f32::NAN; rows.len()]);
        let n = real.len();
        let real_logits = logits.clone().slice(0..n);
        let fake_logits = logits.slice(n..rows.len());
        let loss = discriminator_loss(real_logits, fake_logits);
        let d_loss = self.read_scalar(loss.clone());
        if d_loss.is_finite() {
            let gradients = GradientsParams::from_grads(loss.backward(), &self.discriminator);
            self.discriminator = self.discriminator_optimizer.step(
                self.config.discriminator_lr,
                self.discriminator.clone(),
                gradients,
            );
        }
        GanStepStats::from_discriminator(
            d_loss,
            &values[..n.min(values.len())],
            values.get(n..).unwrap_or(&[]),
        )
    }

    /// For every real window: a random real prefix (1..=min(max_prefix, len − 1) items) and
    /// G's continuation to the same length. Returns the fakes with their prefix lengths,
    /// leaving out any whose sampling failed.
    fn fakes_like(&mut self, real: &[Vec<u32>]) -> (Vec<Vec<u32>>, Vec<usize>) {
        let mut prefixes = Vec::with_capacity(real.len());
        let mut lengths = Vec::with_capacity(real.len());
        for window in real {
            let longest = self.config.max_prefix.min(window.len() - 1).max(1);
            let prefix_len = 1 + self.rng.below(longest as u64) as usize;
            prefixes.push(window[..prefix_len].to_vec());
            lengths.push(window.len());
        }
        let prefix_lens: Vec<usize> = prefixes.iter().map(Vec::len).collect();
        let seed = self.rng.next_u64();
        self.sampler().continue_all(&mut prefixes, &lengths, seed);
        prefixes
            .into_iter()
            .zip(prefix_lens)
            .zip(lengths)
            .filter(|((items, _), length)| items.len() == *length)
            .map(|((items, prefix_len), _)| (items, prefix_len))
            .unzip()
    }
}
