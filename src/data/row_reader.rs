//! Reading the rows of delimited text once its layout is known ([`super::delimited`] finds
//! it), one chunk of text at a time, into a [`Builder`]: a header row is skipped (and reported
//! where it repeats), rows of the wrong width, unreadable timestamps and unclosed quotes are
//! skipped and reported, every other row becomes an event.

use std::path::Path;

use super::builder::Builder;
use super::dataset::Dataset;
use super::delimited::Layout;
use super::error::{DataError, one_line};
use super::format::Delimiter;
use super::hash::Fnv1a;
use super::records::{Chunk, Row, scan_rows};
use super::report;
use super::timestamp;

/// Reads every row of `text` with a known layout, whole (the tests' way in).
#[cfg(test)]
pub(crate) fn read_rows(
    path: &Path,
    text: &str,
    delimiter: Delimiter,
    layout: &Layout,
    strict: bool,
    warning: Option<String>,
) -> Result<Dataset, DataError> {
    let mut reader = RowReader::new(path, delimiter, layout.clone(), strict, warning);
    let whole = Chunk {
        text,
        first_line: 1,
        last: true,
    };
    reader.feed(&whole)?;
    reader.finish()
}

/// The rows of one text, read chunk by chunk in order.
pub(crate) struct RowReader<'p> {
    /// The file, for messages.
    path: &'p Path,
    /// How fields are separated.
    delimiter: Delimiter,
    /// Where the roles are.
    layout: Layout,
    /// The events so far.
    builder: Builder,
    /// The header row, once read (when the layout has one).
    header: Option<Vec<String>>,
}

impl<'p> RowReader<'p> {
    /// A reader that has seen no row yet; `warning` goes into the import report.
    pub(crate) fn new(
        path: &'p Path,
        delimiter: Delimiter,
        layout: Layout,
        strict: bool,
        warning: Option<String>,
    ) -> Self {
        let columns = layout.columns;
        let mut builder = Builder::new(
            path,
            layout.format,
            strict,
            columns.time.is_some(),
            columns.behaviour.is_some(),
        );
        builder.report_mut().warnings.extend(warning);
        Self {
            path,
            delimiter,
            layout,
            builder,
            header: None,
        }
    }

    /// Reads the complete rows of `chunk`; returns the bytes they span ([`scan_rows`]).
    pub(crate) fn feed(&mut self, chunk: &Chunk<'_>) -> Result<usize, DataError> {
        let (path, delimiter) = (self.path, self.delimiter);
        let Self {
            layout,
            builder,
            header,
            ..
        } = self;
        scan_rows(path, chunk, delimiter, |line, row| {
            if layout.header && header.is_none() {
                *header = Some(row.fields().map(str::to_owned).collect());
                return Ok(true);
            }
            builder.count_row();
            if header
                .as_deref()
                .is_some_and(|header| repeats(header, &row))
            {
                let detail = "this row repeats the header row (files joined together?)";
                builder.skip(line, report::REASON_HEADER, detail.to_owned())?;
            } else {
                read_row(builder, layout, line, &row)?;
            }
            Ok(true)
        })
    }

    /// The dataset of every row fed.
    pub(crate) fn finish(self) -> Result<Dataset, DataError> {
        self.builder.finish()
    }
}

/// Whether `row` is the header row again (the same names, ignoring case).
fn repeats(header: &[String], row: &Row<'_>) -> bool {
    row.len() == header.len()
        && row
            .fields()
            .zip(header)
            .all(|(field, name)| field.eq_ignore_ascii_case(name))
}

/// Checks one data row and adds its event, or records why it was skipped.
fn read_row(
    builder: &mut Builder,
    layout: &Layout,
    line: u64,
    row: &Row<'_>,
) -> Result<(), DataError> {
    let columns = layout.columns;
    let trailing_empty = row.len() == layout.width + 1 && row.get(layout.width) == Some("");
    let width_ok = row.len() == layout.width || trailing_empty;
    let roles = [
        Some(columns.user),
        Some(columns.item),
        columns.time,
        columns.behaviour,
    ];
    let multiline = |index: Option<usize>| {
        index
            .and_then(|index| row.get(index))
            .is_some_and(|field| field.contains('\n'))
    };
    if row.fields().any(|field| field.contains('\n'))
        && (!width_ok || roles.into_iter().any(multiline))
    {
        let detail = "a quote opened on this line is not closed where expected, so the lines after it were read into one field";
        return builder.skip(line, report::REASON_QUOTE, detail.to_owned());
    }
    if !width_ok {
        let detail = format!(
            "this row has {} columns, expected {}",
            row.len(),
            layout.width
        );
        return builder.skip(line, report::REASON_COLUMNS, detail);
    }
    let user = row.get(columns.user).unwrap_or("");
    let item = row.get(columns.item).unwrap_or("");
    if !builder.check_ids(line, user, item)? {
        return Ok(());
    }
    let mut millis = 0;
    if let Some(time) = columns.time {
        let value = row.get(time).unwrap_or("");
        match timestamp::parse_millis(value) {
            Some(parsed) => millis = parsed,
            None => {
                let detail = format!(
                    "cannot read the timestamp `{}` (expected Unix seconds or milliseconds, decimal seconds, or an ISO-8601 date like 2024-03-01T12:00:00Z)",
                    one_line(value, 40)
                );
                return builder.skip(line, report::REASON_TIMESTAMP, detail);
            }
        }
    }
    let behaviour = columns
        .behaviour
        .map(|column| row.get(column).unwrap_or(""));
    let user = builder.user(user);
    builder.push(line, user, item, (millis, behaviour), row_hash(row))?;
    builder.count_used();
    Ok(())
}

/// A hash of every field of `row`, to tell a row that repeats another exactly from one that
/// only shares its user, item and time.
fn row_hash(row: &Row<'_>) -> u64 {
    let mut hash = Fnv1a::new();
    for field in row.fields() {
        hash.write(field.as_bytes());
        hash.write(&[0x1F]); // the unit separator: "a,bc" and "ab,c" differ
    }
    hash.finish()
}
