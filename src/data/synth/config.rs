//! The generator's parameters and the bundled sample data's file names and defaults.

/// File name of the interaction log (`user_id,item_id,timestamp,event`).
pub const EVENTS_FILE: &str = "ad_events.csv";
/// File name of the ad catalogue (`item_id,title,category`).
pub const ADS_FILE: &str = "ads.csv";
/// Seed of the bundled sample data.
pub const DEFAULT_SEED: u64 = 7;
/// 2026-01-05T00:00:00Z, a Monday: the earliest timestamp of the bundled sample data.
pub const DEFAULT_START_TIMESTAMP: i64 = 1_767_571_200;

/// Parameters of the synthetic ad log. `Default` gives the bundled sample data.
///
/// Probabilities are integers per mille (1000 = always) so that sampling stays integer-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthConfig {
    /// Master seed (default [`DEFAULT_SEED`] = 7). Different seeds give different logs.
    pub seed: u64,
    /// Number of users (default 2,500); ids `u0001`, `u0002`, … (at least four digits).
    pub users: usize,
    /// Number of ads (default 300); ids `ad001`, `ad002`, … (at least three digits).
    pub ads: usize,
    /// Number of categories (campaigns), clamped to 1..=16 and to at most `ads` (default 12).
    pub categories: usize,
    /// Shortest user log (default 5; values below 1 count as 1).
    pub min_sequence_length: usize,
    /// Mean user log length, geometric tail above the minimum (default 30).
    pub mean_sequence_length: usize,
    /// Longest user log (default 150; raised to the minimum if below it).
    pub max_sequence_length: usize,
    /// Share of random exposures outside the user's funnel, per mille (default 120).
    pub noise_per_mille: u32,
    /// Strength of the sequential follow-ups (funnel continuation, related products), per mille
    /// of the built-in probabilities (default 1000; 0 removes the sequential structure).
    pub follow_up_per_mille: u32,
    /// Chance per session that a new category becomes the user's primary interest, per mille
    /// (default 250).
    pub drift_per_mille: u32,
    /// Chance that a fresh funnel entry goes to any category rather than a favourite, per
    /// mille (default 120).
    pub explore_per_mille: u32,
    /// Earliest possible timestamp, unix seconds (default [`DEFAULT_START_TIMESTAMP`]).
    pub start_timestamp: i64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            users: 2_500,
            ads: 300,
            categories: 12,
            min_sequence_length: 5,
            mean_sequence_length: 30,
            max_sequence_length: 150,
            noise_per_mille: 120,
            follow_up_per_mille: 1000,
            drift_per_mille: 250,
            explore_per_mille: 120,
            start_timestamp: DEFAULT_START_TIMESTAMP,
        }
    }
}
