//! The command-line arguments of `sequda export` (issue #36: output for the warehouse).

use std::path::PathBuf;

use clap::Args;

use sequda::analysis::export::ExportFormat;

/// `sequda export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The run folder.
    #[arg(long)]
    pub run: PathBuf,
    /// The folder to write the export into (created when missing; files there are replaced).
    #[arg(long)]
    pub out: PathBuf,
    /// csv, parquet or safetensors.
    #[arg(long, default_value = "csv")]
    pub format: ExportFormat,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long, default_value = "auto")]
    pub device: String,
}
