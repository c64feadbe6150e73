//! Reading interaction text in pieces, so that a large or compressed log is never held whole
//! in memory (issue #36 item 1: "rows stream").
//!
//! The first piece (the head, [`Pieces::head`] bytes extended to a line break) decides the
//! format and the columns, and gets the whole-text checks of [`text::decode`] (byte-order mark,
//! binary content, UTF-8, emptiness). After that the text is read [`Pieces::chunk`] bytes at a
//! time; each piece is cut at its last line break, so no character is split, validated, and
//! given to the format's reader, which reads the rows that are complete and hands back the
//! bytes of a row that may go on in the next piece (a quoted CSV field with line breaks).
//! Line numbers in messages count from the start of the whole text.
//!
//! What reaches the reader is the decompressed text: [`Source`] counts it against a limit, so
//! a decompression bomb is refused once it passes the limit, not after filling the memory.

use std::io::Read;
use std::path::Path;

use super::compressed::{Container, decompress_error, max_decompressed};
use super::dataset::Dataset;
use super::delimited;
use super::error::{DataError, DataErrorKind};
use super::format::{self, Detected};
use super::format_kind::Format;
use super::options::LoadOptions;
use super::records::Chunk;
use super::row_reader::RowReader;
use super::sasrec::SasrecReader;
use super::{movielens, parquet_read, text};

/// How much text is read at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pieces {
    /// Bytes read before the format is decided (then extended to a line break).
    pub head: usize,
    /// Bytes read for each later piece.
    pub chunk: usize,
}

impl Default for Pieces {
    /// A 1 MiB head and 8 MiB pieces: ample for detection, which samples 50 rows, and large
    /// enough that the per-piece work is negligible.
    fn default() -> Self {
        Self {
            head: 1 << 20,
            chunk: 8 << 20,
        }
    }
}

/// The text of an input file as it is read: the file itself, or its decompressor.
pub(crate) struct Source<R> {
    /// Where the bytes come from.
    reader: R,
    /// The compression's name, for messages; `None` for plain text.
    compression: Option<&'static str>,
    /// The compressed file's size, for the limit's message.
    compressed_len: u64,
    /// The most bytes the text may have ([`max_decompressed`] for a compressed stream).
    limit: u64,
    /// Bytes yielded so far.
    yielded: u64,
    /// Whether the reader has ended.
    ended: bool,
}

impl<R: Read> Source<R> {
    /// Text read as it is.
    pub(crate) fn plain(reader: R) -> Self {
        Self {
            reader,
            compression: None,
            compressed_len: 0,
            limit: u64::MAX,
            yielded: 0,
            ended: false,
        }
    }

    /// Text that `reader` decompresses from a `compression` stream of `compressed_len` bytes,
    /// limited to [`max_decompressed`] of that size.
    pub(crate) fn decompressed(reader: R, compression: &'static str, compressed_len: u64) -> Self {
        Self {
            compression: Some(compression),
            compressed_len,
            limit: max_decompressed(usize::try_from(compressed_len).unwrap_or(usize::MAX)),
            ..Self::plain(reader)
        }
    }

    /// Appends bytes to `buffer` until it holds `target` bytes or the text ends.
    fn fill(&mut self, path: &Path, buffer: &mut Vec<u8>, target: usize) -> Result<(), DataError> {
        while buffer.len() < target && !self.ended {
            let start = buffer.len();
            let step = (target - start).min(8 << 20);
            if buffer.try_reserve(step).is_err() {
                let kind = DataErrorKind::TooLargeForMemory {
                    file: self.yielded,
                    needed: self.yielded.saturating_add(step as u64),
                    available: super::memory::available_memory().unwrap_or(0),
                };
                return Err(DataError::new(path, kind));
            }
            buffer.resize(start + step, 0);
            let read = self.reader.read(&mut buffer[start..]);
            buffer.truncate(start + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => self.ended = true,
                Ok(count) => self.count(path, count)?,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(self.read_error(path, error)),
            }
        }
        Ok(())
    }

    /// Counts `count` more bytes against the limit.
    fn count(&mut self, path: &Path, count: usize) -> Result<(), DataError> {
        self.yielded = self.yielded.saturating_add(count as u64);
        match self.compression {
            Some(what) if self.yielded > self.limit => {
                let kind = DataErrorKind::DecompressedTooLarge {
                    what,
                    compressed: self.compressed_len,
                    limit: self.limit,
                };
                Err(DataError::new(path, kind))
            }
            _ => Ok(()),
        }
    }

    /// A read failure: a corrupt stream for a decompressor, an I/O error otherwise.
    fn read_error(&self, path: &Path, error: std::io::Error) -> DataError {
        match self.compression {
            Some(what) => decompress_error(path, what, &error),
            None => DataError::new(path, DataErrorKind::Io(error)),
        }
    }
}

/// Reads the interaction text `source` yields (or, when it turns out to hold Parquet, the
/// Parquet file), `pieces` at a time.
pub(crate) fn load<R: Read>(
    path: &Path,
    mut source: Source<R>,
    options: &LoadOptions,
    pieces: Pieces,
) -> Result<Dataset, DataError> {
    let mut buffer = Vec::new();
    source.fill(path, &mut buffer, pieces.head.max(4))?;
    if Container::of(&buffer) == Container::Parquet {
        source.fill(path, &mut buffer, usize::MAX)?;
        return parquet_read::load(path, bytes::Bytes::from(buffer), options);
    }
    if options.format == Format::Parquet {
        return Err(DataError::new(path, DataErrorKind::NotParquet));
    }
    if buffer.starts_with(text::BOM) {
        buffer.drain(..text::BOM.len());
    }
    while !source.ended && !head_is_ready(&buffer) {
        let target = buffer.len().saturating_add(pieces.chunk.max(1));
        source.fill(path, &mut buffer, target)?;
    }
    let head_end = complete_lines(&buffer, source.ended);
    let head = text::decode(path, &buffer[..head_end])?;
    let mut reader = FormatReader::new(path, head, format::detect(path, head, options)?, options)?;
    let mut first_line = 1u64;
    loop {
        let end = complete_lines(&buffer, source.ended);
        let mut used = 0;
        if end > 0 || source.ended {
            let chunk = Chunk {
                text: text::decode_part(path, &buffer[..end], first_line)?,
                first_line,
                last: source.ended,
            };
            used = reader.feed(&chunk)?;
            let lines = buffer[..used].iter().filter(|&&b| b == b'\n').count();
            first_line = first_line.saturating_add(lines as u64);
            buffer.drain(..used);
            if source.ended {
                return reader.finish();
            }
        }
        // A row that spans the whole buffer (an unclosed quote) doubles what is read next,
        // so that rereading it costs linear time, not quadratic.
        let grow = if used == 0 { buffer.len() } else { 0 };
        let target = buffer.len().saturating_add(pieces.chunk.max(grow).max(1));
        source.fill(path, &mut buffer, target)?;
    }
}

/// Whether the head holds a whole line with something on it: enough to detect the format.
fn head_is_ready(buffer: &[u8]) -> bool {
    let end = complete_lines(buffer, false);
    buffer[..end].iter().any(|b| !b.is_ascii_whitespace())
}

/// The bytes of `buffer` up to and including its last line break (all of it at the end).
fn complete_lines(buffer: &[u8], ended: bool) -> usize {
    if ended {
        return buffer.len();
    }
    buffer
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1)
}

/// The reader for the detected format, holding the rows read so far.
enum FormatReader<'p> {
    /// SASRec text: every line is complete.
    Sasrec(SasrecReader),
    /// Delimited text or MovieLens ratings, with their layout.
    Rows(RowReader<'p>),
}

impl<'p> FormatReader<'p> {
    /// The reader for `detected`, with the columns found in `head`.
    fn new(
        path: &'p Path,
        head: &str,
        detected: Detected,
        options: &LoadOptions,
    ) -> Result<Self, DataError> {
        let strict = options.strict;
        let delimiter = detected.delimiter;
        Ok(match detected.format {
            Format::Sasrec => Self::Sasrec(SasrecReader::new(path, strict)),
            Format::MovieLens => Self::Rows(RowReader::new(
                path,
                delimiter,
                movielens::layout(),
                strict,
                None,
            )),
            Format::Delimited | Format::Auto | Format::Parquet => {
                let (layout, warning) = delimited::detect_layout(path, head, delimiter, options)?;
                Self::Rows(RowReader::new(path, delimiter, layout, strict, warning))
            }
        })
    }

    /// Reads the complete rows of `chunk`; returns the bytes they span.
    fn feed(&mut self, chunk: &Chunk<'_>) -> Result<usize, DataError> {
        match self {
            Self::Sasrec(reader) => {
                reader.feed(chunk.text, chunk.first_line)?;
                Ok(chunk.text.len())
            }
            Self::Rows(reader) => reader.feed(chunk),
        }
    }

    /// The dataset of every row read.
    fn finish(self) -> Result<Dataset, DataError> {
        match self {
            Self::Sasrec(reader) => reader.finish(),
            Self::Rows(reader) => reader.finish(),
        }
    }
}

#[cfg(test)]
#[path = "text_stream_tests.rs"]
mod tests;
