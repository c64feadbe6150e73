//! SASRec/BERT4Rec text: `user item` per line, or one user per line (`user item item …`),
//! fields separated by whitespace, events in file order.
//!
//! Both layouts are read the same way: the first field is the user, every further field is one
//! of that user's items, appended in order. A user may appear on many lines. A line with a user
//! but no item is skipped as having the wrong number of columns.

use std::path::Path;

use super::builder::Builder;
use super::dataset::Dataset;
use super::error::DataError;
use super::format_kind::Format;
use super::report;
use super::text;

/// Reads SASRec text whole (the tests' way in; files are read in pieces by
/// `super::text_stream`).
#[cfg(test)]
pub(crate) fn load(path: &Path, text: &str, strict: bool) -> Result<Dataset, DataError> {
    let mut reader = SasrecReader::new(path, strict);
    reader.feed(text, 1)?;
    reader.finish()
}

/// SASRec text read in pieces of whole lines, in order.
pub(crate) struct SasrecReader {
    /// The events so far.
    builder: Builder,
}

impl SasrecReader {
    /// A reader that has seen no line yet.
    pub(crate) fn new(path: &Path, strict: bool) -> Self {
        Self {
            builder: Builder::new(path, Format::Sasrec, strict, false, false),
        }
    }

    /// Reads the lines of `text`, whose first line is line `first_line` of the file.
    pub(crate) fn feed(&mut self, text: &str, first_line: u64) -> Result<(), DataError> {
        let builder = &mut self.builder;
        let offset = first_line.saturating_sub(1);
        for (line, content) in text::content_lines(text) {
            let line = offset + line;
            builder.count_row();
            let mut fields = content.split_ascii_whitespace();
            let Some(user) = fields.next() else { continue };
            let mut items = fields.peekable();
            if items.peek().is_none() {
                let detail = "this line has a user but no item (expected `user item …`)".to_owned();
                builder.skip(line, report::REASON_COLUMNS, detail)?;
                continue;
            }
            let user = builder.user(user);
            for item in items {
                builder.push(line, user, item, (0, None), 0)?;
            }
            builder.count_used();
        }
        Ok(())
    }

    /// The dataset of every line fed.
    pub(crate) fn finish(self) -> Result<Dataset, DataError> {
        self.builder.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_one_user_per_line() {
        let text = "1 10\n1 11\n2 12\n\n1 13\n3 14 15 16\r\n  \n";
        let dataset = load(Path::new("s.txt"), text, false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dataset.users.tokens(), ["1", "2", "3"]);
        assert_eq!(
            dataset.sequences,
            vec![vec![0, 1, 3], vec![2], vec![4, 5, 6]]
        );
        assert_eq!(dataset.n_interactions(), 7);
        assert_eq!(dataset.report.rows_read, 5);
        assert!(dataset.report.is_clean());
        assert!(dataset.timestamps.is_none());
    }

    #[test]
    fn user_without_items_is_skipped() {
        let dataset =
            load(Path::new("s.txt"), "a x\nb\na y\n", false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dataset.n_users(), 1);
        assert_eq!(dataset.report.skipped[0].first_lines, [2]);
        let error = load(Path::new("s.txt"), "a x\nb\n", true).err();
        assert_eq!(error.and_then(|e| e.line), Some(2));
    }
}
