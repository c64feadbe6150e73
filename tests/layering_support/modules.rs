//! Files as modules: each `use` and qualified path resolved to the file that defines what it
//! names (re-exports followed), and the circles in that graph.

use std::collections::{BTreeMap, BTreeSet};

use super::Source;
use super::lexer::{blank_inline_test_modules, expand_use, rooted_paths, use_decls};

/// A module: which crate (library or binary) and its path from that crate's root.
type ModulePath = (bool, Vec<String>);

struct Crate<'s> {
    sources: &'s [Source],
    /// Module → index of its file.
    files: BTreeMap<ModulePath, usize>,
    /// Per file: re-exported local name → absolute path it names.
    reexports: Vec<BTreeMap<String, Vec<String>>>,
}

fn module_path(source: &Source) -> ModulePath {
    let mut segments: Vec<String> = source
        .path
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(
        segments.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segments.pop();
    }
    (source.in_binary(), segments)
}

/// Absolute segments of a path written in `module`: `crate`/`super`/`self`/`sequda` roots and
/// child modules resolved; None for paths outside the crate (`std::`, `burn::`).
fn absolute(
    module: &ModulePath,
    path: &[String],
    files: &BTreeMap<ModulePath, usize>,
) -> Option<ModulePath> {
    let (binary, here) = module;
    let first = path.first()?;
    let (in_binary, mut base, rest) = match first.as_str() {
        "crate" => (*binary, Vec::new(), &path[1..]),
        "sequda" if *binary => (false, Vec::new(), &path[1..]),
        "self" => (*binary, here.clone(), &path[1..]),
        "super" => {
            let mut base = here.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (*binary, base, rest)
        }
        child => {
            let mut candidate = here.clone();
            candidate.push(child.to_string());
            if !files.contains_key(&(*binary, candidate)) {
                return None;
            }
            (*binary, here.clone(), path)
        }
    };
    base.extend(rest.iter().cloned());
    Some((in_binary, base))
}

impl<'s> Crate<'s> {
    fn new(sources: &'s [Source]) -> Self {
        let files: BTreeMap<ModulePath, usize> = sources
            .iter()
            .enumerate()
            .map(|(index, source)| (module_path(source), index))
            .collect();
        let mut reexports = vec![BTreeMap::new(); sources.len()];
        for (index, source) in sources.iter().enumerate() {
            let module = module_path(source);
            for decl in use_decls(&source.code).into_iter().filter(|d| d.reexport) {
                for (path, name) in expand_use(&decl.tree) {
                    if let Some((_, target)) = absolute(&module, &path, &files) {
                        reexports[index].insert(name, target);
                    }
                }
            }
        }
        Self {
            sources,
            files,
            reexports,
        }
    }

    /// The file defining what `path` (absolute, in crate `binary`) names.
    fn resolve(&self, binary: bool, path: &[String], depth: usize) -> Option<usize> {
        let mut module = Vec::new();
        let mut file = self.files.get(&(binary, Vec::new())).copied();
        for (i, segment) in path.iter().enumerate() {
            let mut next = module.clone();
            next.push(segment.clone());
            if let Some(&child) = self.files.get(&(binary, next.clone())) {
                module = next;
                file = Some(child);
                continue;
            }
            let file = file?;
            return match self.reexports[file].get(segment) {
                Some(target) if depth < 16 && target.as_slice() != path => {
                    let mut target = target.clone();
                    target.extend(path[i + 1..].iter().cloned());
                    self.resolve(binary, &target, depth + 1).or(Some(file))
                }
                _ => Some(file),
            };
        }
        file
    }

    /// Files whose `#[cfg(test)] mod name;` makes them test-only.
    fn test_files(&self) -> BTreeSet<usize> {
        let mut tests = BTreeSet::new();
        for source in self.sources {
            let (binary, module) = module_path(source);
            let mut rest = source.code.as_str();
            while let Some(at) = rest.find("#[cfg(test)]") {
                rest = &rest[at + 12..];
                let declaration = rest.trim_start();
                if let Some(tail) = declaration.strip_prefix("mod ") {
                    let name: String = tail
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if tail[name.len()..].trim_start().starts_with(';') {
                        let mut child = module.clone();
                        child.push(name);
                        if let Some(&index) = self.files.get(&(binary, child)) {
                            tests.insert(index);
                        }
                    }
                }
            }
        }
        tests
    }

    /// The files each file imports from (re-exports are not imports).
    fn edges(&self) -> Vec<BTreeSet<usize>> {
        let mut edges = vec![BTreeSet::new(); self.sources.len()];
        for (index, source) in self.sources.iter().enumerate() {
            let module = module_path(source);
            let mut code = blank_inline_test_modules(&source.code);
            let mut paths = Vec::new();
            for decl in use_decls(&code.clone()) {
                code.replace_range(decl.span.clone(), &" ".repeat(decl.span.len()));
                if !decl.reexport {
                    paths.extend(expand_use(&decl.tree).into_iter().map(|(p, _)| p));
                }
            }
            let children: Vec<String> = self
                .files
                .keys()
                .filter(|(b, m)| {
                    *b == module.0 && m.len() == module.1.len() + 1 && m.starts_with(&module.1)
                })
                .filter_map(|(_, m)| m.last().cloned())
                .collect();
            let roots = ["crate", "super", "self", "sequda"].map(str::to_string);
            for root in roots.iter().chain(&children) {
                for (_, mut path) in rooted_paths(&code, root) {
                    path.insert(0, root.clone());
                    paths.push(path);
                }
            }
            for path in paths {
                let path: Vec<String> = path.into_iter().filter(|s| s != "*").collect();
                let Some((binary, target)) = absolute(&module, &path, &self.files) else {
                    continue;
                };
                if let Some(file) = self.resolve(binary, &target, 0)
                    && file != index
                {
                    edges[index].insert(file);
                }
            }
        }
        edges
    }
}

/// Each set of files that import each other around a circle (test-only files left out): one
/// line per file, "path imports other, …" (the files of the same circle it imports).
pub fn cycles(sources: &[Source]) -> Vec<Vec<String>> {
    let crate_ = Crate::new(sources);
    let tests = crate_.test_files();
    let edges: Vec<BTreeSet<usize>> = crate_
        .edges()
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            if tests.contains(&i) {
                BTreeSet::new()
            } else {
                &e - &tests
            }
        })
        .collect();
    strongly_connected(&edges)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| {
            let mut members: Vec<usize> = component;
            members.sort_by(|a, b| sources[*a].path.cmp(&sources[*b].path));
            members
                .iter()
                .map(|&i| {
                    let inside: Vec<&str> = edges[i]
                        .iter()
                        .filter(|j| members.contains(j))
                        .map(|&j| sources[j].path.as_str())
                        .collect();
                    format!("{} imports {}", sources[i].path, inside.join(", "))
                })
                .collect()
        })
        .collect()
}

/// Tarjan's strongly connected components (iterative).
fn strongly_connected(edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let (mut index, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let (mut on_stack, mut stack, mut components) = (vec![false; n], Vec::new(), Vec::new());
    let mut counter = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, Vec<usize>)> =
            vec![(start, edges[start].iter().copied().collect())];
        index[start] = counter;
        low[start] = counter;
        counter += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some((node, pending)) = work.last_mut() {
            let node = *node;
            if let Some(next) = pending.pop() {
                if index[next] == usize::MAX {
                    index[next] = counter;
                    low[next] = counter;
                    counter += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, edges[next].iter().copied().collect()));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some((parent, _)) = work.last() {
                low[*parent] = low[*parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}
