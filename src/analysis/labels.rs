//! Human-readable names for items (titles, categories) and id search for users and items.

use crate::data::{Dataset, IdMap, ItemMeta};

/// Item titles and categories, indexed by dense item index; falls back to the item id where
/// the metadata has no title.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemLabels {
    /// The dataset's own item ids.
    pub ids: Vec<String>,
    /// Display title of each item (its id when there is no metadata).
    pub titles: Vec<String>,
    /// Index into [`ItemLabels::category_names`] of each item's category, if known.
    pub categories: Vec<Option<u16>>,
    /// Distinct category names, in order of first appearance.
    pub category_names: Vec<String>,
}

impl ItemLabels {
    /// Labels for `dataset`'s items from optional metadata.
    pub fn new(dataset: &Dataset, meta: Option<&ItemMeta>) -> Self {
        let ids: Vec<String> = dataset.items.tokens().to_vec();
        let mut category_names: Vec<String> = Vec::new();
        let mut titles = Vec::with_capacity(ids.len());
        let mut categories = Vec::with_capacity(ids.len());
        for (index, id) in ids.iter().enumerate() {
            let item = u32::try_from(index).unwrap_or(u32::MAX);
            titles.push(match meta {
                Some(meta) => meta.title(item, &dataset.items),
                None => id.clone(),
            });
            let category = meta.and_then(|meta| meta.category(item)).map(|name| {
                let position = category_names.iter().position(|known| known == name);
                let position = position.unwrap_or_else(|| {
                    category_names.push(name.to_owned());
                    category_names.len() - 1
                });
                u16::try_from(position).unwrap_or(u16::MAX)
            });
            categories.push(category);
        }
        Self {
            ids,
            titles,
            categories,
            category_names,
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.titles.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.titles.is_empty()
    }

    /// Title of `item` (empty for an unknown index).
    pub fn title(&self, item: u32) -> &str {
        self.titles.get(item as usize).map_or("", String::as_str)
    }

    /// The dataset id of `item` (empty for an unknown index).
    pub fn id(&self, item: u32) -> &str {
        self.ids.get(item as usize).map_or("", String::as_str)
    }

    /// Category name of `item`, if known.
    pub fn category(&self, item: u32) -> Option<&str> {
        let index = (*self.categories.get(item as usize)?)?;
        self.category_names
            .get(usize::from(index))
            .map(String::as_str)
    }

    /// Items whose id or title contains `query` (case-insensitive), at most `limit`, in index
    /// order; every item (up to `limit`) for an empty query.
    pub fn search(&self, query: &str, limit: usize) -> Vec<u32> {
        let needle = query.trim().to_lowercase();
        (0..self.len())
            .filter(|&index| {
                needle.is_empty()
                    || self.ids[index].to_lowercase().contains(&needle)
                    || self.titles[index].to_lowercase().contains(&needle)
            })
            .take(limit)
            .filter_map(|index| u32::try_from(index).ok())
            .collect()
    }
}

/// Users whose id contains `query` (case-insensitive), at most `limit`, exact matches first.
pub fn search_ids(ids: &IdMap, query: &str, limit: usize) -> Vec<u32> {
    let needle = query.trim().to_lowercase();
    let mut found: Vec<u32> = Vec::new();
    if let Some(exact) = ids.index(query.trim()) {
        found.push(exact);
    }
    for (index, token) in ids.tokens().iter().enumerate() {
        if found.len() >= limit {
            break;
        }
        let Ok(index) = u32::try_from(index) else {
            break;
        };
        if (needle.is_empty() || token.to_lowercase().contains(&needle)) && !found.contains(&index)
        {
            found.push(index);
        }
    }
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::load_item_meta_bytes;
    use std::path::Path;

    fn dataset() -> Dataset {
        let users: IdMap = ["u1", "u2", "u10"].into_iter().collect();
        let items: IdMap = ["ad1", "ad2", "ad3"].into_iter().collect();
        Dataset::from_sequences(
            "mem".into(),
            users,
            items,
            vec![vec![0, 1], vec![2], vec![]],
        )
    }

    #[test]
    fn titles_fall_back_to_ids_and_categories_are_interned() {
        let data = dataset();
        let plain = ItemLabels::new(&data, None);
        assert_eq!(plain.title(1), "ad2");
        assert_eq!(plain.category(1), None);
        let csv = "item_id,title,category\nad1,Shoes,Sport\nad3,Racket,Sport\n";
        let (meta, _) = load_item_meta_bytes(Path::new("items.csv"), csv.as_bytes(), &data.items)
            .expect("meta");
        let labels = ItemLabels::new(&data, Some(&meta));
        assert_eq!(labels.title(0), "Shoes");
        assert_eq!(labels.title(1), "ad2");
        assert_eq!(labels.category(2), Some("Sport"));
        assert_eq!(labels.category_names, vec!["Sport".to_owned()]);
        assert_eq!(labels.search("rack", 10), vec![2]);
        assert_eq!(labels.search("", 2), vec![0, 1]);
        assert_eq!(labels.title(99), "");
    }

    #[test]
    fn user_search_puts_exact_matches_first() {
        let data = dataset();
        assert_eq!(search_ids(&data.users, "u1", 10), vec![0, 2]);
        assert_eq!(search_ids(&data.users, "u10", 10), vec![2]);
        assert_eq!(search_ids(&data.users, "", 2), vec![0, 1]);
        assert!(search_ids(&data.users, "zz", 10).is_empty());
    }
}
