//! Training presets: the named sets of settings the Train pane offers, and the settings each
//! stands for.

use serde::{Deserialize, Serialize};

use crate::data::DatasetStats;
use crate::settings::EncoderConfig;
use crate::settings::{DeviceChoice, ModelKind, TrainConfig};

/// A named set of training settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preset {
    /// Small and fast: a visible model in about a minute on a laptop CPU.
    #[default]
    QuickDemo,
    /// The settings docs/MODEL.md gives for this size of data.
    Paper,
    /// Whatever the user set by hand.
    Custom,
}

impl Preset {
    /// Every preset, in menu order.
    pub const ALL: [Preset; 3] = [Preset::QuickDemo, Preset::Paper, Preset::Custom];

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Self::QuickDemo => "Quick demo",
            Self::Paper => "Paper",
            Self::Custom => "Custom",
        }
    }

    /// One line on what it is for.
    pub fn tooltip(self) -> &'static str {
        match self {
            Self::QuickDemo => {
                "Small model, few epochs, on the CPU: trains visibly in about a minute"
            }
            Self::Paper => "The published settings for data of this size (slower, better)",
            Self::Custom => "Your own settings",
        }
    }

    /// The settings it stands for on data with `stats` (`None` for [`Preset::Custom`]: the
    /// settings stay as they are).
    pub fn settings(self, stats: Option<&DatasetStats>) -> Option<TrainConfig> {
        match self {
            Self::QuickDemo => Some(quick_demo()),
            Self::Paper => Some(paper(stats)),
            Self::Custom => None,
        }
    }
}

/// "Quick demo": a small SeqUDA-Rec on the CPU that trains visibly in under a minute on the
/// bundled sample data (2,500 users, 20 steps per epoch, 3–6 s per epoch on two cores),
/// logging every step so the loss curve moves at once. It is the full model, so every pane
/// fills in: after two epochs of generator pretraining the GAN turns adversarial (the
/// discriminator's first epoch adds about 12 s of warm-up), so its accuracy, the synthetic
/// sequences and the target attention all show before the demo ends.
pub fn quick_demo() -> TrainConfig {
    let mut config = TrainConfig {
        model: ModelKind::Sequda,
        encoder: EncoderConfig {
            max_len: 50,
            dim: 64,
            blocks: 2,
            heads: 2,
            dropout: 0.2,
            ..EncoderConfig::default()
        },
        epochs: 6,
        patience: 3,
        batch_size: 128,
        learning_rate: 2e-3,
        seed: 1,
        device: DeviceChoice::Cpu,
        log_every: 1,
        ..TrainConfig::default()
    };
    config.sequda.gan_settings.pretrain_epochs = 2;
    config
}

/// "Paper": the published settings for data of this shape ([`TrainConfig::for_data`]: docs/MODEL.md
/// §2's, with the dropout validation chose where it differs: the published SASRec-CE 0.1 for
/// long histories, 0.4 for very short ones), on the best device found.
pub fn paper(stats: Option<&DatasetStats>) -> TrainConfig {
    match stats {
        Some(stats) => TrainConfig::for_data(
            stats.sequence_length.median.round() as usize,
            stats.sequence_length.mean,
            stats.interactions,
        ),
        None => TrainConfig::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_encoders() {
        assert_eq!(quick_demo().encoder.validate(), Ok(()));
        assert_eq!(paper(None).encoder.validate(), Ok(()));
        assert_eq!(quick_demo().device, DeviceChoice::Cpu);
    }

    #[test]
    fn the_quick_demo_shows_the_whole_model_before_it_ends() {
        let demo = quick_demo();
        assert_eq!(demo.model, ModelKind::Sequda);
        assert_eq!(demo.validate(), Ok(()));
        let sequda = &demo.sequda;
        assert!(sequda.gan && sequda.graph && sequda.target_attention);
        // At least two adversarial epochs, so the discriminator's accuracy is a curve.
        assert!(sequda.gan_settings.pretrain_epochs + 2 <= demo.epochs);
    }
}
