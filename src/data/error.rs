//! Typed errors of the data layer.
//!
//! Every fatal problem with an input file is a [`DataError`]: the file, the line when one is to
//! blame, and a [`DataErrorKind`]. Its `Display` is a single plain-language line of the form
//! `<path>:<line>: <reason>` (or `<path>: <reason>`) that says what to do when that is useful.
//! Row-level problems that are not fatal are counted in an
//! [`ImportReport`](super::ImportReport) instead.

use std::path::{Path, PathBuf};

/// Command-line flag that names the user column (quoted in error messages).
pub const USER_FLAG: &str = "--user-col";
/// Command-line flag that names the item column (quoted in error messages).
pub const ITEM_FLAG: &str = "--item-col";
/// Command-line flag that names the timestamp column (quoted in error messages).
pub const TIME_FLAG: &str = "--time-col";
/// Command-line flag that names the behaviour column (quoted in error messages).
pub const BEHAVIOUR_FLAG: &str = "--behaviour-col";

/// A fatal problem with an input file: which file, which line (when one is to blame) and why.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {kind}", .path.display(), line_suffix(.line))]
pub struct DataError {
    /// The file (or the name given to in-memory bytes).
    pub path: PathBuf,
    /// 1-based line number, when a particular line is to blame.
    pub line: Option<u64>,
    /// What went wrong.
    pub kind: DataErrorKind,
}

impl DataError {
    /// An error about the whole file.
    pub fn new(path: &Path, kind: DataErrorKind) -> Self {
        Self {
            path: path.to_path_buf(),
            line: None,
            kind,
        }
    }

    /// An error about one line of the file.
    pub fn at_line(path: &Path, line: u64, kind: DataErrorKind) -> Self {
        Self {
            path: path.to_path_buf(),
            line: Some(line),
            kind,
        }
    }
}

/// `:<line>` or nothing.
fn line_suffix(line: &Option<u64>) -> String {
    match line {
        Some(line) => format!(":{line}"),
        None => String::new(),
    }
}

/// Why a file could not be loaded. Messages are one line and never repeat the path.
#[derive(Debug, thiserror::Error)]
pub enum DataErrorKind {
    /// The file could not be opened or read (not found, no permission, …).
    #[error("cannot read the file: {}", io_reason(.0))]
    Io(std::io::Error),
    /// The file has no text at all (zero bytes, or only blank lines).
    #[error("the file is empty")]
    Empty,
    /// A line holds bytes that are not UTF-8 text.
    #[error("this line has bytes that are not valid UTF-8 text; re-save the file as UTF-8")]
    NotUtf8,
    /// The file is UTF-16 text (it starts with a UTF-16 byte-order mark).
    #[error("the file is UTF-16 text; re-save it as UTF-8")]
    Utf16,
    /// The file holds binary data (NUL bytes or mostly control characters) rather than text.
    #[error("binary data where text was expected; this does not look like a text file")]
    Binary,
    /// The file is a known compressed or binary container; `what` names it.
    #[error("the file is {what}; {advice}")]
    Compressed {
        /// What the file is, e.g. "gzip-compressed".
        what: &'static str,
        /// What to do about it.
        advice: &'static str,
    },
    /// A gzip or zstd stream that is corrupt or cut short.
    #[error(
        "the {what} stream is corrupt or cut short ({detail}); copy or download the file again"
    )]
    Decompress {
        /// The compression, e.g. "gzip".
        what: &'static str,
        /// What the decompressor said.
        detail: String,
    },
    /// A compressed stream that decompresses to more than the stated limit.
    #[error(
        "the {what} stream of {compressed} bytes decompresses to more than {limit} bytes, more than any log compresses; it is refused as a decompression bomb (decompress it yourself if it is genuine)"
    )]
    DecompressedTooLarge {
        /// The compression, e.g. "gzip".
        what: &'static str,
        /// The size of the compressed file.
        compressed: u64,
        /// The most it may decompress to.
        limit: u64,
    },
    /// Loading the file is expected to need more memory than the system has available
    /// ([`super::memory`]).
    #[error(
        "loading this {} file needs about {} of memory at its peak, but only {} is available; close other programs, load it on a machine with more memory, or load a sample of it (the estimate can be overridden with SEQUDA_MEMORY_LIMIT)",
        super::human_bytes::human_bytes(*.file),
        super::human_bytes::human_bytes(*.needed),
        super::human_bytes::human_bytes(*.available)
    )]
    TooLargeForMemory {
        /// The file's size in bytes.
        file: u64,
        /// Estimated peak bytes to load it.
        needed: u64,
        /// Bytes available.
        available: u64,
    },
    /// A Parquet file that cannot be read (corrupt, truncated, or using an unsupported codec
    /// or type); `detail` says where when a row group is to blame.
    #[error("cannot read the Parquet file: {detail}")]
    Parquet {
        /// What the Parquet reader said, and where.
        detail: String,
    },
    /// `--format parquet` was given for a file that is not Parquet.
    #[error(
        "the format was set to parquet, but the file does not start with the Parquet magic number PAR1; leave out --format to detect it"
    )]
    NotParquet,
    /// There are no data rows: the file holds a header only (or nothing after it).
    #[error("no usable rows: the file has no data rows after the header")]
    NoUsableRows,
    /// Every data row was skipped because of row-level problems.
    #[error(
        "no usable rows: {} (first problem: {first_problem}); check the format and column options",
        all_skipped(*.rows)
    )]
    AllRowsSkipped {
        /// How many data rows were read.
        rows: u64,
        /// The first problem met, with its line.
        first_problem: String,
    },
    /// A line has fewer than two fields, so no user–item pair can be read from the file.
    #[error(
        "only {found} column found; each row needs at least a user and an item (for example `user item` or `user,item`)"
    )]
    TooFewColumns {
        /// How many columns were found.
        found: usize,
    },
    /// A required (or explicitly requested) column is not in the header.
    #[error("{}", missing_column_message(.role, .wanted.as_deref(), .available, .flag))]
    MissingColumn {
        /// "user", "item", "timestamp" or "behaviour".
        role: &'static str,
        /// The name that was asked for, when one was given.
        wanted: Option<String>,
        /// The columns the file does have.
        available: Vec<String>,
        /// The option that selects this column.
        flag: &'static str,
    },
    /// A column was named, but the file has no header row, so columns go by position.
    #[error(
        "the file has no header row, so the {role} column `{wanted}` cannot be found by name; give its position (1 to {columns}), e.g. {flag} 1"
    )]
    HeaderlessColumnName {
        /// "user", "item", "timestamp" or "behaviour".
        role: &'static str,
        /// The name that was asked for.
        wanted: String,
        /// How many columns the rows have.
        columns: usize,
        /// The option that selects this column.
        flag: &'static str,
    },
    /// Two roles were given the same column.
    #[error(
        "column `{column}` cannot be both the {first} and the {second}; choose different columns"
    )]
    ColumnConflict {
        /// The first role.
        first: &'static str,
        /// The second role.
        second: &'static str,
        /// The shared column.
        column: String,
    },
    /// The behaviour column has too many distinct values to be a behaviour type.
    #[error(
        "the behaviour column has more than {max} distinct values, so it is probably not a behaviour type; choose another with {BEHAVIOUR_FLAG}"
    )]
    TooManyBehaviours {
        /// The largest supported number of behaviour types.
        max: usize,
    },
    /// A row-level problem in strict mode.
    #[error("{detail} (strict mode: fix this row, or leave out --strict to skip such rows)")]
    BadRow {
        /// The problem class, as counted in an import report (e.g. "wrong number of columns").
        reason: String,
        /// What exactly is wrong with this row.
        detail: String,
    },
    /// None of the ids in an item-metadata file are items of the dataset.
    #[error(
        "none of the {rows} item ids in this metadata file are items of the dataset (metadata id `{meta_example}`, dataset id `{data_example}`); is it the metadata for another dataset?"
    )]
    NoMatchingItems {
        /// How many metadata rows were read.
        rows: u64,
        /// An id from the metadata file.
        meta_example: String,
        /// An id from the dataset.
        data_example: String,
    },
}

/// The reason part of an I/O error, in plain words for the common cases.
fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "file not found; check the path".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "this is a folder, not a file".to_owned(),
        _ => one_line(&error.to_string(), 200),
    }
}

/// "the only data row was skipped" or "all N data rows were skipped".
fn all_skipped(rows: u64) -> String {
    if rows == 1 {
        "the only data row was skipped".to_owned()
    } else {
        format!("all {rows} data rows were skipped")
    }
}

/// The message of [`DataErrorKind::MissingColumn`].
fn missing_column_message(
    role: &str,
    wanted: Option<&str>,
    available: &[String],
    flag: &str,
) -> String {
    let columns = column_list(available);
    match wanted {
        Some(name) => format!(
            "there is no column `{}` for the {role}; the columns are: {columns}; choose one with {flag} NAME (or its position, 1, 2, …)",
            one_line(name, 60)
        ),
        None => format!(
            "no {role} column found; the columns are: {columns}; name it with {flag} NAME (or its position, 1, 2, …); if the file has no header row, give positions, e.g. {USER_FLAG} 1 {ITEM_FLAG} 2"
        ),
    }
}

/// A short, one-line list of column names.
fn column_list(available: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut names: Vec<String> = available
        .iter()
        .take(SHOWN)
        .map(|name| format!("`{}`", one_line(name, 40)))
        .collect();
    if available.len() > SHOWN {
        names.push(format!("… ({} in all)", available.len()));
    }
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

/// `text` shortened to `max_chars` characters with control characters (newlines included)
/// escaped, so that it is safe to put into a one-line message.
pub(crate) fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (count, ch) in text.chars().enumerate() {
        if count >= max_chars {
            out.push('…');
            break;
        }
        if ch.is_control() {
            out.extend(ch.escape_default());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_path_and_line() {
        let error = DataError::at_line(Path::new("data/x.csv"), 7, DataErrorKind::NotUtf8);
        let text = error.to_string();
        assert!(text.starts_with("data/x.csv:7: "), "{text}");
        assert!(!text.contains('\n'));
        let error = DataError::new(Path::new("y.txt"), DataErrorKind::Empty);
        assert_eq!(error.to_string(), "y.txt: the file is empty");
    }

    #[test]
    fn missing_column_lists_columns_and_flag() {
        let kind = DataErrorKind::MissingColumn {
            role: "user",
            wanted: None,
            available: vec!["a".into(), "b\nc".into()],
            flag: USER_FLAG,
        };
        let text = kind.to_string();
        assert!(text.contains("`a`, `b\\nc`"), "{text}");
        assert!(text.contains(USER_FLAG));
        assert!(!text.contains('\n'));
    }

    #[test]
    fn not_found_is_plain() {
        let kind = DataErrorKind::Io(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(
            kind.to_string(),
            "cannot read the file: file not found; check the path"
        );
    }

    #[test]
    fn one_line_truncates() {
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("a\tb", 10), "a\\tb");
    }
}
