//! The file and column names of an export, shared by the writers, the manifest and the
//! scoring recipe.

/// The user table: `user_index, user_id, lse, s0 … s{dim-1}` (CSV and Parquet).
pub const USER_STATES: &str = "user_states";
/// The item table: `item_index, item_id, e0 … e{dim-1}` (CSV and Parquet).
pub const ITEM_EMBEDDINGS: &str = "item_embeddings";
/// The item metadata: `item_index, item_id, title, category`.
pub const ITEMS: &str = "items";
/// The user ids beside a safetensors file: `user_index, user_id`.
pub const USERS: &str = "users";
/// The tensors file of `--format safetensors`.
pub const TENSORS_FILE: &str = "embeddings.safetensors";
/// The manifest.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The scoring recipe.
pub const README_FILE: &str = "README.md";

/// The name of state component `k` in the user table.
pub fn state_column(k: usize) -> String {
    format!("s{k}")
}

/// The name of embedding component `k` in the item table.
pub fn embedding_column(k: usize) -> String {
    format!("e{k}")
}

/// The user table's header.
pub fn user_header(dim: usize) -> Vec<String> {
    let mut header = vec!["user_index".to_owned(), "user_id".into(), "lse".into()];
    header.extend((0..dim).map(state_column));
    header
}

/// The item table's header.
pub fn item_header(dim: usize) -> Vec<String> {
    let mut header = vec!["item_index".to_owned(), "item_id".into()];
    header.extend((0..dim).map(embedding_column));
    header
}

/// The item metadata's header.
pub const ITEMS_HEADER: [&str; 4] = ["item_index", "item_id", "title", "category"];
