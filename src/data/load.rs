//! Reading an interaction file: the options, and the dispatch to the detected format's
//! reader.
//!
//! What a file holds is told by its first bytes, never by its extension alone: a gzip or zstd
//! stream is decompressed as it is read, and text (plain or decompressed) is read in pieces
//! ([`text_stream`]), so neither the decompressed file nor, for plain text, the file itself is
//! ever held whole; a Parquet file (`PAR1`) is read by the Parquet reader where its row groups
//! are, not whole either. The content hash is of the file's bytes as stored.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::compressed::{Container, decompress_error};
use super::dataset::Dataset;
use super::error::{DataError, DataErrorKind};
use super::hash::{Fnv1a, fnv1a};
use super::options::LoadOptions;
use super::text_stream::{self, Pieces, Source};
use super::{memory, parquet_read};

/// Reads an interaction file: text (CSV, TSV, SASRec, MovieLens), the same compressed with
/// gzip or zstd, or Parquet.
///
/// A file that is expected to need more memory than is available is refused first
/// ([`memory::check_fits`]), and buffers are reserved without aborting when an allocation
/// fails.
pub fn load_dataset(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    memory::check_fits(path)?;
    let io = |error| DataError::new(path, DataErrorKind::Io(error));
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut reader = BufReader::with_capacity(1 << 16, HashingReader::new(file));
    let container = Container::of(reader.fill_buf().map_err(io)?);
    let mut dataset = if container == Container::Parquet {
        let file = std::fs::File::open(path).map_err(io)?;
        parquet_read::load(path, file, options)?
    } else {
        load_stream(path, &mut reader, container, len, options)?
    };
    // Whatever was left unread (all of a Parquet file, which its reader reads by seeking)
    // still belongs to the file's hash.
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(io)?;
    dataset.content_hash = Some(reader.get_ref().hash.finish());
    Ok(dataset)
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
    let container = Container::of(bytes);
    let mut dataset = if container == Container::Parquet {
        parquet_read::load(name, bytes::Bytes::copy_from_slice(bytes), options)?
    } else {
        load_stream(name, bytes, container, bytes.len() as u64, options)?
    };
    dataset.content_hash = Some(fnv1a(bytes));
    Ok(dataset)
}

/// Reads text, or gzip- or zstd-compressed text (or Parquet inside them), from `reader`,
/// which holds a file of `len` bytes whose container is `container`.
fn load_stream<R: BufRead>(
    path: &Path,
    reader: R,
    container: Container,
    len: u64,
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    let pieces = Pieces::default();
    match container {
        Container::Gzip => {
            let decoder = flate2::bufread::MultiGzDecoder::new(reader);
            let source = Source::decompressed(decoder, container.name(), len);
            text_stream::load(path, source, options, pieces)
        }
        Container::Zstd => {
            let decoder = zstd::stream::read::Decoder::with_buffer(reader)
                .map_err(|error| decompress_error(path, container.name(), &error))?;
            let source = Source::decompressed(decoder, container.name(), len);
            text_stream::load(path, source, options, pieces)
        }
        Container::Plain | Container::Parquet => {
            text_stream::load(path, Source::plain(reader), options, pieces)
        }
    }
}

/// A reader that hashes the bytes it passes on.
struct HashingReader<R> {
    /// Where the bytes come from.
    inner: R,
    /// The hash of the bytes read so far.
    hash: Fnv1a,
}

impl<R> HashingReader<R> {
    /// A reader that has hashed nothing yet.
    fn new(inner: R) -> Self {
        Self {
            inner,
            hash: Fnv1a::new(),
        }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(buffer)?;
        self.hash.write(&buffer[..count]);
        Ok(count)
    }
}
