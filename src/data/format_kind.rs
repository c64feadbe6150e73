//! The interaction file formats the loader knows, by name (`--format`).

use std::fmt;
use std::str::FromStr;

/// The format of an interaction file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// Detect from the content (and the extension, as a hint).
    #[default]
    Auto,
    /// SASRec/BERT4Rec text: `user item` per line, or `user item item …` (one user per line),
    /// separated by whitespace.
    Sasrec,
    /// Delimited text (CSV, TSV, `;`, `|`, or whitespace-separated columns), usually with a
    /// header naming the user, item, timestamp and behaviour columns.
    Delimited,
    /// MovieLens `ratings.dat` (`user::item::rating::timestamp`) or `u.data`
    /// (`user<TAB>item<TAB>rating<TAB>timestamp`).
    MovieLens,
    /// Apache Parquet: one row per interaction, columns named as in a CSV header. Always
    /// detected by its magic number, whatever the extension or `--format`.
    Parquet,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Sasrec => "sasrec",
            Self::Delimited => "delimited",
            Self::MovieLens => "movielens",
            Self::Parquet => "parquet",
        })
    }
}

/// An unknown format name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown data format `{0}`; use one of auto, sasrec, csv (delimited), movielens, parquet")]
pub struct ParseFormatError(pub String);

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Accepts `auto`, `sasrec` (or `txt`), `csv`, `tsv` or `delimited`, and `movielens`
    /// (or `ml`), and `parquet` (or `pq`), in any case.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "sasrec" | "txt" => Ok(Self::Sasrec),
            "csv" | "tsv" | "delimited" => Ok(Self::Delimited),
            "movielens" | "ml" => Ok(Self::MovieLens),
            "parquet" | "pq" => Ok(Self::Parquet),
            _ => Err(ParseFormatError(super::error::one_line(name, 40))),
        }
    }
}
