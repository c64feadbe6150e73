//! Deterministic generator of the bundled sample data (`sample_data/`): a synthetic ad log.
//!
//! The log is built to have real structure for the models to find:
//! - **Campaigns and funnels**: ads belong to categories (one brand's campaign each); within a
//!   category, each product has a chain of ads in funnel order (teaser → launch → retargeting →
//!   last call), and products link to one or two related products ("customers who saw X next
//!   saw Y"). Users tend to walk these chains, so the next ad is predictable from the last few.
//! - **Drifting interests**: every user has two or three favourite categories; at a new session a
//!   new category sometimes becomes the primary interest and the weakest one is dropped.
//! - **Popularity skew**: Zipf-like popularity of products within a category, gentler skew
//!   across categories.
//! - **Funnel events**: each row is one exposure with the deepest stage reached (impression,
//!   click, conversion); click and conversion rates depend on the user's affinity to the
//!   category and on the ad's funnel stage, and clickers are retargeted more than the others.
//! - **Noise**: some exposures are random (by popularity); repeated ads are rare.
//!
//! Everything is drawn from a hand-written SplitMix64 with integer-only sampling, so the bytes
//! of the output never change across runs, platforms or Rust versions for a given config.

mod behaviour;
mod catalogue;
mod funnel;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::rng::SplitMix64;
use catalogue::Catalogue;
use funnel::Event;

/// File name of the interaction log (`user_id,item_id,timestamp,event`).
pub const EVENTS_FILE: &str = "ad_events.csv";
/// File name of the ad catalogue (`item_id,title,category`).
pub const ADS_FILE: &str = "ads.csv";
/// Seed of the bundled sample data.
pub const DEFAULT_SEED: u64 = 7;
/// 2026-01-05T00:00:00Z, a Monday: the earliest timestamp of the bundled sample data.
pub const DEFAULT_START_TIMESTAMP: i64 = 1_767_571_200;

/// Stream number of the catalogue's random stream; users use streams `0..users`.
const CATALOGUE_STREAM: u64 = u64::MAX;

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

/// The generated log and ad catalogue as CSV text: the exact bytes of the two files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleData {
    /// Contents of [`EVENTS_FILE`]: header `user_id,item_id,timestamp,event`, rows sorted by
    /// timestamp (ties: user id, then the user's own order), LF line endings.
    pub events_csv: String,
    /// Contents of [`ADS_FILE`]: header `item_id,title,category`, one row per ad in id order,
    /// RFC 4180 quoting, LF line endings.
    pub ads_csv: String,
    /// Number of users with at least one row.
    pub users: usize,
    /// Number of ads in the catalogue.
    pub ads: usize,
    /// Number of rows of the log (header excluded).
    pub events: usize,
}

/// `prefix` followed by `number` zero-padded to `width` digits, e.g. `u0042`.
fn format_id(prefix: &str, number: usize, width: usize) -> String {
    format!("{prefix}{number:0width$}")
}

/// Digits needed for ids up to `count`, at least `min`.
fn id_width(count: usize, min: usize) -> usize {
    count.to_string().len().max(min)
}

/// `field` as an RFC 4180 CSV field: quoted (with doubled quotes) when it contains a comma, a
/// quote or a line break.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// One row of the log before sorting.
struct Row {
    /// Unix seconds.
    timestamp: i64,
    /// User index.
    user: usize,
    /// Position in the user's own log.
    position: usize,
    /// Ad index.
    ad: usize,
    /// Deepest funnel stage.
    event: Event,
}

/// Generates the log and catalogue for `config`; identical bytes for identical configs.
pub fn generate(config: &SynthConfig) -> SampleData {
    let catalogue = Catalogue::build(
        config.ads,
        config.categories,
        &mut SplitMix64::offset_stream(config.seed, CATALOGUE_STREAM),
    );
    let ad_width = id_width(config.ads, 3);
    let ad_ids: Vec<String> = (1..=config.ads)
        .map(|n| format_id("ad", n, ad_width))
        .collect();

    let mut ads_csv = String::from("item_id,title,category\n");
    for (id, ad) in ad_ids.iter().zip(&catalogue.ads) {
        let category = catalogue.categories.get(ad.category).map_or("", |c| c.name);
        ads_csv.push_str(&format!(
            "{id},{},{}\n",
            csv_field(&ad.title),
            csv_field(category)
        ));
    }

    let mut rows = Vec::new();
    let mut active_users = 0;
    for user in 0..config.users {
        let mut rng = SplitMix64::offset_stream(config.seed, user as u64);
        let log = behaviour::simulate_user(&catalogue, config, &mut rng);
        active_users += usize::from(!log.is_empty());
        rows.extend(log.iter().enumerate().map(|(position, e)| Row {
            timestamp: e.timestamp,
            user,
            position,
            ad: e.ad,
            event: e.event,
        }));
    }
    rows.sort_unstable_by_key(|r| (r.timestamp, r.user, r.position));

    let user_width = id_width(config.users, 4);
    let user_ids: Vec<String> = (1..=config.users)
        .map(|n| format_id("u", n, user_width))
        .collect();
    let mut events_csv = String::with_capacity(rows.len() * 36 + 32);
    events_csv.push_str("user_id,item_id,timestamp,event\n");
    for row in &rows {
        events_csv.push_str(&user_ids[row.user]);
        events_csv.push(',');
        events_csv.push_str(&ad_ids[row.ad]);
        events_csv.push(',');
        events_csv.push_str(&row.timestamp.to_string());
        events_csv.push(',');
        events_csv.push_str(row.event.as_str());
        events_csv.push('\n');
    }

    SampleData {
        events_csv,
        ads_csv,
        users: active_users,
        ads: catalogue.ads.len(),
        events: rows.len(),
    }
}

/// Generates the data for `config` and writes [`EVENTS_FILE`] and [`ADS_FILE`] into `dir`
/// (created if missing); returns the paths of the events file and the ads file.
pub fn write_sample_data(dir: &Path, config: &SynthConfig) -> std::io::Result<(PathBuf, PathBuf)> {
    let data = generate(config);
    std::fs::create_dir_all(dir)?;
    let events_path = dir.join(EVENTS_FILE);
    let ads_path = dir.join(ADS_FILE);
    std::fs::write(&events_path, data.events_csv.as_bytes())?;
    std::fs::write(&ads_path, data.ads_csv.as_bytes())?;
    Ok((events_path, ads_path))
}
