//! Reading `src/` as text for `tests/layering.rs`: comments and string literals blanked out,
//! `use` trees expanded, module paths resolved to files (re-exports followed to the file that
//! defines the item), and the checks themselves.

mod lexer;
mod modules;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use modules::cycles;

/// One source file of the crate.
pub struct Source {
    /// Path under `src/`, with `/` separators (`train/run/mod.rs`).
    pub path: String,
    /// The top-level folder (`train`), or the file stem for `src/rng.rs`; `root` for
    /// `lib.rs` and `main.rs`.
    pub layer: String,
    /// The text as written.
    pub text: String,
    /// The text with comments and string literals blanked (line breaks kept).
    pub code: String,
}

impl Source {
    /// A file at `path` (under `src/`) holding `text`.
    pub fn new(path: &str, text: &str) -> Self {
        let first = path.split('/').next().unwrap_or(path);
        let layer = match first {
            "lib.rs" | "main.rs" => "root".to_string(),
            other => other.trim_end_matches(".rs").to_string(),
        };
        Self {
            path: path.to_string(),
            layer,
            text: text.to_string(),
            code: lexer::blank_comments_and_strings(text),
        }
    }

    /// Lines in the file.
    pub fn lines(&self) -> usize {
        self.text.lines().count()
    }

    /// Whether the file belongs to the command-line binary (its `crate::` is `main.rs`).
    pub fn in_binary(&self) -> bool {
        self.layer == "cli" || self.path == "main.rs"
    }
}

/// Every `.rs` file under `root`, sorted by path.
pub fn read_tree(root: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let relative = path
                    .strip_prefix(root)
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(Source::new(&relative, &text));
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The crate-level layers each file names (`crate::<layer>` or, in the binary,
/// `sequda::<layer>`), as `(from layer, to layer, "path:line")`, in code only.
pub fn layer_edges(sources: &[Source]) -> Vec<(String, String, String)> {
    let mut edges = Vec::new();
    for source in sources {
        let root = if source.in_binary() {
            "sequda"
        } else {
            "crate"
        };
        for (offset, path) in lexer::rooted_paths(&source.code, root) {
            let Some(layer) = path.first() else { continue };
            if *layer != source.layer {
                let line = source.code[..offset].matches('\n').count() + 1;
                edges.push((
                    source.layer.clone(),
                    layer.clone(),
                    format!("{}:{line}", source.path),
                ));
            }
        }
    }
    edges
}

/// Each import of a layer that `allowed` does not list for the importing layer, as
/// "path:line: from → to".
pub fn forbidden_edges(sources: &[Source], allowed: &[(&str, &[&str])]) -> Vec<String> {
    let map: BTreeMap<&str, BTreeSet<&str>> = allowed
        .iter()
        .map(|(layer, below)| (*layer, below.iter().copied().collect()))
        .collect();
    layer_edges(sources)
        .into_iter()
        .filter(|(from, to, _)| {
            map.get(from.as_str())
                .is_some_and(|below| !below.contains(to.as_str()))
        })
        .map(|(from, to, at)| format!("{at}: {from} → {to}"))
        .collect()
}

/// Each place outside `layers` that spawns a thread, as "path:line".
pub fn spawn_sites(sources: &[Source], layers: &[&str]) -> Vec<String> {
    let mut sites = Vec::new();
    for source in sources
        .iter()
        .filter(|s| !layers.contains(&s.layer.as_str()))
    {
        for (index, line) in source.code.lines().enumerate() {
            if line.contains("thread::spawn") || line.contains("thread::Builder") {
                sites.push(format!("{}:{}", source.path, index + 1));
            }
        }
    }
    sites
}

/// Each function longer than `max` lines, as "path:line: name (N lines)".
pub fn long_functions(sources: &[Source], max: usize) -> Vec<String> {
    let mut long = Vec::new();
    for source in sources {
        for (name, first, last) in lexer::functions(&source.code) {
            let lines = last - first + 1;
            if lines > max {
                long.push(format!("{}:{first}: {name} ({lines} lines)", source.path));
            }
        }
    }
    long
}
