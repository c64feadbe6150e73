//! `sequda report`: a self-contained HTML page about a run (issue #36 item 3).

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;

use sequda::analysis::report::{ReportRequest, write_report};

/// `sequda report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The run folder to report on.
    #[arg(long)]
    pub run: PathBuf,
    /// Runs of the same data to compare it with (repeat the flag or list several).
    #[arg(long, num_args = 1..)]
    pub compare: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(long, default_value = "report.html")]
    pub out: PathBuf,
    /// The ad whose audience is charted (an item id of the data); the most popular training
    /// item by default.
    #[arg(long)]
    pub item: Option<String>,
    /// Synthetic sequences generated for the sample and its quality monitors.
    #[arg(long, default_value_t = 200)]
    pub synthetic: usize,
    /// Seed of the synthetic sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// auto, gpu, cpu, wgpu, adapter:N.
    #[arg(long, default_value = "cpu")]
    pub device: String,
}

/// Runs `report`.
pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let request = ReportRequest {
        run: args.run,
        compare: args.compare,
        item: args.item,
        synthetic_sequences: args.synthetic,
        seed: args.seed,
        device: args.device.parse().map_err(|e: String| anyhow!(e))?,
    };
    let written = write_report(&request, &args.out)?;
    for line in &written.missing {
        eprintln!("report: left out {line}");
    }
    eprintln!(
        "report: wrote {} ({} KiB)",
        written.path.display(),
        written.bytes.div_ceil(1024)
    );
    Ok(())
}
