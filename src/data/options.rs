//! How to read an interaction file (`--format`, `--user-col` and friends).

use super::format_kind::Format;

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
/// (e.g. Taobao `user,item,category,behavior,ts`); the guess is reported as a warning. A time
/// or behaviour column given as `none` means there is none (rows keep their file order).
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
