//! The data layer: interaction files in, dense per-user item sequences out; id maps, item
//! metadata, the leave-one-out split and statistics. Plain Rust (no burn, no egui).
//!
//! Supported interaction formats (see [`format`](mod@format) for how they are detected):
//! SASRec text (`user item` per line or one user per line), delimited text with or without a
//! header (CSV, TSV, `;`, `|`, whitespace), and MovieLens `ratings.dat` / `u.data`; any of
//! these compressed with gzip or zstd (told by the magic number, not the extension); and
//! Parquet (`parquet_read`).
//!
//! Bad input never panics: fatal problems are a [`DataError`] naming the file and line;
//! row-level problems are skipped and counted in the dataset's [`ImportReport`] (or are fatal
//! with [`LoadOptions::strict`]).

mod aliases;
mod atomic;
mod builder;
mod column_guess;
mod columns;
mod compressed;
mod dataset;
mod delimited;
mod error;
pub mod format;
mod format_kind;
mod hash;
mod human_bytes;
mod idmap;
mod load;
mod memory;
mod meta;
mod meta_guess;
mod movielens;
mod options;
mod parquet_read;
mod parquet_values;
mod popularity;
mod records;
mod report;
mod row_reader;
mod sasrec;
mod split;
mod stats;
mod text;
mod text_stream;
mod timestamp;

#[cfg(not(scratch))]
pub mod graph;
#[cfg(not(scratch))]
pub mod synth;

#[cfg(test)]
mod tests;

pub use aliases::NO_COLUMN;
pub use atomic::write_file_atomically;
pub use column_guess::{ColumnGuess, guess_columns};
pub use compressed::text_head;
pub use dataset::Dataset;
pub use error::{BEHAVIOUR_FLAG, DataError, DataErrorKind, ITEM_FLAG, TIME_FLAG, USER_FLAG};
pub use format_kind::{Format, ParseFormatError};
pub use hash::{Fnv1a, fnv1a, hash_label};
pub use idmap::IdMap;
pub use load::{load_dataset, load_dataset_bytes};
pub use memory::{MEMORY_LIMIT_VAR, available_memory, estimate_load_bytes};
pub use meta::{ItemMeta, load_item_meta, load_item_meta_bytes};
pub use meta_guess::guess_item_meta;
pub use options::LoadOptions;
pub use popularity::{POPULARITY_LIST_MAX_ITEMS, PopularitySummary, StatsJson, popularity_summary};
pub use report::{
    ImportReport, REASON_COLUMNS, REASON_DUPLICATE, REASON_EMPTY_ID, REASON_HEADER, REASON_QUOTE,
    REASON_SAME_EVENT, REASON_TIMESTAMP, SkippedRows,
};
pub use split::{Split, leave_one_out};
pub use stats::{DatasetStats, LengthStats, dataset_stats};
