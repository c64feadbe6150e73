//! Output for the warehouse (`sequda export`): the user states, their softmax normalisers and
//! the item embeddings the model scores with, keyed by the dataset's own ids, the item
//! metadata, a manifest, and a README whose DuckDB and Spark SQL rank users for an ad as
//! `sequda audience` does.

pub mod csv_files;
pub mod error;
pub mod exactness;
pub mod format;
pub mod layout;
pub mod manifest;
pub mod parquet_files;
pub mod recipe;
pub mod safetensors_file;
pub mod tables;
pub mod write;

pub use error::ExportError;
pub use exactness::{Exactness, FORMULA};
pub use format::ExportFormat;
pub use manifest::ExportManifest;
pub use tables::{WarehouseTables, warehouse_tables};
pub use write::write_export;
