//! Hyperparameters of the Transformer sequence encoder (MODEL.md §2).

use serde::{Deserialize, Serialize};

/// Shape and regularisation of the SASRec-style encoder.
///
/// Defaults follow MODEL.md §2 for ML-1M (d = 64, 2 blocks, 1 head, length 200, dropout 0.2).
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
}

impl Default for EncoderConfig {
    fn default() -> Self {
        Self {
            max_len: 200,
            dim: 64,
            blocks: 2,
            heads: 1,
            dropout: 0.2,
        }
    }
}

/// A configuration value that cannot work, with a plain-language reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid setting: {0}")]
pub struct InvalidConfig(pub String);

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
}
