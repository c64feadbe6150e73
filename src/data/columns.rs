//! Which column holds the user, the item, the timestamp and the behaviour type.
//!
//! With a header, columns are found by name, case-insensitively, with spaces and dashes read as
//! underscores (see [`Role::aliases`]), or by the names or 1-based positions given in
//! [`LoadOptions`]. Without a header (see [`looks_like_header`]), columns go by position:
//! user = 1 and item = 2 unless given; the timestamp is the last column (from the third on)
//! whose sampled values all look like times (ISO dates, or Unix times after 1973); the
//! behaviour is the first remaining column whose sampled values are all non-numeric with few
//! distinct values (e.g. `pv`, `cart`, `buy`). The guess is reported as a warning.

use std::path::Path;

use super::LoadOptions;
use super::aliases::{
    BEHAVIOUR_ALIASES, ITEM_ALIASES, NO_COLUMN, TIME_ALIASES, TIME_SUFFIXES, USER_ALIASES,
};
use super::error::{BEHAVIOUR_FLAG, DataError, DataErrorKind, ITEM_FLAG, TIME_FLAG, USER_FLAG};
use super::timestamp::{self, TimeKind};

/// What a column means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The user (or visitor, session, customer) id.
    User,
    /// The item (or product, movie, ad) id.
    Item,
    /// When the interaction happened.
    Time,
    /// The behaviour type (view, click, cart, purchase, …).
    Behaviour,
}

impl Role {
    /// All roles, required ones first.
    pub(crate) const ALL: [Self; 4] = [Self::User, Self::Item, Self::Time, Self::Behaviour];

    /// The role's name in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Item => "item",
            Self::Time => "timestamp",
            Self::Behaviour => "behaviour",
        }
    }

    /// The command-line flag that selects this role's column.
    pub(crate) fn flag(self) -> &'static str {
        match self {
            Self::User => USER_FLAG,
            Self::Item => ITEM_FLAG,
            Self::Time => TIME_FLAG,
            Self::Behaviour => BEHAVIOUR_FLAG,
        }
    }

    /// Header names recognised for this role (normalised: lower case, `_` for spaces and
    /// dashes), in order of preference.
    pub(crate) fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::User => USER_ALIASES,
            Self::Item => ITEM_ALIASES,
            Self::Time => TIME_ALIASES,
            Self::Behaviour => BEHAVIOUR_ALIASES,
        }
    }

    /// Whether the options ask for no column of this (optional) role: [`NO_COLUMN`].
    fn refused(self, options: &LoadOptions) -> bool {
        matches!(self, Self::Time | Self::Behaviour)
            && self
                .wanted(options)
                .is_some_and(|wanted| normalise(wanted) == NO_COLUMN)
    }

    /// The column asked for in the options, if any.
    fn wanted(self, options: &LoadOptions) -> Option<&str> {
        let wanted = match self {
            Self::User => &options.user_column,
            Self::Item => &options.item_column,
            Self::Time => &options.time_column,
            Self::Behaviour => &options.behaviour_column,
        };
        wanted.as_deref()
    }
}

/// Column positions (0-based) of the roles in a delimited file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Columns {
    /// User column.
    pub user: usize,
    /// Item column.
    pub item: usize,
    /// Timestamp column, if any.
    pub time: Option<usize>,
    /// Behaviour column, if any.
    pub behaviour: Option<usize>,
}

/// A header name in normalised form.
pub(crate) fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The role a header name stands for, if it is a known alias.
pub(crate) fn role_of(name: &str) -> Option<Role> {
    let name = normalise(name);
    Role::ALL
        .into_iter()
        .find(|role| role.aliases().contains(&name.as_str()))
}

/// Whether a value is a number or a timestamp (and so unlikely to be a header name).
pub(crate) fn is_numeric(value: &str) -> bool {
    timestamp::parse(value).is_some()
}

/// Whether the first row of a delimited file is a header: it holds a known column name or a
/// (non-numeric) name given in the options, or none of its fields is a number or a date.
pub(crate) fn looks_like_header(first: &[&str], options: &LoadOptions) -> bool {
    let named = |field: &&str| {
        Role::ALL.into_iter().any(|role| {
            role.wanted(options).is_some_and(|wanted| {
                wanted.trim().parse::<usize>().is_err() && normalise(wanted) == normalise(field)
            })
        })
    };
    first.iter().any(|field| role_of(field).is_some())
        || first.iter().any(named)
        || !first.iter().any(|field| is_numeric(field))
}

/// Resolves the columns of a file whose first row is `header`.
pub(crate) fn from_header(
    path: &Path,
    header: &[&str],
    options: &LoadOptions,
) -> Result<Columns, DataError> {
    let [user, item, time, behaviour] = named_columns(path, header, options)?;
    let columns = Columns {
        user: user.ok_or_else(|| missing(path, Role::User, None, header))?,
        item: item.ok_or_else(|| missing(path, Role::Item, None, header))?,
        time,
        behaviour,
    };
    check_conflicts(path, &columns, header)?;
    Ok(columns)
}

/// The columns of the user, item, timestamp and behaviour (in [`Role::ALL`] order) that a
/// header row names, given or by the aliases and fallbacks; `None` where nothing names one.
/// Fails for a column asked for in the options that is not there.
pub(crate) fn named_columns(
    path: &Path,
    header: &[&str],
    options: &LoadOptions,
) -> Result<[Option<usize>; 4], DataError> {
    let normalised: Vec<String> = header.iter().map(|name| normalise(name)).collect();
    let find = |role: Role| -> Result<Option<usize>, DataError> {
        if role.refused(options) {
            return Ok(None);
        }
        if let Some(wanted) = role.wanted(options) {
            let key = normalise(wanted);
            if let Some(position) = normalised.iter().position(|name| *name == key) {
                return Ok(Some(position));
            }
            return match position_of(wanted, header.len()) {
                Some(position) => Ok(Some(position)),
                None => Err(missing(path, role, Some(wanted), header)),
            };
        }
        let found = role
            .aliases()
            .iter()
            .find_map(|alias| normalised.iter().position(|name| name == alias));
        Ok(found)
    };
    let (user, item) = with_id_columns(&normalised, find(Role::User)?, find(Role::Item)?);
    let time = match find(Role::Time)? {
        Some(time) => Some(time),
        None if Role::Time.refused(options) => None,
        None => time_by_suffix(&normalised, [user, item]),
    };
    Ok([user, item, time, find(Role::Behaviour)?])
}

/// The user and item columns, where no alias found them, from the columns named `*_id`: the
/// first such column left is the user, the next the item (`visitor_id, offer_id`).
fn with_id_columns(
    normalised: &[String],
    user: Option<usize>,
    item: Option<usize>,
) -> (Option<usize>, Option<usize>) {
    let mut ids = (0..normalised.len())
        .filter(|&i| normalised[i].ends_with("_id") && Some(i) != user && Some(i) != item);
    let user = user.or_else(|| ids.next());
    let item = item.or_else(|| ids.next());
    (user, item)
}

/// The first column, other than `taken`, whose name ends like a time column's.
fn time_by_suffix(normalised: &[String], taken: [Option<usize>; 2]) -> Option<usize> {
    (0..normalised.len()).find(|&i| {
        !taken.contains(&Some(i))
            && TIME_SUFFIXES
                .iter()
                .any(|suffix| normalised[i].ends_with(suffix))
    })
}

/// Resolves the columns of a file without a header, from the options and a sample of rows
/// that all have `width` fields. Also returns a warning describing what was guessed.
pub(crate) fn infer_headerless(
    path: &Path,
    sample: &[Vec<&str>],
    width: usize,
    options: &LoadOptions,
) -> Result<(Columns, Option<String>), DataError> {
    let given = |role: Role| -> Result<Option<usize>, DataError> {
        match role.wanted(options) {
            None => Ok(None),
            Some(_) if role.refused(options) => Ok(None),
            Some(wanted) => position_of(wanted, width).map(Some).ok_or_else(|| {
                let kind = DataErrorKind::HeaderlessColumnName {
                    role: role.name(),
                    wanted: super::error::one_line(wanted, 60),
                    columns: width,
                    flag: role.flag(),
                };
                DataError::new(path, kind)
            }),
        }
    };
    let user = given(Role::User)?.unwrap_or(0);
    let item = given(Role::Item)?.unwrap_or(1);
    let column = |index: usize| sample.iter().filter_map(move |row| row.get(index).copied());
    let taken = |index: usize| index == user || index == item;
    let time = match given(Role::Time)? {
        Some(time) => Some(time),
        None if Role::Time.refused(options) => None,
        None => (2..width).rev().find(|&index| {
            !taken(index) && column(index).next().is_some() && column(index).all(looks_like_time)
        }),
    };
    let behaviour = match given(Role::Behaviour)? {
        Some(behaviour) => Some(behaviour),
        None if Role::Behaviour.refused(options) => None,
        None => (0..width).find(|&index| {
            !taken(index) && Some(index) != time && looks_like_behaviour(column(index))
        }),
    };
    let columns = Columns {
        user,
        item,
        time,
        behaviour,
    };
    let names: Vec<String> = (1..=width).map(|n| n.to_string()).collect();
    check_conflicts(path, &columns, &names)?;
    let guessed = Role::ALL
        .into_iter()
        .any(|role| role.wanted(options).is_none());
    let warning = guessed.then(|| {
        let mut parts = vec![format!("user = column {}", user + 1), format!("item = column {}", item + 1)];
        parts.extend(time.map(|t| format!("timestamp = column {}", t + 1)));
        parts.extend(behaviour.map(|b| format!("behaviour = column {}", b + 1)));
        format!(
            "no header row, so columns were taken by position: {}; set them with {USER_FLAG}, {ITEM_FLAG}, {TIME_FLAG} and {BEHAVIOUR_FLAG} (1, 2, …) if that is wrong",
            parts.join(", ")
        )
    });
    Ok((columns, warning))
}

/// A 1-based position given as text, converted to a 0-based index below `width`.
fn position_of(wanted: &str, width: usize) -> Option<usize> {
    let position: usize = wanted.trim().parse().ok()?;
    (1..=width).contains(&position).then(|| position - 1)
}

/// Whether a sampled value looks like a point in time (an ISO date, or a Unix time after
/// 1973-03-03 in seconds or finer units), rather than a count or a rating.
pub(crate) fn looks_like_time(value: &str) -> bool {
    match timestamp::parse(value) {
        Some((_, TimeKind::Date)) => true,
        Some((millis, _)) => millis.unsigned_abs() >= 100_000_000_000,
        None => false,
    }
}

/// Whether sampled values look like behaviour types: all non-empty and non-numeric, with few
/// distinct values.
fn looks_like_behaviour<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    let mut distinct: Vec<&str> = Vec::new();
    let mut count = 0usize;
    for value in values {
        if value.is_empty() || is_numeric(value) {
            return false;
        }
        if !distinct.contains(&value) {
            distinct.push(value);
        }
        count += 1;
    }
    count > 0 && distinct.len() <= 20 && distinct.len() <= count.div_ceil(2)
}

/// Fails if two roles share a column.
fn check_conflicts(
    path: &Path,
    columns: &Columns,
    names: &[impl AsRef<str>],
) -> Result<(), DataError> {
    let assigned = [
        (Role::User, Some(columns.user)),
        (Role::Item, Some(columns.item)),
        (Role::Time, columns.time),
        (Role::Behaviour, columns.behaviour),
    ];
    for (n, &(first, a)) in assigned.iter().enumerate() {
        for &(second, b) in assigned.iter().skip(n + 1) {
            if let (Some(a), Some(b)) = (a, b)
                && a == b
            {
                let column = names
                    .get(a)
                    .map_or_else(|| (a + 1).to_string(), |s| s.as_ref().to_owned());
                let kind = DataErrorKind::ColumnConflict {
                    first: first.name(),
                    second: second.name(),
                    column: super::error::one_line(&column, 60),
                };
                return Err(DataError::new(path, kind));
            }
        }
    }
    Ok(())
}

/// The error for a column that is not there.
fn missing(path: &Path, role: Role, wanted: Option<&str>, header: &[&str]) -> DataError {
    let kind = DataErrorKind::MissingColumn {
        role: role.name(),
        wanted: wanted.map(str::to_owned),
        available: header.iter().map(|name| (*name).to_owned()).collect(),
        flag: role.flag(),
    };
    DataError::new(path, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(header: &[&str]) -> Result<Columns, DataError> {
        from_header(Path::new("log.csv"), header, &LoadOptions::default())
    }

    #[test]
    fn an_ad_click_log_is_read_by_its_own_names() {
        // TalkingData's header: the visitor's IP, the advertised app, a click time.
        let found = columns(&["ip", "app", "device", "os", "channel", "click_time"])
            .expect("columns found");
        assert_eq!((found.user, found.item, found.time), (0, 1, Some(5)));
    }

    #[test]
    fn id_columns_and_time_endings_fill_in_for_unknown_names() {
        let found = columns(&["visitor_ref", "shopper_id", "offer_id", "created_at"])
            .expect("columns found");
        assert_eq!((found.user, found.item, found.time), (1, 2, Some(3)));
        // A known alias still wins over an `*_id` column.
        let found = columns(&["offer_id", "user", "seen_ts"]).expect("columns found");
        assert_eq!((found.user, found.item, found.time), (1, 0, Some(2)));
        // Without any clue the user column is still reported missing.
        assert!(columns(&["a", "b", "c"]).is_err());
    }
}
