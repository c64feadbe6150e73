//! `sequda audience`: every user ranked for one item, exported as a spreadsheet-safe CSV.

use anyhow::{Context, anyhow};

use super::args::AudienceArgs;
use sequda::analysis::audience::{audience, audience_table};
use sequda::analysis::audience_verdict::{AudienceVerdict, TiesAtCut};
use sequda::train::run::open_run;

/// Runs `audience`.
pub fn run(args: AudienceArgs) -> anyhow::Result<()> {
    let device = args.device.parse().map_err(|e: String| anyhow!(e))?;
    let run = open_run(&args.run, device)?;
    let item = run.dataset.items.index(&args.item).ok_or_else(|| {
        anyhow!(
            "item '{}' is not in {} ({} items; ids look like '{}')",
            args.item,
            run.config.data.path,
            run.dataset.n_items(),
            run.dataset
                .items
                .tokens()
                .first()
                .map_or("", String::as_str)
        )
    })?;
    if run.inference.is_none() {
        anyhow::bail!(
            "{} holds a popularity model, which ranks every user the same for every item; \
             train a sasrec or sequda run for audiences",
            args.run.display()
        );
    }
    let ranking = audience(&run.view(), item, !args.without_target_attention)?;
    let size = args.top.min(ranking.ranked.len());
    let table = audience_table(&run.dataset, &ranking, size);
    match &args.out {
        Some(path) => table
            .write_to(path)
            .with_context(|| format!("writing {}", path.display()))?,
        None => print!("{}", table.to_csv_string()),
    }
    let share = size as f64 / ranking.ranked.len().max(1) as f64;
    eprintln!(
        "audience for '{}' ({}) scored by {}: top {size} of {} users, expected reach {:.1}; held-out check on {} users: \
         the top {:.1}% reach {:.1}% of real engagers (most-active targeting {:.1}%, random {:.1}%)",
        args.item,
        run.item_label(item),
        ranking.scored_by.label(),
        ranking.ranked.len(),
        ranking.expected_reach(size),
        ranking.evaluated_users,
        share * 100.0,
        ranking.model_gains.reached_at(share) * 100.0,
        ranking.popularity_gains.reached_at(share) * 100.0,
        share.min(1.0) * 100.0,
    );
    // The same verdict, warning and tie report as the window's Audience pane.
    let verdict = AudienceVerdict::of(&ranking, size);
    eprintln!("verdict: {}", verdict.headline());
    if let Some(warning) = verdict.warning() {
        eprintln!("warning: {warning}");
    }
    if let Some(ties) = TiesAtCut::of(&ranking.ranked, size) {
        eprintln!("ties: {}", ties.sentence());
    }
    if let Some(path) = &args.out {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
