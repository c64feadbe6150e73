//! Turning raw bytes into text lines: byte-order marks, CRLF line endings, UTF-8 validation and
//! binary detection, shared by every loader.
//!
//! Gzip, zstd and Parquet input is unpacked or read before it gets here (`super::compressed`),
//! so those signatures are met only nested (a gzip inside a gzip) or in item metadata.
//!
//! Binary detection, in order: known container signatures (gzip, zip/xlsx, Parquet, bzip2, xz,
//! zstd, 7z, old Excel) and UTF-16 byte-order marks give a specific message; any NUL byte means
//! binary; so does a sample (the first 8 KiB) in which more than 10% of the bytes are control
//! characters other than tab, newline, carriage return and form feed, or more than 30% are not
//! valid UTF-8. Anything else that is not UTF-8 is reported as [`DataErrorKind::NotUtf8`] with
//! the line of the first bad byte.

use std::borrow::Cow;
use std::path::Path;

use super::error::{DataError, DataErrorKind};

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";
/// How many leading bytes the binary heuristics look at.
const SAMPLE_BYTES: usize = 8 * 1024;

/// Validates interaction-file bytes and returns them as text, without a byte-order mark.
///
/// Fails with `Empty`, `Binary`, `Compressed`, `Utf16` or `NotUtf8` (the last two with the line
/// to blame where there is one).
pub(crate) fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, DataError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    check_binary(path, bytes)?;
    let text = std::str::from_utf8(bytes).map_err(|error| {
        DataError::at_line(
            path,
            line_of(bytes, error.valid_up_to()),
            DataErrorKind::NotUtf8,
        )
    })?;
    if text.trim().is_empty() {
        return Err(DataError::new(path, DataErrorKind::Empty));
    }
    Ok(text)
}

/// Validates the bytes of a later piece of a text read in pieces (the first piece goes
/// through [`decode`]'s checks): no NUL byte and valid UTF-8, with errors naming the line in
/// the whole text (`first_line` is the piece's first line). The piece must not split a
/// character, as a piece that ends at a line break never does.
pub(crate) fn decode_part<'a>(
    path: &Path,
    bytes: &'a [u8],
    first_line: u64,
) -> Result<&'a str, DataError> {
    let at_line = |pos: usize, kind| {
        let line = first_line.saturating_add(line_of(bytes, pos).saturating_sub(1));
        DataError::at_line(path, line, kind)
    };
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(at_line(pos, DataErrorKind::Binary));
    }
    std::str::from_utf8(bytes).map_err(|error| at_line(error.valid_up_to(), DataErrorKind::NotUtf8))
}

/// Like [`decode`], but text that is not UTF-8 is read as ISO-8859-1 (Latin-1) instead of
/// failing, as older metadata files (MovieLens `u.item`, `movies.dat`) are. The flag says
/// whether that fallback was used.
pub(crate) fn decode_lenient<'a>(
    path: &Path,
    bytes: &'a [u8],
) -> Result<(Cow<'a, str>, bool), DataError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    check_binary(path, bytes)?;
    let (text, latin1) = match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), false),
        Err(_) => (
            Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
            true,
        ),
    };
    if text.trim().is_empty() {
        return Err(DataError::new(path, DataErrorKind::Empty));
    }
    Ok((text, latin1))
}

/// Rejects known binary containers, UTF-16 text, NUL bytes and mostly-non-text samples.
fn check_binary(path: &Path, bytes: &[u8]) -> Result<(), DataError> {
    if let Some(kind) = signature(bytes) {
        return Err(DataError::new(path, kind));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(DataError::at_line(
            path,
            line_of(bytes, pos),
            DataErrorKind::Binary,
        ));
    }
    let sample = bytes.get(..SAMPLE_BYTES).unwrap_or(bytes);
    let is_control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F;
    let controls = sample.iter().filter(|&&b| is_control(b)).count();
    let invalid: usize = sample
        .utf8_chunks()
        .map(|chunk| chunk.invalid().len())
        .sum();
    if controls * 10 > sample.len() || (sample.len() >= 64 && invalid * 10 > sample.len() * 3) {
        let first = sample
            .iter()
            .position(|&b| is_control(b) || b >= 0x80)
            .unwrap_or(0);
        return Err(DataError::at_line(
            path,
            line_of(bytes, first),
            DataErrorKind::Binary,
        ));
    }
    Ok(())
}

/// A specific error for files that start with a well-known binary signature.
fn signature(bytes: &[u8]) -> Option<DataErrorKind> {
    let compressed = |what, advice| Some(DataErrorKind::Compressed { what, advice });
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(DataErrorKind::Utf16);
    }
    if bytes.starts_with(b"\x1F\x8B") {
        compressed(
            "gzip-compressed",
            "decompress it first (for example with gunzip)",
        )
    } else if bytes.starts_with(b"PK\x03\x04") {
        compressed(
            "a ZIP archive (or an .xlsx spreadsheet)",
            "extract it, or export the sheet as CSV",
        )
    } else if bytes.starts_with(b"PAR1") {
        compressed(
            "a Parquet file",
            "Parquet is read for interaction logs, not here; export it as CSV",
        )
    } else if bytes.starts_with(b"BZh") && bytes.get(3).is_some_and(u8::is_ascii_digit) {
        compressed(
            "bzip2-compressed",
            "decompress it first (for example with bunzip2)",
        )
    } else if bytes.starts_with(b"\xFD7zXZ\x00") {
        compressed(
            "xz-compressed",
            "decompress it first (for example with unxz)",
        )
    } else if bytes.starts_with(b"\x28\xB5\x2F\xFD") {
        compressed(
            "zstd-compressed",
            "decompress it first (for example with unzstd)",
        )
    } else if bytes.starts_with(b"7z\xBC\xAF\x27\x1C") {
        compressed("a 7-Zip archive", "extract it first")
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        compressed(
            "an old-style Excel or Office file",
            "export the sheet as CSV",
        )
    } else {
        None
    }
}

/// 1-based line number of byte offset `pos`.
pub(crate) fn line_of(bytes: &[u8], pos: usize) -> u64 {
    let before = bytes.get(..pos).unwrap_or(bytes);
    let newlines = before.iter().filter(|&&b| b == b'\n').count();
    u64::try_from(newlines)
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

/// The lines of `text` with their 1-based numbers; a trailing `\r` is removed from each line.
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n')
        .zip(1u64..)
        .map(|(line, number)| (number, line.strip_suffix('\r').unwrap_or(line)))
}

/// The non-blank lines of `text` with their numbers.
pub(crate) fn content_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    numbered_lines(text).filter(|(_, line)| !line.trim().is_empty())
}

/// How the fields of a line are separated, for the loaders that split lines themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Separator {
    /// Runs of spaces and tabs.
    Whitespace,
    /// Exactly this string, e.g. `::` in MovieLens `.dat` files.
    Text(&'static str),
}

/// Splits `line` into `fields` (cleared first), trimming each field.
pub(crate) fn split_into<'a>(line: &'a str, separator: Separator, fields: &mut Vec<&'a str>) {
    fields.clear();
    match separator {
        Separator::Whitespace => fields.extend(line.split_ascii_whitespace()),
        Separator::Text(sep) => fields.extend(line.split(sep).map(str::trim)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(bytes: &[u8]) -> (DataErrorKind, Option<u64>) {
        match decode(Path::new("f"), bytes) {
            Ok(_) => panic!("expected an error"),
            Err(error) => (error.kind, error.line),
        }
    }

    #[test]
    fn strips_bom_and_keeps_text() {
        let text = decode(Path::new("f"), b"\xEF\xBB\xBFa b\r\n").unwrap_or_default();
        assert_eq!(text, "a b\r\n");
        let lines: Vec<_> = numbered_lines(text).collect();
        assert_eq!(lines, vec![(1, "a b"), (2, "")]);
    }

    #[test]
    fn empty_and_blank_files() {
        assert!(matches!(kind_of(b"").0, DataErrorKind::Empty));
        assert!(matches!(kind_of(b"\xEF\xBB\xBF").0, DataErrorKind::Empty));
        assert!(matches!(kind_of(b"\n \r\n\t\n").0, DataErrorKind::Empty));
    }

    #[test]
    fn not_utf8_names_line() {
        let (kind, line) = kind_of(b"user,item\n1,2\n3,caf\xE9\n");
        assert!(matches!(kind, DataErrorKind::NotUtf8));
        assert_eq!(line, Some(3));
    }

    #[test]
    fn binary_names_line() {
        let (kind, line) = kind_of(b"a b\nc d\n\x00\x01\x02");
        assert!(matches!(kind, DataErrorKind::Binary));
        assert_eq!(line, Some(3));
        let garbage: Vec<u8> = (0..200u8).map(|i| i.wrapping_mul(37) | 0x80).collect();
        assert!(matches!(kind_of(&garbage).0, DataErrorKind::Binary));
        let controls: Vec<u8> = (0..100u8)
            .map(|i| if i % 3 == 0 { 1 } else { b'a' })
            .collect();
        assert!(matches!(kind_of(&controls).0, DataErrorKind::Binary));
    }

    #[test]
    fn signatures() {
        assert!(matches!(
            kind_of(b"\x1F\x8B\x08abc").0,
            DataErrorKind::Compressed { .. }
        ));
        assert!(matches!(kind_of(b"\xFF\xFEu\x00").0, DataErrorKind::Utf16));
    }

    #[test]
    fn latin1_fallback() {
        let (text, latin1) = decode_lenient(Path::new("f"), b"1|Mis\xE9rables").unwrap_or_default();
        assert!(latin1);
        assert_eq!(text, "1|Misérables");
    }

    #[test]
    fn splitting() {
        let mut fields = Vec::new();
        split_into(" a \t b  c ", Separator::Whitespace, &mut fields);
        assert_eq!(fields, ["a", "b", "c"]);
        split_into("1::Toy Story::x", Separator::Text("::"), &mut fields);
        assert_eq!(fields, ["1", "Toy Story", "x"]);
    }
}
