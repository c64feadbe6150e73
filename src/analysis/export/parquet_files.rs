//! `--format parquet`: the same three tables as the CSV export, as Parquet files (snappy,
//! row groups of [`ROW_GROUP`] rows) written with the column writer: ids as `UTF8` byte
//! arrays, indices as `INT64`, states, normalisers and embeddings as `FLOAT` (the model's own
//! `f32`, bit for bit), titles and categories as optional `UTF8`.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, FloatType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::error::ExportError;
use super::layout::{ITEM_EMBEDDINGS, ITEMS, ITEMS_HEADER, USER_STATES, item_header, user_header};
use super::tables::WarehouseTables;
use crate::data::write_file_atomically;

/// Rows per row group.
pub const ROW_GROUP: usize = 65_536;

/// One column's values for one row group.
enum Column {
    /// Required `INT64`.
    Int64(Vec<i64>),
    /// Required `FLOAT`.
    Float(Vec<f32>),
    /// Required `UTF8`.
    Text(Vec<ByteArray>),
    /// Optional `UTF8`: the present values and a definition level per row (1 present, 0 null).
    OptionalText(Vec<ByteArray>, Vec<i16>),
}

/// Writes `user_states.parquet`, `item_embeddings.parquet` and `items.parquet` into `dir`;
/// returns the file names.
pub fn write_parquet_tables(
    tables: &WarehouseTables,
    dir: &Path,
) -> Result<Vec<String>, ExportError> {
    let dim = tables.dim();
    let users = format!("{USER_STATES}.parquet");
    let schema = message_type(USER_STATES, &user_header(dim), &["INT64", "UTF8", "FLOAT"]);
    write_parquet(
        &dir.join(&users),
        &schema,
        tables.user_ids.len(),
        |column, rows| match column {
            0 => indices(rows),
            1 => texts(&tables.user_ids, rows),
            2 => Column::Float(
                rows.filter_map(|u| tables.user_lse.get(u).copied())
                    .collect(),
            ),
            k => component(&tables.user_states.values, dim, k - 3, rows),
        },
    )?;
    let embeddings = format!("{ITEM_EMBEDDINGS}.parquet");
    let schema = message_type(ITEM_EMBEDDINGS, &item_header(dim), &["INT64", "UTF8"]);
    write_parquet(
        &dir.join(&embeddings),
        &schema,
        tables.item_ids.len(),
        |column, rows| match column {
            0 => indices(rows),
            1 => texts(&tables.item_ids, rows),
            k => component(&tables.item_embeddings.values, dim, k - 2, rows),
        },
    )?;
    let items = format!("{ITEMS}.parquet");
    let schema = message_type(
        ITEMS,
        &ITEMS_HEADER.map(String::from),
        &["INT64", "UTF8", "UTF8?", "UTF8?"],
    );
    write_parquet(
        &dir.join(&items),
        &schema,
        tables.item_ids.len(),
        |column, rows| match column {
            0 => indices(rows),
            1 => texts(&tables.item_ids, rows),
            2 => optional_texts(&tables.titles, rows),
            _ => optional_texts(&tables.categories, rows),
        },
    )?;
    Ok(vec![users, embeddings, items])
}

/// A message type: the first columns typed by `leading` (`INT64`, `UTF8`, `UTF8?` for an
/// optional one, `FLOAT`), every other column a required `FLOAT`.
fn message_type(name: &str, header: &[String], leading: &[&str]) -> String {
    let fields: Vec<String> = header
        .iter()
        .enumerate()
        .map(
            |(i, column)| match leading.get(i).copied().unwrap_or("FLOAT") {
                "INT64" => format!("REQUIRED INT64 {column};"),
                "UTF8" => format!("REQUIRED BYTE_ARRAY {column} (UTF8);"),
                "UTF8?" => format!("OPTIONAL BYTE_ARRAY {column} (UTF8);"),
                _ => format!("REQUIRED FLOAT {column};"),
            },
        )
        .collect();
    format!("message {name} {{ {} }}", fields.join(" "))
}

/// The dense indices `rows`.
fn indices(rows: Range<usize>) -> Column {
    Column::Int64(rows.filter_map(|r| i64::try_from(r).ok()).collect())
}

/// Required text cells.
fn texts(values: &[String], rows: Range<usize>) -> Column {
    Column::Text(
        rows.filter_map(|r| values.get(r))
            .map(|v| ByteArray::from(v.as_str()))
            .collect(),
    )
}

/// Optional text cells (missing ones are nulls).
fn optional_texts(values: &[Option<String>], rows: Range<usize>) -> Column {
    let mut present = Vec::new();
    let mut levels = Vec::with_capacity(rows.len());
    for row in rows {
        match values.get(row).and_then(Option::as_deref) {
            Some(text) => {
                present.push(ByteArray::from(text));
                levels.push(1);
            }
            None => levels.push(0),
        }
    }
    Column::OptionalText(present, levels)
}

/// Component `k` of the rows `rows` of a row-major `[_, dim]` matrix.
fn component(values: &[f32], dim: usize, k: usize, rows: Range<usize>) -> Column {
    Column::Float(
        rows.filter_map(|r| values.get(r * dim + k).copied())
            .collect(),
    )
}

/// Writes one Parquet file whole or not at all: `rows` rows in row groups, column `c` of the
/// rows in `range` given by `column(c, range)`.
fn write_parquet(
    path: &Path,
    schema: &str,
    rows: usize,
    column: impl Fn(usize, Range<usize>) -> Column,
) -> Result<(), ExportError> {
    let written = write_file_atomically(path, |file| {
        write_row_groups(file, schema, rows, &column).map_err(std::io::Error::other)
    });
    written.map_err(|e| ExportError::write(path, e))
}

/// The row groups of one file.
fn write_row_groups(
    file: &mut std::fs::File,
    schema: &str,
    rows: usize,
    column: &impl Fn(usize, Range<usize>) -> Column,
) -> Result<(), ParquetError> {
    let schema = Arc::new(parse_message_type(schema)?);
    let properties = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut writer = SerializedFileWriter::new(file, schema, properties)?;
    let mut start = 0;
    while start < rows {
        let range = start..(start + ROW_GROUP).min(rows);
        let mut group = writer.next_row_group()?;
        let mut index = 0;
        while let Some(mut writer) = group.next_column()? {
            match column(index, range.clone()) {
                Column::Int64(values) => writer
                    .typed::<Int64Type>()
                    .write_batch(&values, None, None)?,
                Column::Float(values) => writer
                    .typed::<FloatType>()
                    .write_batch(&values, None, None)?,
                Column::Text(values) => writer
                    .typed::<ByteArrayType>()
                    .write_batch(&values, None, None)?,
                Column::OptionalText(values, levels) => writer
                    .typed::<ByteArrayType>()
                    .write_batch(&values, Some(&levels), None)?,
            };
            writer.close()?;
            index += 1;
        }
        group.close()?;
        start = range.end;
    }
    writer.close()?;
    Ok(())
}
