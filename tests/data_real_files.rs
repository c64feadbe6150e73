//! Loads the public datasets in `../shared/data` (next to the repository; never committed) and
//! checks their published counts. Each test is skipped, loudly, when the folder is absent, so
//! `cargo test` passes on a fresh clone. Load times are printed; in release builds ML-1M must
//! load in under a second.

use std::path::{Path, PathBuf};
use std::time::Instant;

use sequda::data::{self, Dataset, Format, IdMap, LoadOptions};

/// `../shared/data`, or `None` (with a loud message) when it or `file` is missing.
fn shared(file: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(file);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "!!! SKIPPED: {} is not there (real-data check not run)",
            path.display()
        );
        None
    }
}

/// Loads a shared file, prints its counts and load time, and checks the counts.
fn check(
    file: &str,
    options: &LoadOptions,
    format: Format,
    expected: (usize, usize, usize),
) -> Option<Dataset> {
    let path = shared(file)?;
    let start = Instant::now();
    let dataset = data::load_dataset(&path, options).unwrap_or_else(|error| panic!("{error}"));
    let seconds = start.elapsed().as_secs_f64();
    let counts = (
        dataset.n_users(),
        dataset.n_items(),
        dataset.n_interactions(),
    );
    eprintln!(
        "{file}: {} users, {} items, {} interactions, format {}, loaded in {seconds:.3} s; report: {:?}",
        counts.0,
        counts.1,
        counts.2,
        dataset.format,
        dataset.report.summary_lines()
    );
    assert_eq!(dataset.format, format, "{file}");
    assert_eq!(counts, expected, "{file}");
    Some(dataset)
}

#[test]
fn ml_1m_sasrec() {
    let Some(path) = shared("ml-1m/ml-1m.txt") else {
        return;
    };
    let Some(dataset) = check(
        "ml-1m/ml-1m.txt",
        &LoadOptions::default(),
        Format::Sasrec,
        (6040, 3416, 999_611),
    ) else {
        return;
    };
    assert!(dataset.report.is_clean());
    let stats = data::dataset_stats(&dataset);
    assert_eq!(
        (stats.sequence_length.min, stats.sequence_length.max),
        (18, 2277)
    );
    assert_eq!(stats.sequence_length.median, 96.0);
    assert_eq!(stats.repeated_pairs, 0);
    let split = data::leave_one_out(&dataset.sequences);
    assert_eq!(split.n_train_interactions(), 999_611 - 2 * 6040);
    if !cfg!(debug_assertions) {
        let start = Instant::now();
        let _ = data::load_dataset(&path, &LoadOptions::default());
        let seconds = start.elapsed().as_secs_f64();
        assert!(seconds < 1.0, "ml-1m.txt took {seconds:.3} s");
    }
}

#[test]
fn beauty_one_user_per_line() {
    check(
        "amazon-beauty/5core-s3rec/Beauty.txt",
        &LoadOptions::default(),
        Format::Sasrec,
        (22_363, 12_101, 198_502),
    );
}

#[test]
fn ml_100k_u_data() {
    let Some(dataset) = check(
        "ml-100k/u.data",
        &LoadOptions::default(),
        Format::MovieLens,
        (943, 1682, 100_000),
    ) else {
        return;
    };
    let times = dataset.timestamps.as_ref().expect("timestamps");
    assert!(times.iter().all(|t| t.is_sorted()));
    assert!(dataset.report.is_clean(), "{:?}", dataset.report);
}

#[test]
fn taobao_headerless_csv() {
    let Some(dataset) = check(
        "ads/taobao-userbehavior/UserBehavior_head4321.csv",
        &LoadOptions::default(),
        Format::Delimited,
        (43, 3276, 4321),
    ) else {
        return;
    };
    let mut names = dataset.behaviour_names.clone();
    names.sort();
    assert_eq!(names, ["buy", "cart", "fav", "pv"]);
    let stats = data::dataset_stats(&dataset);
    let behaviours: std::collections::HashMap<_, _> = stats.behaviours.into_iter().collect();
    assert_eq!(behaviours.get("pv"), Some(&3926));
    assert_eq!(behaviours.get("buy"), Some(&77));
    assert_eq!(stats.repeated_pairs, 992);
    let options = LoadOptions {
        user_column: Some("1".into()),
        item_column: Some("2".into()),
        time_column: Some("5".into()),
        behaviour_column: Some("4".into()),
        ..LoadOptions::default()
    };
    check(
        "ads/taobao-userbehavior/UserBehavior_head4321.csv",
        &options,
        Format::Delimited,
        (43, 3276, 4321),
    );
}

#[test]
fn beauty_asrep_train_tsv() {
    let Some(dataset) = check(
        "amazon-beauty/5core-asrep/train.txt",
        &LoadOptions::default(),
        Format::Delimited,
        (22_363, 12_068, 153_776),
    ) else {
        return;
    };
    assert!(dataset.timestamps.is_some());
}

#[test]
fn ml_1m_item_titles() {
    let Some(dataset) = check(
        "ml-1m/ml-1m.txt",
        &LoadOptions::default(),
        Format::Sasrec,
        (6040, 3416, 999_611),
    ) else {
        return;
    };
    let Some(meta_path) = shared("ml-1m/ml-1m_items.tsv") else {
        return;
    };
    let (meta, report) =
        data::load_item_meta(&meta_path, &dataset.items).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "ml-1m_items.tsv: {} rows used; {:?}",
        report.rows_used,
        report.summary_lines()
    );
    assert_eq!(report.rows_used, 3416);
    let first = dataset.items.index("1").expect("item 1");
    assert_eq!(
        meta.title(first, &dataset.items),
        "Raiders of the Lost Ark (1981)"
    );
    assert_eq!(meta.category(first), Some("Action"));
}

#[test]
fn ml_100k_item_titles() {
    let Some(dataset) = check(
        "ml-100k/u.data",
        &LoadOptions::default(),
        Format::MovieLens,
        (943, 1682, 100_000),
    ) else {
        return;
    };
    let Some(meta_path) = shared("ml-100k/u.item") else {
        return;
    };
    let (meta, report) =
        data::load_item_meta(&meta_path, &dataset.items).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "u.item: {} rows used; {:?}",
        report.rows_used,
        report.summary_lines()
    );
    assert_eq!(report.rows_used, 1682);
    let toy_story = dataset.items.index("1").expect("item 1");
    assert_eq!(meta.title(toy_story, &dataset.items), "Toy Story (1995)");
    assert_eq!(meta.category(toy_story), Some("Animation"));
    let miserables = dataset.items.index("543").expect("item 543");
    assert_eq!(
        meta.title(miserables, &dataset.items),
        "Misérables, Les (1995)"
    );
}

#[test]
fn ml_1m_movies_dat() {
    let Some(meta_path) = shared("ml-1m/movies.dat") else {
        return;
    };
    let items: IdMap = (1..=3952).map(|id| id.to_string()).collect();
    let (meta, report) = data::load_item_meta(&meta_path, &items).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "movies.dat: {} rows used; {:?}",
        report.rows_used,
        report.summary_lines()
    );
    assert_eq!(report.rows_used, 3883);
    let miserables = items.index("73").expect("73");
    assert_eq!(meta.title(miserables, &items), "Misérables, Les (1995)");
    assert_eq!(meta.category(miserables), Some("Drama"));
}
