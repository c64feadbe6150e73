//! What the import step works on: the first rows of a file that did not load as it is (or that
//! the user asked to map by hand), the columns the loader would guess from them, and what the
//! loader makes of those rows with a chosen mapping. Reading them is a few kilobytes, cheap
//! enough for the window's thread; the whole file still loads on the background loader.

use std::io::Read;
use std::path::PathBuf;

use super::loader::LoadRequest;
use crate::analysis::data_summary::{FilePreview, preview_text};
use crate::data::{
    ColumnGuess, DataError, DataErrorKind, ImportReport, LoadOptions, guess_columns,
    load_dataset_bytes,
};

/// Rows of the file the import step reads, shows and checks.
pub const IMPORT_PREVIEW_ROWS: usize = 20;
/// Bytes of text (decompressed, for a compressed file) read to find those rows.
const HEAD_BYTES: usize = 64 * 1024;

/// Why a file's first rows could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// The first rows of a file, with the load they belong to.
#[derive(Clone, Debug)]
pub struct ImportPreview {
    /// The load to retry (its options are replaced by the chosen mapping).
    pub request: LoadRequest,
    /// Why the file did not load as it is, when that is what opened the import step.
    pub failure: Option<String>,
    /// The first rows, split into fields.
    pub preview: FilePreview,
    /// The columns the loader would take unasked.
    pub guess: ColumnGuess,
    /// The text of the first rows, whole lines only.
    head: String,
}

/// What the loader makes of the first rows with a mapping.
#[derive(Clone, Debug)]
pub enum RowCheck {
    /// They are read; the report counts what is used and what is skipped, and why.
    Reads(ImportReport),
    /// The loader refuses them (a missing column, two roles on one column, …).
    Fails(String),
}

impl ImportPreview {
    /// Reads the first [`IMPORT_PREVIEW_ROWS`] rows of the request's file (or of its bytes,
    /// for a dropped file).
    pub fn read(request: LoadRequest, failure: Option<String>) -> Result<Self, PreviewError> {
        let raw = match &request.bytes {
            Some(bytes) => bytes.get(..HEAD_BYTES).unwrap_or(bytes).to_vec(),
            None => read_head(&request.path)?,
        };
        let text = crate::data::text_head(&raw, HEAD_BYTES);
        let text = String::from_utf8_lossy(&text);
        let head = whole_lines(&text, text.len() >= HEAD_BYTES);
        let preview = preview_text(&head, IMPORT_PREVIEW_ROWS);
        let guess = guess_columns(&preview.rows);
        Ok(Self {
            request,
            failure,
            preview,
            guess,
            head,
        })
    }

    /// Loads the first rows with `options`, as the loader would load the whole file.
    pub fn check(&self, options: &LoadOptions) -> RowCheck {
        if self.head.trim().is_empty() {
            return RowCheck::Fails("no text rows to preview (Parquet or an empty file)".into());
        }
        match load_dataset_bytes(&self.request.path, self.head.as_bytes(), options) {
            Ok(dataset) => RowCheck::Reads(dataset.report),
            Err(error) => RowCheck::Fails(picker_message(&error)),
        }
    }
}

/// Why the first rows do not load, in the words of the import step: it names its file in its
/// heading, and its pickers, not flags, choose columns.
fn picker_message(error: &DataError) -> String {
    match (&error.kind, error.line) {
        (
            DataErrorKind::MissingColumn {
                role, wanted: None, ..
            },
            _,
        ) => {
            format!("no column was recognised as the {role} column by its name; choose it above")
        }
        (kind, Some(line)) => format!("line {line}: {kind}"),
        (kind, None) => kind.to_string(),
    }
}

/// The first bytes of the file at `path`.
fn read_head(path: &std::path::Path) -> Result<Vec<u8>, PreviewError> {
    let error = |source| PreviewError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut raw = Vec::new();
    std::fs::File::open(path)
        .map_err(error)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut raw)
        .map_err(error)?;
    Ok(raw)
}

/// The first [`IMPORT_PREVIEW_ROWS`] lines of `text`, without a last line cut short when the
/// text is only the start of a longer one (`truncated`).
fn whole_lines(text: &str, truncated: bool) -> String {
    let mut lines: Vec<&str> = text
        .split_inclusive('\n')
        .take(IMPORT_PREVIEW_ROWS)
        .collect();
    if truncated && lines.last().is_some_and(|line| !line.ends_with('\n')) {
        lines.pop();
    }
    lines.concat()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn first_rows_are_guessed_and_checked() {
        let mut text = String::from("visitor,sku,when,action\n");
        for n in 0..40 {
            text.push_str(&format!(
                "v{},s{},2024-01-01 10:{:02}:00,view\n",
                n % 4,
                n % 7,
                n
            ));
        }
        text.insert_str(text.find("v1,").unwrap_or(0), "v9,s1\n");
        let request = LoadRequest {
            path: "log.csv".into(),
            bytes: Some(Arc::new(text.into_bytes())),
            ..LoadRequest::default()
        };
        let preview = ImportPreview::read(request, None).expect("reads");
        assert_eq!(preview.preview.rows.len(), IMPORT_PREVIEW_ROWS);
        assert_eq!(preview.guess.roles(), [None, Some(1), None, Some(3)]);
        assert!(
            matches!(preview.check(&LoadOptions::default()), RowCheck::Fails(m) if m.contains("user"))
        );
        let options = LoadOptions {
            user_column: Some("visitor".into()),
            time_column: Some("when".into()),
            ..LoadOptions::default()
        };
        let RowCheck::Reads(report) = preview.check(&options) else {
            panic!("the mapping reads the rows");
        };
        assert_eq!(report.rows_read, 19);
        assert_eq!(report.skipped_count(), 1);
        assert_eq!(report.skipped[0].first_lines, vec![3]);
        let missing = ImportPreview::read(
            LoadRequest {
                path: "/nonexistent/x.csv".into(),
                ..LoadRequest::default()
            },
            None,
        );
        assert!(missing.is_err_and(|e| e.to_string().contains("x.csv")));
    }

    #[test]
    fn a_cut_last_line_is_left_out() {
        assert_eq!(whole_lines("a,b\nc,", true), "a,b\n");
        assert_eq!(whole_lines("a,b\nc,d", false), "a,b\nc,d");
    }
}
