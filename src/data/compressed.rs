//! What container an input file is, by its first bytes (never by its extension): plain text,
//! a gzip or zstd stream, or Parquet; and decompressing a stream into memory.
//!
//! Gzip members and zstd frames written one after another (`cat a.gz b.gz`, `pigz`, `zstd
//! --rsyncable` …) are read to the end, as `gunzip` and `unzstd` read them. A stream that is
//! corrupt or cut short is a [`DataErrorKind::Decompress`] naming the file. The decompressed
//! size is bounded ([`max_decompressed`]) so that a small, highly compressed file cannot fill
//! the memory.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use super::error::{DataError, DataErrorKind};

/// The gzip magic number.
const GZIP_MAGIC: &[u8] = b"\x1F\x8B";
/// The zstd frame magic number.
const ZSTD_MAGIC: &[u8] = b"\x28\xB5\x2F\xFD";
/// The Parquet magic number (at the start and the end of a file).
pub(crate) const PARQUET_MAGIC: &[u8] = b"PAR1";
/// Decompressed bytes allowed per compressed byte, above [`MIN_LIMIT`].
const MAX_RATIO: u64 = 250;
/// Decompressed bytes always allowed, whatever the ratio.
const MIN_LIMIT: u64 = 1 << 30;

/// What an input file holds, by its magic number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    /// Anything else (text, or a container [`super::text`] refuses with its own message).
    Plain,
    /// A gzip stream (one or more members).
    Gzip,
    /// A zstd stream (one or more frames).
    Zstd,
    /// A Parquet file.
    Parquet,
}

impl Container {
    /// The container of `bytes`, from their first bytes.
    pub(crate) fn of(bytes: &[u8]) -> Self {
        if bytes.starts_with(GZIP_MAGIC) {
            Self::Gzip
        } else if bytes.starts_with(ZSTD_MAGIC) {
            Self::Zstd
        } else if bytes.starts_with(PARQUET_MAGIC) {
            Self::Parquet
        } else {
            Self::Plain
        }
    }

    /// The compression's name in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Zstd => "zstd",
            Self::Plain | Self::Parquet => "uncompressed",
        }
    }
}

/// The most bytes a stream of `compressed` bytes may decompress to: [`MAX_RATIO`] times its
/// size, and at least [`MIN_LIMIT`] (1 GiB). Text logs compress 5 to 20 times; a file far
/// beyond that is a decompression bomb or not a log.
pub(crate) fn max_decompressed(compressed: usize) -> u64 {
    u64::try_from(compressed)
        .unwrap_or(u64::MAX)
        .saturating_mul(MAX_RATIO)
        .max(MIN_LIMIT)
}

/// `bytes` decompressed when they are a gzip or zstd stream; `None` when they are not
/// compressed (plain text or Parquet).
pub(crate) fn decompress(path: &Path, bytes: &[u8]) -> Result<Option<Vec<u8>>, DataError> {
    let container = Container::of(bytes);
    let limit = max_decompressed(bytes.len());
    let out = match container {
        Container::Plain | Container::Parquet => return Ok(None),
        Container::Gzip => read_limited(flate2::read::MultiGzDecoder::new(bytes), limit),
        Container::Zstd => match zstd::stream::read::Decoder::with_buffer(bytes) {
            Ok(decoder) => read_limited(decoder, limit),
            Err(error) => Err(error),
        },
    };
    match out {
        Ok(Some(out)) => Ok(Some(out)),
        Ok(None) => {
            let kind = DataErrorKind::DecompressedTooLarge {
                what: container.name(),
                compressed: bytes.len() as u64,
                limit,
            };
            Err(DataError::new(path, kind))
        }
        Err(error) => Err(decompress_error(path, container.name(), &error)),
    }
}

/// A `what` (gzip, zstd) stream that failed to decompress: corrupt or cut short.
pub(crate) fn decompress_error(
    path: &Path,
    what: &'static str,
    error: &std::io::Error,
) -> DataError {
    let kind = DataErrorKind::Decompress {
        what,
        detail: super::error::one_line(&error.to_string(), 120),
    };
    DataError::new(path, kind)
}

/// The start of the text a file holds, at most `max` bytes, for a preview: `bytes` themselves
/// when they are not compressed, the start of the decompressed stream when they are (however
/// much of it decodes: `bytes` may be only the file's head), and nothing for Parquet.
pub fn text_head(bytes: &[u8], max: usize) -> Cow<'_, [u8]> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX);
    let mut out = Vec::new();
    // A read error (the head cuts the stream short) keeps what was decoded before it.
    let _ = match Container::of(bytes) {
        Container::Plain => return Cow::Borrowed(bytes.get(..max).unwrap_or(bytes)),
        Container::Parquet => return Cow::Borrowed(&[]),
        Container::Gzip => flate2::read::MultiGzDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut out),
        Container::Zstd => match zstd::stream::read::Decoder::with_buffer(bytes) {
            Ok(decoder) => decoder.take(limit).read_to_end(&mut out),
            Err(error) => Err(error),
        },
    };
    Cow::Owned(out)
}

/// Everything `reader` yields, or `None` when that is more than `limit` bytes.
fn read_limited(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    Ok((out.len() as u64 <= limit).then_some(out))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap_or_default();
        encoder.finish().unwrap_or_default()
    }

    fn unpack(bytes: &[u8]) -> Result<Option<Vec<u8>>, DataError> {
        decompress(Path::new("log.csv"), bytes)
    }

    #[test]
    fn containers_by_magic_number() {
        assert_eq!(Container::of(b"\x1F\x8B\x08"), Container::Gzip);
        assert_eq!(Container::of(b"\x28\xB5\x2F\xFD\x00"), Container::Zstd);
        assert_eq!(Container::of(b"PAR1\x15"), Container::Parquet);
        assert_eq!(Container::of(b"user,item\n"), Container::Plain);
        assert_eq!(Container::of(b""), Container::Plain);
        assert!(matches!(unpack(b"user,item\n1,2\n"), Ok(None)));
    }

    #[test]
    fn gzip_members_and_zstd_frames_are_read_to_the_end() {
        let mut two = gzip(b"user,item\n1,2\n");
        two.extend(gzip(b"3,4\n"));
        let text = unpack(&two).ok().flatten().unwrap_or_default();
        assert_eq!(text, b"user,item\n1,2\n3,4\n");
        let mut frames = zstd::encode_all(&b"user,item\n"[..], 3).unwrap_or_default();
        frames.extend(zstd::encode_all(&b"1,2\n"[..], 3).unwrap_or_default());
        let text = unpack(&frames).ok().flatten().unwrap_or_default();
        assert_eq!(text, b"user,item\n1,2\n");
    }

    #[test]
    fn a_truncated_or_corrupt_stream_names_the_file() {
        let whole = gzip(&b"user,item\n1,2\n".repeat(100));
        let Err(error) = unpack(&whole[..whole.len() / 2]) else {
            panic!("a truncated gzip must not load");
        };
        let message = error.to_string();
        assert!(
            message.starts_with("log.csv: the gzip stream is corrupt or cut short"),
            "{message}"
        );
        let frame = zstd::encode_all(&b"user,item\n1,2\n".repeat(100)[..], 3).unwrap_or_default();
        let error = unpack(&frame[..frame.len() - 3])
            .err()
            .map(|error| error.kind);
        assert!(matches!(
            error,
            Some(DataErrorKind::Decompress { what: "zstd", .. })
        ));
        // A frame header with its reserved bit set.
        let mut corrupt = frame;
        if let Some(descriptor) = corrupt.get_mut(4) {
            *descriptor |= 0x08;
        }
        let error = unpack(&corrupt).err().map(|error| error.kind);
        assert!(matches!(
            error,
            Some(DataErrorKind::Decompress { what: "zstd", .. })
        ));
    }

    #[test]
    fn a_preview_sees_the_text_inside() {
        let text = b"user,item\n1,2\n".repeat(1000);
        let packed = gzip(&text);
        assert_eq!(&*text_head(&packed, 14), b"user,item\n1,2\n");
        let head = text_head(&packed[..packed.len() / 2], 1 << 20);
        assert!(
            head.len() > 100 && text.starts_with(&head),
            "{}",
            head.len()
        );
        assert_eq!(&*text_head(b"a,b\n", 2), b"a,");
        assert!(text_head(b"PAR1\x00\x00", 100).is_empty());
    }

    #[test]
    fn the_decompressed_size_is_bounded() {
        assert_eq!(max_decompressed(10), MIN_LIMIT);
        assert_eq!(max_decompressed(1 << 30), (1 << 30) * MAX_RATIO);
        let Ok(None) = read_limited(&[0u8; 100][..], 99) else {
            panic!("over the limit");
        };
        assert_eq!(
            read_limited(&[7u8; 99][..], 99)
                .ok()
                .flatten()
                .map(|v| v.len()),
            Some(99)
        );
    }
}
