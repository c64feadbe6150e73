//! `sequda bench`: throughput figures as JSON on stdout.

use std::path::PathBuf;

use anyhow::anyhow;

use super::args::BenchArgs;
use super::load_reporting;
use super::train_cmd::apply_shape;
use sequda::train::TrainConfig;
use sequda::train::bench::run_bench;

/// Runs `bench`.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let path = args
        .data
        .clone()
        .unwrap_or_else(|| PathBuf::from("sample_data/ad_events.csv"));
    let dataset = load_reporting(&path, &args.input)?;
    let mut config = TrainConfig::default();
    apply_shape(&mut config, &args.shape);
    config.device = args.device.parse().map_err(|e: String| anyhow!(e))?;
    config.seed = args.seed;
    config.encoder.validate()?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let workload = format!(
        "{name} sasrec-ce max_len={} dim={} blocks={} heads={} batch={}",
        config.encoder.max_len,
        config.encoder.dim,
        config.encoder.blocks,
        config.encoder.heads,
        config.batch_size
    );
    let report = run_bench(&dataset, &config, workload)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
