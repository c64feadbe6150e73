//! Where the bundled sample data is.

use std::path::PathBuf;

/// The bundled sample data and its item titles: `sample_data/` in the current folder, else in
/// the source tree this binary was built from.
pub fn sample_data_paths() -> (PathBuf, PathBuf) {
    let local = PathBuf::from("sample_data");
    let folder = if local.join("ad_events.csv").is_file() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_data")
    };
    (folder.join("ad_events.csv"), folder.join("ads.csv"))
}
