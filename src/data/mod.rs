//! The data layer: interaction files in, dense per-user item sequences out; id maps, item
//! metadata, the leave-one-out split and statistics. Plain Rust (no burn, no egui).
//!
//! Supported interaction formats (see [`format`](mod@format) for how they are detected):
//! SASRec text (`user item` per line or one user per line), delimited text with or without a
//! header (CSV, TSV, `;`, `|`, whitespace), and MovieLens `ratings.dat` / `u.data`.
//!
//! Bad input never panics: fatal problems are a [`DataError`] naming the file and line;
//! row-level problems are skipped and counted in the dataset's [`ImportReport`] (or are fatal
//! with [`LoadOptions::strict`]).

mod builder;
mod columns;
mod dataset;
mod delimited;
mod error;
pub mod format;
mod idmap;
mod meta;
mod meta_guess;
mod movielens;
mod records;
mod report;
mod sasrec;
mod split;
mod stats;
mod text;
mod timestamp;

#[cfg(not(scratch))]
pub mod graph;
#[cfg(not(scratch))]
pub mod synth;

#[cfg(test)]
mod tests;

use std::path::Path;

pub use dataset::Dataset;
pub use error::{BEHAVIOUR_FLAG, DataError, DataErrorKind, ITEM_FLAG, TIME_FLAG, USER_FLAG};
pub use format::{Format, ParseFormatError};
pub use idmap::IdMap;
pub use meta::{ItemMeta, load_item_meta, load_item_meta_bytes};
pub use meta_guess::guess_item_meta;
pub use report::{
    ImportReport, REASON_COLUMNS, REASON_DUPLICATE, REASON_EMPTY_ID, REASON_QUOTE,
    REASON_TIMESTAMP, SkippedRows,
};
pub use split::{Split, leave_one_out};
pub use stats::{DatasetStats, LengthStats, dataset_stats};

/// How to read an interaction file. The default detects everything.
///
/// Columns of delimited text are found, in this order: by the names or 1-based positions given
/// here; in a header row, by common names, case-insensitively, with spaces and dashes read as
/// underscores (user: `user`, `user_id`, `userid`, `uid`, `reviewerID`, `visitorid`,
/// `customer_id`, `session_id`, …; item: `item`, `item_id`, `itemid`, `iid`, `movie_id`,
/// `product_id`, `asin`, `ad_id`, `sku`, …; timestamp: `timestamp`, `time`, `ts`, `datetime`,
/// `date`, `unix_timestamp`, `event_time`, …; behaviour: `event`, `behavior`, `behaviour`,
/// `behavior_type`, `action`, `event_type`, …). The first row is a header when it holds such a
/// name (or one given here) or has no numeric or date field. Without a header, the user is
/// column 1, the item column 2, the timestamp the last column (third or later) whose values
/// all look like times, and the behaviour the first other column of a few non-numeric values
/// (e.g. Taobao `user,item,category,behavior,ts`); the guess is reported as a warning.
#[derive(Default, Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// The file format; [`Format::Auto`] (the default) detects it.
    pub format: Format,
    /// The user column of delimited text: a header name (any case) or a 1-based position.
    pub user_column: Option<String>,
    /// The item column of delimited text: a header name (any case) or a 1-based position.
    pub item_column: Option<String>,
    /// The timestamp column of delimited text: a header name (any case) or a 1-based position.
    pub time_column: Option<String>,
    /// The behaviour-type column of delimited text: a header name or a 1-based position.
    pub behaviour_column: Option<String>,
    /// The field delimiter of delimited text (`b' '` means runs of whitespace); detected when
    /// `None`.
    pub delimiter: Option<u8>,
    /// Make row-level problems (wrong column count, empty ids, unreadable timestamps) fatal
    /// instead of skipping and counting them.
    pub strict: bool,
}

/// Reads an interaction file.
pub fn load_dataset(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    let bytes =
        std::fs::read(path).map_err(|error| DataError::new(path, DataErrorKind::Io(error)))?;
    load_dataset_bytes(path, &bytes, options)
}

/// Reads an interaction file that is already in memory (e.g. dropped onto the window);
/// `name` is used in messages and as [`Dataset::source`], and its extension as a format hint.
pub fn load_dataset_bytes(
    name: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    let text = text::decode(name, bytes)?;
    let detected = format::detect(name, text, options)?;
    match detected.format {
        Format::Sasrec => sasrec::load(name, text, options.strict),
        Format::MovieLens => movielens::load(name, text, detected.delimiter, options.strict),
        Format::Delimited | Format::Auto => {
            delimited::load(name, text, detected.delimiter, options)
        }
    }
}
