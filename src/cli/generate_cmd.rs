//! `sequda generate`: synthetic sequences as CSV (one row per sequence).

use std::io::Write;

use anyhow::{Context, anyhow};

use super::args::GenerateArgs;
use sequda::analysis::csv::{Cell, CsvTable};
use sequda::train::reopen::open_run;
use sequda::train::synthetic::generate_from_run;

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
    ]);
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
        table.push(vec![
            (index + 1).into(),
            Cell::from(source),
            ((f64::from(sequence.d_score) * 1e4).round() / 1e4).into(),
            sequence.prefix_len.into(),
            Cell::from(ids.join(" ")),
            Cell::from(titles.join(" > ")),
        ]);
    }
    table
        .write_to(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let quality = &generated.quality;
    let mut stderr = std::io::stderr();
    writeln!(
        stderr,
        "wrote {} sequences to {} (popularity JS {:.3}, distinct-2 {:.3} vs real {:.3}, memorised {:.3})",
        generated.sequences.len(),
        args.out.display(),
        quality.popularity_js,
        quality.synthetic.distinct_2,
        quality.real.distinct_2,
        quality.synthetic.memorised_share
    )?;
    Ok(())
}
