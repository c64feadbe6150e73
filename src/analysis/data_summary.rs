//! Data-pane helpers: a raw preview of the file's first rows and the chart series behind the
//! statistics (sequence-length histogram, item-popularity long tail).

use std::io::Read;
use std::path::Path;

use super::csv::{Cell, CsvTable};
use crate::data::DatasetStats;

/// Bytes read for a preview.
const PREVIEW_BYTES: u64 = 64 * 1024;

/// The first rows of a file, split on its most likely delimiter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilePreview {
    /// Fields of each row.
    pub rows: Vec<Vec<String>>,
    /// The delimiter used to split, for people ("comma", "tab", …).
    pub delimiter: String,
}

/// Reads the first `max_rows` non-blank lines of `path` (the first 64 KiB at most, of the text
/// inside when it is gzip or zstd compressed; nothing for Parquet).
pub fn preview_file(path: &Path, max_rows: usize) -> std::io::Result<FilePreview> {
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(PREVIEW_BYTES)
        .read_to_end(&mut head)?;
    let text = crate::data::text_head(&head, PREVIEW_BYTES as usize);
    Ok(preview_text(&String::from_utf8_lossy(&text), max_rows))
}

/// Splits the first `max_rows` non-blank lines of `text` on the delimiter that occurs most on the
/// first line (`,` tab `;` `|`, else runs of whitespace, else `::`).
pub fn preview_text(text: &str, max_rows: usize) -> FilePreview {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .take(max_rows)
        .collect();
    let first = lines.first().copied().unwrap_or("");
    let candidates = [
        (',', "comma"),
        ('\t', "tab"),
        (';', "semicolon"),
        ('|', "pipe"),
    ];
    let best = candidates
        .iter()
        .map(|&(c, name)| (first.matches(c).count(), c, name))
        .max_by_key(|&(count, _, _)| count)
        .filter(|&(count, _, _)| count > 0);
    let (rows, delimiter) = if first.contains("::") {
        let rows = lines.iter().map(|l| split_owned(l.split("::"))).collect();
        (rows, "double colon")
    } else if let Some((_, byte, name)) = best {
        let joined = lines.join("\n");
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(u8::try_from(byte).unwrap_or(b','))
            .from_reader(joined.as_bytes());
        let rows = reader
            .records()
            .map(|record| match record {
                Ok(record) => record.iter().map(str::to_owned).collect(),
                Err(error) => vec![format!("(unreadable row: {error})")],
            })
            .collect();
        (rows, name)
    } else {
        let rows = lines
            .iter()
            .map(|l| split_owned(l.split_whitespace()))
            .collect();
        (rows, "whitespace")
    };
    FilePreview {
        rows,
        delimiter: delimiter.to_owned(),
    }
}

fn split_owned<'a>(fields: impl Iterator<Item = &'a str>) -> Vec<String> {
    fields.map(str::to_owned).collect()
}

/// `(rank, interactions)` of every item with at least one interaction, most popular first
/// (rank 1 = most popular): the long tail, meant for log–log axes.
pub fn long_tail(stats: &DatasetStats) -> Vec<[f64; 2]> {
    stats
        .item_popularity
        .iter()
        .take_while(|&&count| count > 0)
        .enumerate()
        .map(|(rank, &count)| [(rank + 1) as f64, count as f64])
        .collect()
}

/// Histogram bars `(label, users)` of sequence lengths, e.g. `("10–19", 420)`.
pub fn length_bars(stats: &DatasetStats) -> Vec<(String, usize)> {
    let buckets = &stats.length_histogram;
    buckets
        .iter()
        .enumerate()
        .map(|(index, &(start, users))| {
            let label = match buckets.get(index + 1) {
                Some(&(next, _)) if next > start + 1 => format!("{start}–{}", next - 1),
                Some(_) => start.to_string(),
                None => format!("{start}+"),
            };
            (label, users)
        })
        .collect()
}

/// The statistics as a two-column CSV (`statistic, value`), histogram and long tail included.
pub fn stats_table(stats: &DatasetStats) -> CsvTable {
    let mut table = CsvTable::new(["statistic", "value"]);
    let mut add = |name: String, value: Cell| table.push(vec![name.into(), value]);
    add("users".into(), stats.users.into());
    add("items".into(), stats.items.into());
    add("interactions".into(), stats.interactions.into());
    add("sparsity".into(), stats.sparsity.into());
    add("length min".into(), stats.sequence_length.min.into());
    add("length median".into(), stats.sequence_length.median.into());
    add("length mean".into(), stats.sequence_length.mean.into());
    add("length max".into(), stats.sequence_length.max.into());
    add(
        "repeated pairs".into(),
        Cell::Integer(i64::try_from(stats.repeated_pairs).unwrap_or(i64::MAX)),
    );
    add(
        "skipped rows".into(),
        Cell::Integer(i64::try_from(stats.skipped_rows).unwrap_or(i64::MAX)),
    );
    for (name, count) in &stats.behaviours {
        add(
            format!("behaviour {name}"),
            Cell::Integer(i64::try_from(*count).unwrap_or(i64::MAX)),
        );
    }
    for (label, users) in length_bars(stats) {
        add(format!("users with length {label}"), users.into());
    }
    for [rank, count] in long_tail(stats) {
        add(format!("interactions of item ranked {rank}"), count.into());
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Dataset, IdMap, dataset_stats};

    #[test]
    fn previews_split_on_the_likely_delimiter() {
        let csv = preview_text("user,item,time\nu1,\"a, b\",3\n\nu2,c,4\n", 10);
        assert_eq!(csv.delimiter, "comma");
        assert_eq!(csv.rows.len(), 3);
        assert_eq!(csv.rows[1], vec!["u1", "a, b", "3"]);
        let ml = preview_text("1::2::5::978300760\n", 10);
        assert_eq!(ml.rows[0].len(), 4);
        let spaces = preview_text("1 2\n1 3\n", 1);
        assert_eq!(
            (spaces.delimiter.as_str(), spaces.rows.len()),
            ("whitespace", 1)
        );
    }

    #[test]
    fn long_tail_and_histogram_come_from_the_statistics() {
        let users: IdMap = ["a", "b", "c"].into_iter().collect();
        let items: IdMap = ["x", "y", "z"].into_iter().collect();
        let data = Dataset::from_sequences(
            "m".into(),
            users,
            items,
            vec![vec![0, 1], vec![0], vec![0, 1, 0]],
        );
        let stats = dataset_stats(&data);
        assert_eq!(long_tail(&stats), vec![[1.0, 4.0], [2.0, 2.0]]);
        let bars = length_bars(&stats);
        assert_eq!(bars.iter().map(|b| b.1).sum::<usize>(), 3);
        let table = stats_table(&stats);
        assert!(table.rows.len() > 8);
        assert!(table.to_csv_string().contains("interactions,6"));
    }
}
