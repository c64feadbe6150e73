//! CSV export that is safe to open in a spreadsheet.
//!
//! Text cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return) get a leading apostrophe, as OWASP recommends against CSV
//! injection; numbers we computed are written as numbers. The `csv` crate's writer does the
//! rest (RFC 4180 quoting; a record holding one empty field is written as `""` so that readers
//! do not skip it as a blank line). A cell holding `;` is quoted as well, so a spreadsheet set
//! to a locale that splits on `;` cannot find a formula after one. Files are written whole or
//! not at all (a temporary file renamed into place).

use std::io::Write;
use std::path::Path;

use crate::data::write_file_atomically;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text from the data (ids, titles): sanitised against formula injection.
    Text(String),
    /// A number we computed.
    Number(f64),
    /// A count.
    Integer(i64),
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Self::Number(value)
    }
}

impl From<f32> for Cell {
    fn from(value: f32) -> Self {
        Self::Number(f64::from(value))
    }
}

impl From<usize> for Cell {
    fn from(value: usize) -> Self {
        Self::Integer(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Cell {
    fn from(value: u32) -> Self {
        Self::Integer(i64::from(value))
    }
}

/// A table to export: a header row and data rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsvTable {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows of cells (a row may be shorter than the header).
    pub rows: Vec<Vec<Cell>>,
}

impl CsvTable {
    /// A table with these column names and no rows.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Self {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The whole file as text (`\n` line ends, trailing newline).
    pub fn to_csv_string(&self) -> String {
        let mut bytes = Vec::new();
        // Writing into memory cannot fail: `Vec` never refuses bytes and the writer is flexible.
        if let Err(error) = self.write_records(&mut bytes) {
            tracing::error!("CSV export into memory failed: {error}");
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Writes the file, whole or not at all (a temporary file renamed into place, so an
    /// earlier export at `path` survives a failed one).
    pub fn write_to(&self, path: &Path) -> std::io::Result<()> {
        write_file_atomically(path, |file| Ok(self.write_records(file)?))
    }

    /// Writes the header and the rows through a [`::csv::Writer`] (RFC 4180 quoting, `\n`
    /// line ends, rows of any length; a field holding `;` is quoted too).
    fn write_records(&self, out: impl Write) -> Result<(), ::csv::Error> {
        // The writer quotes every field holding its "comment" character: with `;` there, a
        // spreadsheet whose locale splits on `;` keeps `tea;=1+1` one cell instead of reading
        // a formula cell after the `;`. (Nothing reads these files with comments.)
        let mut writer = ::csv::WriterBuilder::new()
            .flexible(true)
            .comment(Some(b';'))
            .from_writer(out);
        writer.write_record(self.headers.iter().map(|header| neutralised(header)))?;
        for row in &self.rows {
            writer.write_record(row.iter().map(field))?;
        }
        writer.flush()?;
        Ok(())
    }
}

/// One field as written, before quoting.
fn field(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => neutralised(text),
        Cell::Number(value) if value.is_finite() => format!("{value}"),
        Cell::Number(_) => String::new(),
        Cell::Integer(value) => value.to_string(),
    }
}

/// A text field with a leading apostrophe if a spreadsheet would run it as a formula.
fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let mut table = CsvTable::new(["rank", "user", "score"]);
        table.push(vec![
            1usize.into(),
            "=HYPERLINK(\"x\")".into(),
            0.25f64.into(),
        ]);
        table.push(vec![2usize.into(), "-2+3".into(), (-1.5f64).into()]);
        table.push(vec![3usize.into(), "@sum".into(), f64::NAN.into()]);
        table.push(vec![
            4usize.into(),
            "plain, with comma".into(),
            1e-3f64.into(),
        ]);
        let text = table.to_csv_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "rank,user,score");
        assert_eq!(lines[1], "1,\"'=HYPERLINK(\"\"x\"\")\",0.25");
        assert_eq!(lines[2], "2,'-2+3,-1.5");
        assert_eq!(lines[3], "3,'@sum,");
        assert_eq!(lines[4], "4,\"plain, with comma\",0.001");
        assert_eq!(lines.len(), 5);
        assert!(text.ends_with("0.001\n"));
    }

    #[test]
    fn short_rows_headers_and_special_characters() {
        let mut table = CsvTable::new(["=a", "b,c"]);
        table.push(vec![Cell::Integer(-3)]);
        table.push(vec!["\ttab".into(), "cr\r".into()]);
        table.push(vec![f64::INFINITY.into(), "quote\"d".into()]);
        table.push(vec![f64::NAN.into()]);
        assert_eq!(
            table.to_csv_string(),
            "'=a,\"b,c\"\n-3\n'\ttab,\"cr\r\"\n,\"quote\"\"d\"\n\"\"\n"
        );
    }

    #[test]
    fn cells_with_a_semicolon_are_quoted() {
        // A spreadsheet set to split on `;` would read `=1+1` as a cell of its own.
        let mut table = CsvTable::new(["id", "title;=1"]);
        table.push(vec!["u1".into(), "tea;=1+1".into(), 0.5f64.into()]);
        assert_eq!(
            table.to_csv_string(),
            "id,\"title;=1\"\nu1,\"tea;=1+1\",0.5\n"
        );
    }

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "old").expect("earlier export");
        // A second name for the earlier file: writing in place would change it too.
        let earlier = dir.path().join("earlier.csv");
        std::fs::hard_link(&path, &earlier).expect("hard link");
        let mut table = CsvTable::new(["id"]);
        table.push(vec!["u1".into()]);
        table.write_to(&path).expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("new"), "id\nu1\n");
        assert_eq!(std::fs::read_to_string(&earlier).expect("old"), "old");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["earlier.csv", "t.csv"]);
        let error = table.write_to(dir.path()).expect_err("a folder");
        assert!(!error.to_string().is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 2);
    }

    #[test]
    fn files_read_back_with_a_csv_reader() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        let mut table = CsvTable::new(["id", "title"]);
        table.push(vec!["u1".into(), "Line\nbreak \"quoted\"".into()]);
        table.write_to(&path).expect("write");
        let mut reader = ::csv::Reader::from_path(&path).expect("open");
        let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "Line\nbreak \"quoted\"");
    }
}
