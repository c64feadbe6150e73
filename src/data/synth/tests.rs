//! Tests of the generator: determinism, file format, and the quality gate (a first-order Markov
//! baseline must clearly beat popularity under the full-ranking leave-one-out protocol).

use std::collections::BTreeMap;

use super::sample::csv_field;
use super::{ADS_FILE, EVENTS_FILE, SynthConfig, generate, write_sample_data};

/// Per-user item sequences (item indices in file order) and the event counts of a log.
struct Parsed {
    /// Item index sequences, one per user, chronological.
    sequences: Vec<Vec<usize>>,
    /// Number of distinct items.
    items: usize,
    /// Rows per event name.
    events: BTreeMap<String, usize>,
}

/// Parses `ad_events.csv` text, checking its format along the way.
fn parse(events_csv: &str) -> Parsed {
    let mut lines = events_csv.split_terminator('\n');
    assert_eq!(lines.next(), Some("user_id,item_id,timestamp,event"));
    let mut users: BTreeMap<&str, usize> = BTreeMap::new();
    let mut items: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sequences: Vec<Vec<usize>> = Vec::new();
    let mut events = BTreeMap::new();
    let mut last_timestamp = i64::MIN;
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 4, "bad row {line:?}");
        let timestamp: i64 = fields[2].parse().expect("integer timestamp");
        assert!(timestamp >= last_timestamp, "rows not sorted by timestamp");
        last_timestamp = timestamp;
        let next_user = users.len();
        let user = *users.entry(fields[0]).or_insert(next_user);
        let next_item = items.len();
        let item = *items.entry(fields[1]).or_insert(next_item);
        if user == sequences.len() {
            sequences.push(Vec::new());
        }
        sequences[user].push(item);
        *events.entry(fields[3].to_owned()).or_insert(0) += 1;
    }
    Parsed {
        sequences,
        items: items.len(),
        events,
    }
}

/// NDCG@10 under full ranking of `score(input, scores)` over the test split (last item).
fn test_ndcg10(parsed: &Parsed, mut score: impl FnMut(&[usize], &mut [f64])) -> f64 {
    let mut total = 0.0;
    let mut evaluated = 0;
    let mut scores = vec![0.0; parsed.items];
    for sequence in parsed.sequences.iter().filter(|s| s.len() >= 3) {
        let (input, target) = sequence.split_at(sequence.len() - 1);
        let target = target[0];
        score(input, &mut scores);
        for &item in input {
            if item != target {
                scores[item] = f64::NEG_INFINITY;
            }
        }
        let rank = (0..parsed.items)
            .filter(|i| *i != target && scores[*i] >= scores[target])
            .count();
        if rank < 10 {
            total += 1.0 / ((rank + 2) as f64).log2();
        }
        evaluated += 1;
    }
    total / f64::from(evaluated.max(1))
}

/// Popularity, first-order Markov and a last-three-items skip-gram NDCG@10 (test split, trained
/// on the training parts).
fn baselines(parsed: &Parsed) -> (f64, f64, f64) {
    let mut popularity = vec![0.0; parsed.items];
    let mut transitions: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); parsed.items];
    let mut skips: [Vec<BTreeMap<usize, f64>>; 3] =
        std::array::from_fn(|_| vec![BTreeMap::new(); parsed.items]);
    for sequence in &parsed.sequences {
        let train = if sequence.len() >= 3 {
            &sequence[..sequence.len() - 2]
        } else {
            &sequence[..]
        };
        for &item in train {
            popularity[item] += 1.0;
        }
        for pair in train.windows(2) {
            *transitions[pair[0]].entry(pair[1]).or_insert(0.0) += 1.0;
        }
        for (gap, counts) in skips.iter_mut().enumerate() {
            for window in train.windows(gap + 2) {
                *counts[window[0]].entry(window[gap + 1]).or_insert(0.0) += 1.0;
            }
        }
    }
    let pop = test_ndcg10(parsed, |_, scores| scores.copy_from_slice(&popularity));
    let markov = test_ndcg10(parsed, |input, scores| {
        for (score, pop) in scores.iter_mut().zip(&popularity) {
            *score = 1e-3 * pop;
        }
        if let Some(&last) = input.last() {
            for (&next, count) in &transitions[last] {
                scores[next] += count;
            }
        }
    });
    let skip_gram = test_ndcg10(parsed, |input, scores| {
        for (score, pop) in scores.iter_mut().zip(&popularity) {
            *score = 1e-3 * pop;
        }
        for (gap, counts) in skips.iter().enumerate() {
            if let Some(&item) = input.iter().rev().nth(gap) {
                let weight = [1.0, 0.5, 0.25][gap];
                for (&next, count) in &counts[item] {
                    scores[next] += weight * count;
                }
            }
        }
    });
    (pop, markov, skip_gram)
}

#[test]
fn default_data_passes_the_quality_gate() {
    let data = generate(&SynthConfig::default());
    let parsed = parse(&data.events_csv);
    assert_eq!(parsed.sequences.len(), data.users);
    assert_eq!(parsed.events.values().sum::<usize>(), data.events);
    let mut lengths: Vec<usize> = parsed.sequences.iter().map(Vec::len).collect();
    lengths.sort_unstable();
    let repeats: usize = parsed
        .sequences
        .iter()
        .map(|s| {
            let mut seen = std::collections::BTreeSet::new();
            s.iter().filter(|i| !seen.insert(**i)).count()
        })
        .sum();
    let (pop, markov, skip_gram) = baselines(&parsed);
    let share = |name: &str| {
        100.0 * parsed.events.get(name).copied().unwrap_or(0) as f64 / data.events as f64
    };
    eprintln!(
        "users {} ads {} rows {} items seen {} | seq len mean {:.1} median {} max {} min {} | \
         impression {:.1}% click {:.1}% conversion {:.1}% | repeats {:.2}% | \
         NDCG@10 pop {:.4} markov {:.4} ratio {:.2} last-3 {:.4} | bytes events {} ads {}",
        data.users,
        data.ads,
        data.events,
        parsed.items,
        data.events as f64 / data.users as f64,
        lengths[lengths.len() / 2],
        lengths[lengths.len() - 1],
        lengths[0],
        share("impression"),
        share("click"),
        share("conversion"),
        100.0 * repeats as f64 / data.events as f64,
        pop,
        markov,
        markov / pop,
        skip_gram,
        data.events_csv.len(),
        data.ads_csv.len(),
    );
    assert!((2_000..=3_000).contains(&data.users));
    assert!((200..=400).contains(&data.ads));
    assert!(data.events <= 90_000);
    assert!(repeats * 20 < data.events, "repeats must stay under 5%");
    assert!((0.03..=0.10).contains(&pop), "popularity NDCG@10 {pop}");
    assert!(markov >= 2.5 * pop, "markov {markov} vs popularity {pop}");
}

#[test]
fn generation_is_deterministic_and_seed_dependent() {
    let small = SynthConfig {
        users: 200,
        ..SynthConfig::default()
    };
    assert_eq!(generate(&small), generate(&small));
    let other = generate(&SynthConfig {
        seed: 8,
        ..small.clone()
    });
    assert_ne!(generate(&small).events_csv, other.events_csv);
}

#[test]
fn degenerate_configs_do_not_panic() {
    for config in [
        SynthConfig {
            users: 0,
            ..SynthConfig::default()
        },
        SynthConfig {
            ads: 0,
            users: 10,
            ..SynthConfig::default()
        },
        SynthConfig {
            ads: 1,
            users: 10,
            categories: 0,
            ..SynthConfig::default()
        },
        SynthConfig {
            ads: 7,
            users: 10,
            min_sequence_length: 0,
            max_sequence_length: 0,
            ..SynthConfig::default()
        },
        SynthConfig {
            users: 5,
            noise_per_mille: 2000,
            follow_up_per_mille: u32::MAX,
            ..SynthConfig::default()
        },
    ] {
        let data = generate(&config);
        assert_eq!(data.events_csv.lines().count(), data.events + 1);
        assert_eq!(data.ads_csv.lines().count(), data.ads + 1);
    }
}

#[test]
fn ads_file_quotes_commas_and_uses_readable_names() {
    let data = generate(&SynthConfig::default());
    let mut lines = data.ads_csv.lines();
    assert_eq!(lines.next(), Some("item_id,title,category"));
    assert!(
        data.ads_csv
            .contains("ad001,TrailBlaze Running Shoes — coming soon,Running gear\n")
    );
    assert!(data.ads_csv.contains(", get 1 free\","));
    assert!(!data.ads_csv.contains('\r') && !data.events_csv.contains('\r'));
    assert_eq!(csv_field("say \"hi\", you"), "\"say \"\"hi\"\", you\"");
    assert_eq!(csv_field("plain"), "plain");
}

#[test]
fn write_creates_the_directory_and_both_files() {
    let dir = std::env::temp_dir().join(format!("sequda_synth_test_{}", std::process::id()));
    let config = SynthConfig {
        users: 20,
        ..SynthConfig::default()
    };
    let (events, ads) = write_sample_data(&dir.join("nested"), &config).expect("write sample data");
    assert!(events.ends_with(EVENTS_FILE) && ads.ends_with(ADS_FILE));
    let data = generate(&config);
    assert_eq!(std::fs::read_to_string(&events).ok(), Some(data.events_csv));
    assert_eq!(std::fs::read_to_string(&ads).ok(), Some(data.ads_csv));
    let _ = std::fs::remove_dir_all(&dir);
}
