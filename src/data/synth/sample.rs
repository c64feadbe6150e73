//! Generating the log and the ad catalogue, and writing them as the bundled sample files.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::behaviour;
use super::catalogue::Catalogue;
use super::config::{ADS_FILE, EVENTS_FILE, SynthConfig};
use super::funnel::Event;
use crate::data::write_file_atomically;
use crate::rng::SplitMix64;

/// Stream number of the catalogue's random stream; users use streams `0..users`.
const CATALOGUE_STREAM: u64 = u64::MAX;

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
pub(super) fn csv_field(field: &str) -> String {
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
/// (created if missing; each file written whole or not at all); returns the paths of the
/// events file and the ads file.
pub fn write_sample_data(dir: &Path, config: &SynthConfig) -> std::io::Result<(PathBuf, PathBuf)> {
    let data = generate(config);
    std::fs::create_dir_all(dir)?;
    let events_path = dir.join(EVENTS_FILE);
    let ads_path = dir.join(ADS_FILE);
    write_file_atomically(&events_path, |file| {
        file.write_all(data.events_csv.as_bytes())
    })?;
    write_file_atomically(&ads_path, |file| file.write_all(data.ads_csv.as_bytes()))?;
    Ok((events_path, ads_path))
}
