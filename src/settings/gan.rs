//! Hyperparameters of the GAN sequence augmentation (docs/MODEL.md §4).
//!
//! The paper gives none of them: every default here is OUR choice unless it says otherwise,
//! and each one is a field so it can be ablated and swept.

use serde::{Deserialize, Serialize};

use super::encoder::{EncoderConfig, Positional};

/// How the generator learns from the discriminator after its maximum-likelihood pretraining.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdversarialMethod {
    /// SeqGAN-style REINFORCE (OUR choice of the two docs/MODEL.md §4 offers): each generated
    /// sequence's reward is D's probability that it is real, one reward per sequence (no
    /// Monte-Carlo roll-outs, which would multiply the cost by the window length); the advantage
    /// is reward − a moving-average baseline; the loss is −advantage · log π(generated items),
    /// plus `mle_weight` × the maximum-likelihood loss on real windows against mode collapse.
    /// Chosen over Gumbel-softmax because it needs no soft item embeddings in D and its gradient
    /// costs one extra generator pass on already sampled sequences.
    #[default]
    Reinforce,
    /// No adversarial gradient: the generator keeps training by maximum likelihood only while
    /// the discriminator still trains (and filters samples). The "GAN without the adversarial
    /// part" ablation.
    MleOnly,
}

/// How the synthetic sequences' cross-entropy joins the recommender loss (docs/MODEL.md §4 use (b):
/// "extra training sequences with weight λ_syn").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyntheticWeighting {
    /// Each synthetic position counts λ_syn times a real one: the term is
    /// λ_syn · Σ_synthetic CE / (real positions in the batch). The default (OUR reading of
    /// "extra sequences with weight λ_syn").
    #[default]
    PerPosition,
    /// The synthetic rows' mean CE is added with weight λ_syn, however few they are. With the
    /// ~2 synthetic rows (~10 positions) a Beauty batch of 128 users (~752 positions) gets,
    /// each synthetic position then weighs about 15× a real one (λ_syn · real positions /
    /// synthetic positions). Every run before 2026-12-02 trained this way; a config without
    /// `synthetic_weighting` reads as this.
    BatchMean,
}

impl SyntheticWeighting {
    /// What a stored config that predates the setting did.
    fn before_the_setting() -> Self {
        Self::BatchMean
    }
}

/// Settings of the generator, the discriminator, their training and the use of samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GanConfig {
    /// Width `d` of the generator Transformer. Default 32 (OUR choice: small and cheap).
    pub generator_dim: usize,
    /// Transformer blocks of the generator. Default 1 (OUR choice).
    pub generator_blocks: usize,
    /// Width `d` of the discriminator's sequence encoder. Default 32 (OUR choice).
    pub discriminator_dim: usize,
    /// Transformer blocks of the discriminator. Default 1 (OUR choice).
    pub discriminator_blocks: usize,
    /// Attention heads of both (each width must be divisible by it). Default 1 (OUR choice).
    pub heads: usize,
    /// Dropout of both Transformers. Default 0.1 (OUR choice; some against memorisation).
    pub dropout: f64,
    /// Window length W: the GAN trains on, and generates, sequences of at most W items
    /// (random contiguous windows of training sequences). Default 20 (OUR choice).
    pub window: usize,
    /// Windows per optimisation step (generator and discriminator). Default 128 (OUR choice).
    pub batch_size: usize,
    /// Maximum-likelihood epochs before adversarial training starts. One such epoch is one
    /// random window of every GAN-training user, at most `max_windows_per_epoch`.
    /// Default 5 (OUR choice).
    pub pretrain_epochs: usize,
    /// Upper bound on the windows one pretraining epoch uses, so its cost stays bounded on
    /// large datasets. Default 4096 (OUR choice).
    pub max_windows_per_epoch: usize,
    /// Discriminator-only rounds run once, when pretraining ends, so that the first rewards
    /// mean something (SeqGAN pretrains D likewise); each round generates fresh fakes for
    /// `batch_size` real windows and takes `discriminator_steps` D steps on them.
    /// Default 100 (OUR choice, measured on Beauty: with 10 rounds of one step D stayed at
    /// chance, accuracy 0.50 and BCE above ln 2; see docs/benchmark-log.md, issue 3 E).
    pub discriminator_pretrain_steps: usize,
    /// Adversarial rounds per epoch after pretraining; a round is `discriminator_steps` D steps
    /// and one G step on `batch_size` real windows and as many generated ones.
    /// Default 16 (OUR choice, measured with `discriminator_steps`: see there).
    pub adversarial_rounds_per_epoch: usize,
    /// Discriminator steps per adversarial round. Default 4 (OUR choice: with 100 warm-up
    /// rounds and 16 rounds per epoch D reaches accuracy ≈ 0.66 on Beauty, against 0.50 with
    /// 10 / 8 rounds of one step, for ≈ 10% more epoch time).
    pub discriminator_steps: usize,
    /// How the generator follows the discriminator. Default REINFORCE (see
    /// [`AdversarialMethod`]).
    pub method: AdversarialMethod,
    /// Adam learning rate of the generator. Default 1e-2 (OUR choice, measured: the small G
    /// gets few steps, and after 5 pretraining epochs its held-back cross-entropy on ML-1M was
    /// 6.02 at 1e-2, 6.42 at 3e-3 and 7.14 at 1e-3, with no sign of instability).
    pub generator_lr: f64,
    /// Adam learning rate of the discriminator. Default 1e-3 (OUR choice: a D that learns
    /// faster than G starves REINFORCE of reward signal).
    pub discriminator_lr: f64,
    /// λ_mle: weight of the maximum-likelihood term in the adversarial generator loss, against
    /// mode collapse. Default 0.5 (OUR choice).
    pub mle_weight: f64,
    /// Decay of the reward baseline: b ← decay·b + (1 − decay)·mean reward. Default 0.9
    /// (OUR choice).
    pub baseline_decay: f64,
    /// Sampling temperature (logits are divided by it). Default 1.0 (OUR choice: the policy
    /// the gradient is computed for).
    pub temperature: f64,
    /// Longest real prefix a generated sequence starts from; the prefix length is drawn
    /// uniformly from 1 to min(this, length − 1, source length). Default 5 (OUR choice).
    pub max_prefix: usize,
    /// Synthetic sequences generated per recommender epoch (before filtering).
    /// Default 1000 (OUR choice).
    pub synthetic_per_epoch: usize,
    /// Keep a synthetic sequence only when D(x) ≥ this (docs/MODEL.md §4 names the filter, not the
    /// value). Default 0.5 (OUR choice: D thinks it is more likely real than fake).
    pub keep_threshold: f64,
    /// λ_syn: weight of synthetic sequences in the recommender loss (docs/MODEL.md §4 use (b)),
    /// applied as `synthetic_weighting` says. Default 0.2 (OUR choice). Read by the SeqUDA
    /// training loop, not by the GAN.
    pub synthetic_weight: f64,
    /// How `synthetic_weight` applies. Default per position (see [`SyntheticWeighting`]); a
    /// config file without this field means batch-mean, what runs made before it existed did,
    /// so such a run folder is never reused for a run trained the new way.
    #[serde(default = "SyntheticWeighting::before_the_setting")]
    pub synthetic_weighting: SyntheticWeighting,
    /// Share of users whose training sequences the GAN never trains on, kept as the real
    /// reference of the quality monitors (a held-back set). Default 0.1 (OUR choice).
    pub held_back_share: f64,
}

impl Default for GanConfig {
    fn default() -> Self {
        Self {
            generator_dim: 32,
            generator_blocks: 1,
            discriminator_dim: 32,
            discriminator_blocks: 1,
            heads: 1,
            dropout: 0.1,
            window: 20,
            batch_size: 128,
            pretrain_epochs: 5,
            max_windows_per_epoch: 4096,
            discriminator_pretrain_steps: 100,
            adversarial_rounds_per_epoch: 16,
            discriminator_steps: 4,
            method: AdversarialMethod::Reinforce,
            generator_lr: 1e-2,
            discriminator_lr: 1e-3,
            mle_weight: 0.5,
            baseline_decay: 0.9,
            temperature: 1.0,
            max_prefix: 5,
            synthetic_per_epoch: 1000,
            keep_threshold: 0.5,
            synthetic_weight: 0.2,
            synthetic_weighting: SyntheticWeighting::PerPosition,
            held_back_share: 0.1,
        }
    }
}

/// A GAN setting that cannot work, with a plain-language reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid GAN setting: {0}")]
pub struct InvalidGanConfig(pub String);

impl GanConfig {
    /// Checks the values that would otherwise fail deep inside burn or train nothing.
    pub fn validate(&self) -> Result<(), InvalidGanConfig> {
        let fail = |message: String| Err(InvalidGanConfig(message));
        if self.window < 2 {
            return fail(format!("window must be at least 2, got {}", self.window));
        }
        for (name, dim, blocks) in [
            ("generator", self.generator_dim, self.generator_blocks),
            (
                "discriminator",
                self.discriminator_dim,
                self.discriminator_blocks,
            ),
        ] {
            if dim == 0 || blocks == 0 || self.heads == 0 {
                return fail(format!("{name} width, blocks and heads must be at least 1"));
            }
            if dim % self.heads != 0 {
                return fail(format!(
                    "{name} width ({dim}) must be divisible by heads ({})",
                    self.heads
                ));
            }
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return fail(format!("dropout must be in [0, 1), got {}", self.dropout));
        }
        if self.batch_size == 0 || self.max_prefix == 0 || self.max_windows_per_epoch == 0 {
            return fail(
                "batch_size, max_prefix and max_windows_per_epoch must be at least 1".into(),
            );
        }
        for (name, value) in [
            ("generator_lr", self.generator_lr),
            ("discriminator_lr", self.discriminator_lr),
            ("temperature", self.temperature),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return fail(format!("{name} must be a positive number, got {value}"));
            }
        }
        for (name, value) in [
            ("mle_weight", self.mle_weight),
            ("synthetic_weight", self.synthetic_weight),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return fail(format!("{name} must be zero or more, got {value}"));
            }
        }
        for (name, value) in [
            ("baseline_decay", self.baseline_decay),
            ("keep_threshold", self.keep_threshold),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return fail(format!("{name} must be in [0, 1], got {value}"));
            }
        }
        if !(0.0..1.0).contains(&self.held_back_share) {
            return fail(format!(
                "held_back_share must be in [0, 1), got {}",
                self.held_back_share
            ));
        }
        Ok(())
    }

    /// The generator's Transformer: width `generator_dim`, positions for `window` items.
    pub fn generator_encoder(&self) -> EncoderConfig {
        EncoderConfig {
            max_len: self.window,
            dim: self.generator_dim,
            blocks: self.generator_blocks,
            heads: self.heads,
            dropout: self.dropout,
            positional: Positional::Learned,
            ..EncoderConfig::default()
        }
    }

    /// The discriminator's sequence encoder: width `discriminator_dim`, `window` positions.
    pub fn discriminator_encoder(&self) -> EncoderConfig {
        EncoderConfig {
            max_len: self.window,
            dim: self.discriminator_dim,
            blocks: self.discriminator_blocks,
            heads: self.heads,
            dropout: self.dropout,
            positional: Positional::Learned,
            ..EncoderConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_round_trips_through_toml() {
        let config = GanConfig::default();
        assert_eq!(config.validate(), Ok(()));
        let text = toml::to_string(&config).expect("serialise");
        let back: GanConfig = toml::from_str(&text).expect("parse");
        assert_eq!(back, config);
        let partial: GanConfig =
            toml::from_str("window = 8\nmethod = \"mle-only\"").expect("parse");
        assert_eq!(
            (partial.window, partial.method),
            (8, AdversarialMethod::MleOnly)
        );
        assert!(toml::from_str::<GanConfig>("windw = 8").is_err());
    }

    #[test]
    fn configs_written_before_the_weighting_setting_read_as_batch_mean() {
        assert_eq!(
            GanConfig::default().synthetic_weighting,
            SyntheticWeighting::PerPosition
        );
        let old: GanConfig = toml::from_str("synthetic_weight = 0.2").expect("parse");
        assert_eq!(old.synthetic_weighting, SyntheticWeighting::BatchMean);
        let new: GanConfig =
            toml::from_str("synthetic_weighting = \"per-position\"").expect("parse");
        assert_eq!(new.synthetic_weighting, SyntheticWeighting::PerPosition);
    }

    #[test]
    fn bad_values_are_named() {
        let cases = [
            GanConfig {
                window: 1,
                ..GanConfig::default()
            },
            GanConfig {
                heads: 3,
                ..GanConfig::default()
            },
            GanConfig {
                temperature: 0.0,
                ..GanConfig::default()
            },
            GanConfig {
                keep_threshold: 1.5,
                ..GanConfig::default()
            },
            GanConfig {
                held_back_share: 1.0,
                ..GanConfig::default()
            },
            GanConfig {
                mle_weight: f64::NAN,
                ..GanConfig::default()
            },
        ];
        let names = [
            "window",
            "divisible",
            "temperature",
            "keep_threshold",
            "held_back",
            "mle_weight",
        ];
        for (config, name) in cases.iter().zip(names) {
            let message = config
                .validate()
                .map_or_else(|e| e.to_string(), |()| String::new());
            assert!(message.contains(name), "{name}: {message:?}");
        }
    }
}
