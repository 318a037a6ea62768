//! [`Schema`] → an entity-relationship diagram as Mermaid `erDiagram` or Graphviz DOT
//! text: tables with their columns and keys, foreign keys as edges, enum types. Given the
//! schema before a migration too, what it adds, drops and changes is marked.
//!
//! Pure functions over the model; what changed comes from [`diff::diff`], the one schema
//! comparison, so a rename the diff cannot see shows as a drop and an add.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::diff;
use crate::model::{Column, EnumType, Schema, Table};
use crate::op::Op;

/// The diagram languages [`render`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Mermaid's `erDiagram` (GitHub and rustdoc-with-mermaid render it inline).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`), with one row per column and edges between columns.
    Dot,
}

/// How one item differs from the schema before the migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// New in this migration.
    Added,
    /// Removed by this migration (drawn from the schema before it).
    Dropped,
    /// Kept, but altered: a column's type, nullability, default or generation; a table's
    /// keys, constraints or indexes; an enum's labels.
    Changed,
}

/// Folds a second change of one item into the first: added or dropped outlasts a later
/// change (an index created on a new table), and dropped then added again (the diff
/// recreating a type) is a change.
fn merge(mark: &mut Change, next: Change) {
    match (*mark, next) {
        (a, b) if a == b => {}
        (_, Change::Changed) => {}
        (Change::Changed, b) => *mark = b,
        _ => *mark = Change::Changed,
    }
}

impl Change {
    fn word(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Dropped => "dropped",
            Change::Changed => "changed",
        }
    }
}

/// What one migration changes, by name: the diff from the schema before it to the schema
/// after it, folded onto tables, columns and enum types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Tables added, dropped or changed.
    pub tables: BTreeMap<String, Change>,
    /// Columns added, dropped or changed, by (table, column). A column of an added or
    /// dropped table is not listed: the table's mark covers it.
    pub columns: BTreeMap<(String, String), Change>,
    /// Enum types added, dropped or changed.
    pub enums: BTreeMap<String, Change>,
}

impl Changes {
    /// What turns `before` into `after`.
    ///
    /// ```
    /// use watcher_schema_core::diagram::{Change, Changes};
    /// use watcher_schema_core::model::Schema;
    /// use watcher_schema_core::replay::replay;
    ///
    /// let mut before = Schema::default();
    /// replay(&mut before, "CREATE TABLE job (id serial PRIMARY KEY);", "a.sql").unwrap();
    /// let mut after = before.clone();
    /// replay(&mut after, "ALTER TABLE job ADD COLUMN name text;", "b.sql").unwrap();
    ///
    /// let changes = Changes::between(&before, &after);
    /// assert_eq!(changes.columns[&("job".into(), "name".into())], Change::Added);
    /// assert_eq!(changes.tables["job"], Change::Changed);
    /// ```
    pub fn between(before: &Schema, after: &Schema) -> Changes {
        let mut changes = Changes::default();
        for op in diff::diff(before, after) {
            changes.note(before, &op);
        }
        // A table whose columns changed is changed, unless it is new or gone.
        let touched: BTreeSet<String> = changes.columns.keys().map(|(t, _)| t.clone()).collect();
        for table in touched {
            changes.tables.entry(table).or_insert(Change::Changed);
        }
        changes
    }

    /// Whether the migration changes nothing a diagram shows.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.columns.is_empty() && self.enums.is_empty()
    }

    fn note(&mut self, before: &Schema, op: &Op) {
        match op {
            Op::CreateTable(t) => self.table(&t.name, Change::Added),
            Op::DropTable { name } => self.table(name, Change::Dropped),
            Op::RenameTable { from, to } => {
                self.table(from, Change::Dropped);
                self.table(to, Change::Added);
            }
            Op::AddColumn { table, column } => self.column(table, &column.name, Change::Added),
            Op::DropColumn { table, column } => self.column(table, column, Change::Dropped),
            Op::RenameColumn { table, from, to } => {
                self.column(table, from, Change::Dropped);
                self.column(table, to, Change::Added);
            }
            Op::AlterColumnType { table, column, .. }
            | Op::SetNullable { table, column, .. }
            | Op::SetDefault { table, column, .. }
            | Op::SetGenerated { table, column, .. } => self.column(table, column, Change::Changed),
            Op::AddPrimaryKey { table: t, .. }
            | Op::AddForeignKey { table: t, .. }
            | Op::AddUnique { table: t, .. }
            | Op::AddCheck { table: t, .. }
            | Op::DropConstraint { table: t, .. }
            | Op::RenameConstraint { table: t, .. }
            | Op::CreateIndex { table: t, .. } => self.table(t, Change::Changed),
            Op::DropIndex { name, .. } | Op::RenameIndex { from: name, .. } => {
                if let Some(t) = before.index_owner(name) {
                    self.table(t, Change::Changed);
                }
            }
            Op::CreateEnum(e) => self.enum_type(&e.name, Change::Added),
            Op::DropEnum { name } => self.enum_type(name, Change::Dropped),
            Op::RenameEnum { from, to } => {
                self.enum_type(from, Change::Dropped);
                self.enum_type(to, Change::Added);
            }
            Op::AddEnumValue { name, .. } | Op::RenameEnumValue { name, .. } => {
                self.enum_type(name, Change::Changed)
            }
            // Sequences, backfills and comments are not drawn.
            Op::CreateSequence(_)
            | Op::SetSequenceOwner { .. }
            | Op::RenameSequence { .. }
            | Op::AlterSequenceType { .. }
            | Op::ContinueSequence { .. }
            | Op::RefuseIfRows { .. }
            | Op::DropSequence { .. }
            | Op::Backfill { .. }
            | Op::Comment(_)
            // Forms of a plan, never in a plain diff.
            | Op::BackfillBatch { .. }
            | Op::NotValid(_)
            | Op::ValidateConstraint { .. }
            | Op::AddConstraintUsingIndex { .. }
            | Op::IfExists(_)
            | Op::Transaction(_) => {}
        }
    }

    fn table(&mut self, name: &str, change: Change) {
        merge(self.tables.entry(name.to_owned()).or_insert(change), change);
    }

    fn column(&mut self, table: &str, column: &str, change: Change) {
        let key = (table.to_owned(), column.to_owned());
        merge(self.columns.entry(key).or_insert(change), change);
    }

    fn enum_type(&mut self, name: &str, change: Change) {
        merge(self.enums.entry(name.to_owned()).or_insert(change), change);
    }

    fn table_change(&self, name: &str) -> Option<Change> {
        self.tables.get(name).copied()
    }

    /// A column's own mark; columns of added or dropped tables carry none.
    fn column_change(&self, table: &str, column: &str) -> Option<Change> {
        self.columns
            .get(&(table.to_owned(), column.to_owned()))
            .copied()
    }
}

/// The diagram of `schema`.
///
/// ```
/// use watcher_schema_core::diagram::{render, Format};
/// use watcher_schema_core::model::Schema;
/// use watcher_schema_core::replay::replay;
///
/// let mut schema = Schema::default();
/// replay(&mut schema, "CREATE TABLE job (id serial PRIMARY KEY, name text NOT NULL);", "up.sql").unwrap();
/// let mermaid = render(&schema, Format::Mermaid);
/// assert_eq!(mermaid, "erDiagram\n    job {\n        serial id PK\n        text name\n    }\n");
/// ```
pub fn render(schema: &Schema, format: Format) -> String {
    let view = View::new(schema, None);
    match format {
        Format::Mermaid => mermaid(&view),
        Format::Dot => dot(&view),
    }
}

/// The diagram of `after` with what changed since `before` marked: added items green,
/// dropped ones red (drawn from `before`), changed ones amber, and in Mermaid, where
/// columns cannot be coloured, a comment on each marked column.
pub fn render_changes(before: &Schema, after: &Schema, format: Format) -> String {
    let changes = Changes::between(before, after);
    let view = View::new(after, Some((before, &changes)));
    match format {
        Format::Mermaid => mermaid(&view),
        Format::Dot => dot(&view),
    }
}

type MarkedColumns<'a> = Vec<(&'a Column, Option<Change>)>;

/// What is drawn: the schema's tables and enums, plus, in a changes diagram, what the
/// migration dropped, each with its mark.
struct View<'a> {
    tables: Vec<(&'a Table, Option<Change>, MarkedColumns<'a>)>,
    enums: Vec<(&'a EnumType, Option<Change>)>,
}

impl<'a> View<'a> {
    fn new(after: &'a Schema, before: Option<(&'a Schema, &Changes)>) -> View<'a> {
        let mut tables: BTreeMap<&str, &Table> =
            after.tables.iter().map(|(n, t)| (n.as_str(), t)).collect();
        let mut enums: BTreeMap<&str, &EnumType> =
            after.enums.iter().map(|(n, e)| (n.as_str(), e)).collect();
        if let Some((before, changes)) = before {
            for (name, change) in &changes.tables {
                if let (Change::Dropped, Some(t)) = (change, before.tables.get(name)) {
                    tables.insert(name, t);
                }
            }
            for (name, change) in &changes.enums {
                if let (Change::Dropped, Some(e)) = (change, before.enums.get(name)) {
                    enums.insert(name, e);
                }
            }
        }
        let changes = before.map(|(_, c)| c);
        let mark_table = |name: &str| changes.and_then(|c| c.table_change(name));
        let tables = tables
            .into_values()
            .map(|t| {
                let mut columns: Vec<(&Column, Option<Change>)> = t
                    .columns
                    .iter()
                    .map(|c| (c, changes.and_then(|ch| ch.column_change(&t.name, &c.name))))
                    .collect();
                // Dropped columns are drawn after the kept ones, from the old table.
                if let (Some((before, _)), Some(changes)) = (before, changes) {
                    if let Some(old) = before.tables.get(&t.name) {
                        for c in &old.columns {
                            let dropped =
                                changes.column_change(&t.name, &c.name) == Some(Change::Dropped);
                            if dropped && t.column(&c.name).is_none() {
                                columns.push((c, Some(Change::Dropped)));
                            }
                        }
                    }
                }
                (t, mark_table(&t.name), columns)
            })
            .collect();
        let enums = enums
            .into_values()
            .map(|e| (e, changes.and_then(|c| c.enums.get(&e.name).copied())))
            .collect();
        View { tables, enums }
    }
}

/// The type as the diagram shows it: serial columns as `serial`/`bigserial`, enums by
/// name without quotes.
fn type_name(column: &Column) -> String {
    if matches!(
        column.generated,
        Some(crate::model::Generated::Serial { .. })
    ) {
        if let Some(serial) = column.ty.serial_name() {
            return serial.to_owned();
        }
    }
    column.ty.to_string().replace('"', "")
}

/// `PK`, `FK`, `UK`: the keys a column takes part in.
fn keys(table: &Table, column: &str) -> Vec<&'static str> {
    let mut keys = Vec::new();
    let has = |cols: &[String]| cols.iter().any(|c| c == column);
    if table.primary_key.as_ref().is_some_and(|k| has(&k.columns)) {
        keys.push("PK");
    }
    if table.foreign_keys.values().any(|k| has(&k.columns)) {
        keys.push("FK");
    }
    let unique_index = table
        .indexes
        .values()
        .any(|i| i.unique && i.predicate.is_none() && i.columns == [column]);
    let unique = table
        .uniques
        .values()
        .any(|u| u.columns.len() == 1 && u.columns[0] == column);
    if unique || unique_index {
        keys.push("UK");
    }
    keys
}

/// Whether the columns of a foreign key are unique in their table (one row at most per
/// parent), which makes the edge one-to-one.
fn one_to_one(table: &Table, columns: &[String]) -> bool {
    let same = |cols: &[String]| {
        let mut a = cols.to_vec();
        let mut b = columns.to_vec();
        a.sort();
        b.sort();
        a == b
    };
    table.primary_key.as_ref().is_some_and(|k| same(&k.columns))
        || table.uniques.values().any(|u| same(&u.columns))
}

// Mermaid: https://mermaid.js.org/syntax/entityRelationshipDiagram.html
//
// erDiagram
//     pipeline_type ||--o{ pipeline : "pipeline_type_id"
//     pipeline {
//         serial id PK
//         integer pipeline_type_id FK
//         varchar(150) name "nullable"
//     }
//     classDef added fill:#d4f7d4,stroke:#2e7d32
//     class pipeline added

/// A Mermaid entity or attribute name: letters, digits, `_` and `-` (others become `_`),
/// starting with a letter (else prefixed with `x_`).
fn mermaid_name(name: &str) -> String {
    let out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out
    } else {
        format!("x_{out}")
    }
}

/// A Mermaid attribute type: it may hold letters, digits, `-`, `_`, `(`, `)`, `[` and
/// `]` and must start with a letter, so `double precision` becomes `double_precision`
/// and `numeric(20,5)` `numeric(20_5)`.
fn mermaid_type(ty: &str) -> String {
    let out: String = ty
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_()[]".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out
    } else {
        format!("t_{out}")
    }
}

/// A Mermaid comment: double-quoted, with no double quote inside.
fn mermaid_comment(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "'"))
}

fn mermaid(view: &View<'_>) -> String {
    let mut out = String::from("erDiagram\n");
    let mut classes: BTreeMap<Change, Vec<String>> = BTreeMap::new();
    for (table, change, columns) in &view.tables {
        for fk in table.foreign_keys.values() {
            let nullable = fk
                .columns
                .iter()
                .any(|c| table.column(c).is_some_and(|c| c.nullable));
            let parent = if nullable { "|o" } else { "||" };
            let child = if one_to_one(table, &fk.columns) {
                "o|"
            } else {
                "o{"
            };
            let _ = writeln!(
                out,
                "    {} {parent}--{child} {} : {}",
                mermaid_name(&fk.ref_table),
                mermaid_name(&table.name),
                mermaid_comment(&fk.columns.join(", "))
            );
        }
        let name = mermaid_name(&table.name);
        let _ = writeln!(out, "    {name} {{");
        for (column, column_change) in columns {
            let mut line = format!(
                "        {} {}",
                mermaid_type(&type_name(column)),
                mermaid_name(&column.name)
            );
            let keys = keys(table, &column.name);
            if !keys.is_empty() {
                let _ = write!(line, " {}", keys.join(", "));
            }
            let mut notes = Vec::new();
            if column.nullable && !keys.contains(&"PK") {
                notes.push("nullable");
            }
            if let Some(c) = column_change {
                notes.push(c.word());
            }
            if !notes.is_empty() {
                let _ = write!(line, " {}", mermaid_comment(&notes.join(", ")));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("    }\n");
        if let Some(change) = change {
            classes.entry(*change).or_default().push(name);
        }
    }
    for (e, change) in &view.enums {
        let name = mermaid_name(&e.name);
        let _ = writeln!(out, "    {name} {{");
        let _ = writeln!(
            out,
            "        enum labels {}",
            mermaid_comment(&e.labels.join(", "))
        );
        out.push_str("    }\n");
        if let Some(change) = change {
            classes.entry(*change).or_default().push(name);
        }
    }
    for (change, names) in &classes {
        let _ = writeln!(
            out,
            "    classDef {} {}",
            change.word(),
            style(*change).mermaid
        );
        let _ = writeln!(out, "    class {} {}", names.join(","), change.word());
    }
    out
}

struct Style {
    mermaid: &'static str,
    fill: &'static str,
    stroke: &'static str,
}

fn style(change: Change) -> Style {
    match change {
        Change::Added => Style {
            mermaid: "fill:#d4f7d4,stroke:#2e7d32",
            fill: "#d4f7d4",
            stroke: "#2e7d32",
        },
        Change::Dropped => Style {
            mermaid: "fill:#f7d4d4,stroke:#c62828",
            fill: "#f7d4d4",
            stroke: "#c62828",
        },
        Change::Changed => Style {
            mermaid: "fill:#fff3c4,stroke:#f9a825",
            fill: "#fff3c4",
            stroke: "#f9a825",
        },
    }
}

// DOT: one HTML-like table per node, a port per column, so edges join columns.
//
// digraph schema {
//     "pipeline" [label=<<TABLE ...><TR><TD><B>pipeline</B></TD></TR>
//                        <TR><TD PORT="id">id serial PK</TD></TR>...</TABLE>>];
//     "pipeline":"pipeline_type_id" -> "pipeline_type":"id" [label="..."];
// }

/// A DOT double-quoted ID.
fn dot_id(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Text inside an HTML-like label.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn dot(view: &View<'_>) -> String {
    let mut out = String::from(
        "digraph schema {\n    graph [rankdir=LR];\n    node [shape=plaintext, fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    let enum_names: BTreeSet<&str> = view.enums.iter().map(|(e, _)| e.name.as_str()).collect();
    for (table, change, columns) in &view.tables {
        let (head_fill, border) = match change {
            Some(c) => (style(*c).fill, style(*c).stroke),
            None => ("#e0e0e0", "#616161"),
        };
        let mut title = format!("<B>{}</B>", html(&table.name));
        if let Some(c) = change {
            let _ = write!(title, " ({})", c.word());
        }
        let mut label = format!(
            "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"4\" COLOR=\"{border}\">\
             <TR><TD BGCOLOR=\"{head_fill}\">{title}</TD></TR>"
        );
        for (column, column_change) in columns {
            let keys = keys(table, &column.name);
            let mut text = format!("{} {}", html(&column.name), html(&type_name(column)));
            if !keys.is_empty() {
                let _ = write!(text, " {}", keys.join(","));
            }
            if column.nullable && !keys.contains(&"PK") {
                text.push_str(" <I>nullable</I>");
            }
            let (fill, text) = match column_change {
                Some(Change::Dropped) => (style(Change::Dropped).fill, format!("<S>{text}</S>")),
                Some(c) => (style(*c).fill, text),
                None => ("#ffffff", text),
            };
            let _ = write!(
                label,
                "<TR><TD PORT={} ALIGN=\"LEFT\" BGCOLOR=\"{fill}\">{text}</TD></TR>",
                dot_id(&column.name)
            );
        }
        label.push_str("</TABLE>");
        let _ = writeln!(out, "    {} [label=<{label}>];", dot_id(&table.name));
    }
    for (e, change) in &view.enums {
        let (fill, border) = match change {
            Some(c) => (style(*c).fill, style(*c).stroke),
            None => ("#e3ecfa", "#3f51b5"),
        };
        let mut label = format!(
            "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"4\" COLOR=\"{border}\">\
             <TR><TD BGCOLOR=\"{fill}\"><I>enum</I> <B>{}</B></TD></TR>",
            html(&e.name)
        );
        for l in &e.labels {
            let _ = write!(label, "<TR><TD ALIGN=\"LEFT\">{}</TD></TR>", html(l));
        }
        label.push_str("</TABLE>");
        let _ = writeln!(out, "    {} [label=<{label}>];", dot_id(&e.name));
    }
    for (table, _, columns) in &view.tables {
        for fk in table.foreign_keys.values() {
            let (Some(from), Some(to)) = (fk.columns.first(), fk.ref_columns.first()) else {
                continue;
            };
            let _ = writeln!(
                out,
                "    {}:{} -> {}:{} [label={}];",
                dot_id(&table.name),
                dot_id(from),
                dot_id(&fk.ref_table),
                dot_id(to),
                dot_id(&fk.name)
            );
        }
        for (column, _) in columns {
            let enum_name = match &column.ty {
                crate::model::SqlType::Enum(name) => Some(name),
                crate::model::SqlType::Array(inner) => match inner.as_ref() {
                    crate::model::SqlType::Enum(name) => Some(name),
                    _ => None,
                },
                _ => None,
            };
            if let Some(name) = enum_name.filter(|n| enum_names.contains(n.as_str())) {
                let _ = writeln!(
                    out,
                    "    {}:{} -> {} [style=dashed, arrowhead=empty];",
                    dot_id(&table.name),
                    dot_id(&column.name),
                    dot_id(name)
                );
            }
        }
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests;
