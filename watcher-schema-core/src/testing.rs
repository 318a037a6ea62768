//! Test support for every crate's tests (feature `testing`, never in the runtime crates): a
//! readable comparison of two schemas, the column order a migration leaves, and the one
//! random-schema generator (`strategy`) and the values that fill its tables (`values`).

pub mod strategy;
pub mod values;

use crate::compare::describe_difference;
use crate::model::Schema;

/// Panics with [`describe_difference`] when `actual` is not `expected`.
#[track_caller]
pub fn assert_schema_eq(actual: &Schema, expected: &Schema) {
    if let Some(difference) = describe_difference(actual, expected) {
        panic!("schemas differ (- actual, + expected):\n{difference}");
    }
}

/// `schema` with each table's columns in name order: a column added to an existing table is
/// physically last, so a migrated catalog and a fresh dump differ in column order only.
pub fn sorted_columns(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    for table in schema.tables.values_mut() {
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    schema
}

/// `to` as migrating `from` leaves it: a table both have keeps the columns it had in
/// their old order, and columns it gains come after them, as PostgreSQL adds them.
pub fn after_migration(from: &Schema, to: &Schema) -> Schema {
    let mut out = to.clone();
    for (name, table) in &mut out.tables {
        let Some(old) = from.tables.get(name) else {
            continue;
        };
        let position = |column: &str| old.columns.iter().position(|c| c.name == column);
        // A stable sort: kept columns by their old place, added ones after, in `to`'s order.
        table
            .columns
            .sort_by_key(|c| position(&c.name).unwrap_or(usize::MAX));
    }
    out
}

/// Checks `text` line by line against Mermaid's documented `erDiagram` grammar
/// (<https://mermaid.js.org/syntax/entityRelationshipDiagram.html>), as far as the
/// diagrams of [`crate::diagram`] use it: relationships, entity blocks with attributes
/// `type name [PK|FK|UK, ...] ["comment"]`, `classDef` and `class`. The error names the
/// line and what is wrong with it.
pub fn check_mermaid_er(text: &str) -> Result<(), String> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    match lines.next() {
        Some((_, "erDiagram")) => {}
        other => return Err(format!("line 1: expected `erDiagram`, found {other:?}")),
    }
    let mut in_entity = false;
    for (n, line) in lines {
        let fail = |why: &str| Err(format!("line {n}: {why}: `{line}`"));
        if line.is_empty() {
            continue;
        }
        if in_entity {
            if line == "}" {
                in_entity = false;
                continue;
            }
            let (head, comment) = match line.find('"') {
                Some(at) => (&line[..at], Some(&line[at..])),
                None => (line, None),
            };
            if let Some(c) = comment {
                let quoted = c.len() >= 2 && c.ends_with('"') && !c[1..c.len() - 1].contains('"');
                if !quoted {
                    return fail("an attribute comment is one double-quoted string, last");
                }
            }
            let mut words = head.split_whitespace();
            let (Some(ty), Some(name)) = (words.next(), words.next()) else {
                return fail("an attribute is `type name`");
            };
            let word = |w: &str, first: fn(char) -> bool| {
                w.starts_with(first)
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_()[]".contains(c))
            };
            if !word(ty, |c| c.is_ascii_alphabetic()) {
                return fail("a type starts with a letter and holds letters, digits, - _ ( ) [ ]");
            }
            if !word(name.trim_start_matches('*'), |c| c.is_ascii_alphabetic()) {
                return fail(
                    "a name starts with a letter (or *) and holds letters, digits, - _ ( ) [ ]",
                );
            }
            let keys: String = words.collect::<Vec<_>>().join(" ");
            if !keys.is_empty()
                && !keys
                    .split(',')
                    .all(|k| matches!(k.trim(), "PK" | "FK" | "UK"))
            {
                return fail("keys are PK, FK or UK, separated by commas");
            }
            continue;
        }
        let entity = |w: &str| {
            w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        };
        if let Some(name) = line.strip_suffix(" {") {
            if !entity(name) {
                return fail("an entity name holds letters, digits, - and _");
            }
            in_entity = true;
            continue;
        }
        if let Some(rest) = line.strip_prefix("classDef ") {
            let mut parts = rest.splitn(2, ' ');
            let (Some(class), Some(styles)) = (parts.next(), parts.next()) else {
                return fail("`classDef name styles`");
            };
            if !entity(class) || !styles.split(',').all(|s| s.contains(':')) {
                return fail("`classDef name property:value,...`");
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("class ") {
            let parts: Vec<&str> = rest.split(' ').collect();
            if parts.len() != 2 || !parts[0].split(',').all(entity) || !entity(parts[1]) {
                return fail("`class entity,... classname`");
            }
            continue;
        }
        // `first <card>--<card> second : label`
        let Some((left, label)) = line.split_once(" : ") else {
            return fail("expected a relationship, an entity block, `classDef` or `class`");
        };
        let quoted = label.len() >= 2
            && label.starts_with('"')
            && label.ends_with('"')
            && !label[1..label.len() - 1].contains('"');
        if !quoted && !entity(label) {
            return fail("a relationship label is one word or a double-quoted string");
        }
        let parts: Vec<&str> = left.split(' ').collect();
        let [first, rel, second] = parts[..] else {
            return fail("a relationship is `first <cardinality> second : label`");
        };
        let (l, r) = match rel.split_once("--").or_else(|| rel.split_once("..")) {
            Some(pair) => pair,
            None => return fail("a relationship's line is `--` or `..`"),
        };
        if !matches!(l, "|o" | "||" | "}o" | "}|") || !matches!(r, "o|" | "||" | "o{" | "|{") {
            return fail("cardinalities are |o || }o }| on the left, o| || o{ |{ on the right");
        }
        if !entity(first) || !entity(second) {
            return fail("a relationship joins two entity names");
        }
    }
    if in_entity {
        return Err("the last entity block is not closed with `}`".into());
    }
    Ok(())
}
