//! `sequda data stats|synth`.

use anyhow::Context;

use super::args::DataCommand;
use super::input::load_reporting;
use sequda::data::dataset_stats;
use sequda::data::synth::{SynthConfig, write_sample_data};

/// Runs a `data` subcommand.
pub fn run(command: DataCommand) -> anyhow::Result<()> {
    match command {
        DataCommand::Stats { path, input } => {
            let dataset = load_reporting(&path, &input)?;
            let stats = dataset_stats(&dataset);
            println!("{}", serde_json::to_string_pretty(&stats)?);
            Ok(())
        }
        DataCommand::Synth { out, seed } => {
            let mut config = SynthConfig::default();
            if let Some(seed) = seed {
                config.seed = seed;
            }
            let (events, ads) = write_sample_data(&out, &config)
                .with_context(|| format!("writing sample data to {}", out.display()))?;
            eprintln!("wrote {} and {}", events.display(), ads.display());
            Ok(())
        }
    }
}
