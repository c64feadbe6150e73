//! Finding the item-metadata file that belongs to an interaction file, so titles appear
//! without the user naming the file (GUI open, `sequda train` without `--items`).

use std::path::{Path, PathBuf};

/// Names of metadata files that describe whatever log sits beside them.
const GENERIC_NAMES: [&str; 3] = ["ads.csv", "items.csv", "item_meta.csv"];

/// The item-metadata file beside `data`, if one exists. In order:
/// 1. `<stem>_items.tsv` / `.csv` / `.txt` (e.g. `ml-1m_items.tsv` for `ml-1m.txt`);
/// 2. the MovieLens companion of a MovieLens log: `movies.dat` for `ratings.dat`, `u.item`
///    for `u.data`; never for other files, whose ids need not be MovieLens ids (the SASRec
///    `ml-1m.txt` renumbers its items, so `movies.dat` beside it would give wrong titles);
/// 3. a generic name: `ads.csv`, `items.csv`, `item_meta.csv`.
pub fn guess_item_meta(data: &Path) -> Option<PathBuf> {
    let folder = data.parent()?;
    let file_name = data.file_name()?.to_string_lossy().to_lowercase();
    let stem = data.file_stem()?.to_string_lossy().into_owned();
    let own = ["tsv", "csv", "txt"].map(|ext| format!("{stem}_items.{ext}"));
    let movielens = match file_name.as_str() {
        "ratings.dat" => Some("movies.dat"),
        "u.data" => Some("u.item"),
        _ => None,
    };
    own.iter()
        .map(String::as_str)
        .chain(movielens)
        .chain(GENERIC_NAMES)
        .map(|name| folder.join(name))
        .find(|candidate| candidate.is_file() && candidate != data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in files {
            std::fs::write(dir.path().join(name), "id,title\n1,x\n").expect("write file");
        }
        dir
    }

    #[test]
    fn a_renumbered_log_gets_its_own_items_file_not_movies_dat() {
        let dir = folder_with(&["ml-1m.txt", "movies.dat", "ml-1m_items.tsv"]);
        let found = guess_item_meta(&dir.path().join("ml-1m.txt"));
        assert_eq!(found, Some(dir.path().join("ml-1m_items.tsv")));
    }

    #[test]
    fn movielens_companions_only_for_movielens_logs() {
        let dir = folder_with(&["ml-1m.txt", "ratings.dat", "movies.dat", "u.data", "u.item"]);
        assert_eq!(guess_item_meta(&dir.path().join("ml-1m.txt")), None);
        assert_eq!(
            guess_item_meta(&dir.path().join("ratings.dat")),
            Some(dir.path().join("movies.dat"))
        );
        assert_eq!(
            guess_item_meta(&dir.path().join("u.data")),
            Some(dir.path().join("u.item"))
        );
    }

    #[test]
    fn generic_names_and_never_the_data_itself() {
        let dir = folder_with(&["ad_events.csv", "ads.csv"]);
        assert_eq!(
            guess_item_meta(&dir.path().join("ad_events.csv")),
            Some(dir.path().join("ads.csv"))
        );
        assert_eq!(guess_item_meta(&dir.path().join("ads.csv")), None);
    }
}
