//! `--format safetensors`: the user states `[users, dim]`, the normalisers `[users]` and the
//! item embeddings `[items, dim]` as little-endian `F32` tensors in `embeddings.safetensors`,
//! with the ids in `users.csv` and `items.csv` beside it (row `i` of a tensor is the id with
//! index `i`), and the formula in the file's metadata.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use safetensors::Dtype;
use safetensors::tensor::{TensorView, serialize};

use super::csv_files::{write_items_csv, write_users_csv};
use super::error::ExportError;
use super::layout::{ITEMS, TENSORS_FILE, USERS};
use super::tables::WarehouseTables;
use crate::data::write_file_atomically;

/// The tensor of user states, `[users, dim]`.
pub const USER_STATES_TENSOR: &str = "user_states";
/// The tensor of normalisers `lse_u`, `[users]`.
pub const USER_LSE_TENSOR: &str = "user_lse";
/// The tensor of item embeddings, `[items, dim]`.
pub const ITEM_EMBEDDINGS_TENSOR: &str = "item_embeddings";

/// Writes `embeddings.safetensors`, `users.csv` and `items.csv` into `dir`; returns the file
/// names.
pub fn write_safetensors_tables(
    tables: &WarehouseTables,
    dir: &Path,
    formula: &str,
) -> Result<Vec<String>, ExportError> {
    let dim = tables.dim();
    let states = le_bytes(&tables.user_states.values);
    let lse = le_bytes(&tables.user_lse);
    let items = le_bytes(&tables.item_embeddings.values);
    let views = [
        (
            USER_STATES_TENSOR,
            view(&states, vec![tables.user_ids.len(), dim])?,
        ),
        (USER_LSE_TENSOR, view(&lse, vec![tables.user_ids.len()])?),
        (
            ITEM_EMBEDDINGS_TENSOR,
            view(&items, vec![tables.item_ids.len(), dim])?,
        ),
    ];
    let metadata = HashMap::from([
        ("format".to_owned(), "sequda-export".to_owned()),
        ("formula".to_owned(), formula.to_owned()),
        ("users".to_owned(), format!("{USERS}.csv")),
        ("items".to_owned(), format!("{ITEMS}.csv")),
    ]);
    let bytes =
        serialize(views, Some(metadata)).map_err(|e| ExportError::Safetensors(e.to_string()))?;
    let path = dir.join(TENSORS_FILE);
    write_file_atomically(&path, |file| file.write_all(&bytes))
        .map_err(|e| ExportError::write(&path, e))?;
    let users = format!("{USERS}.csv");
    write_users_csv(tables, &dir.join(&users))?;
    let items = format!("{ITEMS}.csv");
    write_items_csv(tables, &dir.join(&items))?;
    Ok(vec![TENSORS_FILE.to_owned(), users, items])
}

/// A tensor view of `bytes` (`F32`, `shape`).
fn view(bytes: &[u8], shape: Vec<usize>) -> Result<TensorView<'_>, ExportError> {
    TensorView::new(Dtype::F32, shape, bytes).map_err(|e| ExportError::Safetensors(e.to_string()))
}

/// `values` as little-endian bytes.
fn le_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
