//! Delimited text: CSV, TSV, `;`- or `|`-separated (with CSV quoting), or whitespace-separated
//! columns, with or without a header row (see [`super::columns`] for how columns are chosen).
//!
//! Every row must have as many fields as the header (or the first row); one extra empty field
//! (a trailing delimiter) is tolerated. Fields are trimmed of surrounding whitespace. A row that
//! repeats the header (two exported files joined into one) is skipped and reported, not read
//! as an interaction.

use std::path::Path;

use super::LoadOptions;
use super::columns::{self, Columns};
use super::error::{DataError, DataErrorKind};
use super::format::Delimiter;
use super::format_kind::Format;
use super::records::for_each_row;

/// Rows sampled to guess the columns of a file without a header.
const SAMPLE_ROWS: usize = 50;

/// How the rows of a file are laid out.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// Where the roles are.
    pub columns: Columns,
    /// Number of fields per row.
    pub width: usize,
    /// Whether the first row is a header to skip.
    pub header: bool,
    /// The format to report.
    pub format: Format,
}

/// The layout of delimited text, from its first rows (`head` needs only the start of the
/// text), and the warning that says how the columns of a file without a header were guessed.
pub(crate) fn detect_layout(
    path: &Path,
    head: &str,
    delimiter: Delimiter,
    options: &LoadOptions,
) -> Result<(Layout, Option<String>), DataError> {
    let text = head;
    let mut first: Vec<String> = Vec::new();
    for_each_row(path, text, delimiter, |_, row| {
        first = row.fields().map(str::to_owned).collect();
        Ok(false)
    })?;
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let width = first.len();
    if width < 2 {
        return Err(DataError::new(
            path,
            DataErrorKind::TooFewColumns { found: width },
        ));
    }
    let header = columns::looks_like_header(&first, options);
    let (columns, warning) = if header {
        (columns::from_header(path, &first, options)?, None)
    } else {
        let mut sample: Vec<Vec<String>> = Vec::new();
        for_each_row(path, text, delimiter, |_, row| {
            if row.len() == width {
                sample.push(row.fields().map(str::to_owned).collect());
            }
            Ok(sample.len() < SAMPLE_ROWS)
        })?;
        let sample: Vec<Vec<&str>> = sample
            .iter()
            .map(|row| row.iter().map(String::as_str).collect())
            .collect();
        columns::infer_headerless(path, &sample, width, options)?
    };
    let layout = Layout {
        columns,
        width,
        header,
        format: Format::Delimited,
    };
    Ok((layout, warning))
}

#[cfg(test)]
mod tests {
    use super::super::dataset::Dataset;
    use super::super::report;
    use super::super::row_reader::read_rows;
    use super::*;

    /// Reads delimited text whole, finding the header and the columns first (the tests' way in;
    /// files are read in pieces by `super::text_stream`).
    fn load(
        path: &Path,
        text: &str,
        delimiter: Delimiter,
        options: &LoadOptions,
    ) -> Result<Dataset, DataError> {
        let (layout, warning) = detect_layout(path, text, delimiter, options)?;
        read_rows(path, text, delimiter, &layout, options.strict, warning)
    }

    fn load_str(name: &str, text: &str, options: &LoadOptions) -> Result<Dataset, DataError> {
        let detected = super::super::format::detect(Path::new(name), text, options)?;
        load(Path::new(name), text, detected.delimiter, options)
    }

    fn ok(name: &str, text: &str) -> Dataset {
        load_str(name, text, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn header_by_alias_with_quotes_and_crlf() {
        let text = "UserID,\"Movie_ID\",Rating,Timestamp\r\n\"u,1\",\"m \"\"x\"\"\",5,20\r\nu2,m2,3,10\r\n\"u,1\",m2,4,10\r\n\r\n";
        let dataset = ok("r.csv", text);
        assert_eq!(dataset.users.tokens(), ["u,1", "u2"]);
        assert_eq!(dataset.items.tokens(), ["m \"x\"", "m2"]);
        assert_eq!(dataset.sequences, vec![vec![1, 0], vec![1]]);
        assert_eq!(dataset.timestamps, Some(vec![vec![10, 20], vec![10]]));
        assert!(dataset.report.is_clean(), "{:?}", dataset.report);
    }

    #[test]
    fn ragged_rows_are_counted() {
        let text = "user,item,timestamp\n1,10,100\n1,11\n2,12,300,9\n2,13,400\n2,14,\n";
        let dataset = ok("r.csv", text);
        assert_eq!(dataset.n_interactions(), 2);
        assert_eq!(dataset.report.rows_read, 5);
        let skipped: Vec<_> = dataset
            .report
            .skipped
            .iter()
            .map(|s| (s.reason.as_str(), s.first_lines.clone()))
            .collect();
        assert_eq!(
            skipped,
            vec![
                (report::REASON_COLUMNS, vec![3, 4]),
                (report::REASON_TIMESTAMP, vec![6])
            ]
        );
    }

    #[test]
    fn headerless_numeric_rows_are_guessed() {
        let text = "1,2268318,2520377,pv,1511544070\n1,2333346,2520771,pv,1511561733\n2,5,6,buy,1511561000\n";
        let dataset = ok("UserBehavior.csv", text);
        assert_eq!(
            (
                dataset.n_users(),
                dataset.n_items(),
                dataset.n_interactions()
            ),
            (2, 3, 3)
        );
        assert_eq!(dataset.behaviour_names, ["pv", "buy"]);
        assert!(dataset.timestamps.is_some());
        assert!(
            dataset.report.warnings[0].contains("behaviour = column 4"),
            "{:?}",
            dataset.report
        );
    }

    #[test]
    fn columns_by_name_or_position() {
        let text = "a;b;c\nx;1;q\ny;2;q\n";
        let options = LoadOptions {
            user_column: Some("C".into()),
            item_column: Some("2".into()),
            ..LoadOptions::default()
        };
        let dataset = load_str("f.txt", text, &options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dataset.users.tokens(), ["q"]);
        assert_eq!(dataset.sequences, vec![vec![0, 1]]);
        let options = LoadOptions {
            user_column: Some("name".into()),
            ..LoadOptions::default()
        };
        let error = load_str("f.txt", "1,2\n3,4\n", &options)
            .err()
            .map(|e| e.kind);
        assert!(matches!(
            error,
            Some(DataErrorKind::HeaderlessColumnName { .. })
        ));
        let options = LoadOptions {
            user_column: Some("b".into()),
            item_column: Some("2".into()),
            ..LoadOptions::default()
        };
        let error = load_str("f.txt", text, &options).err().map(|e| e.kind);
        assert!(matches!(error, Some(DataErrorKind::ColumnConflict { .. })));
    }

    #[test]
    fn missing_columns_are_named() {
        let error = load_str(
            "f.csv",
            "customer_name,product_name\nann,tea\n",
            &LoadOptions::default(),
        )
        .err();
        let text = error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(
            text.starts_with(
                "f.csv: no user column found; the columns are: `customer_name`, `product_name`"
            ),
            "{text}"
        );
        assert!(matches!(
            error.map(|e| e.kind),
            Some(DataErrorKind::MissingColumn { role: "user", .. })
        ));
    }

    #[test]
    fn whitespace_columns_and_iso_times() {
        let text = "user item time\nann tea 2024-01-02\nann cake 2024-01-01T10:00:00Z\n";
        let dataset = ok("f.txt", text);
        assert_eq!(dataset.sequences, vec![vec![1, 0]]);
    }

    #[test]
    fn header_only_and_all_bad() {
        let error = load_str("h.csv", "user,item\n\n", &LoadOptions::default())
            .err()
            .map(|e| e.kind);
        assert!(matches!(error, Some(DataErrorKind::NoUsableRows)));
        let error = load_str("h.csv", "user,item,ts\n1,2,x\n", &LoadOptions::default()).err();
        let text = error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(
            text.contains("first problem: line 2: cannot read the timestamp `x`"),
            "{text}"
        );
    }

    #[test]
    fn a_repeated_header_row_is_skipped_and_reported() {
        // Two exports concatenated: the second one's header is not an interaction.
        let text = "user,item\nu1,a\nu1,b\nuser,item\nu2,c\nUser , Item\nu2,d\n";
        let dataset = ok("two.csv", text);
        assert_eq!(dataset.n_interactions(), 4);
        assert_eq!(dataset.items.index("item"), None);
        assert_eq!(dataset.report.rows_read, 6);
        let skipped = &dataset.report.skipped;
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert_eq!(skipped[0].reason, report::REASON_HEADER);
        assert_eq!(skipped[0].first_lines, [4, 6]);
        assert_eq!(
            skipped[0].summary(),
            "skipped 2 rows that repeat the header row (lines 4, 6)"
        );
        // With a time column it is a repeated header too, not an unreadable timestamp.
        let text = "user,item,time\nu1,a,1\nuser,item,time\nu1,b,2\n";
        let dataset = ok("two.csv", text);
        assert_eq!(dataset.report.skipped[0].reason, report::REASON_HEADER);
    }

    #[test]
    fn a_duplicate_says_whether_the_other_columns_differ() {
        let text = "user,item,time,rating\nu,a,1,5\nu,a,1,5\nu,b,2,4\nu,b,2,1\n";
        let dataset = ok("r.csv", text);
        let lines: Vec<String> = dataset.report.summary_lines();
        assert_eq!(
            lines,
            [
                "skipped 1 row that repeats an earlier row exactly (line 3)",
                "skipped 1 row that repeats an earlier row in the user, item and time columns \
                 (line 5)"
            ],
            "{:?}",
            dataset.report
        );
        assert_eq!(dataset.n_interactions(), 2);
    }

    #[test]
    fn unclosed_quote_is_reported() {
        let dataset = ok("q.csv", "user,item\n1,2\n3,\"4\n5,6\n");
        assert_eq!(dataset.n_interactions(), 1);
        assert_eq!(dataset.report.skipped[0].reason, report::REASON_QUOTE);
        assert_eq!(dataset.report.skipped[0].first_lines, [3]);
        let dataset = ok("q.csv", "user,item,note\n1,2,\"two\nlines\"\n3,4,x\n");
        assert_eq!(dataset.n_interactions(), 2);
    }
}
