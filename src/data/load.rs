//! Reading an interaction file: the options, and the dispatch to the detected format's
//! reader.
//!
//! What a file holds is told by its first bytes, never by its extension alone: a gzip or zstd
//! stream is decompressed in memory first ([`compressed`]); Parquet (`PAR1`) goes to the
//! Parquet reader; anything else is text, whose format [`format::detect`] decides.

use std::io::Read;
use std::path::Path;

use super::compressed::{self, Container};
use super::dataset::Dataset;
use super::error::{DataError, DataErrorKind};
use super::format;
use super::format_kind::Format;
use super::hash::fnv1a;
use super::options::LoadOptions;
use super::{delimited, memory, movielens, parquet_read, sasrec, text};

/// Reads an interaction file: text (CSV, TSV, SASRec, MovieLens), the same compressed with
/// gzip or zstd, or Parquet.
///
/// A file that is expected to need more memory than is available is refused first
/// ([`memory::check_fits`]), and the file's bytes are reserved without aborting when the
/// allocation fails.
pub fn load_dataset(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    memory::check_fits(path)?;
    let bytes = read_whole(path)?;
    load_dataset_bytes(path, &bytes, options)
}

/// The file's bytes, in a buffer reserved up front: an allocation the system refuses is a
/// [`DataErrorKind::TooLargeForMemory`] error, not an abort.
fn read_whole(path: &Path) -> Result<Vec<u8>, DataError> {
    let io = |error| DataError::new(path, DataErrorKind::Io(error));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut bytes = Vec::new();
    if bytes
        .try_reserve_exact(usize::try_from(len).unwrap_or(usize::MAX))
        .is_err()
    {
        let kind = DataErrorKind::TooLargeForMemory {
            file: len,
            needed: len,
            available: memory::available_memory().unwrap_or(0),
        };
        return Err(DataError::new(path, kind));
    }
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// Reads an interaction file that is already in memory (e.g. dropped onto the window);
/// `name` is used in messages and as [`Dataset::source`], and its extension as a format hint.
/// The dataset keeps the hash of `bytes` as given, compressed or not
/// ([`Dataset::content_hash`]).
pub fn load_dataset_bytes(
    name: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    let decompressed = compressed::decompress(name, bytes)?;
    let inner = decompressed.as_deref().unwrap_or(bytes);
    let mut dataset = if Container::of(inner) == Container::Parquet {
        parquet_read::load(name, inner, options)?
    } else if options.format == Format::Parquet {
        return Err(DataError::new(name, DataErrorKind::NotParquet));
    } else {
        load_text(name, inner, options)?
    };
    dataset.content_hash = Some(fnv1a(bytes));
    Ok(dataset)
}

/// Reads an interaction file of text, detecting its format unless the options give it.
fn load_text(name: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Dataset, DataError> {
    let text = text::decode(name, bytes)?;
    let detected = format::detect(name, text, options)?;
    match detected.format {
        Format::Sasrec => sasrec::load(name, text, options.strict),
        Format::MovieLens => movielens::load(name, text, detected.delimiter, options.strict),
        Format::Delimited | Format::Auto | Format::Parquet => {
            delimited::load(name, text, detected.delimiter, options)
        }
    }
}
