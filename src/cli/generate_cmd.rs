//! `sequda generate`: synthetic sequences as CSV (one row per sequence), each with its nearest
//! real training sequence and the longest run of items it shares with it.

use std::io::Write;

use anyhow::{Context, anyhow};

use super::args::GenerateArgs;
use sequda::analysis::csv::{Cell, CsvTable};
use sequda::analysis::nearest_real::nearest_match;
use sequda::train::run::open_run;
use sequda::train::tools::generate_from_run;

/// Runs `generate`.
pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let device = args.device.parse().map_err(|e: String| anyhow!(e))?;
    let run = open_run(&args.run, device)?;
    let generated = generate_from_run(&run, args.count, args.seed)?;
    let mut table = CsvTable::new([
        "sequence",
        "source_user",
        "d_score",
        "prefix_length",
        "items",
        "titles",
        "nearest_real_user",
        "nearest_similarity",
        "longest_shared_run",
    ]);
    let training = &run.split.train;
    for (index, sequence) in generated.sequences.iter().enumerate() {
        let ids: Vec<&str> = sequence
            .items
            .iter()
            .map(|&item| run.dataset.items.token(item))
            .collect();
        let titles: Vec<String> = sequence
            .items
            .iter()
            .map(|&item| run.item_label(item))
            .collect();
        let source = run.dataset.users.token(sequence.source as u32);
        // The most similar training sequence (Jaccard of item sets) and how much of it this
        // one repeats verbatim.
        let (nearest_user, similarity, shared_run) = match nearest_match(&sequence.items, training)
        {
            Some(near) => (
                run.dataset.users.token(near.user),
                (near.similarity * 1e4).round() / 1e4,
                near.shared_run,
            ),
            None => ("", 0.0, 0),
        };
        table.push(vec![
            (index + 1).into(),
            Cell::from(source),
            ((f64::from(sequence.d_score) * 1e4).round() / 1e4).into(),
            sequence.prefix_len.into(),
            Cell::from(ids.join(" ")),
            Cell::from(titles.join(" > ")),
            Cell::from(nearest_user),
            similarity.into(),
            shared_run.into(),
        ]);
    }
    let destination = match &args.out {
        Some(path) => {
            table
                .write_to(path)
                .with_context(|| format!("writing {}", path.display()))?;
            path.display().to_string()
        }
        None => {
            print!("{}", table.to_csv_string());
            "stdout".to_owned()
        }
    };
    let quality = &generated.quality;
    let mut stderr = std::io::stderr();
    writeln!(
        stderr,
        "wrote {} sequences to {destination} (popularity JS {:.3}, distinct-2 {:.3} vs real {:.3}, memorised {:.3})",
        generated.sequences.len(),
        quality.popularity_js,
        quality.synthetic.distinct_2,
        quality.real.distinct_2,
        quality.synthetic.memorised_share
    )?;
    Ok(())
}
