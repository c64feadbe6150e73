//! The house rules of `src/`, checked on the source text so the layout cannot regrow by
//! accretion (docs/ARCHITECTURE.md, "The layer map"):
//!
//! - each layer imports only the layers the map allows below it;
//! - no two files import each other, directly or around a circle (re-exports followed to the
//!   file that defines the item);
//! - threads are spawned only by the task owners in `studio/` and the training session in
//!   `train/`;
//! - no file over 450 lines and no function over 80.
//!
//! Each rule is also run on a small made-up source tree that breaks it, so a checker that
//! silently finds nothing fails here too.

mod layering_support;

use layering_support::{
    Source, cycles, forbidden_edges, layer_edges, long_functions, read_tree, spawn_sites,
};

/// Which layers each layer may import (`crate::<layer>` in the library, `sequda::<layer>` in
/// the command line). A layer may always import itself.
const ALLOWED: &[(&str, &[&str])] = &[
    ("rng", &[]),
    ("memory", &[]),
    ("settings", &["data"]),
    ("data", &["rng"]),
    ("eval", &["rng"]),
    ("kernels", &["data"]),
    ("model", &["kernels", "data", "settings", "rng"]),
    (
        "train",
        &[
            "model", "kernels", "data", "eval", "settings", "rng", "memory",
        ],
    ),
    (
        "analysis",
        &["train", "model", "data", "eval", "settings", "rng"],
    ),
    (
        "studio",
        &["analysis", "train", "data", "eval", "settings", "rng"],
    ),
    ("ui", &["studio", "analysis", "data", "eval", "settings"]),
    (
        "cli",
        &[
            "ui", "studio", "analysis", "train", "model", "kernels", "data", "eval", "settings",
            "rng",
        ],
    ),
];

/// Longest file, in lines.
const MAX_FILE_LINES: usize = 450;
/// Longest function, in lines from its `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 80;
/// Where threads may be spawned.
const SPAWNING_LAYERS: &[&str] = &["studio", "train"];

fn tree() -> Vec<Source> {
    read_tree(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    )))
}

#[test]
fn every_layer_imports_only_the_layers_below_it() {
    let sources = tree();
    let layers: Vec<&str> = sources.iter().map(|s| s.layer.as_str()).collect();
    for layer in ["ui", "studio", "train", "model", "settings", "cli"] {
        assert!(layers.contains(&layer), "no files found in src/{layer}/");
    }
    let forbidden = forbidden_edges(&sources, ALLOWED);
    assert!(
        forbidden.is_empty(),
        "imports the layer map forbids (docs/ARCHITECTURE.md):\n{}",
        forbidden.join("\n")
    );
}

#[test]
fn no_files_import_each_other_around_a_circle() {
    let circles = cycles(&tree());
    assert!(
        circles.is_empty(),
        "files that import each other:\n{}",
        circles
            .iter()
            .map(|c| c.join("\n"))
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

#[test]
fn threads_are_spawned_only_by_studio_and_train() {
    let sites = spawn_sites(&tree(), SPAWNING_LAYERS);
    assert!(
        sites.is_empty(),
        "threads spawned outside {SPAWNING_LAYERS:?}:\n{}",
        sites.join("\n")
    );
}

#[test]
fn files_and_functions_stay_short() {
    let sources = tree();
    let long_files: Vec<String> = sources
        .iter()
        .filter(|s| s.lines() > MAX_FILE_LINES)
        .map(|s| format!("{} ({} lines)", s.path, s.lines()))
        .collect();
    assert!(
        long_files.is_empty(),
        "files over {MAX_FILE_LINES} lines:\n{}",
        long_files.join("\n")
    );
    let long = long_functions(&sources, MAX_FUNCTION_LINES);
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// A small made-up tree that breaks every rule once.
fn broken_tree() -> Vec<Source> {
    let long_body = "    let x = 1;\n".repeat(MAX_FUNCTION_LINES);
    vec![
        Source::new(
            "ui/panel.rs",
            "use crate::train::session::Event;\nuse crate::studio::Live;\n",
        ),
        Source::new(
            "studio/mod.rs",
            "mod live;\nmod loader;\npub use live::Live;\npub use loader::Loader;\n",
        ),
        Source::new(
            "studio/live.rs",
            "use super::loader::Loader;\npub struct Live;\n",
        ),
        Source::new(
            "studio/loader.rs",
            "use crate::studio::Live; // through the facade\npub struct Loader;\n",
        ),
        Source::new(
            "model/encoder.rs",
            &format!(
                "// crate::ui::x in a comment is not an import\nfn long() {{\n{long_body}}}\n"
            ),
        ),
        Source::new(
            "analysis/worker.rs",
            "fn start() { std::thread::spawn(|| ()); }\n",
        ),
        Source::new(
            "train/session.rs",
            "fn start() { std::thread::spawn(|| ()); }\n",
        ),
    ]
}

#[test]
fn the_checks_find_what_breaks_the_rules() {
    let broken = broken_tree();
    let forbidden = forbidden_edges(&broken, ALLOWED);
    assert_eq!(forbidden.len(), 1, "{forbidden:?}");
    assert!(
        forbidden[0].contains("ui/panel.rs") && forbidden[0].contains("train"),
        "{forbidden:?}"
    );
    let edges = layer_edges(&broken);
    assert!(
        !edges
            .iter()
            .any(|(from, to, _)| from == "model" && to == "ui")
    );

    let circles = cycles(&broken);
    assert_eq!(circles.len(), 1, "{circles:?}");
    assert_eq!(
        circles[0],
        [
            "studio/live.rs imports studio/loader.rs",
            "studio/loader.rs imports studio/live.rs"
        ],
        "the facade's re-export is followed to the file that defines the item"
    );

    let spawns = spawn_sites(&broken, SPAWNING_LAYERS);
    assert_eq!(spawns.len(), 1, "{spawns:?}");
    assert!(spawns[0].starts_with("analysis/worker.rs"), "{spawns:?}");

    let long = long_functions(&broken, MAX_FUNCTION_LINES);
    assert_eq!(long.len(), 1, "{long:?}");
    assert!(long[0].contains("long"), "{long:?}");
}
