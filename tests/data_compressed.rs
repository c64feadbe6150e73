//! Parquet and gzip/zstd-compressed logs (issue #36, item 1): each loads to the same dataset
//! as the plain CSV it holds, the container is told by its magic number whatever the file is
//! called, Parquet columns are found as CSV columns are, and broken files fail with one line
//! naming the file. The fixtures are written here, with the `parquet` crate's writer and the
//! flate2 and zstd encoders.

mod common;

use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::parser::parse_message_type;
use sequda::data::{
    self, DataError, DataErrorKind, Dataset, Format, LoadOptions, REASON_EMPTY_ID, REASON_TIMESTAMP,
};

/// The log every container below holds, as CSV (out of time order on purpose).
const CSV: &str = "user_id,item_id,timestamp,event\n\
                   u1,10,1700000300,click\n\
                   u1,11,1700000100,view\n\
                   u2,10,1700000200,view\n\
                   u2,12,1700000250,buy\n\
                   u3,11,1700000400,view\n";

/// The same log as Parquet columns: string users, integer items and times, string events.
const SCHEMA: &str = "message log {
    optional binary user_id (STRING);
    optional int64 item_id;
    optional int64 timestamp;
    optional binary event (STRING);
}";

/// One Parquet column's values (`None` is a null).
enum Column {
    Long(Vec<Option<i64>>),
    Int(Vec<Option<i32>>),
    Text(Vec<Option<&'static str>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Self::Long(values) => values.len(),
            Self::Int(values) => values.len(),
            Self::Text(values) => values.len(),
        }
    }

    /// Writes rows `range` of this column (every column is `optional`: one definition level a
    /// value).
    fn write(&self, writer: &mut SerializedColumnWriter<'_>, range: Range<usize>) {
        fn split<T: Clone>(values: &[Option<T>]) -> (Vec<T>, Vec<i16>) {
            let levels = values.iter().map(|v| i16::from(v.is_some())).collect();
            (values.iter().flatten().cloned().collect(), levels)
        }
        let written = match self {
            Self::Long(values) => {
                let (values, levels) = split(&values[range]);
                writer
                    .typed::<Int64Type>()
                    .write_batch(&values, Some(&levels), None)
            }
            Self::Int(values) => {
                let (values, levels) = split(&values[range]);
                writer
                    .typed::<Int32Type>()
                    .write_batch(&values, Some(&levels), None)
            }
            Self::Text(values) => {
                let (values, levels) = split(&values[range]);
                let values: Vec<ByteArray> = values.into_iter().map(ByteArray::from).collect();
                writer
                    .typed::<ByteArrayType>()
                    .write_batch(&values, Some(&levels), None)
            }
        };
        written.expect("write a column");
    }
}

/// A Parquet file of `columns` under `schema`, `group_rows` rows per row group.
fn parquet(schema: &str, columns: &[Column], group_rows: usize, codec: Compression) -> Vec<u8> {
    let schema = Arc::new(parse_message_type(schema).expect("schema"));
    let properties = WriterProperties::builder().set_compression(codec).build();
    let mut out = Vec::new();
    let mut writer =
        SerializedFileWriter::new(&mut out, schema, Arc::new(properties)).expect("writer");
    let rows = columns.first().map_or(0, Column::len);
    for start in (0..rows).step_by(group_rows) {
        let mut group = writer.next_row_group().expect("row group");
        for column in columns {
            let mut column_writer = group.next_column().expect("column").expect("a column");
            column.write(&mut column_writer, start..rows.min(start + group_rows));
            column_writer.close().expect("close the column");
        }
        group.close().expect("close the row group");
    }
    writer.close().expect("close the file");
    out
}

/// [`CSV`] as Parquet.
fn log_parquet(codec: Compression) -> Vec<u8> {
    let columns = [
        Column::Text(vec![
            Some("u1"),
            Some("u1"),
            Some("u2"),
            Some("u2"),
            Some("u3"),
        ]),
        Column::Long([10, 11, 10, 12, 11].map(Some).to_vec()),
        Column::Long(
            [
                1_700_000_300,
                1_700_000_100,
                1_700_000_200,
                1_700_000_250,
                1_700_000_400,
            ]
            .map(Some)
            .to_vec(),
        ),
        Column::Text(["click", "view", "view", "buy", "view"].map(Some).to_vec()),
    ];
    parquet(SCHEMA, &columns, 2, codec)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).expect("zstd")
}

/// Writes `bytes` as `name` in `dir` and loads the file.
fn load_file(dir: &Path, name: &str, bytes: &[u8], options: &LoadOptions) -> Dataset {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the fixture");
    let dataset = data::load_dataset(&path, options).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        dataset.content_hash,
        Some(data::fnv1a(bytes)),
        "{name}: hash of the file"
    );
    dataset
}

fn load_bytes(name: &str, bytes: &[u8], options: &LoadOptions) -> Result<Dataset, DataError> {
    data::load_dataset_bytes(Path::new(name), bytes, options)
}

/// Asserts two datasets hold the same users, items, sequences, times and behaviours.
fn assert_same(name: &str, got: &Dataset, want: &Dataset) {
    assert_eq!(got.users.tokens(), want.users.tokens(), "{name}: users");
    assert_eq!(got.items.tokens(), want.items.tokens(), "{name}: items");
    assert_eq!(got.sequences, want.sequences, "{name}: sequences");
    assert_eq!(got.timestamps, want.timestamps, "{name}: times");
    assert_eq!(got.behaviours, want.behaviours, "{name}: behaviours");
    assert_eq!(
        got.behaviour_names, want.behaviour_names,
        "{name}: behaviour names"
    );
    let counts = |d: &Dataset| {
        (
            d.report.rows_read,
            d.report.rows_used,
            d.report.skipped_count(),
        )
    };
    assert_eq!(counts(got), counts(want), "{name}: report");
}

#[test]
fn gzip_zstd_and_parquet_load_the_same_dataset_as_the_csv() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let options = LoadOptions::default();
    let csv = load_file(dir.path(), "log.csv", CSV.as_bytes(), &options);
    assert_eq!(csv.sequences, [vec![1, 0], vec![0, 2], vec![1]]);
    let mut two_members = gzip(&CSV.as_bytes()[..40]);
    two_members.extend(gzip(&CSV.as_bytes()[40..]));
    let files = [
        ("log.csv.gz", gzip(CSV.as_bytes())),
        ("joined.csv.gz", two_members),
        ("log.csv.zst", zstd(CSV.as_bytes())),
        ("log.parquet", log_parquet(Compression::SNAPPY)),
        (
            "log-zstd.parquet",
            log_parquet(Compression::ZSTD(ZstdLevel::default())),
        ),
        (
            "log-gzip.parquet",
            log_parquet(Compression::GZIP(GzipLevel::default())),
        ),
        ("log-plain.parquet", log_parquet(Compression::UNCOMPRESSED)),
    ];
    for (name, bytes) in &files {
        let dataset = load_file(dir.path(), name, bytes, &options);
        assert_same(name, &dataset, &csv);
        let expected = if name.ends_with(".parquet") {
            Format::Parquet
        } else {
            Format::Delimited
        };
        assert_eq!(dataset.format, expected, "{name}");
        // The window's path (dropped bytes) reads them alike.
        let dropped = load_bytes(name, bytes, &options).unwrap_or_else(|e| panic!("{e}"));
        assert_same(name, &dropped, &csv);
    }
}

#[test]
fn the_magic_number_decides_not_the_extension() {
    let options = LoadOptions::default();
    let want = load_bytes("log.csv", CSV.as_bytes(), &options).expect("csv");
    let lying = [
        ("log.csv", gzip(CSV.as_bytes())),
        ("events.txt", zstd(CSV.as_bytes())),
        ("export.csv", log_parquet(Compression::SNAPPY)),
        ("plain.csv.gz", CSV.as_bytes().to_vec()),
        ("plain.parquet", CSV.as_bytes().to_vec()),
        ("nested.gz", gzip(&log_parquet(Compression::SNAPPY))),
    ];
    for (name, bytes) in &lying {
        let got = load_bytes(name, bytes, &options).unwrap_or_else(|e| panic!("{e}"));
        assert_same(name, &got, &want);
    }
    let parquet_only = LoadOptions {
        format: Format::Parquet,
        ..LoadOptions::default()
    };
    let error = load_bytes("log.parquet", CSV.as_bytes(), &parquet_only).err();
    assert!(matches!(
        error.map(|e| e.kind),
        Some(DataErrorKind::NotParquet)
    ));
}

#[test]
fn parquet_timestamps_dates_and_integer_ids() {
    let day = 1_700_006_400_000_i64; // 2023-11-15T00:00:00Z
    let users = || Column::Long(vec![Some(7), Some(7), Some(8)]);
    let items = || Column::Int(vec![Some(100), Some(101), Some(100)]);
    let millis = [day + 5_000, day + 1_000, day + 3_000];
    let cases = [
        ("MILLIS", millis.map(Some).to_vec()),
        ("MICROS", millis.map(|m| Some(m * 1000 + 999)).to_vec()),
        (
            "NANOS",
            millis.map(|m| Some(m * 1_000_000 + 999_999)).to_vec(),
        ),
    ];
    let mut seen = Vec::new();
    for (unit, times) in cases {
        let schema = format!(
            "message m {{ optional int64 uid; optional int32 sku; optional int64 ts (TIMESTAMP({unit},true)); }}"
        );
        let bytes = parquet(
            &schema,
            &[users(), items(), Column::Long(times)],
            2,
            Compression::SNAPPY,
        );
        let dataset = load_bytes("t.parquet", &bytes, &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{unit}: {e}"));
        assert_eq!(dataset.users.tokens(), ["7", "8"], "{unit}");
        assert_eq!(dataset.items.tokens(), ["100", "101"], "{unit}");
        assert_eq!(
            dataset.sequences,
            [vec![1, 0], vec![0]],
            "{unit}: ordered by time"
        );
        seen.push(dataset.timestamps);
    }
    assert!(seen.windows(2).all(|pair| pair[0] == pair[1]), "{seen:?}");
    let seconds = day / 1000;
    assert_eq!(
        seen[0],
        Some(vec![vec![seconds + 1, seconds + 5], vec![seconds + 3]])
    );
    let schema = "message m { optional int64 uid; optional int32 sku; optional int32 day (DATE); }";
    let days = Column::Int(vec![Some(19_676), Some(19_675), Some(19_677)]);
    let bytes = parquet(schema, &[users(), items(), days], 10, Compression::SNAPPY);
    let options = LoadOptions {
        time_column: Some("day".into()),
        ..LoadOptions::default()
    };
    let dataset = load_bytes("d.parquet", &bytes, &options).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        dataset.timestamps,
        Some(vec![
            vec![seconds - 86_400, seconds],
            vec![seconds + 86_400]
        ])
    );
}

#[test]
fn parquet_string_ids_string_times_and_bad_rows() {
    let schema = "message m { optional binary customer_id (STRING); optional binary product_id (STRING); optional binary event_time (STRING); }";
    let columns = [
        Column::Text(vec![
            Some("ann"),
            Some("ann"),
            None,
            Some("bob"),
            Some("bob"),
        ]),
        Column::Text(vec![
            Some("tea"),
            Some("cake"),
            Some("jam"),
            Some("tea"),
            Some("jam"),
        ]),
        Column::Text(vec![
            Some("2024-01-02T10:00:00Z"),
            Some("2024-01-01"),
            Some("2024-01-03"),
            Some("soon"),
            Some("1704200000"),
        ]),
    ];
    let bytes = parquet(schema, &columns, 2, Compression::ZSTD(ZstdLevel::default()));
    let dataset = load_bytes("s.parquet", &bytes, &LoadOptions::default()).expect("loads");
    assert_eq!(dataset.users.tokens(), ["ann", "bob"]);
    assert_eq!(dataset.sequences, [vec![1, 0], vec![2]]);
    let skipped: Vec<_> = dataset
        .report
        .skipped
        .iter()
        .map(|s| (s.reason.as_str(), s.first_lines.clone()))
        .collect();
    // Rows are numbered over the whole file, across row groups.
    assert_eq!(
        skipped,
        [(REASON_EMPTY_ID, vec![3]), (REASON_TIMESTAMP, vec![4])]
    );
    let strict = LoadOptions {
        strict: true,
        ..LoadOptions::default()
    };
    let error = load_bytes("s.parquet", &bytes, &strict).expect_err("strict");
    assert_eq!(error.line, Some(3));
    assert!(
        error
            .to_string()
            .starts_with("s.parquet:3: the user field is empty"),
        "{error}"
    );
}

#[test]
fn parquet_columns_are_chosen_as_for_csv() {
    let schema = "message m { optional binary who (STRING); optional int64 what; optional int64 at; optional binary note (STRING); }";
    let columns = [
        Column::Text(vec![Some("a"), Some("b")]),
        Column::Long(vec![Some(1), Some(2)]),
        Column::Long(vec![Some(1_700_000_000), Some(1_700_000_001)]),
        Column::Text(vec![Some("x"), Some("y")]),
    ];
    let bytes = parquet(schema, &columns, 10, Compression::SNAPPY);
    let options = LoadOptions {
        user_column: Some("WHO".into()),
        item_column: Some("2".into()),
        time_column: Some("at".into()),
        ..LoadOptions::default()
    };
    let dataset = load_bytes("c.parquet", &bytes, &options).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dataset.users.tokens(), ["a", "b"]);
    assert_eq!(dataset.items.tokens(), ["1", "2"]);
    assert!(dataset.timestamps.is_some());

    let message = load_bytes("c.parquet", &bytes, &LoadOptions::default())
        .expect_err("no user column")
        .to_string();
    assert!(
        message.starts_with(
            "c.parquet: no user column found; the columns are: `who`, `what`, `at`, `note`"
        ),
        "{message}"
    );
}

#[test]
fn broken_files_fail_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let packed = gzip(CSV.repeat(50).as_bytes());
    let path = dir.path().join("cut.csv.gz");
    std::fs::write(&path, &packed[..packed.len() / 2]).expect("write");
    let message = data::load_dataset(&path, &LoadOptions::default())
        .expect_err("a truncated gzip")
        .to_string();
    let prefix = format!(
        "{}: the gzip stream is corrupt or cut short",
        path.display()
    );
    assert!(message.starts_with(&prefix), "{message}");

    let whole = log_parquet(Compression::SNAPPY);
    let broken: [(&str, Vec<u8>); 4] = [
        ("cut.parquet", whole[..whole.len() / 2].to_vec()),
        ("head.parquet", b"PAR1".to_vec()),
        (
            "garbage.parquet",
            [&b"PAR1"[..], &[0x55; 300], &b"PAR1"[..]].concat(),
        ),
        (
            "scrambled.parquet",
            whole
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    if (8..whole.len() - 8).contains(&i) {
                        b ^ 0x5A
                    } else {
                        b
                    }
                })
                .collect(),
        ),
    ];
    for (name, bytes) in &broken {
        let error = load_bytes(name, bytes, &LoadOptions::default()).expect_err(name);
        let message = error.to_string();
        assert!(message.starts_with(&format!("{name}: ")), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}

/// Damaged copies of valid files (bytes overwritten, tails cut) load or fail with one line
/// naming the file; none panics, though the `parquet` crate's reader panics inside on some of
/// them (caught and reported by the loader).
#[test]
fn damaged_files_never_panic() {
    let rows: Vec<usize> = (0..2000).collect();
    let users: Vec<Option<&'static str>> =
        rows.iter().map(|i| Some(["a", "b", "c"][i % 3])).collect();
    let numbers =
        |offset: i64| Column::Long(rows.iter().map(|&i| Some(offset + i as i64)).collect());
    let columns = [
        Column::Text(users.clone()),
        numbers(0),
        numbers(1_700_000_000),
        Column::Text(users),
    ];
    let parquet_file = parquet(
        SCHEMA,
        &columns,
        600,
        Compression::ZSTD(ZstdLevel::default()),
    );
    let text = CSV.repeat(40);
    let valid = [
        ("f.parquet", parquet_file),
        ("s.parquet", log_parquet(Compression::SNAPPY)),
        ("f.csv.gz", gzip(text.as_bytes())),
        ("f.csv.zst", zstd(text.as_bytes())),
    ];
    let mut state: u64 = 36;
    let mut next = move |below: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % below.max(1)
    };
    for (name, bytes) in &valid {
        for round in 0..400 {
            let mut damaged = bytes.clone();
            for _ in 0..=next(3) {
                let at = next(damaged.len());
                damaged[at] = next(256) as u8;
            }
            if round % 5 == 0 {
                damaged.truncate(4 + next(damaged.len()));
            }
            if let Err(error) = load_bytes(name, &damaged, &LoadOptions::default()) {
                let message = error.to_string();
                assert!(message.starts_with(&format!("{name}:")), "{message}");
                assert!(!message.contains('\n'), "{message}");
            }
        }
    }
}

#[test]
fn data_stats_reads_parquet_and_gzip_like_the_csv() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut stats = Vec::new();
    for (name, bytes) in [
        ("log.csv", CSV.as_bytes().to_vec()),
        ("log.parquet", log_parquet(Compression::SNAPPY)),
        ("log.csv.gz", gzip(CSV.as_bytes())),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = common::sequda_ok(&["data", "stats", path.to_str().expect("utf-8 path")]);
        let json: serde_json::Value = serde_json::from_str(&out).expect("stats JSON");
        stats.push((
            json["users"].clone(),
            json["items"].clone(),
            json["interactions"].clone(),
        ));
    }
    assert_eq!(stats[0], (3.into(), 3.into(), 5.into()));
    assert!(stats.iter().all(|s| *s == stats[0]), "{stats:?}");
}
