//! Interaction file formats and how they are told apart.
//!
//! Auto-detection (`detect`) looks at the first 50 records (non-blank lines, a quoted field
//! that spans lines joined into its record as a CSV reader reads it), with the file extension
//! as a hint only where the content is ambiguous:
//! 1. A first line containing `::` is a MovieLens `ratings.dat` file.
//! 2. Otherwise, for each candidate delimiter (`,` tab `;` `|`, the extension's one first:
//!    `.csv` → `,`, `.tsv`/`.tab` → tab, `.psv` → `|`), count its occurrences outside double
//!    quotes in every sampled record. The delimiter that occurs in the first record and with
//!    the same count in the most records wins, if that is at least half of them.
//!    - A tab-separated file without a header whose first row is four numbers, the last an
//!      (integer) Unix time, is MovieLens `u.data` (`user item rating timestamp`).
//!    - Anything else with a delimiter is delimited text (with or without a header row).
//! 3. Without a delimiter, lines are split on whitespace:
//!    - one field per line: an error ([`DataErrorKind::TooFewColumns`]);
//!    - a first line like `user item …` (known column names) is a space-separated file with a
//!      header, read as delimited text;
//!    - the same number (three or more) of fields on every sampled line, the last one a time,
//!      is a space-separated `user item … timestamp` file, read as delimited text;
//!    - anything else is SASRec text: `user item` per line, or one user per line
//!      (`user item item …`), which the same reader handles.
//!
//! If column names or a delimiter are given in [`LoadOptions`], the file is read as delimited
//! text (MovieLens `::` files excepted). An explicit format skips detection.
//!
//! How the columns of delimited text are found is described on [`LoadOptions`].

use std::path::Path;

use super::columns::{self, Role};
use super::error::{DataError, DataErrorKind};
use super::format_kind::Format;
use super::options::LoadOptions;
use super::text::{self, Separator};

/// Lines sampled for detection.
const SAMPLE_LINES: usize = 50;

/// How the fields of a delimited file are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delimiter {
    /// A single byte, with CSV quoting rules.
    Byte(u8),
    /// Split by hand (whitespace runs, or `::`), no quoting.
    Split(Separator),
}

/// The outcome of detection: a concrete format and, for delimited text, the delimiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Detected {
    /// Never [`Format::Auto`].
    pub format: Format,
    /// The field delimiter.
    pub delimiter: Delimiter,
}

/// Decides the format and delimiter of `text` (see the module documentation).
pub(crate) fn detect(
    path: &Path,
    text: &str,
    options: &LoadOptions,
) -> Result<Detected, DataError> {
    let sample = sample_records(text, SAMPLE_LINES);
    let first = sample.first().copied().unwrap_or("");
    let double_colon = first.contains("::");
    let explicit_delimiter = options.delimiter.map(|byte| match byte {
        b' ' => Delimiter::Split(Separator::Whitespace),
        byte => Delimiter::Byte(byte),
    });
    let sniffed = explicit_delimiter.or_else(|| sniff_delimiter(path, &sample));
    let format = match options.format {
        Format::Auto => auto_format(path, &sample, sniffed, options)?,
        format => format,
    };
    let delimiter = match format {
        Format::MovieLens if double_colon => Delimiter::Split(Separator::Text("::")),
        Format::MovieLens => sniffed.unwrap_or(Delimiter::Split(Separator::Whitespace)),
        Format::Sasrec => Delimiter::Split(Separator::Whitespace),
        _ if double_colon && sniffed.is_none() => Delimiter::Split(Separator::Text("::")),
        _ => sniffed.unwrap_or(Delimiter::Split(Separator::Whitespace)),
    };
    Ok(Detected { format, delimiter })
}

/// The format of a file, when it was not given.
fn auto_format(
    path: &Path,
    sample: &[&str],
    delimiter: Option<Delimiter>,
    options: &LoadOptions,
) -> Result<Format, DataError> {
    let first = sample.first().copied().unwrap_or("");
    if first.contains("::") {
        return Ok(Format::MovieLens);
    }
    let columns_given = [
        &options.user_column,
        &options.item_column,
        &options.time_column,
        &options.behaviour_column,
    ]
    .iter()
    .any(|column| column.is_some());
    if columns_given || options.delimiter.is_some() {
        return Ok(Format::Delimited);
    }
    if let Some(Delimiter::Byte(byte)) = delimiter {
        let fields: Vec<&str> = first.split(char::from(byte)).map(str::trim).collect();
        let all_numeric = fields.iter().all(|field| field.parse::<f64>().is_ok());
        let last_is_time = fields
            .last()
            .is_some_and(|last| columns::looks_like_time(last));
        if byte == b'\t' && fields.len() == 4 && all_numeric && last_is_time {
            return Ok(Format::MovieLens);
        }
        return Ok(Format::Delimited);
    }
    let mut fields = Vec::new();
    let mut widths = Vec::with_capacity(sample.len());
    let mut last_is_time = true;
    for line in sample {
        text::split_into(line, Separator::Whitespace, &mut fields);
        widths.push(fields.len());
        last_is_time &= fields
            .last()
            .is_some_and(|last| columns::looks_like_time(last));
    }
    let max_width = widths.iter().copied().max().unwrap_or(0);
    if max_width < 2 {
        return Err(DataError::new(
            path,
            DataErrorKind::TooFewColumns { found: max_width },
        ));
    }
    text::split_into(first, Separator::Whitespace, &mut fields);
    let header = matches!(
        (
            fields.first().and_then(|f| columns::role_of(f)),
            fields.get(1).and_then(|f| columns::role_of(f))
        ),
        (Some(Role::User), Some(Role::Item))
    );
    let fixed_width = widths.iter().all(|&width| width == max_width);
    if header || (max_width >= 3 && fixed_width && last_is_time) {
        Ok(Format::Delimited)
    } else {
        Ok(Format::Sasrec)
    }
}

/// The most consistent delimiter of the sample, if any (see the module documentation).
pub(crate) fn sniff_delimiter(path: &Path, sample: &[&str]) -> Option<Delimiter> {
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase);
    let preferred = match extension.as_deref() {
        Some("csv") => Some(b','),
        Some("tsv" | "tab") => Some(b'\t'),
        Some("psv") => Some(b'|'),
        _ => None,
    };
    let mut candidates: Vec<u8> = preferred.into_iter().collect();
    candidates.extend(
        [b',', b'\t', b';', b'|']
            .into_iter()
            .filter(|&c| Some(c) != preferred),
    );
    let first = sample.first()?;
    let mut best: Option<(u8, usize)> = None;
    for candidate in candidates {
        let expected = count_outside_quotes(first, candidate);
        if expected == 0 {
            continue;
        }
        let agreeing = sample
            .iter()
            .filter(|line| count_outside_quotes(line, candidate) == expected)
            .count();
        if best.is_none_or(|(_, score)| agreeing > score) {
            best = Some((candidate, agreeing));
        }
    }
    best.filter(|&(_, score)| score * 2 >= sample.len())
        .map(|(byte, _)| Delimiter::Byte(byte))
}

/// The first `limit` records of `text` for detection: its non-blank lines, except that a
/// line leaving a double-quoted field open is joined with the lines after it until the quote
/// closes, as a CSV reader joins them (a note or title that spans lines is one field of one
/// record). A quote still open after [`MAX_RECORD_LINES`] lines is taken for a stray one, and
/// its line counts alone.
pub(crate) fn sample_records(text: &str, limit: usize) -> Vec<&str> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |start, line| {
            let at = *start;
            *start += line.len();
            Some((at, line))
        })
        .collect();
    let mut records = Vec::new();
    let mut index = 0;
    while index < lines.len() && records.len() < limit {
        let (start, line) = lines[index];
        index += 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut quotes = line.matches('"').count();
        let mut end = index;
        while quotes % 2 == 1 && end < lines.len() && end - index < MAX_RECORD_LINES {
            quotes += lines[end].1.matches('"').count();
            end += 1;
        }
        if quotes % 2 == 0 && end > index {
            index = end;
        }
        let (last_start, last) = lines[index - 1];
        let record = &text[start..last_start + last.len()];
        records.push(record.trim_end_matches(['\n', '\r']));
    }
    records
}

/// Most lines one record of [`sample_records`] may span.
const MAX_RECORD_LINES: usize = 20;

/// Occurrences of `delimiter` in `line` outside double-quoted stretches.
fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for &byte in line.as_bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if byte == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_str(name: &str, text: &str) -> Result<Detected, DataError> {
        detect(Path::new(name), text, &LoadOptions::default())
    }

    fn format_of(name: &str, text: &str) -> Option<Format> {
        detect_str(name, text).ok().map(|d| d.format)
    }

    #[test]
    fn format_names_round_trip() {
        for format in [
            Format::Auto,
            Format::Sasrec,
            Format::Delimited,
            Format::MovieLens,
            Format::Parquet,
        ] {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert_eq!("CSV".parse::<Format>(), Ok(Format::Delimited));
        assert!("xlsx".parse::<Format>().is_err());
    }

    #[test]
    fn detects_formats() {
        assert_eq!(format_of("a.txt", "1 1\n1 2\n2 3\n"), Some(Format::Sasrec));
        assert_eq!(format_of("a.txt", "1 1 2 3\n2 4 5\n"), Some(Format::Sasrec));
        assert_eq!(
            format_of("r.dat", "1::2::5::978300760\n"),
            Some(Format::MovieLens)
        );
        assert_eq!(
            format_of("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n"),
            Some(Format::MovieLens)
        );
        assert_eq!(
            format_of("a.csv", "user,item\n1,2\n"),
            Some(Format::Delimited)
        );
        assert_eq!(
            format_of("a.txt", "0\t6845\t1318896000\n"),
            Some(Format::Delimited)
        );
        assert_eq!(
            format_of("a.txt", "u i 1318896000\nv j 1318896001\n"),
            Some(Format::Delimited)
        );
        assert_eq!(
            format_of("a.txt", "user item\nu1 i1\n"),
            Some(Format::Delimited)
        );
        let ragged = "user,item,timestamp\n1,10,100\n1,11\n2,12,300,9\n2,13,400\n";
        let detected = detect_str("r.csv", ragged).ok();
        assert_eq!(detected.map(|d| d.delimiter), Some(Delimiter::Byte(b',')));
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        assert_eq!(count_outside_quotes(r#"a,"b,c",d"#, b','), 2);
        let text = "user;item;title\n1;2;\"x;y\"\n";
        assert_eq!(
            detect_str("x", text).ok().map(|d| d.delimiter),
            Some(Delimiter::Byte(b';'))
        );
    }

    #[test]
    fn quoted_fields_that_span_lines_do_not_hide_the_delimiter() {
        // Most lines of this file are inside multi-line notes; its records all have 3 fields.
        let text = "user,item,note\nu1,i1,\"first line\nsecond line\nthird, with a comma\"\n\
                    u2,i2,\"a\nb\nc\"\nu3,i3,\"x\n\ny; z\"\n";
        let detected = detect_str("notes.txt", text).ok();
        assert_eq!(
            detected,
            Some(Detected {
                format: Format::Delimited,
                delimiter: Delimiter::Byte(b',')
            })
        );
    }

    #[test]
    fn single_column_is_an_error() {
        let error = detect_str("one.txt", "1\n2\n3\n").err();
        assert!(matches!(
            error.map(|e| e.kind),
            Some(DataErrorKind::TooFewColumns { found: 1 })
        ));
    }

    #[test]
    fn options_override() {
        let options = LoadOptions {
            format: Format::Sasrec,
            ..LoadOptions::default()
        };
        let detected = detect(Path::new("a.csv"), "u,i\n", &options).ok();
        assert_eq!(detected.map(|d| d.format), Some(Format::Sasrec));
        let options = LoadOptions {
            delimiter: Some(b' '),
            ..LoadOptions::default()
        };
        let detected = detect(Path::new("a"), "1 2 3\n", &options).ok();
        assert_eq!(
            detected,
            Some(Detected {
                format: Format::Delimited,
                delimiter: Delimiter::Split(Separator::Whitespace)
            })
        );
    }
}
