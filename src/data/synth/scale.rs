//! The scale generator (`sequda data synth-scale`): an interaction log of any size for
//! benchmarks and tests, streamed to CSV row by row (memory grows with the catalogue, never
//! with the interactions).
//!
//! - **Zipf popularity**: item ranks are drawn with `P(r) ∝ r^−s` (`zipf_exponent`, default
//!   1.0); ranks map to item ids through a seeded permutation, so popular ids are scattered.
//! - **Something to learn**: with probability `follow_per_mille` the next item is one of four
//!   fixed successors of the previous item (each successor itself a Zipf draw, fixed per item
//!   and seed), otherwise a fresh Zipf draw. The popularity stays Zipf-shaped.
//! - **Per-user chronology**: each user's rows are written together, in strictly increasing
//!   time (so none is a duplicate), from a start within the year after `start_timestamp`.
//! - **Whole catalogue** (`cover_catalogue`, off by default): every `⌊interactions / items⌋`-th
//!   row, counted over the whole file, is replaced by the next rank in order until every rank
//!   has been written once, so all `items` ids occur (a floor of one occurrence under the Zipf
//!   curve). Without it, rarely drawn items may not appear: 5,000,000 rows over 1,000,000
//!   items with `s = 1` use about 436,000 of them.
//! - **Lengths**: every user has at least 3 interactions (so leave-one-out evaluates every
//!   one); the rest are shared out in proportion to exponential weights (a geometric-like
//!   tail), and the total is exactly `interactions`.
//!
//! Deterministic: the same config writes the same bytes on one platform (the Zipf and length
//! weights are floating point, through `powf` and `ln`, so another platform's maths library
//! could move a rare draw; the bundled sample data, which must never change, is integer-only).

use std::io::Write;
use std::path::Path;

use crate::rng::SplitMix64;

/// Interactions every user gets before the rest is shared out.
pub const MIN_USER_INTERACTIONS: usize = 3;
/// Fixed successors per item for the sequential follow-ups.
const SUCCESSORS: u64 = 4;
/// Seconds in the year over which users start.
const START_SPREAD_SECONDS: u64 = 365 * 24 * 3600;
/// Longest gap between two of a user's interactions, in seconds (two days).
const MAX_GAP_SECONDS: u64 = 2 * 24 * 3600;

/// Parameters of a scale log.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleConfig {
    /// Users (ids `u0` … `u{users−1}`).
    pub users: usize,
    /// Catalogue size (ids `i0` … `i{items−1}`); rarely drawn items may not appear unless
    /// `cover_catalogue` is on.
    pub items: usize,
    /// Total rows, at least `3 × users`.
    pub interactions: usize,
    /// Master seed.
    pub seed: u64,
    /// Zipf exponent `s` of item popularity (default 1.0).
    pub zipf_exponent: f64,
    /// Chance, per mille, that the next item follows from the previous one (default 500).
    pub follow_per_mille: u32,
    /// Earliest start time, unix seconds (default 2026-01-05).
    pub start_timestamp: i64,
    /// Every item occurs at least once (needs `interactions ≥ items`; default off).
    pub cover_catalogue: bool,
}

impl Default for ScaleConfig {
    fn default() -> Self {
        Self {
            users: 10_000,
            items: 50_000,
            interactions: 500_000,
            seed: 1,
            zipf_exponent: 1.0,
            follow_per_mille: 500,
            start_timestamp: super::DEFAULT_START_TIMESTAMP,
            cover_catalogue: false,
        }
    }
}

/// Why a scale log cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    /// The numbers do not describe a log.
    #[error("invalid scale log: {0}")]
    Invalid(String),
    /// Writing failed.
    #[error("writing the scale log: {0}")]
    Io(#[from] std::io::Error),
}

impl ScaleConfig {
    /// Fails when there are no users or items, fewer than 3 interactions per user, more than
    /// `u32::MAX` items, or a Zipf exponent that is negative or not a number.
    pub fn validate(&self) -> Result<(), ScaleError> {
        let invalid = |text: String| Err(ScaleError::Invalid(text));
        if self.users == 0 || self.items == 0 {
            return invalid("users and items must be at least 1".into());
        }
        if self.items > u32::MAX as usize {
            return invalid(format!("at most {} items", u32::MAX));
        }
        if self.interactions < MIN_USER_INTERACTIONS * self.users {
            return invalid(format!(
                "interactions must be at least {MIN_USER_INTERACTIONS} per user ({}), got {}",
                MIN_USER_INTERACTIONS * self.users,
                self.interactions
            ));
        }
        if self.cover_catalogue && self.interactions < self.items {
            return invalid(format!(
                "covering the catalogue needs at least one interaction per item ({}), got {}",
                self.items, self.interactions
            ));
        }
        if !(self.zipf_exponent.is_finite() && self.zipf_exponent >= 0.0) {
            return invalid(format!(
                "the Zipf exponent must be a number ≥ 0, got {}",
                self.zipf_exponent
            ));
        }
        Ok(())
    }
}

/// Writes the log to `path` (`user_id,item_id,timestamp`); returns the rows written.
pub fn write_scale_data(path: &Path, config: &ScaleConfig) -> Result<u64, ScaleError> {
    config.validate()?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let file = std::fs::File::create(path)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let rows = write_scale_rows(&mut out, config)?;
    out.flush()?;
    Ok(rows)
}

/// Writes the log's header and rows to `out`, user after user; returns the rows written.
pub fn write_scale_rows(out: &mut impl Write, config: &ScaleConfig) -> Result<u64, ScaleError> {
    config.validate()?;
    let popularity = ZipfItems::new(config);
    let lengths = UserLengths::new(config);
    writeln!(out, "user_id,item_id,timestamp")?;
    let cover_stride = (config.interactions / config.items).max(1) as u64;
    let mut rows = 0u64;
    for (user, length) in lengths.enumerate() {
        let mut rng = SplitMix64::for_stream(config.seed, user as u64);
        let mut time = config.start_timestamp + rng.below(START_SPREAD_SECONDS) as i64;
        let mut rank = popularity.draw_rank(&mut rng);
        for position in 0..length {
            if position > 0 {
                time += 1 + rng.below(MAX_GAP_SECONDS) as i64;
                rank = if rng.chance(config.follow_per_mille) {
                    popularity.successor(rank, rng.below(SUCCESSORS))
                } else {
                    popularity.draw_rank(&mut rng)
                };
            }
            if config.cover_catalogue && rows.is_multiple_of(cover_stride) {
                // The draws above still happen, so the rows after this one are unchanged.
                let next_uncovered = (rows / cover_stride) as usize;
                if next_uncovered < config.items {
                    rank = next_uncovered;
                }
            }
            writeln!(out, "u{user},i{},{time}", popularity.item_of(rank))?;
            rows += 1;
        }
    }
    Ok(rows)
}

/// Zipf-distributed ranks and the permutation from rank to item id.
struct ZipfItems {
    /// Running sums of `r^−s` over ranks `1..=items` (index `r − 1`).
    cumulative: Vec<f64>,
    /// Rank (0-based) → item id.
    item_of_rank: Vec<u32>,
    /// Seed of the successor table.
    seed: u64,
}

impl ZipfItems {
    fn new(config: &ScaleConfig) -> Self {
        let s = config.zipf_exponent;
        let mut sum = 0.0;
        let cumulative = (1..=config.items)
            .map(|rank| {
                let r = rank as f64;
                sum += if s == 1.0 { 1.0 / r } else { r.powf(-s) };
                sum
            })
            .collect();
        let mut item_of_rank: Vec<u32> = (0..config.items as u32).collect();
        let mut rng = SplitMix64::for_stream(config.seed, u64::MAX);
        for i in (1..item_of_rank.len()).rev() {
            item_of_rank.swap(i, rng.index(i + 1));
        }
        Self {
            cumulative,
            item_of_rank,
            seed: config.seed,
        }
    }

    /// A 0-based rank, Zipf-distributed.
    fn draw_rank(&self, rng: &mut SplitMix64) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.next_f64() * total;
        self.cumulative
            .partition_point(|&sum| sum <= target)
            .min(self.cumulative.len() - 1)
    }

    /// Successor `which` (0..4) of rank `rank`: a Zipf draw fixed by the seed and the pair.
    fn successor(&self, rank: usize, which: u64) -> usize {
        let stream = (rank as u64).wrapping_mul(SUCCESSORS).wrapping_add(which);
        let mut rng = SplitMix64::for_stream(self.seed ^ 0x5343_414C_4546_4F4C, stream);
        self.draw_rank(&mut rng)
    }

    /// The item id of a rank.
    fn item_of(&self, rank: usize) -> u32 {
        self.item_of_rank[rank]
    }
}

/// Each user's number of interactions, in user order, without holding them: `3 +` a share
/// of the rest in proportion to an exponential weight drawn from the user's own stream, with
/// the cumulative rounding that makes the total exact.
struct UserLengths {
    /// Users.
    users: usize,
    /// Interactions beyond 3 per user.
    rest: f64,
    /// Sum of every user's weight.
    total_weight: f64,
    /// Seed the weights are drawn from.
    seed: u64,
    /// The next user.
    next: usize,
    /// Weight of the users before `next`.
    cumulative: f64,
    /// Rest given to the users before `next`.
    given: u64,
}

impl UserLengths {
    fn new(config: &ScaleConfig) -> Self {
        let seed = config.seed ^ 0x4C45_4E47_5448_5321;
        let total_weight = (0..config.users).map(|u| weight(seed, u)).sum();
        Self {
            users: config.users,
            rest: (config.interactions - MIN_USER_INTERACTIONS * config.users) as f64,
            total_weight,
            seed,
            next: 0,
            cumulative: 0.0,
            given: 0,
        }
    }
}

impl Iterator for UserLengths {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.next == self.users {
            return None;
        }
        self.cumulative += weight(self.seed, self.next);
        self.next += 1;
        let until = if self.next == self.users {
            self.rest as u64
        } else {
            (self.rest * self.cumulative / self.total_weight).floor() as u64
        };
        let share = until.saturating_sub(self.given);
        self.given = self.given.max(until);
        Some(MIN_USER_INTERACTIONS + share as usize)
    }
}

/// User `user`'s exponential weight `−ln(1 − u)`.
fn weight(seed: u64, user: usize) -> f64 {
    let u = SplitMix64::for_stream(seed, user as u64).next_f64();
    -(1.0 - u).ln()
}

#[cfg(test)]
#[path = "scale_tests.rs"]
mod tests;
