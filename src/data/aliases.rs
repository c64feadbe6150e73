//! The header names each column role is known by (see [`super::columns`]): exact aliases,
//! the endings of a time column's name, and the word that asks for no column at all.

/// The column name or flag value that asks for no time or behaviour column
/// (`--time-col none`: rows keep their file order), where one would otherwise be found.
pub const NO_COLUMN: &str = "none";

/// Header names of the user column (normalised, see [`normalise`]).
pub(crate) const USER_ALIASES: &[&str] = &[
    "user",
    "user_id",
    "userid",
    "uid",
    "reviewerid",
    "reviewer_id",
    "visitorid",
    "visitor_id",
    "customer_id",
    "customerid",
    "customer",
    "client_id",
    "member_id",
    "account_id",
    "session_id",
    "sessionid",
    "u",
    "ip",
];
/// Header names of the item column (normalised).
pub(crate) const ITEM_ALIASES: &[&str] = &[
    "item",
    "item_id",
    "itemid",
    "iid",
    "movie_id",
    "movieid",
    "product_id",
    "productid",
    "asin",
    "ad_id",
    "adid",
    "ad",
    "product",
    "movie",
    "sku",
    "article_id",
    "track_id",
    "song_id",
    "book_id",
    "isbn",
    "business_id",
    "video_id",
    "content_id",
    "creative_id",
    "campaign_id",
    "app_id",
    "app",
    "i",
];
/// Header names of the timestamp column (normalised).
pub(crate) const TIME_ALIASES: &[&str] = &[
    "timestamp",
    "time",
    "ts",
    "datetime",
    "date_time",
    "date",
    "unix_timestamp",
    "unixtime",
    "unix_time",
    "unixreviewtime",
    "unix_review_time",
    "event_time",
    "time_stamp",
    "created_at",
    "timestamp_ms",
    "t",
];
/// Header names of the behaviour-type column (normalised).
pub(crate) const BEHAVIOUR_ALIASES: &[&str] = &[
    "event",
    "behavior",
    "behaviour",
    "behavior_type",
    "behaviour_type",
    "action",
    "event_type",
    "action_type",
    "interaction",
    "interaction_type",
    "btag",
    "type",
];

/// Name endings of a time column no alias names (`click_time`, `created_at`, `event_ts`).
pub(crate) const TIME_SUFFIXES: &[&str] =
    &["_time", "_at", "_ts", "_timestamp", "_date", "_datetime"];
