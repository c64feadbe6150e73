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
    mut visit: impl FnMut(u64, Row<'_>) -> Result<bool, DataError>,
) -> Result<(), DataError> {
    match delimiter {
        Delimiter::Byte(byte) => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(byte)
                .from_reader(text.as_bytes());
            let mut record = csv::StringRecord::new();
            loop {
                let line = reader.position().line();
                match reader.read_record(&mut record) {
                    Ok(false) => return Ok(()),
                    Ok(true) => {}
                    Err(error) => return Err(csv_error(path, line, &error)),
                }
                let row = Row::Csv(&record);
                if row.is_blank() {
                    continue;
                }
                let line = record.position().map_or(line, csv::Position::line);
                if !visit(line, row)? {
                    return Ok(());
                }
            }
        }
        Delimiter::Split(separator) => {
            let mut fields = Vec::new();
            for (line, content) in text::content_lines(text) {
                text::split_into(content, separator, &mut fields);
                if !visit(line, Row::Split(&fields))? {
                    return Ok(());
                }
            }
            Ok(())
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
