//! The columns the loader would pick by itself, from a file's first rows: what an import step
//! shows before the load, so its pickers start where the loader would.

use std::path::Path;

use super::LoadOptions;
use super::columns;

/// Which of the first rows' columns the loader would take for each role, unasked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColumnGuess {
    /// Whether the first row is a header (else columns go by position).
    pub header: bool,
    /// The user column (0-based), if one is found.
    pub user: Option<usize>,
    /// The item column, if one is found.
    pub item: Option<usize>,
    /// The timestamp column, if one is found.
    pub time: Option<usize>,
    /// The behaviour-type column, if one is found.
    pub behaviour: Option<usize>,
}

impl ColumnGuess {
    /// The columns in role order: user, item, time, behaviour.
    pub fn roles(&self) -> [Option<usize>; 4] {
        [self.user, self.item, self.time, self.behaviour]
    }
}

/// The columns the delimited-text loader would find in `rows` (the first rows of a file,
/// split into fields) with default options: by header name (aliases, `*_id`, `*_time`,
/// `*_at`, …) when the first row is a header, else by position and by the values.
pub fn guess_columns(rows: &[Vec<String>]) -> ColumnGuess {
    let Some(first) = rows.first() else {
        return ColumnGuess::default();
    };
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let options = LoadOptions::default();
    let path = Path::new("preview");
    if columns::looks_like_header(&first, &options) {
        let found = columns::named_columns(path, &first, &options).unwrap_or_default();
        let [user, item, time, behaviour] = found;
        return ColumnGuess {
            header: true,
            user,
            item,
            time,
            behaviour,
        };
    }
    let sample: Vec<Vec<&str>> = rows
        .iter()
        .filter(|row| row.len() == first.len())
        .map(|row| row.iter().map(String::as_str).collect())
        .collect();
    match columns::infer_headerless(path, &sample, first.len(), &options) {
        Ok((found, _)) => ColumnGuess {
            header: false,
            user: Some(found.user),
            item: Some(found.item),
            time: found.time,
            behaviour: found.behaviour,
        },
        Err(_) => ColumnGuess::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .map(|line| line.split(',').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn header_names_and_fallbacks_are_guessed() {
        let guess = guess_columns(&rows("visitor,sku,when,action\nv1,s1,2024-01-01,view"));
        assert!(guess.header);
        assert_eq!(guess.roles(), [None, Some(1), None, Some(3)]);
        let guess = guess_columns(&rows("ip,app,os,click_time\n1,2,3,2017-11-07 09:30:38"));
        assert_eq!(guess.roles(), [Some(0), Some(1), Some(3), None]);
        let guess = guess_columns(&rows("1,10,1511544070\n1,11,1511544071\n2,10,1511544072"));
        assert!(!guess.header);
        assert_eq!(guess.roles(), [Some(0), Some(1), Some(2), None]);
        assert_eq!(guess_columns(&[]), ColumnGuess::default());
    }

    #[test]
    fn none_asks_for_no_time_column() {
        let header = ["user", "item", "timestamp"];
        let options = LoadOptions {
            time_column: Some(crate::data::NO_COLUMN.into()),
            ..LoadOptions::default()
        };
        let found = columns::from_header(Path::new("x.csv"), &header, &options).expect("found");
        assert_eq!(found.time, None);
        let found = columns::from_header(Path::new("x.csv"), &header, &LoadOptions::default())
            .expect("found");
        assert_eq!(found.time, Some(2));
    }
}
