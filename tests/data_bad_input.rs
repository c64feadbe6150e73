//! End-to-end checks of the data layer on a corpus of malformed and odd-but-valid files
//! (`tests/fixtures/data/`, plus non-UTF-8 and binary files made here): every file either loads
//! with the right counts or fails with one clear line naming the file and, where it applies,
//! the line; nothing panics, including on random bytes and random mutations of valid files.
//! The same cases run as unit tests in `src/data/tests.rs`.

use std::path::{Path, PathBuf};

use sequda::data::{
    self, DataError, DataErrorKind, Dataset, Format, IdMap, LoadOptions, REASON_COLUMNS,
    REASON_DUPLICATE, REASON_TIMESTAMP,
};

/// A fixture's name and bytes.
macro_rules! fixture {
    ($name:literal) => {
        ($name, &include_bytes!(concat!("fixtures/data/", $name))[..])
    };
}

/// Writes `bytes` to a file called `name` in a fresh temporary folder and loads it.
fn load_file(
    (name, bytes): (&str, &[u8]),
    options: &LoadOptions,
) -> (tempfile::TempDir, PathBuf, Result<Dataset, DataError>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    let result = data::load_dataset(&path, options);
    (dir, path, result)
}

fn load_ok(fixture: (&str, &[u8])) -> Dataset {
    let (_dir, _path, result) = load_file(fixture, &LoadOptions::default());
    result.unwrap_or_else(|error| panic!("{error}"))
}

/// Loads a file that must fail; checks the message names the file and is one line.
fn load_err(fixture: (&str, &[u8]), options: &LoadOptions) -> DataError {
    let (_dir, path, result) = load_file(fixture, options);
    let error = result.expect_err("this file must not load");
    let message = error.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    assert_eq!(error.path, path);
    error
}

fn counts(dataset: &Dataset) -> (usize, usize, usize) {
    (
        dataset.n_users(),
        dataset.n_items(),
        dataset.n_interactions(),
    )
}

fn strict() -> LoadOptions {
    LoadOptions {
        strict: true,
        ..LoadOptions::default()
    }
}

#[test]
fn empty_file() {
    let error = load_err(fixture!("empty.csv"), &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::Empty));
    assert!(
        error.to_string().ends_with("empty.csv: the file is empty"),
        "{error}"
    );
}

#[test]
fn header_only() {
    let error = load_err(fixture!("header_only.csv"), &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::NoUsableRows), "{error}");
}

#[test]
fn ragged_rows_are_skipped_and_counted() {
    let dataset = load_ok(fixture!("ragged.csv"));
    assert_eq!(counts(&dataset), (3, 3, 3));
    let report = &dataset.report;
    assert_eq!((report.rows_read, report.rows_used), (6, 3));
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].reason, REASON_COLUMNS);
    assert_eq!(report.skipped[0].first_lines, [3, 4, 7]);
    assert_eq!(
        report.summary_lines(),
        ["skipped 3 rows with the wrong number of columns (lines 3, 4, 7)"]
    );
    let error = load_err(fixture!("ragged.csv"), &strict());
    assert_eq!(error.line, Some(3));
    assert!(
        matches!(error.kind, DataErrorKind::BadRow { .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("ragged.csv:3: this row has 2 columns, expected 3"),
        "{error}"
    );
}

#[test]
fn unparsable_timestamps() {
    let dataset = load_ok(fixture!("bad_timestamps.csv"));
    assert_eq!(counts(&dataset), (2, 3, 3));
    assert_eq!(dataset.report.skipped[0].reason, REASON_TIMESTAMP);
    assert_eq!(dataset.report.skipped[0].first_lines, [3, 5]);
    let error = load_err(fixture!("bad_timestamps.csv"), &strict());
    assert_eq!(error.line, Some(3));
    assert!(error.to_string().contains("`yesterday`"), "{error}");
}

#[test]
fn non_utf8_bytes_name_the_line() {
    let bytes = b"user,item\n1,10\n2,caf\xe9\n3,12\n";
    let error = load_err(("latin1.csv", bytes), &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::NotUtf8));
    assert_eq!(error.line, Some(3));
    assert!(error.to_string().contains("latin1.csv:3: "), "{error}");
}

#[test]
fn binary_garbage() {
    let mut bytes = b"1 2\n3 4\n\x00\x01\x02".to_vec();
    bytes.extend((0u32..600).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let error = load_err(("garbage.bin", &bytes), &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::Binary), "{error}");
    assert_eq!(error.line, Some(3));
    // gzip is read now (issue #36), so a broken stream is a decompression error.
    let error = load_err(
        ("data.csv.gz", b"\x1f\x8b\x08\x00rest"),
        &LoadOptions::default(),
    );
    assert!(
        matches!(error.kind, DataErrorKind::Decompress { what: "gzip", .. }),
        "{error}"
    );
    let error = load_err(("data.csv.bz2", b"BZh91AY&SYrest"), &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::Compressed { .. }),
        "{error}"
    );
}

#[test]
fn single_column() {
    let error = load_err(fixture!("single_column.txt"), &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::TooFewColumns { found: 1 }),
        "{error}"
    );
    let options = LoadOptions {
        format: Format::Sasrec,
        ..LoadOptions::default()
    };
    let error = load_err(fixture!("single_column.txt"), &options);
    assert!(
        matches!(error.kind, DataErrorKind::AllRowsSkipped { rows: 3, .. }),
        "{error}"
    );
}

#[test]
fn missing_column_says_what_exists_and_which_flag() {
    let error = load_err(fixture!("missing_column.csv"), &LoadOptions::default());
    assert!(
        matches!(
            error.kind,
            DataErrorKind::MissingColumn { role: "user", .. }
        ),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("`customer_name`, `product_name`, `when`"),
        "{message}"
    );
    assert!(message.contains(data::USER_FLAG), "{message}");
}

#[test]
fn file_not_found() {
    let path = Path::new("definitely/not/here.csv");
    let error = data::load_dataset(path, &LoadOptions::default()).expect_err("missing file");
    assert!(matches!(error.kind, DataErrorKind::Io(_)));
    assert_eq!(
        error.to_string(),
        "definitely/not/here.csv: cannot read the file: file not found; check the path"
    );
}

#[test]
fn user_with_one_event_stays_in_training() {
    let dataset = load_ok(fixture!("one_event.txt"));
    assert_eq!(counts(&dataset), (3, 5, 6));
    let split = data::leave_one_out(&dataset.sequences);
    let user = dataset.users.index("2").expect("user 2") as usize;
    assert_eq!(split.train[user].len(), 1);
    assert_eq!((split.valid[user], split.test[user]), (None, None));
    let first = dataset.users.index("1").expect("user 1") as usize;
    assert_eq!(split.train[first].len(), 1);
    assert!(split.valid[first].is_some() && split.test[first].is_some());
}

#[test]
fn duplicate_rows_with_timestamps_are_dropped() {
    let dataset = load_ok(fixture!("duplicates.csv"));
    assert_eq!(counts(&dataset), (2, 3, 4));
    assert_eq!(dataset.report.skipped[0].reason, REASON_DUPLICATE);
    assert_eq!(dataset.report.skipped[0].first_lines, [4, 7]);
    assert_eq!(dataset.sequences, vec![vec![0, 0, 1], vec![2]]);
    assert_eq!(dataset.behaviour_names, ["click", "view"]);
}

#[test]
fn repeats_without_timestamps_are_kept() {
    let dataset = load_ok(fixture!("repeats.txt"));
    assert_eq!(counts(&dataset), (2, 2, 5));
    assert!(dataset.report.is_clean());
    assert_eq!(data::dataset_stats(&dataset).repeated_pairs, 2);
}

#[test]
fn odd_but_valid_files_load() {
    let cases = [
        (fixture!("crlf.csv"), Format::Delimited, (2, 2, 3)),
        (fixture!("bom.csv"), Format::Delimited, (2, 2, 3)),
        (fixture!("quoted.csv"), Format::Delimited, (2, 2, 3)),
        (fixture!("string_ids.tsv"), Format::Delimited, (2, 3, 4)),
        (
            fixture!("one_user_per_line.txt"),
            Format::Sasrec,
            (4, 13, 15),
        ),
        (fixture!("ratings.dat"), Format::MovieLens, (2, 5, 5)),
        (fixture!("u.data"), Format::MovieLens, (2, 4, 4)),
        (fixture!("headerless.csv"), Format::Delimited, (2, 4, 5)),
    ];
    for (fixture, format, expected) in cases {
        let dataset = load_ok(fixture);
        assert_eq!(dataset.format, format, "{}", fixture.0);
        assert_eq!(counts(&dataset), expected, "{}", fixture.0);
        assert!(
            dataset.report.skipped.is_empty(),
            "{}: {:?}",
            fixture.0,
            dataset.report
        );
    }
}

#[test]
fn odd_files_keep_ids_and_order() {
    let crlf = load_ok(fixture!("crlf.csv"));
    assert_eq!(crlf.items.tokens(), ["10", "11"]);
    assert_eq!(crlf.sequences, vec![vec![1, 0], vec![0]]);
    let quoted = load_ok(fixture!("quoted.csv"));
    assert_eq!(quoted.users.tokens(), ["Smith, J.", "lee"]);
    let tsv = load_ok(fixture!("string_ids.tsv"));
    assert_eq!(tsv.items.tokens(), ["sku-9", "sku-7", "sku-1"]);
    assert_eq!(tsv.sequences, vec![vec![1, 0], vec![0, 2]]);
    assert_eq!(tsv.behaviour_names, ["view", "cart", "buy"]);
    let bom = load_ok(fixture!("bom.csv"));
    assert_eq!(bom.users.tokens(), ["7", "8"]);
    let udata = load_ok(fixture!("u.data"));
    assert_eq!(udata.items.token(udata.sequences[0][0]), "377");
}

#[test]
fn item_metadata() {
    let dataset = load_ok(fixture!("quoted.csv"));
    let (name, bytes) = fixture!("items.csv");
    let (meta, report) =
        data::load_item_meta_bytes(Path::new(name), bytes, &dataset.items).expect("metadata");
    let tea = dataset.items.index("A-1").expect("A-1");
    assert_eq!(meta.title(tea, &dataset.items), "Green tea, loose");
    assert_eq!(meta.category(tea), Some("Drinks"));
    let cake = dataset.items.index("A-2").expect("A-2");
    assert_eq!(meta.category(cake), Some("Food"));
    assert_eq!(report.rows_used, 2);
    let unknown: IdMap = ["nope"].into_iter().collect();
    let error = data::load_item_meta_bytes(Path::new(name), bytes, &unknown).expect_err("no match");
    assert!(
        matches!(error.kind, DataErrorKind::NoMatchingItems { .. }),
        "{error}"
    );
}

/// A tiny xorshift PRNG, so the property test needs no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Random bytes, biased towards the characters that matter to the parsers.
fn random_bytes(rng: &mut XorShift) -> Vec<u8> {
    const ALPHABET: &[u8] = b"0123456789abc ,;|\t\n\r\":-T.Z+\xEF\xBB\xBF\x00\xFF";
    let len = rng.below(300);
    let raw = rng.below(3) == 0;
    (0..len)
        .map(|_| {
            if raw {
                rng.next() as u8
            } else {
                ALPHABET[rng.below(ALPHABET.len())]
            }
        })
        .collect()
}

/// A valid file with a few random line-level mutations.
fn mutate(rng: &mut XorShift, valid: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(valid);
    let mut lines: Vec<Vec<u8>> = text.lines().map(|line| line.as_bytes().to_vec()).collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(lines.len());
        match rng.below(8) {
            0 if !lines.is_empty() => {
                lines.remove(at);
            }
            1 if !lines.is_empty() => {
                let copy = lines[at].clone();
                lines.insert(at, copy);
            }
            2 if !lines.is_empty() => {
                let cut = rng.below(lines[at].len() + 1);
                lines[at].truncate(cut);
            }
            3 if !lines.is_empty() => {
                let pos = rng.below(lines[at].len() + 1);
                lines[at].insert(pos, b"\",;|\t:\x00\xC3"[rng.below(8)]);
            }
            4 => lines.insert(at, random_bytes(rng)),
            5 if !lines.is_empty() => {
                lines[at] = lines[at]
                    .iter()
                    .map(|&b| if b == b',' { b'\t' } else { b })
                    .collect()
            }
            6 if !lines.is_empty() => lines[at].extend_from_slice(b",,x,\"y"),
            _ => lines.push(Vec::new()),
        }
    }
    lines.join(&b"\n"[..])
}

/// Loads `bytes` every way there is and checks the invariants of whatever comes back.
fn load_every_way(bytes: &[u8]) {
    let items: IdMap = ["1", "10", "A-1"].into_iter().collect();
    let _ = data::load_item_meta_bytes(Path::new("meta.csv"), bytes, &items);
    for format in [
        Format::Auto,
        Format::Sasrec,
        Format::Delimited,
        Format::MovieLens,
    ] {
        for strict in [false, true] {
            let options = LoadOptions {
                format,
                strict,
                ..LoadOptions::default()
            };
            match data::load_dataset_bytes(Path::new("fuzz.csv"), bytes, &options) {
                Ok(dataset) => check_invariants(&dataset),
                Err(error) => assert!(!error.to_string().contains('\n'), "{error}"),
            }
        }
    }
}

fn check_invariants(dataset: &Dataset) {
    assert_ne!(dataset.format, Format::Auto);
    assert_eq!(dataset.sequences.len(), dataset.users.len());
    assert!(dataset.sequences.iter().all(|s| !s.is_empty()));
    let n_items = dataset.items.len() as u32;
    assert!(
        dataset
            .sequences
            .iter()
            .flatten()
            .all(|&item| item < n_items)
    );
    if let Some(times) = &dataset.timestamps {
        let lengths: Vec<usize> = times.iter().map(Vec::len).collect();
        assert_eq!(
            lengths,
            dataset.sequences.iter().map(Vec::len).collect::<Vec<_>>()
        );
        assert!(times.iter().all(|t| t.is_sorted()));
    }
    let report = &dataset.report;
    assert_eq!(report.rows_read, report.rows_used + report.skipped_count());
    let _ = data::dataset_stats(dataset);
    let _ = data::leave_one_out(&dataset.sequences);
}

#[test]
fn random_input_never_panics() {
    let valid = [
        fixture!("ragged.csv").1,
        fixture!("quoted.csv").1,
        fixture!("string_ids.tsv").1,
        fixture!("one_user_per_line.txt").1,
        fixture!("ratings.dat").1,
        fixture!("headerless.csv").1,
        fixture!("duplicates.csv").1,
        fixture!("items.csv").1,
    ];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for round in 0..1500 {
        let bytes = if round % 2 == 0 {
            random_bytes(&mut rng)
        } else {
            let pick = rng.below(valid.len());
            mutate(&mut rng, valid[pick])
        };
        load_every_way(&bytes);
    }
}
