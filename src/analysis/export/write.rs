//! Writing a whole export folder: the tables in the chosen format, `README.md` with the
//! scoring recipe, and `manifest.json`, each file whole or not at all.

use std::io::Write;
use std::path::Path;

use super::super::AnalysisError;
use super::csv_files::write_csv_tables;
use super::error::ExportError;
use super::exactness::{Exactness, FORMULA};
use super::format::ExportFormat;
use super::layout::{MANIFEST_FILE, README_FILE};
use super::manifest::ExportManifest;
use super::parquet_files::write_parquet_tables;
use super::recipe::readme;
use super::safetensors_file::write_safetensors_tables;
use super::tables::warehouse_tables;
use crate::data::write_file_atomically;
use crate::train::run::OpenedRun;

/// Exports `run`'s best checkpoint into `out` (created when missing) in `format`; returns the
/// manifest written there. Fails with [`AnalysisError::NoModel`] for a popularity run.
pub fn write_export(
    run: &OpenedRun,
    out: &Path,
    format: ExportFormat,
) -> Result<ExportManifest, ExportError> {
    let model = run.inference.as_ref().ok_or(AnalysisError::NoModel)?;
    std::fs::create_dir_all(out).map_err(|e| ExportError::write(out, e))?;
    let tables = warehouse_tables(model, &run.dataset, run.meta.as_ref())?;
    let mut files = match format {
        ExportFormat::Csv => write_csv_tables(&tables, out)?,
        ExportFormat::Parquet => write_parquet_tables(&tables, out)?,
        ExportFormat::Safetensors => write_safetensors_tables(&tables, out, FORMULA)?,
    };
    files.extend([README_FILE.to_owned(), MANIFEST_FILE.to_owned()]);
    let manifest = ExportManifest::new(run, &tables, format, Exactness::of(model), files)?;
    write_text(&out.join(README_FILE), &readme(&manifest, format))?;
    write_text(&out.join(MANIFEST_FILE), &manifest.to_json()?)?;
    Ok(manifest)
}

/// Writes `text` to `path` whole or not at all.
fn write_text(path: &Path, text: &str) -> Result<(), ExportError> {
    write_file_atomically(path, |file| file.write_all(text.as_bytes()))
        .map_err(|e| ExportError::write(path, e))
}
