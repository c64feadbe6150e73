//! What each encoder block adds beside self-attention (RESEARCH.md recipe 1, docs/MODEL.md §2).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The part mixed with self-attention in every block:
/// `x + dropout(α·mixing(LN x) + (1 − α)·attention(LN x))`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mixing {
    /// Attention only (SASRec).
    #[default]
    Off,
    /// BSARec's frequency mixing: a causal low-pass of the sequence plus a learned per-channel
    /// β times the high-pass rest.
    Frequency,
    /// The control: the block's normalised input itself (β fixed at 1, so low + high = x),
    /// which is a plain extra residual weighted α.
    Residual,
}

impl Mixing {
    /// Every choice, in the order the CLI help lists them.
    pub const ALL: [Self; 3] = [Self::Off, Self::Frequency, Self::Residual];
}

impl fmt::Display for Mixing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Off => "off",
            Self::Frequency => "frequency",
            Self::Residual => "residual",
        })
    }
}

impl FromStr for Mixing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|m| m.to_string() == s.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown mixing '{s}' (expected off, frequency or residual)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for mixing in Mixing::ALL {
            assert_eq!(mixing.to_string().parse::<Mixing>(), Ok(mixing));
        }
        assert_eq!("Frequency".parse::<Mixing>(), Ok(Mixing::Frequency));
        let error = "wavelet".parse::<Mixing>().unwrap_err();
        assert!(error.contains("frequency"), "{error}");
    }
}
