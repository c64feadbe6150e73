//! The builder every loader feeds rows into.
//!
//! It maps id tokens to dense indices in order of first appearance and keeps each user's events
//! in file order. At the end it sorts each user's events by time with a stable sort (file order
//! breaks ties) and, when there is a time column, drops duplicates (same user, item, time and
//! behaviour; the earliest line is kept), counting them as skipped rows: as exact repeats when
//! the whole row is the same, or as the same event when other columns (a rating) differ.

use std::path::{Path, PathBuf};

use super::dataset::Dataset;
use super::error::{DataError, DataErrorKind};
use super::format_kind::Format;
use super::idmap::IdMap;
use super::report::{self, ImportReport};

/// Runs of equal timestamps up to this length are searched for duplicates pairwise.
const SMALL_RUN: usize = 16;

/// One user's events, in file order until [`Builder::finish`].
#[derive(Default)]
struct Events {
    /// Dense item indices.
    items: Vec<u32>,
    /// Unix milliseconds (empty without a time column).
    millis: Vec<i64>,
    /// Behaviour indices (empty without a behaviour column).
    behaviours: Vec<u16>,
    /// Source line of each event (empty without a time column).
    lines: Vec<u64>,
    /// A hash of each event's whole row (empty without a time column), to tell an exact
    /// repeat from one whose other columns differ.
    rows: Vec<u64>,
}

/// Collects rows from a loader and assembles a [`Dataset`].
pub(crate) struct Builder {
    /// The file, for errors.
    path: PathBuf,
    /// The detected format.
    format: Format,
    /// Whether row problems are fatal.
    strict: bool,
    /// Whether rows carry a time.
    has_time: bool,
    /// Whether rows carry a behaviour.
    has_behaviour: bool,
    /// User tokens.
    users: IdMap,
    /// Item tokens.
    items: IdMap,
    /// Behaviour names.
    behaviour_names: IdMap,
    /// Events per user index.
    events: Vec<Events>,
    /// The last user token and its index (consecutive rows are often the same user).
    last_user: Option<(String, u32)>,
    /// The first row problem, for the error when every row is skipped.
    first_problem: Option<String>,
    /// Counts and warnings so far.
    report: ImportReport,
}

impl Builder {
    /// A builder for rows from `path`, with or without time and behaviour columns.
    pub(crate) fn new(
        path: &Path,
        format: Format,
        strict: bool,
        has_time: bool,
        has_behaviour: bool,
    ) -> Self {
        Self {
            path: path.to_path_buf(),
            format,
            strict,
            has_time,
            has_behaviour,
            users: IdMap::new(),
            items: IdMap::new(),
            behaviour_names: IdMap::new(),
            events: Vec::new(),
            last_user: None,
            first_problem: None,
            report: ImportReport::default(),
        }
    }

    /// The report so far (loaders add warnings to it).
    pub(crate) fn report_mut(&mut self) -> &mut ImportReport {
        &mut self.report
    }

    /// Counts one data row (call once per non-blank data line, before `push` or `skip`).
    pub(crate) fn count_row(&mut self) {
        self.report.rows_read += 1;
    }

    /// Counts a row as used (after its events were pushed).
    pub(crate) fn count_used(&mut self) {
        self.report.rows_used += 1;
    }

    /// Records a problem row: counted and skipped, or fatal in strict mode.
    pub(crate) fn skip(
        &mut self,
        line: u64,
        reason: &str,
        detail: String,
    ) -> Result<(), DataError> {
        if self.strict {
            let kind = DataErrorKind::BadRow {
                reason: reason.to_owned(),
                detail,
            };
            return Err(DataError::at_line(&self.path, line, kind));
        }
        if self.first_problem.is_none() {
            self.first_problem = Some(format!("line {line}: {detail}"));
        }
        self.report.add_skipped(reason, line);
        Ok(())
    }

    /// Checks the user and item fields of a row; `false` (after recording the problem) when
    /// one is empty.
    pub(crate) fn check_ids(
        &mut self,
        line: u64,
        user: &str,
        item: &str,
    ) -> Result<bool, DataError> {
        let empty = match (user.is_empty(), item.is_empty()) {
            (true, _) => "the user field is empty",
            (_, true) => "the item field is empty",
            _ => return Ok(true),
        };
        self.skip(line, report::REASON_EMPTY_ID, empty.to_owned())?;
        Ok(false)
    }

    /// The dense index of a user token (call only for a row that will be pushed).
    pub(crate) fn user(&mut self, token: &str) -> u32 {
        if let Some((last, index)) = &self.last_user
            && last == token
        {
            return *index;
        }
        let index = self.users.get_or_insert(token);
        match &mut self.last_user {
            Some((last, last_index)) => {
                last.clear();
                last.push_str(token);
                *last_index = index;
            }
            None => self.last_user = Some((token.to_owned(), index)),
        }
        index
    }

    /// Adds one event of `user` (from [`Builder::user`]); `millis` and `behaviour` are kept
    /// only when the builder has those columns, and `row` (a hash of the whole row, see
    /// [`crate::data::Fnv1a`]) only with a time column.
    pub(crate) fn push(
        &mut self,
        line: u64,
        user: u32,
        item: &str,
        (millis, behaviour): (i64, Option<&str>),
        row: u64,
    ) -> Result<(), DataError> {
        let behaviour = match behaviour {
            Some(name) if self.has_behaviour => {
                let name = if name.is_empty() { "(empty)" } else { name };
                let index = self.behaviour_names.get_or_insert(name);
                u16::try_from(index).map_err(|_| {
                    let kind = DataErrorKind::TooManyBehaviours {
                        max: usize::from(u16::MAX) + 1,
                    };
                    DataError::at_line(&self.path, line, kind)
                })?
            }
            _ => 0,
        };
        let item = self.items.get_or_insert(item);
        let slot = usize::try_from(user).unwrap_or(usize::MAX);
        if slot >= self.events.len() {
            self.events
                .resize_with(slot.saturating_add(1), Events::default);
        }
        if let Some(events) = self.events.get_mut(slot) {
            events.items.push(item);
            if self.has_time {
                events.millis.push(millis);
                events.lines.push(line);
                events.rows.push(row);
            }
            if self.has_behaviour {
                events.behaviours.push(behaviour);
            }
        }
        Ok(())
    }

    /// Sorts every user's events by time (stable), drops duplicates, assembles the dataset.
    pub(crate) fn finish(mut self) -> Result<Dataset, DataError> {
        if self.report.rows_used == 0 {
            let kind = match self.first_problem.take() {
                Some(first_problem) if self.report.rows_read > 0 => DataErrorKind::AllRowsSkipped {
                    rows: self.report.rows_read,
                    first_problem,
                },
                _ => DataErrorKind::NoUsableRows,
            };
            return Err(DataError::new(&self.path, kind));
        }
        let mut duplicate_lines = Vec::new();
        if self.has_time {
            for events in &mut self.events {
                sort_by_time(events);
                drop_duplicates(events, &mut duplicate_lines);
            }
        }
        duplicate_lines.sort_unstable();
        for &(line, exact) in &duplicate_lines {
            let reason = if exact {
                report::REASON_DUPLICATE
            } else {
                report::REASON_SAME_EVENT
            };
            self.report.add_skipped(reason, line);
        }
        let duplicates = u64::try_from(duplicate_lines.len()).unwrap_or(u64::MAX);
        self.report.rows_used = self.report.rows_used.saturating_sub(duplicates);

        let n_users = self.events.len();
        let mut sequences = Vec::with_capacity(n_users);
        let mut timestamps = Vec::with_capacity(if self.has_time { n_users } else { 0 });
        let mut behaviours = Vec::with_capacity(if self.has_behaviour { n_users } else { 0 });
        for events in self.events {
            sequences.push(events.items);
            if self.has_time {
                timestamps.push(events.millis.iter().map(|ms| ms.div_euclid(1000)).collect());
            }
            if self.has_behaviour {
                behaviours.push(events.behaviours);
            }
        }
        Ok(Dataset {
            source: self.path,
            format: self.format,
            users: self.users,
            items: self.items,
            sequences,
            timestamps: self.has_time.then_some(timestamps),
            behaviours: self.has_behaviour.then_some(behaviours),
            behaviour_names: self.behaviour_names.tokens().to_vec(),
            report: self.report,
            content_hash: None,
        })
    }
}

/// Stable sort of one user's events by time.
fn sort_by_time(events: &mut Events) {
    if events.millis.is_sorted() {
        return;
    }
    let mut order: Vec<usize> = (0..events.millis.len()).collect();
    order.sort_by_key(|&event| events.millis.get(event).copied().unwrap_or(0));
    keep(&mut events.items, &order);
    keep(&mut events.millis, &order);
    keep(&mut events.lines, &order);
    keep(&mut events.rows, &order);
    keep(&mut events.behaviours, &order);
}

/// Removes events that repeat an earlier event (same item, time and behaviour) of a
/// time-sorted user, adding their lines to `dropped`, each with whether its whole row is the
/// same as the kept one's.
fn drop_duplicates(events: &mut Events, dropped: &mut Vec<(u64, bool)>) {
    let key = |event: usize| {
        let item = events.items.get(event).copied().unwrap_or(0);
        (item, events.behaviours.get(event).copied().unwrap_or(0))
    };
    // (duplicate event, the earlier event it repeats)
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < events.millis.len() {
        let time = events.millis.get(start);
        let end = events.millis.get(start..).map_or(start, |rest| {
            start + rest.iter().take_while(|t| Some(*t) == time).count()
        });
        let end = end.max(start + 1);
        if end - start <= SMALL_RUN {
            for later in start + 1..end {
                if let Some(earlier) = (start..later).find(|&earlier| key(earlier) == key(later)) {
                    duplicates.push((later, earlier));
                }
            }
        } else {
            let mut run: Vec<usize> = (start..end).collect();
            run.sort_by_key(|&event| (key(event), event));
            let mut first = None;
            for pair in run.windows(2) {
                if let [earlier, later] = *pair
                    && key(earlier) == key(later)
                {
                    let kept = *first.get_or_insert(earlier);
                    duplicates.push((later, kept));
                } else {
                    first = None;
                }
            }
        }
        start = end;
    }
    if duplicates.is_empty() {
        return;
    }
    duplicates.sort_unstable();
    dropped.extend(duplicates.iter().filter_map(|&(event, earlier)| {
        let exact = events.rows.get(event) == events.rows.get(earlier);
        events.lines.get(event).map(|&line| (line, exact))
    }));
    let kept: Vec<usize> = (0..events.items.len())
        .filter(|&event| duplicates.binary_search_by_key(&event, |d| d.0).is_err())
        .collect();
    keep(&mut events.items, &kept);
    keep(&mut events.millis, &kept);
    keep(&mut events.lines, &kept);
    keep(&mut events.rows, &kept);
    keep(&mut events.behaviours, &kept);
}

/// Replaces `values` by `values[order[0]], values[order[1]], …`; leaves an empty (unused)
/// column alone.
fn keep<T: Copy>(values: &mut Vec<T>, order: &[usize]) {
    if values.is_empty() {
        return;
    }
    *values = order
        .iter()
        .filter_map(|&old| values.get(old).copied())
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(builder: &mut Builder, line: u64, user: &str, item: &str, millis: i64) {
        builder.count_row();
        let user = builder.user(user);
        if builder
            .push(line, user, item, (millis, Some("view")), 0)
            .is_ok()
        {
            builder.count_used();
        }
    }

    #[test]
    fn sorts_by_time_with_file_order_tie_break_and_drops_duplicates() {
        let mut builder = Builder::new(Path::new("x"), Format::Delimited, false, true, true);
        row(&mut builder, 1, "u", "c", 3000);
        row(&mut builder, 2, "u", "a", 1000);
        row(&mut builder, 3, "v", "a", 5000);
        row(&mut builder, 4, "u", "b", 1000);
        row(&mut builder, 5, "u", "a", 1000);
        let dataset = builder.finish().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dataset.users.tokens(), ["u", "v"]);
        assert_eq!(dataset.items.tokens(), ["c", "a", "b"]);
        assert_eq!(dataset.sequences, vec![vec![1, 2, 0], vec![1]]);
        assert_eq!(dataset.timestamps, Some(vec![vec![1, 1, 3], vec![5]]));
        assert_eq!(dataset.behaviours, Some(vec![vec![0, 0, 0], vec![0]]));
        assert_eq!(dataset.behaviour_names, ["view"]);
        assert_eq!(dataset.report.rows_read, 5);
        assert_eq!(dataset.report.rows_used, 4);
        assert_eq!(dataset.report.skipped[0].reason, report::REASON_DUPLICATE);
        assert_eq!(dataset.report.skipped[0].first_lines, [5]);
    }

    #[test]
    fn long_runs_of_equal_times() {
        let mut builder = Builder::new(Path::new("x"), Format::Delimited, false, true, false);
        for line in 1..=100u64 {
            let item = (line % 30).to_string();
            builder.count_row();
            let user = builder.user("u");
            if builder.push(line, user, &item, (7, None), 0).is_ok() {
                builder.count_used();
            }
        }
        let dataset = builder.finish().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dataset.n_interactions(), 30);
        assert_eq!(dataset.report.skipped_count(), 70);
        assert_eq!(
            dataset.report.skipped[0].first_lines,
            (31..=40).collect::<Vec<_>>()
        );
        let first: Vec<&str> = dataset.sequences[0]
            .iter()
            .map(|&i| dataset.items.token(i))
            .collect();
        assert_eq!(first[..3], ["1", "2", "3"]);
    }

    #[test]
    fn no_rows_is_an_error() {
        let builder = Builder::new(Path::new("x"), Format::Sasrec, false, false, false);
        let error = builder.finish().err().map(|e| e.kind);
        assert!(matches!(error, Some(DataErrorKind::NoUsableRows)));
    }

    #[test]
    fn strict_makes_problems_fatal() {
        let mut builder = Builder::new(Path::new("x"), Format::Sasrec, true, false, false);
        let error = builder
            .skip(4, report::REASON_COLUMNS, "bad".to_owned())
            .err();
        assert_eq!(error.as_ref().and_then(|e| e.line), Some(4));
        assert!(matches!(
            error.map(|e| e.kind),
            Some(DataErrorKind::BadRow { .. })
        ));
    }
}
