//! `--format csv`: the user table, the item table and the item metadata as RFC 4180 CSV with a
//! header row. Ids are written verbatim (quoted where CSV needs it), not neutralised for
//! spreadsheets as the app's other CSV exports are, so they join with the warehouse's own ids;
//! floats are written in the shortest form that reads back as the same `f32`.

use std::path::Path;

use super::error::ExportError;
use super::layout::{ITEMS_HEADER, item_header, user_header};
use super::tables::WarehouseTables;
use crate::data::write_file_atomically;

/// Writes `user_states.csv`, `item_embeddings.csv` and `items.csv` into `dir`; returns the
/// file names.
pub fn write_csv_tables(tables: &WarehouseTables, dir: &Path) -> Result<Vec<String>, ExportError> {
    let dim = tables.dim();
    let users = format!("{}.csv", super::layout::USER_STATES);
    write_csv(&dir.join(&users), &user_header(dim), |writer| {
        for (index, id) in tables.user_ids.iter().enumerate() {
            let lse = number(tables.user_lse.get(index).copied());
            let record = vector_record(index, id, Some(lse), tables.user_states.row(index));
            writer.write_record(&record)?;
        }
        Ok(())
    })?;
    let embeddings = format!("{}.csv", super::layout::ITEM_EMBEDDINGS);
    write_csv(&dir.join(&embeddings), &item_header(dim), |writer| {
        for (index, id) in tables.item_ids.iter().enumerate() {
            let record = vector_record(index, id, None, tables.item_embeddings.row(index));
            writer.write_record(&record)?;
        }
        Ok(())
    })?;
    let items = format!("{}.csv", super::layout::ITEMS);
    write_items_csv(tables, &dir.join(&items))?;
    Ok(vec![users, embeddings, items])
}

/// One row of a vector table: `index, id`, then `extra` (the user's `lse`) if any, then the
/// vector's values.
fn vector_record(index: usize, id: &str, extra: Option<String>, vector: &[f32]) -> Vec<String> {
    let mut record = vec![index.to_string(), id.to_owned()];
    record.extend(extra);
    record.extend(vector.iter().map(|&v| number(Some(v))));
    record
}

/// Writes the item metadata (`item_index, item_id, title, category`) to `path`.
pub fn write_items_csv(tables: &WarehouseTables, path: &Path) -> Result<(), ExportError> {
    write_csv(path, &ITEMS_HEADER.map(String::from), |writer| {
        for (index, id) in tables.item_ids.iter().enumerate() {
            let title = tables.titles.get(index).cloned().flatten();
            let category = tables.categories.get(index).cloned().flatten();
            writer.write_record([
                index.to_string(),
                id.clone(),
                title.unwrap_or_default(),
                category.unwrap_or_default(),
            ])?;
        }
        Ok(())
    })
}

/// Writes the user ids (`user_index, user_id`) to `path` (beside a safetensors file).
pub fn write_users_csv(tables: &WarehouseTables, path: &Path) -> Result<(), ExportError> {
    write_csv(
        path,
        &["user_index".to_owned(), "user_id".into()],
        |writer| {
            for (index, id) in tables.user_ids.iter().enumerate() {
                writer.write_record([index.to_string(), id.clone()])?;
            }
            Ok(())
        },
    )
}

/// A float as text (`f32`'s shortest round-trip form; empty when missing).
fn number(value: Option<f32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes one CSV file whole or not at all: the header, then the rows `rows` writes.
fn write_csv(
    path: &Path,
    header: &[String],
    rows: impl FnOnce(&mut ::csv::Writer<&mut std::fs::File>) -> Result<(), ::csv::Error>,
) -> Result<(), ExportError> {
    write_file_atomically(path, |file| {
        let mut writer = ::csv::WriterBuilder::new().from_writer(file);
        writer.write_record(header)?;
        rows(&mut writer)?;
        writer.flush()?;
        Ok(())
    })
    .map_err(|e| ExportError::write(path, e))
}
