//! `sequda data stats|synth|synth-scale`.

use anyhow::Context;

use super::args::DataCommand;
use super::input::load_reporting;
use super::scale_args::SynthScaleArgs;
use sequda::data::synth::{ScaleConfig, SynthConfig, write_sample_data, write_scale_data};
use sequda::data::{StatsJson, dataset_stats};

/// Runs a `data` subcommand.
pub fn run(command: DataCommand) -> anyhow::Result<()> {
    match command {
        DataCommand::Stats {
            path,
            input,
            item_popularity,
        } => {
            let dataset = load_reporting(&path, &input)?;
            let stats = StatsJson::new(dataset_stats(&dataset), item_popularity);
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
        DataCommand::SynthScale(args) => synth_scale(args),
    }
}

/// Runs `data synth-scale`.
fn synth_scale(args: SynthScaleArgs) -> anyhow::Result<()> {
    let config = ScaleConfig {
        users: args.users,
        items: args.items,
        interactions: args.interactions,
        seed: args.seed,
        zipf_exponent: args.zipf,
        follow_per_mille: args.follow_per_mille,
        cover_catalogue: args.cover_catalogue,
        ..ScaleConfig::default()
    };
    let rows = write_scale_data(&args.out, &config)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "wrote {rows} interactions of {} users over {} items to {}",
        config.users,
        config.items,
        args.out.display()
    );
    Ok(())
}
