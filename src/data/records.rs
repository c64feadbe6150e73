//! Splitting text into rows of fields: with CSV rules (quotes, embedded delimiters and line
//! breaks) for single-byte delimiters, or by hand for whitespace and `::`. Blank lines are
//! skipped; fields are trimmed; every row carries the 1-based line it starts on.

use std::path::Path;

use super::error::{DataError, DataErrorKind, one_line};
use super::format::Delimiter;
use super::text;

/// All non-blank rows of a (small) file as owned fields with their line numbers.
pub(crate) fn collect_rows(
    path: &Path,
    text: &str,
    delimiter: Delimiter,
) -> Result<Vec<(u64, Vec<String>)>, DataError> {
    let mut rows = Vec::new();
    for_each_row(path, text, delimiter, |line, row| {
        rows.push((line, row.fields().map(str::to_owned).collect()));
        Ok(true)
    })?;
    Ok(rows)
}

/// One row's fields, borrowed from the CSV reader or from the text.
pub(crate) enum Row<'a> {
    /// A record parsed with CSV rules.
    Csv(&'a csv::StringRecord),
    /// Fields split by hand.
    Split(&'a [&'a str]),
}

impl<'a> Row<'a> {
    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Csv(record) => record.len(),
            Self::Split(fields) => fields.len(),
        }
    }

    /// Field `index`, trimmed.
    pub(crate) fn get(&self, index: usize) -> Option<&'a str> {
        match self {
            Self::Csv(record) => record.get(index).map(str::trim),
            Self::Split(fields) => fields.get(index).copied(),
        }
    }

    /// All fields, trimmed.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let (record, split) = match self {
            Self::Csv(record) => (Some(*record), None),
            Self::Split(fields) => (None, Some(*fields)),
        };
        record
            .into_iter()
            .flat_map(csv::StringRecord::iter)
            .map(str::trim)
            .chain(split.into_iter().flatten().copied())
    }

    /// A row of one empty field: a blank (whitespace-only) line.
    pub(crate) fn is_blank(&self) -> bool {
        self.len() == 0 || (self.len() == 1 && self.get(0).is_some_and(str::is_empty))
    }
}

/// Calls `visit(line, row)` for each non-blank row, in order, until it returns `false`.
pub(crate) fn for_each_row(
    path: &Path,
    text: &str,
    delimiter: Delimiter,
    visit: impl FnMut(u64, Row<'_>) -> Result<bool, DataError>,
) -> Result<(), DataError> {
    let whole = Chunk {
        text,
        first_line: 1,
        last: true,
    };
    scan_rows(path, &whole, delimiter, visit).map(|_| ())
}

/// A piece of a longer text, read one piece at a time (`super::text_stream`).
pub(crate) struct Chunk<'a> {
    /// The piece: whole lines, ending with a line break unless it is the last.
    pub text: &'a str,
    /// The 1-based line number of its first line in the whole text.
    pub first_line: u64,
    /// Whether nothing follows it.
    pub last: bool,
}

/// Calls `visit(line, row)` for each non-blank row of `chunk` that is known to be complete,
/// in order, until it returns `false`; returns how many bytes of the chunk those rows span.
///
/// With CSV rules a quoted field may hold line breaks, so the row a chunk ends with may go on
/// in the next one: unless the chunk is the last, its final row is left unread (the bytes
/// returned stop where it starts) for the caller to read again with what follows. Lines
/// split by hand are complete at every line break.
pub(crate) fn scan_rows(
    path: &Path,
    chunk: &Chunk<'_>,
    delimiter: Delimiter,
    mut visit: impl FnMut(u64, Row<'_>) -> Result<bool, DataError>,
) -> Result<usize, DataError> {
    let offset = chunk.first_line.saturating_sub(1);
    match delimiter {
        Delimiter::Byte(byte) => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(byte)
                .from_reader(chunk.text.as_bytes());
            let mut read = |record: &mut csv::StringRecord| {
                let line = reader.position().line();
                reader
                    .read_record(record)
                    .map_err(|error| csv_error(path, offset + line, &error))
            };
            let mut current = csv::StringRecord::new();
            let mut next = csv::StringRecord::new();
            let mut have = read(&mut current)?;
            while have {
                let more = read(&mut next)?;
                let start = current.position().map_or(0, csv::Position::byte);
                if !more && !chunk.last {
                    return Ok(usize::try_from(start).unwrap_or(0));
                }
                let row = Row::Csv(&current);
                if !row.is_blank() {
                    let line = current.position().map_or(1, csv::Position::line);
                    if !visit(offset + line, row)? {
                        return Ok(chunk.text.len());
                    }
                }
                std::mem::swap(&mut current, &mut next);
                have = more;
            }
            Ok(chunk.text.len())
        }
        Delimiter::Split(separator) => {
            let mut fields = Vec::new();
            for (line, content) in text::content_lines(chunk.text) {
                text::split_into(content, separator, &mut fields);
                if !visit(offset + line, Row::Split(&fields))? {
                    break;
                }
            }
            Ok(chunk.text.len())
        }
    }
}

/// A CSV reader error (not expected on validated in-memory text) as a data error.
fn csv_error(path: &Path, line: u64, error: &csv::Error) -> DataError {
    let kind = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => DataErrorKind::NotUtf8,
        _ => DataErrorKind::Io(std::io::Error::other(one_line(&error.to_string(), 200))),
    };
    DataError::at_line(path, line, kind)
}

#[cfg(test)]
mod tests {
    use super::super::text::Separator;
    use super::*;

    fn rows(text: &str, delimiter: Delimiter) -> Vec<(u64, Vec<String>)> {
        collect_rows(Path::new("f"), text, delimiter).unwrap_or_default()
    }

    #[test]
    fn csv_rules_and_line_numbers() {
        let text = "a,\"b,c\" ,d\r\n\r\n  \n\"x\ny\",\"q\"\"\",z\nlast,1,2";
        let expected = vec![
            (1, vec!["a".to_owned(), "b,c".to_owned(), "d".to_owned()]),
            (4, vec!["x\ny".to_owned(), "q\"".to_owned(), "z".to_owned()]),
            (6, vec!["last".to_owned(), "1".to_owned(), "2".to_owned()]),
        ];
        assert_eq!(rows(text, Delimiter::Byte(b',')), expected);
    }

    #[test]
    fn split_by_hand() {
        let text = "1::2::x y\n\n3::4::z\n";
        let got = rows(text, Delimiter::Split(Separator::Text("::")));
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[1],
            (3, vec!["3".to_owned(), "4".to_owned(), "z".to_owned()])
        );
        let got = rows(" a  b\tc \n", Delimiter::Split(Separator::Whitespace));
        assert_eq!(
            got,
            vec![(1, vec!["a".to_owned(), "b".to_owned(), "c".to_owned()])]
        );
    }

    #[test]
    fn stops_when_asked() {
        let mut seen = 0;
        let result = for_each_row(
            Path::new("f"),
            "1,2\n3,4\n",
            Delimiter::Byte(b','),
            |_, _| {
                seen += 1;
                Ok(false)
            },
        );
        assert!(result.is_ok());
        assert_eq!(seen, 1);
    }
}
