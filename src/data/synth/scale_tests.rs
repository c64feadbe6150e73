//! The scale generator writes what it promises: exact totals, per-user chronology, Zipf
//! popularity, the same bytes for a seed.

use super::*;
use crate::data::{LoadOptions, load_dataset_bytes};

fn small(users: usize, items: usize, interactions: usize) -> ScaleConfig {
    ScaleConfig {
        users,
        items,
        interactions,
        ..ScaleConfig::default()
    }
}

fn bytes(config: &ScaleConfig) -> Vec<u8> {
    let mut out = Vec::new();
    let rows = write_scale_rows(&mut out, config).expect("written");
    assert_eq!(rows, config.interactions as u64);
    out
}

/// `(user, item, time)` of every row.
fn rows(text: &str) -> Vec<(String, String, i64)> {
    text.lines()
        .skip(1)
        .map(|line| {
            let mut fields = line.split(',');
            let mut next = || fields.next().expect("three fields").to_string();
            let (user, item, time) = (next(), next(), next());
            (user, item, time.parse().expect("a timestamp"))
        })
        .collect()
}

#[test]
fn totals_are_exact_and_every_user_has_three_in_time_order() {
    let config = small(300, 500, 4_321);
    let out = bytes(&config);
    let text = std::str::from_utf8(&out).expect("utf-8");
    assert!(text.starts_with("user_id,item_id,timestamp\n"));
    let rows = rows(text);
    assert_eq!(rows.len(), 4_321);
    let mut per_user = std::collections::BTreeMap::<String, Vec<i64>>::new();
    for (user, _, time) in &rows {
        per_user.entry(user.clone()).or_default().push(*time);
    }
    assert_eq!(per_user.len(), 300, "every user writes rows");
    for (user, times) in &per_user {
        assert!(times.len() >= 3, "{user}: {}", times.len());
        assert!(
            times.windows(2).all(|w| w[0] < w[1]),
            "{user} in time order"
        );
    }
    let longest = per_user.values().map(Vec::len).max().unwrap_or(0);
    assert!(longest > 3 * 4_321 / 300, "a long tail, longest {longest}");
}

#[test]
fn the_loader_reads_every_row_as_written() {
    let config = small(50, 200, 700);
    let dataset = load_dataset_bytes(
        Path::new("scale.csv"),
        &bytes(&config),
        &LoadOptions::default(),
    )
    .expect("loads");
    assert_eq!(dataset.n_users(), 50);
    assert_eq!(dataset.n_interactions(), 700, "no row skipped or dropped");
    assert!(dataset.n_items() <= 200);
}

#[test]
fn covering_the_catalogue_writes_every_item_and_changes_little_else() {
    // 2,000 draws over 5,000 Zipf ranks leave most items out; covering writes each of them.
    let plain = small(200, 5_000, 12_000);
    let covered = ScaleConfig {
        cover_catalogue: true,
        ..plain.clone()
    };
    let items = |config: &ScaleConfig| {
        let out = bytes(config);
        let text = String::from_utf8(out).expect("utf-8");
        let all = rows(&text);
        let distinct: std::collections::HashSet<String> =
            all.iter().map(|(_, item, _)| item.clone()).collect();
        (all, distinct.len())
    };
    let (plain_rows, plain_items) = items(&plain);
    let (covered_rows, covered_items) = items(&covered);
    assert!(plain_items < 5_000, "the plain log misses rare items");
    assert_eq!(covered_items, 5_000, "every catalogue item occurs");
    assert_eq!(covered_rows.len(), plain_rows.len());
    let same = plain_rows
        .iter()
        .zip(&covered_rows)
        .filter(|(a, b)| a == b)
        .count();
    // Every 2nd row is a cover row (12,000 / 5,000 = 2), and a cover row seeds the next
    // follow-up; users, times and the Zipf draws are untouched.
    assert!(same > 12_000 / 4, "only {same} rows unchanged");
    assert!(
        plain_rows
            .iter()
            .zip(&covered_rows)
            .all(|(a, b)| a.0 == b.0 && a.2 == b.2),
        "users and times are the same"
    );
}

#[test]
fn the_same_seed_writes_the_same_bytes() {
    let config = small(40, 100, 400);
    assert_eq!(bytes(&config), bytes(&config));
    let other = ScaleConfig {
        seed: 2,
        ..config.clone()
    };
    assert_ne!(bytes(&config), bytes(&other));
}

#[test]
fn item_popularity_follows_zipf() {
    // Without follow-ups every draw is Zipf(1) over 1,000 ranks: the top item takes
    // 1 / H(1000) ≈ 13.4% and the top ten H(10) / H(1000) ≈ 39.1%.
    for (follow, tolerance) in [(0, 0.01), (500, 0.05)] {
        let config = ScaleConfig {
            follow_per_mille: follow,
            ..small(500, 1_000, 60_000)
        };
        let out = bytes(&config);
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for (_, item, _) in rows(std::str::from_utf8(&out).expect("utf-8")) {
            *counts.entry(item).or_default() += 1;
        }
        let mut sorted: Vec<usize> = counts.into_values().collect();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        let share = |n: usize| sorted.iter().take(n).sum::<usize>() as f64 / 60_000.0;
        let harmonic = |n: usize| (1..=n).map(|r| 1.0 / r as f64).sum::<f64>();
        let (top, ten) = (share(1), share(10));
        let expected = (1.0 / harmonic(1_000), harmonic(10) / harmonic(1_000));
        assert!(
            (top - expected.0).abs() < tolerance,
            "follow {follow}: top {top}"
        );
        assert!(
            (ten - expected.1).abs() < 2.0 * tolerance,
            "follow {follow}: ten {ten}"
        );
    }
}

#[test]
fn numbers_that_describe_no_log_are_refused() {
    for bad in [
        small(0, 10, 10),
        small(10, 0, 30),
        small(10, 10, 29),
        ScaleConfig {
            zipf_exponent: -1.0,
            ..small(1, 1, 3)
        },
        ScaleConfig {
            cover_catalogue: true,
            ..small(10, 31, 30)
        },
    ] {
        assert!(matches!(
            write_scale_rows(&mut Vec::new(), &bad),
            Err(ScaleError::Invalid(_))
        ));
    }
}
