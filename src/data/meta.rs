//! Item metadata: titles and categories, keyed by the ids the interaction file uses.
//!
//! Files are decoded as UTF-8, falling back to ISO-8859-1 (as old MovieLens files need).
//! Layouts, in order of detection:
//! - `id::title::genres` (MovieLens `movies.dat`);
//! - delimited text (`,` tab `;` `|`, detected as for interaction files) with a header: the id
//!   is the first column named like an item id (`id`, any `…_id`, or an item alias such as
//!   `asin`; the first column if none is: in `ml-1m_items.tsv` that is `sas_item_id`), the title the first column named `title`, `name`, …,
//!   the category the first column named `category`, `genre(s)`, `campaign`, …;
//! - without a header, a row ending in 0/1 flags is MovieLens `u.item`
//!   (`id|title|date|video date|url|19 genre flags`): the category is the first set genre in
//!   `u.genre` order;
//! - otherwise, without a header: id, title, category by position.
//!
//! A category holding a `|`-separated list (MovieLens genres) keeps its first entry.

use std::path::Path;

use super::columns;
use super::error::{DataError, DataErrorKind, one_line};
use super::format::{self, Delimiter};
use super::idmap::IdMap;
use super::records;
use super::report::{self, ImportReport};
use super::text::{self, Separator};

/// The genres of MovieLens 100K, in `u.genre` order (the flag columns of `u.item`).
const ML100K_GENRES: [&str; 19] = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
];
/// Header names of the title column.
const TITLE_NAMES: &[&str] = &[
    "title",
    "name",
    "item_name",
    "product_name",
    "movie_title",
    "ad_name",
    "headline",
    "label",
];
/// Header names of the category column.
const CATEGORY_NAMES: &[&str] = &[
    "category",
    "categories",
    "genre",
    "genres",
    "campaign",
    "category_name",
    "main_category",
    "main_cat",
    "cat",
    "category_id",
    "topic",
    "section",
    "department",
    "class",
];

/// Titles and categories of a dataset's items.
#[derive(Clone, Debug, Default)]
pub struct ItemMeta {
    /// `titles[item]` for each dense item index of the dataset's [`IdMap`].
    pub titles: Vec<Option<String>>,
    /// `categories[item]` for each dense item index of the dataset's [`IdMap`].
    pub categories: Vec<Option<String>>,
}

impl ItemMeta {
    /// The title of `item`, or its raw id when it has none.
    pub fn title(&self, item: u32, items: &IdMap) -> String {
        let title = usize::try_from(item)
            .ok()
            .and_then(|index| self.titles.get(index))
            .and_then(Option::as_deref);
        title.unwrap_or_else(|| items.token(item)).to_owned()
    }

    /// The category of `item`, if known.
    pub fn category(&self, item: u32) -> Option<&str> {
        let index = usize::try_from(item).ok()?;
        self.categories.get(index)?.as_deref()
    }
}

/// Where the fields of a metadata row are.
struct MetaLayout {
    /// Whether the first row is a header.
    header: bool,
    /// Id column.
    id: usize,
    /// Title column.
    title: Option<usize>,
    /// Category column.
    category: Option<usize>,
    /// First of the trailing genre flag columns (`u.item`), and how many there are.
    flags: Option<(usize, usize)>,
    /// Fields per row.
    width: usize,
}

/// Reads an item-metadata file for a dataset whose items are `items`.
pub fn load_item_meta(path: &Path, items: &IdMap) -> Result<(ItemMeta, ImportReport), DataError> {
    let bytes =
        std::fs::read(path).map_err(|error| DataError::new(path, DataErrorKind::Io(error)))?;
    load_item_meta_bytes(path, &bytes, items)
}

/// Like [`load_item_meta`], from bytes in memory; `name` is used in messages.
pub fn load_item_meta_bytes(
    name: &Path,
    bytes: &[u8],
    items: &IdMap,
) -> Result<(ItemMeta, ImportReport), DataError> {
    let decompressed = super::compressed::decompress(name, bytes)?;
    let bytes = decompressed.as_deref().unwrap_or(bytes);
    let (text, latin1) = text::decode_lenient(name, bytes)?;
    let mut report = ImportReport::default();
    if latin1 {
        report.warn("the file is not UTF-8, so it was read as ISO-8859-1 (Latin-1)");
    }
    let rows = records::collect_rows(name, &text, meta_delimiter(name, &text))?;
    let first: Vec<&str> = rows
        .first()
        .map(|(_, row)| row.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let layout = layout(&first);
    let matched = match_rows(&layout, &rows, items, &mut report);
    if report.rows_used == 0 {
        let kind = match matched.unknown_example {
            Some(meta_example) => DataErrorKind::NoMatchingItems {
                rows: report.rows_read,
                meta_example: one_line(&meta_example, 40),
                data_example: one_line(items.token(0), 40),
            },
            None => DataErrorKind::NoUsableRows,
        };
        return Err(DataError::new(name, kind));
    }
    warn_about_unmatched(&matched, items.len(), &mut report);
    Ok((matched.meta, report))
}

/// The field delimiter of a metadata file: `::` when its first line has one (MovieLens
/// `movies.dat`), else sniffed as for interaction files, else whitespace.
fn meta_delimiter(name: &Path, text: &str) -> Delimiter {
    let sample = format::sample_records(text, 50);
    if sample.first().is_some_and(|line| line.contains("::")) {
        Delimiter::Split(Separator::Text("::"))
    } else {
        format::sniff_delimiter(name, &sample).unwrap_or(Delimiter::Split(Separator::Whitespace))
    }
}

/// Metadata read from the rows, and what could not be used.
struct MatchedRows {
    /// Titles and categories of the dataset's items.
    meta: ItemMeta,
    /// Rows whose id is not an item of the dataset.
    unknown: u64,
    /// The first such id.
    unknown_example: Option<String>,
    /// Rows repeating an item already described.
    repeated: u64,
}

/// Reads the title and category of each row (the header skipped) whose id is an item of the
/// dataset; the first row of an item wins. Counts rows read, used and skipped in `report`.
fn match_rows(
    layout: &MetaLayout,
    rows: &[(u64, Vec<String>)],
    items: &IdMap,
    report: &mut ImportReport,
) -> MatchedRows {
    let mut matched = MatchedRows {
        meta: ItemMeta {
            titles: vec![None; items.len()],
            categories: vec![None; items.len()],
        },
        unknown: 0,
        unknown_example: None,
        repeated: 0,
    };
    for (line, row) in rows.iter().skip(usize::from(layout.header)) {
        report.rows_read += 1;
        if row.len() != layout.width {
            report.add_skipped(report::REASON_COLUMNS, *line);
            continue;
        }
        let id = row.get(layout.id).map_or("", String::as_str);
        if id.is_empty() {
            report.add_skipped(report::REASON_EMPTY_ID, *line);
            continue;
        }
        let Some(index) = items
            .index(id)
            .and_then(|index| usize::try_from(index).ok())
        else {
            matched.unknown += 1;
            matched.unknown_example.get_or_insert_with(|| id.to_owned());
            continue;
        };
        let meta = &mut matched.meta;
        let (Some(title), Some(category)) =
            (meta.titles.get_mut(index), meta.categories.get_mut(index))
        else {
            continue;
        };
        if title.is_some() || category.is_some() {
            matched.repeated += 1;
            continue;
        }
        *title = layout
            .title
            .and_then(|column| row.get(column))
            .filter(|t| !t.is_empty())
            .cloned();
        *category = category_of(layout, row);
        report.rows_used += 1;
    }
    matched
}

/// Warns about rows for unknown items, repeated rows and items left without metadata.
fn warn_about_unmatched(matched: &MatchedRows, n_items: usize, report: &mut ImportReport) {
    let (unknown, repeated) = (matched.unknown, matched.repeated);
    if unknown > 0 {
        report.warn(format!(
            "{unknown} rows describe items that are not in the dataset; they were ignored"
        ));
    }
    if repeated > 0 {
        report.warn(format!(
            "{repeated} rows repeat an item id; the first row of each was used"
        ));
    }
    let meta = &matched.meta;
    let described = meta
        .titles
        .iter()
        .zip(&meta.categories)
        .filter(|(t, c)| t.is_some() || c.is_some())
        .count();
    if described < n_items {
        report.warn(format!(
            "{} of the dataset's {} items have no metadata; their raw ids are shown instead",
            n_items - described,
            n_items
        ));
    }
}

/// The layout of a metadata file, from its first row.
fn layout(first: &[&str]) -> MetaLayout {
    let width = first.len();
    let names: Vec<String> = first.iter().map(|name| columns::normalise(name)).collect();
    let find = |wanted: &[&str]| {
        wanted
            .iter()
            .find_map(|w| names.iter().position(|name| name == w))
    };
    let is_id = |name: &String| {
        name == "id" || name.ends_with("_id") || columns::role_of(name) == Some(columns::Role::Item)
    };
    let title = find(TITLE_NAMES);
    let category = find(CATEGORY_NAMES);
    let id = names.iter().position(is_id);
    if id.is_some() || title.is_some() || category.is_some() {
        return MetaLayout {
            header: true,
            id: id.unwrap_or(0),
            title,
            category,
            flags: None,
            width,
        };
    }
    let trailing_flags = first
        .iter()
        .rev()
        .take_while(|field| matches!(**field, "0" | "1"))
        .count();
    if width >= 4 && trailing_flags >= 2 && trailing_flags + 2 <= width {
        let flags = Some((width - trailing_flags, trailing_flags));
        return MetaLayout {
            header: false,
            id: 0,
            title: Some(1),
            category: None,
            flags,
            width,
        };
    }
    MetaLayout {
        header: false,
        id: 0,
        title: (width > 1).then_some(1),
        category: (width > 2).then_some(2),
        flags: None,
        width,
    }
}

/// The category of a row: its category field (first entry of a `|` list), or its first set
/// genre flag.
fn category_of(layout: &MetaLayout, row: &[String]) -> Option<String> {
    if let Some((start, count)) = layout.flags {
        let set = (0..count).find(|&k| row.get(start + k).is_some_and(|flag| flag == "1"))?;
        return Some(match ML100K_GENRES.get(set) {
            Some(genre) if count == ML100K_GENRES.len() => (*genre).to_owned(),
            _ => format!("genre {}", set + 1),
        });
    }
    let value = row.get(layout.category?)?;
    let first = value.split('|').next().unwrap_or(value).trim();
    (!first.is_empty()).then(|| first.to_owned())
}
