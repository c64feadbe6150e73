//! Parquet interaction files, read with the `parquet` crate's row API (no arrow).
//!
//! The top-level columns of the schema play the part of a CSV header: the user, item, time and
//! behaviour columns are found by the same names and options ([`super::columns::from_header`]),
//! so `--user-col` and friends work as for CSV, and a missing column is an error listing the
//! columns the file has. Rows go into the same [`Builder`] as delimited text, so ordering,
//! duplicates and the import report work alike; row-level problems (a null id, a time that is
//! not a time) are skipped and counted, with 1-based row numbers (counted over the whole file)
//! where a text file has line numbers. A file that cannot be read is a
//! [`DataErrorKind::Parquet`] naming the row group and row where one is to blame.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use parquet::errors::ParquetError;
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::{Field, Row};

use super::builder::Builder;
use super::columns::{self, Columns};
use super::dataset::Dataset;
use super::error::{DataError, DataErrorKind, one_line};
use super::format_kind::Format;
use super::hash::Fnv1a;
use super::options::LoadOptions;
use super::parquet_values::{IntegerTime, millis, token};
use super::report;

/// Reads a Parquet file from `source`: the file itself (read where its row groups are, never
/// whole), or its bytes in memory (which start with `PAR1`).
///
/// The `parquet` crate's row reader panics on some corrupt files instead of returning an
/// error (an index out of bounds on a damaged page, found by mutating valid files); such a
/// panic is caught here and reported as a [`DataErrorKind::Parquet`] naming the row group and
/// row it was reading, so bad input never takes the program down.
pub(crate) fn load<R: ChunkReader + 'static>(
    path: &Path,
    source: R,
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    let at = Cell::new(None);
    match catch_unwind(AssertUnwindSafe(|| read(path, source, options, &at))) {
        Ok(result) => result,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("unknown problem");
            let reason = format!(
                "the file is corrupt, or holds something this reader cannot read ({reason})"
            );
            Err(failed(path, at.get(), &reason))
        }
    }
}

/// Where the rows are and how to read their times.
struct Plan {
    /// The role columns, as indices of the schema's top-level fields.
    columns: Columns,
    /// What the plain integers of the time column count.
    integers: IntegerTime,
}

/// Opens the file, finds the columns and reads every row group; `at` follows the row group and
/// the row being read.
fn read<R: ChunkReader + 'static>(
    path: &Path,
    data: R,
    options: &LoadOptions,
    at: &Cell<Option<(usize, u64)>>,
) -> Result<Dataset, DataError> {
    let reader = SerializedFileReader::new(data).map_err(|error| failed(path, None, &error))?;
    let plan = plan(path, &reader, options)?;
    let mut builder = Builder::new(
        path,
        Format::Parquet,
        options.strict,
        plan.columns.time.is_some(),
        plan.columns.behaviour.is_some(),
    );
    let mut row_number = 0u64;
    for group in 0..reader.num_row_groups() {
        at.set(Some((group, row_number + 1)));
        let error = |error: ParquetError| failed(path, at.get(), &error);
        let group_reader = reader.get_row_group(group).map_err(error)?;
        let rows = group_reader.get_row_iter(None).map_err(error)?;
        for row in rows {
            row_number += 1;
            at.set(Some((group, row_number)));
            read_row(&mut builder, &plan, row_number, &row.map_err(error)?)?;
        }
    }
    builder.finish()
}

/// The role columns of the file's schema, found as a CSV header's are.
fn plan<R: ChunkReader + 'static>(
    path: &Path,
    reader: &SerializedFileReader<R>,
    options: &LoadOptions,
) -> Result<Plan, DataError> {
    let schema = reader.metadata().file_metadata().schema_descr();
    let fields = schema.root_schema().get_fields();
    let names: Vec<&str> = fields.iter().map(|field| field.name()).collect();
    let columns = columns::from_header(path, &names, options)?;
    let integers = columns
        .time
        .and_then(|time| fields.get(time))
        .map_or(IntegerTime::Guess, |field| IntegerTime::of(field));
    Ok(Plan { columns, integers })
}

/// Checks one row and adds its event, or records why it was skipped.
fn read_row(builder: &mut Builder, plan: &Plan, number: u64, row: &Row) -> Result<(), DataError> {
    builder.count_row();
    let null = Field::Null;
    let fields: Vec<&Field> = row.get_column_iter().map(|(_, field)| field).collect();
    let field = |index: usize| fields.get(index).copied().unwrap_or(&null);
    let columns = plan.columns;
    let user = token(field(columns.user));
    let item = token(field(columns.item));
    if !builder.check_ids(number, &user, &item)? {
        return Ok(());
    }
    let mut time = 0;
    if let Some(column) = columns.time {
        let value = field(column);
        match millis(value, plan.integers) {
            Some(parsed) => time = parsed,
            None => {
                let detail = format!(
                    "cannot read the timestamp `{}` (expected a Parquet timestamp or date, Unix time, or an ISO-8601 date like 2024-03-01T12:00:00Z)",
                    one_line(&value.to_string(), 40)
                );
                return builder.skip(number, report::REASON_TIMESTAMP, detail);
            }
        }
    }
    let behaviour = columns.behaviour.map(|column| token(field(column)));
    let user = builder.user(&user);
    builder.push(
        number,
        user,
        &item,
        (time, behaviour.as_deref()),
        row_hash(&fields),
    )?;
    builder.count_used();
    Ok(())
}

/// A hash of every field of a row (see `row_reader::row_hash`).
fn row_hash(fields: &[&Field]) -> u64 {
    let mut hash = Fnv1a::new();
    for field in fields {
        hash.write(token(field).as_bytes());
        hash.write(&[0x1F]);
    }
    hash.finish()
}

/// A Parquet reader error (or panic message) as a data error, naming the row group and row
/// when known.
fn failed(path: &Path, at: Option<(usize, u64)>, reason: &dyn std::fmt::Display) -> DataError {
    let reason = one_line(&reason.to_string(), 200);
    let reason = reason.strip_prefix("Parquet error: ").unwrap_or(&reason);
    let detail = match at {
        Some((group, row)) => format!("row group {group}, row {row}: {reason}"),
        None => reason.to_owned(),
    };
    DataError::new(path, DataErrorKind::Parquet { detail })
}
