//! The bad-input corpus of `tests/data_bad_input.rs`, mirrored as unit tests (from memory
//! rather than files), so the data layer can be checked on its own.

use std::path::Path;

use super::*;

/// A fixture's name and bytes.
macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            &include_bytes!(concat!("../../tests/fixtures/data/", $name))[..],
        )
    };
}

fn load((name, bytes): (&str, &[u8]), options: &LoadOptions) -> Result<Dataset, DataError> {
    load_dataset_bytes(Path::new(name), bytes, options)
}

fn load_ok(fixture: (&str, &[u8])) -> Dataset {
    load(fixture, &LoadOptions::default()).unwrap_or_else(|error| panic!("{error}"))
}

/// Loads bytes that must fail; checks the message names the file and is one line.
fn load_err(fixture: (&str, &[u8]), options: &LoadOptions) -> DataError {
    let Err(error) = load(fixture, options) else {
        panic!("{} must not load", fixture.0);
    };
    let message = error.to_string();
    assert!(message.starts_with(fixture.0), "{message}");
    assert!(!message.contains('\n'), "{message}");
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
fn empty_and_header_only() {
    let error = load_err(fixture!("empty.csv"), &LoadOptions::default());
    assert_eq!(error.to_string(), "empty.csv: the file is empty");
    let error = load_err(fixture!("header_only.csv"), &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::NoUsableRows), "{error}");
}

#[test]
fn ragged_rows() {
    let dataset = load_ok(fixture!("ragged.csv"));
    assert_eq!(counts(&dataset), (3, 3, 3));
    assert_eq!((dataset.report.rows_read, dataset.report.rows_used), (6, 3));
    assert_eq!(
        dataset.report.summary_lines(),
        ["skipped 3 rows with the wrong number of columns (lines 3, 4, 7)"]
    );
    let error = load_err(fixture!("ragged.csv"), &strict());
    assert_eq!(error.line, Some(3));
    assert!(
        error
            .to_string()
            .starts_with("ragged.csv:3: this row has 2 columns, expected 3")
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
}

#[test]
fn non_utf8_and_binary() {
    let error = load_err(
        ("latin1.csv", b"user,item\n1,10\n2,caf\xe9\n"),
        &LoadOptions::default(),
    );
    assert!(matches!(error.kind, DataErrorKind::NotUtf8));
    assert!(error.to_string().starts_with("latin1.csv:3: "), "{error}");
    let mut bytes = b"1 2\n3 4\n\x00\x01\x02".to_vec();
    bytes.extend((0u32..600).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let error = load_err(("garbage.bin", &bytes), &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::Binary), "{error}");
    assert_eq!(error.line, Some(3));
}

#[test]
fn single_and_missing_columns() {
    let error = load_err(fixture!("single_column.txt"), &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::TooFewColumns { found: 1 }),
        "{error}"
    );
    let error = load_err(fixture!("missing_column.csv"), &LoadOptions::default());
    assert!(matches!(
        error.kind,
        DataErrorKind::MissingColumn { role: "user", .. }
    ));
    assert!(
        error
            .to_string()
            .contains("`customer_name`, `product_name`, `when`")
    );
    assert!(error.to_string().contains(USER_FLAG));
}

#[test]
fn one_event_user_and_duplicates() {
    let dataset = load_ok(fixture!("one_event.txt"));
    assert_eq!(counts(&dataset), (3, 5, 6));
    let split = leave_one_out(&dataset.sequences);
    assert_eq!(
        (split.train[1].len(), split.valid[1], split.test[1]),
        (1, None, None)
    );
    let dataset = load_ok(fixture!("duplicates.csv"));
    assert_eq!(counts(&dataset), (2, 3, 4));
    assert_eq!(dataset.report.skipped[0].reason, REASON_DUPLICATE);
    assert_eq!(dataset.report.skipped[0].first_lines, [4, 7]);
    assert_eq!(dataset.sequences, vec![vec![0, 0, 1], vec![2]]);
    let dataset = load_ok(fixture!("repeats.txt"));
    assert_eq!(counts(&dataset), (2, 2, 5));
    assert_eq!(dataset_stats(&dataset).repeated_pairs, 2);
}

#[test]
fn odd_but_valid_files() {
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
        assert_eq!(
            (dataset.format, counts(&dataset)),
            (format, expected),
            "{}",
            fixture.0
        );
        assert!(
            dataset.report.skipped.is_empty(),
            "{}: {:?}",
            fixture.0,
            dataset.report
        );
    }
    let tsv = load_ok(fixture!("string_ids.tsv"));
    assert_eq!(tsv.sequences, vec![vec![1, 0], vec![0, 2]]);
    let crlf = load_ok(fixture!("crlf.csv"));
    assert_eq!(crlf.sequences, vec![vec![1, 0], vec![0]]);
}

#[test]
fn item_metadata() {
    let dataset = load_ok(fixture!("quoted.csv"));
    let (name, bytes) = fixture!("items.csv");
    let (meta, report) = load_item_meta_bytes(Path::new(name), bytes, &dataset.items)
        .unwrap_or_else(|error| panic!("{error}"));
    let tea = dataset.items.index("A-1").unwrap_or(u32::MAX);
    assert_eq!(meta.title(tea, &dataset.items), "Green tea, loose");
    assert_eq!(meta.category(tea), Some("Drinks"));
    assert_eq!(report.rows_used, 2);
    assert_eq!(meta.title(99, &dataset.items), "");
    let latin1 = b"1::Mis\xe9rables, Les (1995)::Drama|Musical\n2::Other::Comedy\n";
    let items: IdMap = ["1", "3"].into_iter().collect();
    let (meta, report) = load_item_meta_bytes(Path::new("movies.dat"), latin1, &items)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(meta.title(0, &items), "Misérables, Les (1995)");
    assert_eq!(meta.category(0), Some("Drama"));
    assert_eq!(meta.title(1, &items), "3");
    assert_eq!(report.warnings.len(), 3, "{:?}", report.warnings);
    let u_item =
        b"1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n";
    let (meta, _) = load_item_meta_bytes(Path::new("u.item"), u_item, &items)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(meta.category(0), Some("Animation"));
}

/// A tiny xorshift PRNG.
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

fn mutate(rng: &mut XorShift, valid: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = valid.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(lines.len());
        let Some(line) = lines.get_mut(at) else {
            continue;
        };
        match rng.below(6) {
            0 => line.clear(),
            1 => line.truncate(rng.below(line.len() + 1)),
            2 => line.insert(rng.below(line.len() + 1), b"\",;|\t:\x00\xC3"[rng.below(8)]),
            3 => line.extend_from_slice(b",,x,\"y"),
            4 => *line = random_bytes(rng),
            _ => {
                let copy = line.clone();
                lines.insert(at, copy);
            }
        }
    }
    lines.join(&b"\n"[..])
}

fn load_every_way(bytes: &[u8]) {
    let items: IdMap = ["1", "10", "A-1"].into_iter().collect();
    let _ = load_item_meta_bytes(Path::new("meta.csv"), bytes, &items);
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
            match load_dataset_bytes(Path::new("fuzz.csv"), bytes, &options) {
                Ok(dataset) => {
                    assert_eq!(dataset.sequences.len(), dataset.users.len());
                    let n_items = dataset.items.len() as u32;
                    assert!(
                        dataset
                            .sequences
                            .iter()
                            .flatten()
                            .all(|&item| item < n_items)
                    );
                    let report = &dataset.report;
                    assert_eq!(report.rows_read, report.rows_used + report.skipped_count());
                    let _ = dataset_stats(&dataset);
                }
                Err(error) => assert!(!error.to_string().contains('\n'), "{error}"),
            }
        }
    }
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
        fixture!("items.csv").1,
    ];
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
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
