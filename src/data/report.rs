//! What happened during an import: rows read and used, rows skipped (counted, with the first
//! line numbers), and warnings.

use serde::Serialize;

/// Skip reason: a row whose number of fields differs from the header (or first row).
pub const REASON_COLUMNS: &str = "wrong number of columns";
/// Skip reason: a row whose user or item field is empty.
pub const REASON_EMPTY_ID: &str = "empty user or item";
/// Skip reason: a row whose timestamp could not be read.
pub const REASON_TIMESTAMP: &str = "unparsable timestamp";
/// Skip reason: a quote that is not closed, so that later lines were swallowed into one field.
pub const REASON_QUOTE: &str = "unclosed quote";
/// Skip reason: an exact repeat of an earlier row (same user, item, timestamp and behaviour,
/// and every other column the same too).
pub const REASON_DUPLICATE: &str = "duplicate row";
/// Skip reason: a repeat of an earlier row in its user, item, timestamp (and behaviour)
/// columns whose other columns differ (a rating, a price): the same event to the model.
pub const REASON_SAME_EVENT: &str = "repeated user, item and time";
/// Skip reason: a row that repeats the header row (two files with headers joined into one).
pub const REASON_HEADER: &str = "repeated header row";

/// How many line numbers are kept per skip reason.
const MAX_LINES: usize = 10;

/// The outcome of an import, for the import-warnings view and the command line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    /// Data rows read (header and blank lines not counted).
    pub rows_read: u64,
    /// Data rows that contributed to the dataset.
    pub rows_used: u64,
    /// Skipped rows, grouped by reason, in order of first occurrence.
    pub skipped: Vec<SkippedRows>,
    /// Other things worth knowing (guessed columns, encoding fallbacks, …).
    pub warnings: Vec<String>,
}

/// Rows skipped for one reason.
#[derive(Clone, Debug, Serialize)]
pub struct SkippedRows {
    /// Why, e.g. [`REASON_COLUMNS`] ("wrong number of columns") or [`REASON_DUPLICATE`].
    pub reason: String,
    /// How many rows.
    pub count: u64,
    /// The first (at most 10) 1-based line numbers.
    pub first_lines: Vec<u64>,
}

impl ImportReport {
    /// Whether nothing was skipped and there are no warnings.
    pub fn is_clean(&self) -> bool {
        self.skipped.is_empty() && self.warnings.is_empty()
    }

    /// Total number of skipped rows.
    pub fn skipped_count(&self) -> u64 {
        self.skipped.iter().map(|skipped| skipped.count).sum()
    }

    /// Counts one skipped row at `line` under `reason`.
    pub fn add_skipped(&mut self, reason: &str, line: u64) {
        match self
            .skipped
            .iter_mut()
            .find(|skipped| skipped.reason == reason)
        {
            Some(skipped) => {
                skipped.count += 1;
                if skipped.first_lines.len() < MAX_LINES {
                    skipped.first_lines.push(line);
                }
            }
            None => self.skipped.push(SkippedRows {
                reason: reason.to_owned(),
                count: 1,
                first_lines: vec![line],
            }),
        }
    }

    /// Adds a warning, unless the same text is already there.
    pub fn warn(&mut self, warning: impl Into<String>) {
        let warning = warning.into();
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// Human-readable lines, e.g. "skipped 3 rows with the wrong number of columns (lines 4, 9,
    /// 12)", one per skip reason, then the warnings. Empty when the report is clean.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.skipped.iter().map(SkippedRows::summary).collect();
        lines.extend(self.warnings.iter().cloned());
        lines
    }
}

impl SkippedRows {
    /// One line, e.g. "skipped 1 row that repeats an earlier row (line 7)".
    pub fn summary(&self) -> String {
        let plural = self.count != 1;
        let rows = if plural { "rows" } else { "row" };
        let description = match self.reason.as_str() {
            REASON_COLUMNS => "with the wrong number of columns".to_owned(),
            REASON_EMPTY_ID => "with an empty user or item".to_owned(),
            REASON_TIMESTAMP => "with a timestamp that could not be read".to_owned(),
            REASON_QUOTE => "with a quote that is not closed".to_owned(),
            REASON_HEADER if plural => "that repeat the header row".to_owned(),
            REASON_HEADER => "that repeats the header row".to_owned(),
            REASON_DUPLICATE if plural => "that repeat an earlier row exactly".to_owned(),
            REASON_DUPLICATE => "that repeats an earlier row exactly".to_owned(),
            REASON_SAME_EVENT if plural => {
                "that repeat an earlier row in the user, item and time columns".to_owned()
            }
            REASON_SAME_EVENT => {
                "that repeats an earlier row in the user, item and time columns".to_owned()
            }
            other => format!("({other})"),
        };
        let numbers: Vec<String> = self.first_lines.iter().map(u64::to_string).collect();
        let where_ = match (
            self.first_lines.len(),
            self.count > self.first_lines.len() as u64,
        ) {
            (0, _) => String::new(),
            (1, false) => format!(" (line {})", numbers.join(", ")),
            (_, false) => format!(" (lines {})", numbers.join(", ")),
            (_, true) => format!(" (first at lines {}, …)", numbers.join(", ")),
        };
        format!("skipped {} {rows} {description}{where_}", self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_summarises() {
        let mut report = ImportReport::default();
        assert!(report.is_clean());
        for line in [4, 9, 12] {
            report.add_skipped(REASON_COLUMNS, line);
        }
        report.add_skipped(REASON_DUPLICATE, 7);
        report.warn("careful");
        report.warn("careful");
        assert!(!report.is_clean());
        assert_eq!(report.skipped_count(), 4);
        assert_eq!(
            report.summary_lines(),
            vec![
                "skipped 3 rows with the wrong number of columns (lines 4, 9, 12)".to_owned(),
                "skipped 1 row that repeats an earlier row exactly (line 7)".to_owned(),
                "careful".to_owned(),
            ]
        );
    }

    #[test]
    fn keeps_first_ten_lines() {
        let mut report = ImportReport::default();
        for line in 1..=25 {
            report.add_skipped(REASON_TIMESTAMP, line);
        }
        let skipped = &report.skipped[0];
        assert_eq!(skipped.count, 25);
        assert_eq!(skipped.first_lines, (1..=10).collect::<Vec<_>>());
        assert!(
            skipped
                .summary()
                .ends_with("(first at lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …)")
        );
    }

    #[test]
    fn serialises() {
        let mut report = ImportReport::default();
        report.add_skipped(REASON_EMPTY_ID, 2);
        let json = serde_json::to_string(&report).unwrap_or_default();
        assert!(json.contains("\"first_lines\":[2]"), "{json}");
    }
}
