//! Which next-item loss trains the model (`[train] loss`, `--loss`) and the sampled loss's
//! settings (`[train.sampled]`); docs/MODEL.md §2, "Sampled softmax".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::invalid::InvalidConfig;

/// Catalogues with more items than this train with the sampled loss under [`LossChoice::Auto`];
/// up to it, with the full softmax, which is exact and stays affordable: on cpu-2 a SASRec-CE
/// epoch (batch 128, `max_len` 50) with the full softmax took 1.6× the sampled loss's time at
/// 9,990 items and 4.3× at 42,551 (1.2 GiB peak), against 19× and 5.0 GiB at 197,597; and a
/// full-length batch's logits (128 × 200 rows × 40,000 items × 4 bytes = 3.8 GiB) still fit the
/// 4 GiB binding the wgpu path materialises them in (BENCHMARKS.md, "Scale"). Every bundled
/// and benchmark dataset (the sample data's 300 items, ML-1M's 3,416, Amazon Beauty's 12,101)
/// stays on the exact loss it was tuned with.
pub const AUTO_SAMPLED_ABOVE_ITEMS: usize = 40_000;

/// The next-item loss as the user chose it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossChoice {
    /// `full` up to [`AUTO_SAMPLED_ABOVE_ITEMS`] items, `sampled` above. Config files written
    /// before the setting existed read as this, and every dataset they trained on resolves to
    /// `full`, so they train exactly as before.
    #[default]
    Auto,
    /// Softmax over the whole catalogue (the fused linear + cross-entropy kernel).
    Full,
    /// Softmax over the target and a set of negatives shared by the whole batch
    /// ([`SampledLossConfig`]).
    Sampled,
}

/// The loss a run actually trains with, once `auto` has seen the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolvedLoss {
    /// Full softmax.
    Full,
    /// Sampled softmax with shared negatives.
    Sampled,
}

impl LossChoice {
    /// The loss for a catalogue of `n_items` items.
    pub fn resolve(self, n_items: usize) -> ResolvedLoss {
        match self {
            Self::Full => ResolvedLoss::Full,
            Self::Sampled => ResolvedLoss::Sampled,
            Self::Auto if n_items > AUTO_SAMPLED_ABOVE_ITEMS => ResolvedLoss::Sampled,
            Self::Auto => ResolvedLoss::Full,
        }
    }

    /// Every choice, in menu order.
    pub const ALL: [LossChoice; 3] = [Self::Auto, Self::Full, Self::Sampled];

    /// The name used on the command line and in `config.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Full => "full",
            Self::Sampled => "sampled",
        }
    }
}

impl ResolvedLoss {
    /// "full" or "sampled".
    pub fn name(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Sampled => "sampled",
        }
    }
}

impl fmt::Display for LossChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LossChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|choice| choice.name() == lower)
            .ok_or_else(|| format!("unknown loss '{s}' (expected one of: auto, full, sampled)"))
    }
}

/// Where the sampled loss's shared negatives come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NegativeSource {
    /// Every item equally likely: `q_j = 1 / n_items`.
    Uniform,
    /// Each draw by training popularity with probability `popularity_share`, else uniform:
    /// `q_j = share · count_j / Σ count + (1 − share) / n_items`. The default: on Zipf-shaped
    /// logs it came within 0.3–0.5% of the full softmax's validation NDCG@10 where uniform
    /// draws lost 3–10% (BENCHMARKS.md, "Scale").
    #[default]
    Popularity,
    /// The batch's own targets: each draw picks one of the step's listed positions and takes
    /// its target, so `q_j = (positions whose target is j) / positions`.
    InBatch,
}

impl NegativeSource {
    /// Every source, in menu order.
    pub const ALL: [NegativeSource; 3] = [Self::Uniform, Self::Popularity, Self::InBatch];

    /// The name used on the command line and in `config.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Uniform => "uniform",
            Self::Popularity => "popularity",
            Self::InBatch => "in-batch",
        }
    }
}

impl fmt::Display for NegativeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for NegativeSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|source| source.name() == lower)
            .ok_or_else(|| {
                format!("unknown negative source '{s}' (expected uniform, popularity or in-batch)")
            })
    }
}

/// The sampled loss (`[train.sampled]`): `N` negatives drawn once per step, with
/// replacement, shared by every position of the batch. Each position's loss is
/// `−s_t + log(exp(s_t) + Σ_k [n_k ≠ t] exp(s_{n_k} − log(N q_{n_k})))` with `s = h · E`:
/// the target is never its own negative, and the log-expected-count (logQ) correction
/// makes the sum an unbiased estimate of the full softmax's other items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SampledLossConfig {
    /// Negatives per step, `N`. Default 2048: at 42,551 items, 512 popularity-mixed negatives
    /// scored 0.3662 validation NDCG@10, 2048 0.3673 and 8192 0.3681 (full: 0.3685), 8192 at
    /// 3.9× the epoch time of 2048; 512 uniform negatives lost 22% at 9,990 items
    /// (BENCHMARKS.md, "Scale"). SASRec+ used 3,000 and eSASRec 1–4k (RESEARCH.md §1–2).
    pub negatives: usize,
    /// Where they come from. Default `popularity` (measured above; eSASRec's benchmark found
    /// uniform best on its datasets, which are less skewed than our Zipf(1) scale logs).
    pub source: NegativeSource,
    /// For `popularity`: the share of draws taken by popularity, in [0, 1) (the rest are
    /// uniform, so every item can be drawn). Default 0.5.
    pub popularity_share: f64,
    /// Subtract `log(N q_j)` from each negative's score. Default true. With uniform draws the
    /// correction is one constant for every negative, so it changes only the balance between
    /// the target and the negatives (it scales their sum by `n_items / N`).
    pub logq_correction: bool,
    /// Train the item table one step's rows at a time: the rows of the step's inputs, targets
    /// and negatives, with Adam's moments kept per row (lazy Adam). Default true: at a million
    /// items the dense update rewrote the whole table and both moments every step
    /// (docs/SCALING.md §2). False: the table's gradient and Adam step are dense, as under
    /// the full softmax. Applies to SASRec-CE; SeqUDA-Rec's graph reads every row.
    pub row_updates: bool,
}

impl Default for SampledLossConfig {
    fn default() -> Self {
        Self {
            negatives: 2048,
            source: NegativeSource::Popularity,
            popularity_share: 0.5,
            logq_correction: true,
            row_updates: true,
        }
    }
}

impl SampledLossConfig {
    /// Fails, naming the setting, when there are no negatives or the popularity share is
    /// outside [0, 1).
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if self.negatives == 0 {
            return Err(InvalidConfig("sampled.negatives must be at least 1".into()));
        }
        if !(0.0..1.0).contains(&self.popularity_share) {
            return Err(InvalidConfig(format!(
                "sampled.popularity_share must be in [0, 1), got {}",
                self.popularity_share
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_keeps_the_full_softmax_on_every_bundled_and_benchmark_catalogue() {
        // The sample data, ML-1M and Amazon Beauty.
        for items in [300, 3_416, 12_101] {
            assert_eq!(LossChoice::Auto.resolve(items), ResolvedLoss::Full);
        }
        let large = AUTO_SAMPLED_ABOVE_ITEMS + 1;
        assert_eq!(LossChoice::Auto.resolve(large), ResolvedLoss::Sampled);
        assert_eq!(LossChoice::Full.resolve(large), ResolvedLoss::Full);
        assert_eq!(LossChoice::Sampled.resolve(10), ResolvedLoss::Sampled);
    }

    #[test]
    fn names_parse_back() {
        for choice in LossChoice::ALL {
            assert_eq!(choice.name().parse::<LossChoice>(), Ok(choice));
        }
        for source in NegativeSource::ALL {
            assert_eq!(source.name().parse::<NegativeSource>(), Ok(source));
        }
        assert!("softmax".parse::<LossChoice>().is_err());
        assert!("random".parse::<NegativeSource>().is_err());
    }

    #[test]
    fn settings_that_cannot_sample_are_refused_by_name() {
        assert_eq!(SampledLossConfig::default().validate(), Ok(()));
        let none = SampledLossConfig {
            negatives: 0,
            ..SampledLossConfig::default()
        };
        assert!(none.validate().unwrap_err().0.contains("negatives"));
        for share in [1.0, -0.1, f64::NAN] {
            let bad = SampledLossConfig {
                popularity_share: share,
                ..SampledLossConfig::default()
            };
            assert!(bad.validate().unwrap_err().0.contains("popularity_share"));
        }
    }
}
