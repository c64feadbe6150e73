//! `sequda recommend`: the next items for one user.

use anyhow::anyhow;

use super::args::RecommendArgs;
use sequda::train::run::open_run;

/// Runs `recommend`.
pub fn run(args: RecommendArgs) -> anyhow::Result<()> {
    let device = args.device.parse().map_err(|e: String| anyhow!(e))?;
    let run = open_run(&args.run, device)?;
    let user = run.dataset.users.index(&args.user).ok_or_else(|| {
        anyhow!(
            "user '{}' is not in {} ({} users; ids look like '{}')",
            args.user,
            run.config.data.path,
            run.dataset.n_users(),
            run.dataset
                .users
                .tokens()
                .first()
                .map_or("", String::as_str)
        )
    })?;
    let items = run.recommend(user, args.k, args.include_seen)?;
    if args.json {
        let list: Vec<serde_json::Value> = items
            .iter()
            .enumerate()
            .map(|(rank, (item, score))| {
                serde_json::json!({
                    "rank": rank + 1,
                    "item": run.dataset.items.token(*item),
                    "title": run.item_label(*item),
                    "score": score,
                })
            })
            .collect();
        let report = serde_json::json!({"user": args.user, "k": args.k, "items": list});
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("recommendations for user {}:", args.user);
        for (rank, (item, score)) in items.iter().enumerate() {
            println!(
                "{:>3}. {:<12} {:>9.4}  {}",
                rank + 1,
                run.dataset.items.token(*item),
                score,
                run.item_label(*item)
            );
        }
    }
    Ok(())
}
