//! Reading an interaction file: the options, and the dispatch to the detected format's
//! reader.

use std::path::Path;

use super::dataset::Dataset;
use super::error::{DataError, DataErrorKind};
use super::format;
use super::format_kind::Format;
use super::hash::fnv1a;
use super::options::LoadOptions;
use super::{delimited, movielens, sasrec, text};

/// Reads an interaction file.
pub fn load_dataset(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    let bytes =
        std::fs::read(path).map_err(|error| DataError::new(path, DataErrorKind::Io(error)))?;
    load_dataset_bytes(path, &bytes, options)
}

/// Reads an interaction file that is already in memory (e.g. dropped onto the window);
/// `name` is used in messages and as [`Dataset::source`], and its extension as a format hint.
/// The dataset keeps the hash of `bytes` ([`Dataset::content_hash`]).
pub fn load_dataset_bytes(
    name: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    let text = text::decode(name, bytes)?;
    let detected = format::detect(name, text, options)?;
    let mut dataset = match detected.format {
        Format::Sasrec => sasrec::load(name, text, options.strict),
        Format::MovieLens => movielens::load(name, text, detected.delimiter, options.strict),
        Format::Delimited | Format::Auto => {
            delimited::load(name, text, detected.delimiter, options)
        }
    }?;
    dataset.content_hash = Some(fnv1a(bytes));
    Ok(dataset)
}
