//! `sequda bench`: throughput and memory figures as JSON on stdout.

use anyhow::anyhow;

use super::args::BenchArgs;
use super::input::load_reporting;
use super::train_cmd::{apply_loss, apply_shape, loss_label};
use sequda::settings::TrainConfig;
use sequda::studio::sample_data_paths;
use sequda::train::tools::run_bench;

/// Runs `bench`.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let path = args.data.clone().unwrap_or_else(|| sample_data_paths().0);
    let dataset = load_reporting(&path, &args.input)?;
    let mut config = TrainConfig::default();
    apply_shape(&mut config, &args.shape);
    config.device = args.device.parse().map_err(|e: String| anyhow!(e))?;
    config.seed = args.seed;
    config.model = args.model.parse().map_err(|e: String| anyhow!(e))?;
    apply_loss(&mut config, &args.loss)?;
    config.validate()?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let workload = format!(
        "{name} {} max_len={} dim={} blocks={} heads={} batch={} loss={}",
        config.model,
        config.encoder.max_len,
        config.encoder.dim,
        config.encoder.blocks,
        config.encoder.heads,
        config.batch_size,
        loss_label(&config, dataset.n_items())
    );
    let report = run_bench(&dataset, &config, args.epochs, workload)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
