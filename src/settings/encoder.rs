//! Hyperparameters of the Transformer sequence encoder (docs/MODEL.md §2).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::invalid::InvalidConfig;
use super::mixing::Mixing;

/// How the encoder tells positions apart (docs/MODEL.md §2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Positional {
    /// A learned `[max_len, dim]` table, as SASRec.
    #[default]
    Learned,
    /// Fixed sines and cosines of the position (the Transformer paper's), no parameters.
    Sinusoidal,
}

impl fmt::Display for Positional {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Learned => "learned",
            Self::Sinusoidal => "sinusoidal",
        })
    }
}

impl FromStr for Positional {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "learned" => Ok(Self::Learned),
            "sinusoidal" => Ok(Self::Sinusoidal),
            other => Err(format!(
                "unknown positional encoding '{other}' (expected learned or sinusoidal)"
            )),
        }
    }
}

/// Shape and regularisation of the SASRec-style encoder.
///
/// Defaults are docs/MODEL.md §2's general ones (d = 64, 2 blocks, 1 head, length 200,
/// dropout 0.2); `TrainConfig::for_data` sizes length and dropout to the data (ML-1M gets 0.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EncoderConfig {
    /// Longest input sequence; older items are cut off.
    pub max_len: usize,
    /// Embedding and hidden width `d`.
    pub dim: usize,
    /// Number of Transformer blocks.
    pub blocks: usize,
    /// Attention heads per block (`dim` must be divisible by it).
    pub heads: usize,
    /// Dropout probability on embeddings, attention weights and feed-forward outputs.
    pub dropout: f64,
    /// Learned (default, docs/MODEL.md §2) or sinusoidal positional encoding. Measured: on Beauty,
    /// SASRec-CE seed 1, sinusoidal positions reached a best validation NDCG@10 of 0.0699
    /// against 0.0707 learned, more slowly (docs/benchmark-log.md, issue 3 C). A config file without
    /// the field reads as learned, what every run made before it did.
    pub positional: Positional,
    /// What each block mixes with self-attention (RESEARCH.md recipe 1): off (SASRec),
    /// BSARec's frequency mixing, or the plain-residual control. A config file without the
    /// field reads as off, what every run made before it did.
    pub mixing: Mixing,
    /// Weight α of the mixing part; attention gets 1 − α. BSARec's Beauty setting is 0.7.
    pub mix_alpha: f64,
    /// Real-DFT frequencies the causal low-pass keeps, lowest first (1 = the running mean).
    /// BSARec's `c = 5` keeps `5 / 2 + 1 = 3`.
    pub mix_frequencies: usize,
    /// Padded positions keep their padding-token and position embeddings instead of zeros
    /// ("non-constant padding", as BSARec's code has): a control, since reproductions
    /// attribute part of BSARec's gain to it. It changes outputs only through the mixing,
    /// which reads every position; attention never looks at padded keys.
    pub positional_padding: bool,
}

impl Default for EncoderConfig {
    fn default() -> Self {
        Self {
            max_len: 200,
            dim: 64,
            blocks: 2,
            heads: 1,
            dropout: 0.2,
            positional: Positional::Learned,
            mixing: Mixing::Off,
            mix_alpha: 0.7,
            mix_frequencies: 3,
            positional_padding: false,
        }
    }
}

impl EncoderConfig {
    /// Checks the values that would otherwise fail deep inside burn.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if self.max_len == 0 {
            return Err(InvalidConfig("max_len must be at least 1".into()));
        }
        if self.dim == 0 || self.heads == 0 || self.blocks == 0 {
            return Err(InvalidConfig(
                "dim, heads and blocks must be at least 1".into(),
            ));
        }
        if !self.dim.is_multiple_of(self.heads) {
            return Err(InvalidConfig(format!(
                "dim ({}) must be divisible by heads ({})",
                self.dim, self.heads
            )));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(InvalidConfig(format!(
                "dropout must be in [0, 1), got {}",
                self.dropout
            )));
        }
        if !(0.0..=1.0).contains(&self.mix_alpha) {
            return Err(InvalidConfig(format!(
                "mix_alpha must be in [0, 1], got {}",
                self.mix_alpha
            )));
        }
        if self.mix_frequencies == 0 {
            return Err(InvalidConfig(
                "mix_frequencies must be at least 1 (the running mean)".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bad_values_are_named() {
        assert_eq!(EncoderConfig::default().validate(), Ok(()));
        let odd = EncoderConfig {
            dim: 64,
            heads: 3,
            ..EncoderConfig::default()
        };
        let message = odd.validate().unwrap_err().to_string();
        assert!(message.contains("divisible"), "{message}");
        let dropout = EncoderConfig {
            dropout: 1.0,
            ..EncoderConfig::default()
        };
        assert!(dropout.validate().is_err());
    }

    #[test]
    fn positional_names_round_trip_and_default_to_learned() {
        for positional in [Positional::Learned, Positional::Sinusoidal] {
            assert_eq!(positional.to_string().parse::<Positional>(), Ok(positional));
        }
        assert!("rotary".parse::<Positional>().is_err());
        let older: EncoderConfig = toml::from_str("max_len = 50\ndim = 32").expect("toml");
        assert_eq!(older.positional, Positional::Learned);
        let sinusoidal: EncoderConfig =
            toml::from_str("positional = \"sinusoidal\"").expect("toml");
        assert_eq!(sinusoidal.positional, Positional::Sinusoidal);
        assert_eq!(older.mixing, Mixing::Off);
        assert!(!older.positional_padding);
    }

    #[test]
    fn mixing_settings_are_checked() {
        let alpha = EncoderConfig {
            mix_alpha: 1.5,
            ..EncoderConfig::default()
        };
        assert!(
            alpha
                .validate()
                .unwrap_err()
                .to_string()
                .contains("mix_alpha")
        );
        let none = EncoderConfig {
            mix_frequencies: 0,
            ..EncoderConfig::default()
        };
        assert!(none.validate().is_err());
        let mixing: EncoderConfig = toml::from_str("mixing = \"frequency\"").expect("toml");
        assert_eq!(mixing.mixing, Mixing::Frequency);
    }
}
