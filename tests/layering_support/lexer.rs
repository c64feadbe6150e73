//! Just enough of Rust's lexical structure for the layering checks: comments and string
//! literals blanked, `use` trees expanded, qualified paths and function extents found.

/// `text` with comments, string and character literals replaced by spaces (line breaks kept,
/// so line numbers and byte offsets still match the original).
pub fn blank_comments_and_strings(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (1, i + 2);
            while j < bytes.len() && depth > 0 {
                if bytes[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if bytes[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if let Some(end) = raw_string_end(bytes, i) {
            blank(&mut out, i, end);
            i = end;
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(bytes.len());
            blank(&mut out, i, end);
            i = end;
        } else if bytes[i] == b'\'' {
            i = char_literal_end(bytes, i)
                .inspect(|&end| blank(&mut out, i, end))
                .unwrap_or(i + 1);
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The end of a raw string literal (`r"…"`, `r#"…"#`, `br"…"`) starting at `i`, if one does.
fn raw_string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
        return None;
    }
    let mut j = i;
    if bytes.get(j) == Some(&b'b') {
        j += 1;
    }
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = bytes[j..].iter().take_while(|&&b| b == b'#').count();
    j += hashes;
    if bytes.get(j) != Some(&b'"') {
        return None;
    }
    let mut closing = vec![b'"'];
    closing.extend(std::iter::repeat_n(b'#', hashes));
    let body = j + 1;
    let found = bytes[body..]
        .windows(closing.len())
        .position(|w| w == closing.as_slice());
    Some(found.map_or(bytes.len(), |p| body + p + closing.len()))
}

/// The end of a character literal at `i` (`'a'`, `'\n'`, `'\u{1F600}'`), or None for a
/// lifetime or label.
fn char_literal_end(bytes: &[u8], i: usize) -> Option<usize> {
    let next = *bytes.get(i + 1)?;
    if next == b'\\' {
        let close = bytes[i + 2..].iter().take(10).position(|&b| b == b'\'')?;
        return Some(i + 2 + close + 1);
    }
    // One character (possibly several UTF-8 bytes) then a quote.
    let width = match next {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    (bytes.get(i + 1 + width) == Some(&b'\'')).then_some(i + 2 + width)
}

/// `code` with the bodies of inline test modules (`#[cfg(test)] mod name { … }`) blanked:
/// what only tests import is not a dependency of the file.
pub fn blank_inline_test_modules(code: &str) -> String {
    let mut out = code.as_bytes().to_vec();
    let mut from = 0;
    while let Some(found) = code[from..].find("#[cfg(test)]") {
        let at = from + found;
        from = at + 12;
        let rest = code[from..].trim_start();
        let Some(tail) = rest.strip_prefix("mod ") else {
            continue;
        };
        let name_end = tail
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        if !tail[name_end..].trim_start().starts_with('{') {
            continue;
        }
        let open = code.len() - tail.len() + name_end + tail[name_end..].find('{').unwrap_or(0);
        let Some(close) = matching_brace(code.as_bytes(), open) else {
            break;
        };
        for byte in &mut out[at..=close] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
        from = close + 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `use` declaration: whether it is a re-export (`pub use`, `pub(crate) use`, …), its tree,
/// and the byte range it spans.
pub struct UseDecl {
    /// `pub`-something `use`.
    pub reexport: bool,
    /// The tree after `use`, without the semicolon.
    pub tree: String,
    /// Byte range of the whole declaration.
    pub span: std::ops::Range<usize>,
}

/// Every `use` declaration in `code` (comments already blanked).
pub fn use_decls(code: &str) -> Vec<UseDecl> {
    let mut decls = Vec::new();
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(found) = code[from..].find("use ") {
        let at = from + found;
        from = at + 4;
        let boundary = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        if !boundary {
            continue;
        }
        let Some(semicolon) = code[at..].find(';') else {
            break;
        };
        let before = code[..at].trim_end();
        let reexport = before.ends_with("pub")
            || before.ends_with(')') && {
                let open = before.rfind('(').unwrap_or(0);
                before[..open].trim_end().ends_with("pub")
            };
        let start = if reexport {
            before.rfind("pub").unwrap_or(at)
        } else {
            at
        };
        decls.push(UseDecl {
            reexport,
            tree: code[at + 4..at + semicolon].to_string(),
            span: start..at + semicolon + 1,
        });
        from = at + semicolon + 1;
    }
    decls
}

/// The paths a `use` tree names, each as segments, with its local name (the last segment, or
/// the `as` rename); `self` inside braces names the prefix itself; a glob ends in `*`.
pub fn expand_use(tree: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    expand_into(&mut out, Vec::new(), tree);
    out
}

fn expand_into(out: &mut Vec<(Vec<String>, String)>, prefix: Vec<String>, tree: &str) {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let tree = tree.trim().trim_start_matches("::");
    if tree.is_empty() {
        return;
    }
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        for part in split_top_level(inner) {
            expand_into(out, prefix.clone(), &part);
        }
        return;
    }
    if let Some(brace) = tree.find("::{") {
        let mut prefix = prefix;
        prefix.extend(tree[..brace].split("::").map(|s| s.trim().to_string()));
        expand_into(out, prefix, &tree[brace + 2..]);
        return;
    }
    let (path, rename) = match tree.split_once(" as ") {
        Some((path, name)) => (path, Some(name.trim().to_string())),
        None => (tree, None),
    };
    let mut segments = prefix;
    for segment in path.split("::").map(str::trim) {
        if segment != "self" || segments.is_empty() {
            segments.push(segment.to_string());
        }
    }
    let name = rename.unwrap_or_else(|| segments.last().cloned().unwrap_or_default());
    out.push((segments, name));
}

fn split_top_level(inner: &str) -> Vec<String> {
    let (mut parts, mut current, mut depth) = (Vec::new(), String::new(), 0);
    for ch in inner.chars() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    parts.push(current);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Each path in `code` that starts with `root::` (`crate`, `super`, `sequda`, or a child
/// module's name), as the segments after the root, with the byte offset it starts at. A
/// braced group (`crate::{a::B, c}`) gives one path per member.
pub fn rooted_paths(code: &str, root: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    let needle = format!("{root}::");
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(position) = code[from..].find(&needle) {
        let at = from + position;
        from = at + needle.len();
        let preceded = at > 0 && {
            let b = bytes[at - 1];
            b.is_ascii_alphanumeric() || b == b'_' || b == b':'
        };
        if preceded {
            continue;
        }
        let tail = &code[at + needle.len()..];
        if tail.starts_with('{') {
            let mut depth = 0;
            let end = tail
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(tail.len(), |(i, _)| i + 1);
            for (path, _) in expand_use(&tail[..end]) {
                found.push((at, path));
            }
        } else {
            let path: Vec<String> = tail
                .split("::")
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect()
                })
                .scan(true, |going, segment: String| {
                    let keep = *going && !segment.is_empty();
                    *going = keep;
                    keep.then_some(segment)
                })
                .collect();
            if !path.is_empty() {
                found.push((at, path));
            }
        }
    }
    found
}

/// Each function in `code`: its name and the 1-based lines of its `fn` and its closing brace.
/// Declarations without a body (trait methods, extern items) are skipped.
pub fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let bytes = code.as_bytes();
    let line_of = |offset: usize| code[..offset].matches('\n').count() + 1;
    let mut functions = Vec::new();
    let mut from = 0;
    while let Some(position) = code[from..].find("fn ") {
        let at = from + position;
        from = at + 3;
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let name: String = code[at + 3..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue; // `fn(` pointer types
        }
        let Some(open) = body_start(bytes, at + 3) else {
            continue;
        };
        let Some(close) = matching_brace(bytes, open) else {
            continue;
        };
        functions.push((name, line_of(at), line_of(close)));
    }
    functions
}

/// The `{` that opens a function body whose signature starts at `from`, or None when a `;`
/// ends the declaration first.
fn body_start(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (offset, &byte) in bytes[from..].iter().enumerate() {
        let i = from + offset;
        match byte {
            b'(' | b'[' | b'<' => depth += 1,
            b')' | b']' => depth -= 1,
            b'>' if bytes[i - 1] != b'-' && bytes[i - 1] != b'=' => depth -= 1,
            b';' if depth <= 0 => return None,
            b'{' if depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (offset, &byte) in bytes[open..].iter().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + offset);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_strings_are_blanked_but_lifetimes_stay() {
        let code = blank_comments_and_strings(
            "let a = \"crate::x\"; // crate::y\nfn f<'a>(c: char) { '{'; r#\"}\"#; }",
        );
        assert!(!code.contains("crate"), "{code}");
        assert!(code.contains("<'a>"), "{code}");
        assert_eq!(code.matches('{').count(), 1, "{code}");
    }

    #[test]
    fn use_trees_expand() {
        let paths = expand_use("crate::{a::{self, B as C}, d::*}");
        let flat: Vec<(String, String)> =
            paths.into_iter().map(|(p, n)| (p.join("::"), n)).collect();
        assert_eq!(
            flat,
            [
                ("crate::a".to_string(), "a".to_string()),
                ("crate::a::B".to_string(), "C".to_string()),
                ("crate::d::*".to_string(), "*".to_string()),
            ]
        );
    }
}
