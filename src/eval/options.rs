//! Evaluation protocols, options and the users x items block plan.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Number of negatives drawn per case by the sampled protocols.
pub const SAMPLED_NEGATIVES: usize = 100;

/// How a target is ranked. Full ranking is the protocol of record; the sampled ones exist only to
/// cross-check against papers that used them and must never be mixed with full-ranking numbers.
///
/// Text form (Display, FromStr, serde): `"full"`, `"uniform-100"`, `"popular-100"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Protocol {
    /// Rank against every item, items of the input sequence filtered (target never filtered).
    #[serde(rename = "full")]
    Full,
    /// Rank against 100 negatives drawn uniformly from items the user never touched.
    #[serde(rename = "uniform-100")]
    Uniform100,
    /// Rank against 100 negatives drawn proportionally to training popularity from items the user
    /// never touched (items with zero training count are never drawn).
    #[serde(rename = "popular-100")]
    Popular100,
}

impl Protocol {
    /// All protocols, full ranking first.
    pub const ALL: [Protocol; 3] = [Protocol::Full, Protocol::Uniform100, Protocol::Popular100];

    /// Short machine name, as accepted by [`FromStr`].
    pub fn as_str(&self) -> &'static str {
        match self {
            Protocol::Full => "full",
            Protocol::Uniform100 => "uniform-100",
            Protocol::Popular100 => "popular-100",
        }
    }

    /// Human label for reports ([`super::EvalOutcome::label`] appends the seed when sampled).
    pub fn label(&self) -> &'static str {
        match self {
            Protocol::Full => "full ranking",
            Protocol::Uniform100 => "sampled: 100 uniform negatives",
            Protocol::Popular100 => "sampled: 100 popularity-weighted negatives",
        }
    }

    /// `true` for the sampled-negative protocols.
    pub fn is_sampled(&self) -> bool {
        !matches!(self, Protocol::Full)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown protocol name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown protocol {0:?} (expected full, uniform-100 or popular-100)")]
pub struct ParseProtocolError(pub String);

impl FromStr for Protocol {
    type Err = ParseProtocolError;

    /// Parses `"full"`, `"uniform-100"`, `"popular-100"` (case-insensitive, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Protocol::ALL
            .into_iter()
            .find(|p| p.as_str() == wanted)
            .ok_or_else(|| ParseProtocolError(s.to_owned()))
    }
}

/// Options of one evaluation run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EvalOptions {
    /// Ranking protocol.
    pub protocol: Protocol,
    /// Seed of the negative sampler (sampled protocols); negatives depend on (seed, case index) only.
    pub seed: u64,
    /// Memory budget, in f32s, for one users x items score block (0 is treated as 1).
    pub max_block_floats: usize,
    /// Most users prepared and scored together (0 is treated as 1).
    pub max_users_per_block: usize,
}

impl Default for EvalOptions {
    fn default() -> Self {
        Self {
            protocol: Protocol::Full,
            seed: 0,
            max_block_floats: 8 * 1024 * 1024,
            max_users_per_block: 256,
        }
    }
}

impl EvalOptions {
    /// Default options with the given protocol.
    pub fn with_protocol(protocol: Protocol) -> Self {
        Self {
            protocol,
            ..Self::default()
        }
    }

    /// Splits `n_cases x n_items` into blocks with `users_per_block x range_len <= max_block_floats`.
    ///
    /// Users per block are capped by both limits; the item range then takes what the budget leaves.
    pub(super) fn plan(&self, n_cases: usize, n_items: usize) -> BlockPlan {
        let budget = self.max_block_floats.max(1);
        let users_per_block = self
            .max_users_per_block
            .max(1)
            .min(budget)
            .min(n_cases.max(1));
        let range_len = (budget / users_per_block).clamp(1, n_items.max(1));
        BlockPlan {
            users_per_block,
            range_len,
            n_items,
        }
    }
}

/// How one run walks the users x items matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct BlockPlan {
    /// Users per block (the last block may be shorter).
    pub users_per_block: usize,
    /// Items per range (the last range may be shorter).
    pub range_len: usize,
    /// Catalogue size.
    pub n_items: usize,
}

impl BlockPlan {
    /// Floats needed for the largest block.
    pub fn buffer_len(&self) -> usize {
        self.users_per_block * self.range_len
    }

    /// Number of item ranges.
    pub fn n_ranges(&self) -> usize {
        self.n_items.div_ceil(self.range_len)
    }

    /// The `index`-th contiguous item range.
    pub fn range(&self, index: usize) -> Range<usize> {
        let start = index * self.range_len;
        start..(start + self.range_len).min(self.n_items)
    }

    /// Index of the range holding `item`.
    pub fn range_of(&self, item: usize) -> usize {
        item / self.range_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_text_round_trips() {
        for p in Protocol::ALL {
            assert_eq!(p.to_string().parse::<Protocol>(), Ok(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Protocol>(&json).unwrap(), p);
        }
        assert_eq!(
            " Uniform-100 ".parse::<Protocol>(),
            Ok(Protocol::Uniform100)
        );
        assert!("sampled".parse::<Protocol>().is_err());
        assert!(!Protocol::Full.is_sampled());
        assert!(Protocol::Popular100.is_sampled());
        assert_eq!(Protocol::Full.label(), "full ranking");
    }

    #[test]
    fn plan_respects_budget() {
        let opts = EvalOptions {
            max_block_floats: 1000,
            max_users_per_block: 64,
            ..EvalOptions::default()
        };
        let plan = opts.plan(500, 3416);
        assert_eq!(plan.users_per_block, 64);
        assert_eq!(plan.range_len, 15);
        assert!(plan.buffer_len() <= 1000);
        assert_eq!(plan.n_ranges(), 3416usize.div_ceil(15));
        assert_eq!(plan.range(plan.n_ranges() - 1).end, 3416);
        // Budget smaller than the user cap: one item per range, budget users per block.
        let tiny = EvalOptions {
            max_block_floats: 3,
            ..opts.clone()
        };
        let plan = tiny.plan(10, 7);
        assert_eq!((plan.users_per_block, plan.range_len), (3, 1));
        // Whole catalogue fits: one range.
        let plan = EvalOptions::default().plan(6040, 3416);
        assert_eq!((plan.users_per_block, plan.n_ranges()), (256, 1));
        // Zero limits are clamped, never divide by zero.
        let zero = EvalOptions {
            max_block_floats: 0,
            max_users_per_block: 0,
            ..opts
        };
        let plan = zero.plan(0, 5);
        assert_eq!(
            (plan.users_per_block, plan.range_len, plan.n_ranges()),
            (1, 1, 5)
        );
    }

    #[test]
    fn options_deserialize_with_defaults() {
        let opts: EvalOptions =
            serde_json::from_str(r#"{"protocol":"popular-100","seed":3}"#).unwrap();
        assert_eq!(opts.protocol, Protocol::Popular100);
        assert_eq!(opts.seed, 3);
        assert_eq!(opts.max_users_per_block, 256);
    }
}
