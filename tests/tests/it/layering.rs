//! The module graph of every crate has no cycles: among the modules of one parent, if `a`
//! refers to `b` (`crate::…::b`, `super::b`), `b` must not refer back to `a`, directly or
//! around a loop. Read from the sources, so a new `use` that closes a loop fails here, with
//! the loop printed. A child may use its parent's items and a parent its children's; only
//! siblings are ordered. Test modules (`tests.rs`, `tests/`) are left out: they may see all.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The crates whose `src/` is checked, relative to the workspace root.
const CRATES: &[&str] = &[
    "watcher-schema-core",
    "watcher-schema-macros",
    "watcher-schema-runner",
    "watcher-schema",
    "watcher-schema-cli",
    "tests",
];

#[test]
fn no_crate_has_a_cycle_among_sibling_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cycles = Vec::new();
    for krate in CRATES {
        let src = root.join(krate).join("src");
        let graph = sibling_graph(&src);
        for (parent, edges) in &graph {
            for knot in knots(edges) {
                let cycle = find_cycle(&restrict(edges, &knot)).unwrap_or_default();
                cycles.push(format!(
                    "{krate}: in `{}`: {} (e.g. {})",
                    if parent.is_empty() { "crate" } else { parent },
                    knot.iter().cloned().collect::<Vec<_>>().join(", "),
                    cycle.join(" -> ")
                ));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "module cycles (move the shared piece into a leaf module both can use):\n  {}",
        cycles.join("\n  ")
    );
}

#[test]
fn the_check_sees_a_cycle_it_is_shown() {
    let dir = std::env::temp_dir().join(format!("layering-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("a")).unwrap();
    fs::write(dir.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").unwrap();
    fs::write(dir.join("a/mod.rs"), "mod inner;\n").unwrap();
    fs::write(dir.join("a/inner.rs"), "use crate::b::{X, y::Z};\n").unwrap();
    fs::write(dir.join("b.rs"), "use super::c::Y;\n").unwrap();
    fs::write(dir.join("c.rs"), "fn f() { crate::a::g(); }\n").unwrap();
    let graph = sibling_graph(&dir);
    fs::remove_dir_all(&dir).unwrap();
    let cycle = find_cycle(&graph[""]).expect("a -> b -> c -> a is a cycle");
    assert_eq!(cycle, ["a", "b", "c", "a"]);
}

/// For each module (by path, `""` for the crate root), the references among its children.
fn sibling_graph(src: &Path) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let files = module_files(src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    let tests = test_modules(&files);
    let is_test = |m: &[String]| (1..=m.len()).any(|n| tests.contains(&m[..n]));
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (module, path) in &files {
        if is_test(module) {
            continue;
        }
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for reference in references(&strip_comments(&text)) {
            let Some(target) = resolve(module, &reference, &modules) else {
                continue;
            };
            if is_test(&target) {
                continue;
            }
            // The children of the common ancestor that lead to each side.
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            let (Some(from), Some(to)) = (module.get(common), target.get(common)) else {
                continue; // one contains the other: parent and child
            };
            graph
                .entry(module[..common].join("::"))
                .or_default()
                .entry(from.clone())
                .or_default()
                .insert(to.clone());
        }
    }
    graph
}

/// Modules declared `#[cfg(test)] mod name;` (and every `tests` module): test code.
fn test_modules(files: &[(Vec<String>, PathBuf)]) -> BTreeSet<Vec<String>> {
    let mut out: BTreeSet<Vec<String>> = files
        .iter()
        .filter(|(m, _)| m.last().is_some_and(|n| n == "tests"))
        .map(|(m, _)| m.clone())
        .collect();
    for (module, path) in files {
        let text = fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            if pair[0] == "#[cfg(test)]" {
                if let Some(name) = pair[1]
                    .strip_prefix("mod ")
                    .and_then(|rest| rest.strip_suffix(';'))
                {
                    let mut child = module.clone();
                    child.push(name.trim().to_string());
                    out.insert(child);
                }
            }
        }
    }
    out
}

/// Every `.rs` file under `src` with its module path (`lib.rs` → `[]`, `a/b.rs` → `[a, b]`).
fn module_files(src: &Path) -> Vec<(Vec<String>, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.first().is_some_and(|m| m == "bin") {
                continue; // binaries are crates of their own
            }
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            out.push((module, path));
        }
    }
    out
}

/// The text without comments and without an inline `#[cfg(test)]` module (by convention the
/// end of a file), which may see everything as test files do.
fn strip_comments(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    if let Some(at) = lines.windows(2).position(|w| {
        w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod ") && w[1].contains('{')
    }) {
        lines.truncate(at);
    }
    lines
        .into_iter()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths that start with `crate`, `super` or `self`, with `{...}` groups expanded.
fn references(text: &str) -> Vec<Vec<String>> {
    let tokens = tokenize(text);
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let starts = matches!(token.as_str(), "crate" | "super" | "self");
        let after_path = i > 0 && tokens[i - 1] == "::";
        if starts && !after_path && tokens.get(i + 1).is_some_and(|t| t == "::") {
            path_at(&tokens, i, Vec::new(), &mut out);
        }
    }
    out
}

/// Reads the path starting at `tokens[i]` onto `prefix`, pushing each complete path.
fn path_at(tokens: &[String], mut i: usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        match tokens.get(i).map(String::as_str) {
            Some("{") => {
                let mut depth = 0;
                let mut j = i + 1;
                let mut item_start = j;
                while let Some(t) = tokens.get(j) {
                    match t.as_str() {
                        "{" => depth += 1,
                        "}" if depth == 0 => break,
                        "}" => depth -= 1,
                        "," if depth == 0 => {
                            path_at(tokens, item_start, prefix.clone(), out);
                            item_start = j + 1;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if item_start < j {
                    path_at(tokens, item_start, prefix, out);
                }
                return;
            }
            Some(word) if word.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                prefix.push(word.to_string());
                if tokens.get(i + 1).is_some_and(|t| t == "::") {
                    i += 2;
                } else {
                    out.push(prefix);
                    return;
                }
            }
            _ => {
                if !prefix.is_empty() {
                    out.push(prefix);
                }
                return;
            }
        }
    }
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".into());
            i += 2;
        } else if c == '"' {
            // Skip string literals: paths in messages are not references.
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    tokens
}

/// The longest known module a reference from `module` names.
fn resolve(
    module: &[String],
    reference: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = match reference.first()?.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => module[..module.len().checked_sub(1)?].to_vec(),
        _ => return None,
    };
    let mut rest = &reference[1..];
    while rest.first().is_some_and(|r| r == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    let mut best = None;
    let mut candidate = base;
    for part in rest {
        candidate.push(part.clone());
        if modules.contains(&candidate) {
            best = Some(candidate.clone());
        } else {
            break;
        }
    }
    best
}

/// A cycle among `edges`, as the modules along it (first repeated at the end).
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, edges, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

/// The sets of modules that all reach one another (strongly connected, more than one).
fn knots(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            for next in edges.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|n| (n, reach(n))).collect();
    let mut knots: Vec<BTreeSet<String>> = Vec::new();
    for (n, from_n) in &reaches {
        let knot: BTreeSet<String> = from_n
            .iter()
            .filter(|m| reaches.get(m).is_some_and(|r| r.contains(*n)))
            .cloned()
            .collect();
        if knot.len() > 1 && !knots.contains(&knot) {
            knots.push(knot);
        }
    }
    knots
}

fn restrict(
    edges: &BTreeMap<String, BTreeSet<String>>,
    keep: &BTreeSet<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    edges
        .iter()
        .filter(|(n, _)| keep.contains(*n))
        .map(|(n, to)| (n.clone(), to.intersection(keep).cloned().collect()))
        .collect()
}
