//! Drift: how the structs' model differs from the migrations' model, by name, and the one
//! catalogue of messages for it, printed alike by the macro (at a span) and the CLI's `check`.
//!
//! The comparison ignores column order (a column added by a later migration is physically
//! last) and free sequences (structs cannot declare them).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use crate::model::{
    Check, EnumType, Expr, ForeignKey, Generated, Index, PrimaryKey, Schema, SqlType, Table, Unique,
};

/// The command that writes the missing migration; every drift message names it.
pub const REVISION_COMMAND: &str = "watcher-schema revision --autogenerate";

/// One difference between the migrations (at their head) and the structs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// A struct's table is not in the migrations.
    TableMissing {
        /// Table name.
        table: String,
    },
    /// A table of the migrations that no struct declares.
    TableUnclaimed {
        /// Table name.
        table: String,
    },
    /// A field whose column is not in the migrations.
    ColumnMissing {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// A column of the migrations that no field claims.
    ColumnUnclaimed {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// The column's type (with its length or precision) differs.
    ColumnType {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// What the migrations say.
        migrations: SqlType,
        /// What the struct says.
        structs: SqlType,
    },
    /// NOT NULL in one, nullable in the other.
    ColumnNullable {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// Whether the migrations' column is nullable.
        migrations: bool,
        /// Whether the field is an `Option`.
        structs: bool,
    },
    /// The server default differs.
    ColumnDefault {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// What the migrations say.
        migrations: Option<Expr>,
        /// What the struct says.
        structs: Option<Expr>,
    },
    /// Serial or identity differs.
    ColumnGenerated {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// What the migrations say.
        migrations: Option<Generated>,
        /// What the struct says.
        structs: Option<Generated>,
    },
    /// The primary key differs (columns, order or name), or one side has none.
    PrimaryKey {
        /// Table name.
        table: String,
        /// What the migrations say.
        migrations: Option<PrimaryKey>,
        /// What the struct says.
        structs: Option<PrimaryKey>,
    },
    /// An index is missing on one side or differs.
    Index {
        /// Table name.
        table: String,
        /// Index name.
        name: String,
        /// What the migrations say.
        migrations: Option<Index>,
        /// What the struct says.
        structs: Option<Index>,
    },
    /// A check constraint is missing on one side or differs.
    Check {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
        /// What the migrations say.
        migrations: Option<Check>,
        /// What the struct says.
        structs: Option<Check>,
    },
    /// A foreign key is missing on one side or differs.
    ForeignKey {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
        /// What the migrations say.
        migrations: Option<ForeignKey>,
        /// What the struct says.
        structs: Option<ForeignKey>,
    },
    /// A foreign key names a table the migrations do not have.
    ForeignKeyTarget {
        /// Table name.
        table: String,
        /// The referencing column.
        column: String,
        /// The referenced table.
        target: String,
    },
    /// A foreign key names a column its target table does not have in the migrations.
    ForeignKeyTargetColumn {
        /// Table name.
        table: String,
        /// The referencing column.
        column: String,
        /// The referenced table.
        target: String,
        /// The referenced column.
        target_column: String,
    },
    /// A unique constraint is missing on one side or differs.
    Unique {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
        /// What the migrations say.
        migrations: Option<Unique>,
        /// What the struct says.
        structs: Option<Unique>,
    },
    /// An enum's type is not in the migrations.
    EnumMissing {
        /// Type name.
        name: String,
    },
    /// An enum type of the migrations that no `#[watcher_enum]` declares.
    EnumUnclaimed {
        /// Type name.
        name: String,
    },
    /// A variant's label is not in the migrations.
    EnumLabelMissing {
        /// Type name.
        name: String,
        /// The label.
        label: String,
    },
    /// A label of the migrations that no variant has.
    EnumLabelUnclaimed {
        /// Type name.
        name: String,
        /// The label.
        label: String,
    },
    /// Same labels, another order (the order is the type's sort order).
    EnumLabelOrder {
        /// Type name.
        name: String,
        /// The migrations' order.
        migrations: Vec<String>,
        /// The variants' order.
        structs: Vec<String>,
    },
}

/// Where the migrations stand, for messages: `(head 20251005124405)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head<'a>(pub Option<&'a str>);

impl fmt::Display for Head<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(version) => write!(f, "(head {version})"),
            None => f.write_str("(no migrations yet)"),
        }
    }
}

impl Drift {
    /// The full message: what the migrations say, what the struct says, then on a second
    /// line starting `help:` the fix.
    pub fn message(&self, head: Head<'_>) -> String {
        let revision = |m: String| format!("run `{REVISION_COMMAND} -m \"{m}\"`");
        let (what, help) = match self {
            Drift::TableMissing { table } => (
                format!("table `{table}` is not in the migrations {head}"),
                revision(format!("create table {table}")),
            ),
            Drift::TableUnclaimed { table } => (
                format!("table `{table}` is in the migrations {head} but no struct declares it"),
                format!(
                    "declare it with `#[watcher_table]`, or {}",
                    revision(format!("drop table {table}"))
                ),
            ),
            Drift::ColumnMissing { table, column } => (
                format!("column `{table}.{column}` is not in the migrations {head}"),
                revision(format!("add {table}.{column}")),
            ),
            Drift::ColumnUnclaimed { table, column } => (
                format!(
                    "column `{table}.{column}` is in the migrations {head} but no field claims it"
                ),
                format!(
                    "add a field for it, or {}",
                    revision(format!("drop {table}.{column}"))
                ),
            ),
            Drift::ColumnType {
                table,
                column,
                migrations,
                structs,
            } => (
                format!(
                    "column `{table}.{column}` is `{migrations}` in the migrations {head} but `{structs}` in the struct"
                ),
                revision(format!("alter {table}.{column}")),
            ),
            Drift::ColumnNullable {
                table,
                column,
                migrations,
                ..
            } => {
                let (was, is) = if *migrations {
                    ("nullable", "NOT NULL in the struct (not an `Option`)")
                } else {
                    ("NOT NULL", "nullable in the struct (an `Option`)")
                };
                (
                    format!("column `{table}.{column}` is {was} in the migrations {head} but {is}"),
                    revision(format!("alter {table}.{column}")),
                )
            }
            Drift::ColumnDefault {
                table,
                column,
                migrations,
                structs,
            } => (
                format!(
                    "column `{table}.{column}` has {} in the migrations {head} but {} in the struct",
                    describe_default(migrations.as_ref()),
                    describe_default(structs.as_ref()),
                ),
                revision(format!("alter {table}.{column}")),
            ),
            Drift::ColumnGenerated {
                table,
                column,
                migrations,
                structs,
            } => (
                format!(
                    "column `{table}.{column}` is {} in the migrations {head} but {} in the struct",
                    describe_generated(migrations.as_ref()),
                    describe_generated(structs.as_ref()),
                ),
                revision(format!("alter {table}.{column}")),
            ),
            Drift::PrimaryKey {
                table,
                migrations,
                structs,
            } => {
                // The constraint name only matters when it is what differs.
                let same_name = matches!((migrations, structs), (Some(m), Some(s)) if m.name == s.name);
                let describe = |key: Option<&PrimaryKey>| match key {
                    Some(key) if same_name => format!("({})", key.columns.join(", ")),
                    key => describe_key(key),
                };
                (
                format!(
                    "primary key of `{table}` is {} in the migrations {head} but {} in the struct",
                    describe(migrations.as_ref()),
                    describe(structs.as_ref()),
                ),
                revision(format!("alter primary key of {table}")),
            )
            }
            Drift::Index {
                table,
                name,
                migrations,
                structs,
            } => constraint_message(
                head,
                &format!("index `{name}` on `{table}`"),
                migrations.as_ref().map(describe_index),
                structs.as_ref().map(describe_index),
                &format!("index {name}"),
                "`index(...)`",
            ),
            Drift::Check {
                table,
                name,
                migrations,
                structs,
            } => constraint_message(
                head,
                &format!("check `{name}` on `{table}`"),
                migrations.as_ref().map(|c| format!("CHECK ({})", c.expr)),
                structs.as_ref().map(|c| format!("CHECK ({})", c.expr)),
                &format!("check {name}"),
                "`check(...)`",
            ),
            Drift::ForeignKey {
                table,
                name,
                migrations,
                structs,
            } => constraint_message(
                head,
                &format!("foreign key `{name}` on `{table}`"),
                migrations.as_ref().map(describe_foreign_key),
                structs.as_ref().map(describe_foreign_key),
                &format!("foreign key {name}"),
                "`references = ...`",
            ),
            Drift::ForeignKeyTarget {
                table,
                column,
                target,
            } => (
                format!(
                    "foreign key `{table}.{column}` references table `{target}`, which is not in the migrations {head}"
                ),
                format!(
                    "declare `{target}` with `#[watcher_table]` and {}, or correct `references`",
                    revision(format!("create table {target}"))
                ),
            ),
            Drift::ForeignKeyTargetColumn {
                table,
                column,
                target,
                target_column,
            } => (
                format!(
                    "foreign key `{table}.{column}` references column `{target}.{target_column}`, which is not in the migrations {head}"
                ),
                "name an existing column with `references_column = \"...\"`".to_string(),
            ),
            Drift::Unique {
                table,
                name,
                migrations,
                structs,
            } => constraint_message(
                head,
                &format!("unique constraint `{name}` on `{table}`"),
                migrations
                    .as_ref()
                    .map(|u| format!("UNIQUE ({})", u.columns.join(", "))),
                structs
                    .as_ref()
                    .map(|u| format!("UNIQUE ({})", u.columns.join(", "))),
                &format!("unique {name}"),
                "`unique(...)`",
            ),
            Drift::EnumMissing { name } => (
                format!("enum type `{name}` is not in the migrations {head}"),
                revision(format!("create enum {name}")),
            ),
            Drift::EnumUnclaimed { name } => (
                format!(
                    "enum type `{name}` is in the migrations {head} but no `#[watcher_enum]` declares it"
                ),
                format!(
                    "declare it with `#[watcher_enum]`, or {}",
                    revision(format!("drop enum {name}"))
                ),
            ),
            Drift::EnumLabelMissing { name, label } => (
                format!("label `{label}` of enum type `{name}` is not in the migrations {head}"),
                revision(format!("add {label} to {name}")),
            ),
            Drift::EnumLabelUnclaimed { name, label } => (
                format!(
                    "label `{label}` of enum type `{name}` is in the migrations {head} but no variant has it"
                ),
                format!(
                    "add a variant for it, or {}",
                    revision(format!("remove {label} from {name}"))
                ),
            ),
            Drift::EnumLabelOrder {
                name,
                migrations,
                structs,
            } => (
                format!(
                    "labels of enum type `{name}` are ordered {} in the migrations {head} but {} in the enum",
                    migrations.join(", "),
                    structs.join(", ")
                ),
                format!(
                    "the order is the type's sort order: reorder the variants, or {}",
                    revision(format!("reorder {name}"))
                ),
            ),
        };
        format!("{what}\nhelp: {help}")
    }
}

fn constraint_message(
    head: Head<'_>,
    subject: &str,
    migrations: Option<String>,
    structs: Option<String>,
    object: &str,
    attribute: &str,
) -> (String, String) {
    let revision = |verb: &str| format!("run `{REVISION_COMMAND} -m \"{verb} {object}\"`");
    match (migrations, structs) {
        (None, _) => (
            format!("{subject} is not in the migrations {head}"),
            revision("add"),
        ),
        (Some(_), None) => (
            format!("{subject} is in the migrations {head} but the struct does not declare it"),
            format!("declare it with {attribute}, or {}", revision("drop")),
        ),
        (Some(m), Some(s)) => (
            format!("{subject} is `{m}` in the migrations {head} but `{s}` in the struct"),
            revision("alter"),
        ),
    }
}

fn describe_default(default: Option<&Expr>) -> String {
    match default {
        Some(expr) => format!("default `{expr}`"),
        None => "no default".into(),
    }
}

fn describe_generated(generated: Option<&Generated>) -> &'static str {
    match generated {
        Some(Generated::Serial { .. }) => "serial",
        Some(Generated::IdentityAlways) => "an identity column (always)",
        Some(Generated::IdentityByDefault) => "an identity column (by default)",
        None => "not generated",
    }
}

fn describe_key(key: Option<&PrimaryKey>) -> String {
    match key {
        Some(key) => format!("`{}` ({})", key.name, key.columns.join(", ")),
        None => "absent".into(),
    }
}

fn describe_index(index: &Index) -> String {
    let mut out = String::new();
    if index.unique {
        out.push_str("UNIQUE ");
    }
    let _ = write!(out, "USING {} ({})", index.method, index.columns.join(", "));
    if !index.include.is_empty() {
        let _ = write!(out, " INCLUDE ({})", index.include.join(", "));
    }
    if let Some(predicate) = &index.predicate {
        let _ = write!(out, " WHERE {predicate}");
    }
    out
}

fn describe_foreign_key(key: &ForeignKey) -> String {
    let mut out = format!(
        "({}) REFERENCES {} ({})",
        key.columns.join(", "),
        key.ref_table,
        key.ref_columns.join(", ")
    );
    for (word, action) in [("DELETE", key.on_delete), ("UPDATE", key.on_update)] {
        if action != Default::default() {
            let _ = write!(out, " ON {word} {}", action.as_sql());
        }
    }
    out
}

/// Compares one table of the migrations with the table a struct declares.
pub fn compare_table(migrations: &Table, structs: &Table) -> Vec<Drift> {
    let table = &structs.name;
    let mut out = Vec::new();
    for column in &structs.columns {
        let Some(old) = migrations.column(&column.name) else {
            out.push(Drift::ColumnMissing {
                table: table.clone(),
                column: column.name.clone(),
            });
            continue;
        };
        let name = || column.name.clone();
        if old.ty != column.ty {
            out.push(Drift::ColumnType {
                table: table.clone(),
                column: name(),
                migrations: old.ty.clone(),
                structs: column.ty.clone(),
            });
        }
        if old.nullable != column.nullable {
            out.push(Drift::ColumnNullable {
                table: table.clone(),
                column: name(),
                migrations: old.nullable,
                structs: column.nullable,
            });
        }
        if old.default != column.default {
            out.push(Drift::ColumnDefault {
                table: table.clone(),
                column: name(),
                migrations: old.default.clone(),
                structs: column.default.clone(),
            });
        }
        if old.generated != column.generated {
            out.push(Drift::ColumnGenerated {
                table: table.clone(),
                column: name(),
                migrations: old.generated.clone(),
                structs: column.generated.clone(),
            });
        }
    }
    for column in &migrations.columns {
        if structs.column(&column.name).is_none() {
            out.push(Drift::ColumnUnclaimed {
                table: table.clone(),
                column: column.name.clone(),
            });
        }
    }
    if migrations.primary_key != structs.primary_key {
        out.push(Drift::PrimaryKey {
            table: table.clone(),
            migrations: migrations.primary_key.clone(),
            structs: structs.primary_key.clone(),
        });
    }
    for (name, m, s) in pairs(&migrations.foreign_keys, &structs.foreign_keys) {
        out.push(Drift::ForeignKey {
            table: table.clone(),
            name,
            migrations: m,
            structs: s,
        });
    }
    for (name, m, s) in pairs(&migrations.uniques, &structs.uniques) {
        out.push(Drift::Unique {
            table: table.clone(),
            name,
            migrations: m,
            structs: s,
        });
    }
    for (name, m, s) in pairs(&migrations.checks, &structs.checks) {
        out.push(Drift::Check {
            table: table.clone(),
            name,
            migrations: m,
            structs: s,
        });
    }
    for (name, m, s) in pairs(&migrations.indexes, &structs.indexes) {
        out.push(Drift::Index {
            table: table.clone(),
            name,
            migrations: m,
            structs: s,
        });
    }
    out
}

/// Compares the table a struct declares with the migrations' schema: the table itself,
/// or its absence, and whether its foreign keys name tables the migrations have.
pub fn compare_table_in(migrations: &Schema, structs: &Table) -> Vec<Drift> {
    let mut out = Vec::new();
    let mut unknown_targets = Vec::new();
    for fk in structs.foreign_keys.values() {
        // A key to the table itself is checked against the struct's own columns.
        let target = if fk.ref_table == structs.name {
            Some(structs)
        } else {
            migrations.table(&fk.ref_table)
        };
        let column = fk.columns.join(", ");
        let drift = match target {
            None => Drift::ForeignKeyTarget {
                table: structs.name.clone(),
                column,
                target: fk.ref_table.clone(),
            },
            Some(target) => match fk.ref_columns.iter().find(|c| target.column(c).is_none()) {
                Some(missing) => Drift::ForeignKeyTargetColumn {
                    table: structs.name.clone(),
                    column,
                    target: fk.ref_table.clone(),
                    target_column: missing.clone(),
                },
                None => continue,
            },
        };
        unknown_targets.push(fk.name.clone());
        out.push(drift);
    }
    match migrations.table(&structs.name) {
        None => out.insert(
            0,
            Drift::TableMissing {
                table: structs.name.clone(),
            },
        ),
        Some(old) => out.extend(compare_table(old, structs).into_iter().filter(|d| {
            // A key to an unknown table is reported once, as such, whether the migrations
            // lack the key or have it pointing elsewhere.
            !matches!(d, Drift::ForeignKey { name, .. } if unknown_targets.contains(name))
        })),
    }
    out
}

/// Compares an enum type of the migrations (if any) with the one an enum declares.
pub fn compare_enum(migrations: Option<&EnumType>, structs: &EnumType) -> Vec<Drift> {
    let name = &structs.name;
    let Some(old) = migrations else {
        return vec![Drift::EnumMissing { name: name.clone() }];
    };
    let mut out = Vec::new();
    for label in &structs.labels {
        if !old.labels.contains(label) {
            out.push(Drift::EnumLabelMissing {
                name: name.clone(),
                label: label.clone(),
            });
        }
    }
    for label in &old.labels {
        if !structs.labels.contains(label) {
            out.push(Drift::EnumLabelUnclaimed {
                name: name.clone(),
                label: label.clone(),
            });
        }
    }
    if out.is_empty() && old.labels != structs.labels {
        out.push(Drift::EnumLabelOrder {
            name: name.clone(),
            migrations: old.labels.clone(),
            structs: structs.labels.clone(),
        });
    }
    out
}

/// Compares whole schemas (the CLI's offline `check`): enums, then tables by name.
pub fn compare_schema(migrations: &Schema, structs: &Schema) -> Vec<Drift> {
    let mut out = Vec::new();
    for item in structs.enums.values() {
        out.extend(compare_enum(migrations.enums.get(&item.name), item));
    }
    for name in migrations.enums.keys() {
        if !structs.enums.contains_key(name) {
            out.push(Drift::EnumUnclaimed { name: name.clone() });
        }
    }
    for table in structs.tables.values() {
        out.extend(compare_table_in(migrations, table));
    }
    for name in migrations.tables.keys() {
        if !structs.tables.contains_key(name) {
            out.push(Drift::TableUnclaimed {
                table: name.clone(),
            });
        }
    }
    out
}

/// Every name present on either side whose values differ: `(name, migrations, structs)`.
fn pairs<T: Clone + PartialEq>(
    migrations: &BTreeMap<String, T>,
    structs: &BTreeMap<String, T>,
) -> Vec<(String, Option<T>, Option<T>)> {
    let mut names: Vec<&String> = migrations.keys().chain(structs.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (m, s) = (migrations.get(name), structs.get(name));
            (m != s).then(|| (name.clone(), m.cloned(), s.cloned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, FkAction};

    const HEAD: Head<'static> = Head(Some("20251005124405"));

    fn pipeline() -> Table {
        let mut t = Table::new("pipeline");
        t.columns = vec![
            Column {
                nullable: false,
                generated: Some(Generated::Serial {
                    sequence: "pipeline_id_seq".into(),
                }),
                ..Column::new("id", SqlType::Integer)
            },
            Column {
                nullable: false,
                ..Column::new("name", SqlType::Varchar(Some(150)))
            },
            Column {
                nullable: false,
                default: Some(Expr::new("true")),
                ..Column::new("active", SqlType::Boolean)
            },
            Column::new("full_load", SqlType::Boolean),
        ];
        t.primary_key = Some(PrimaryKey {
            name: "pipeline_pkey".into(),
            columns: vec!["id".into()],
        });
        t.indexes.insert(
            "ux_pipeline_name_include".into(),
            Index {
                name: "ux_pipeline_name_include".into(),
                unique: true,
                method: "btree".into(),
                columns: vec!["name".into()],
                include: vec!["active".into(), "id".into()],
                predicate: None,
            },
        );
        t
    }

    fn messages(drifts: &[Drift]) -> Vec<String> {
        drifts.iter().map(|d| d.message(HEAD)).collect()
    }

    #[test]
    fn equal_tables_do_not_drift_whatever_the_column_order() {
        let a = pipeline();
        let mut b = pipeline();
        b.columns.reverse();
        assert_eq!(compare_table(&a, &b), []);
    }

    #[test]
    fn reports_every_column_difference_with_the_catalogue_words() {
        let old = pipeline();
        let mut new = pipeline();
        new.columns.retain(|c| c.name != "full_load");
        new.columns.push(Column::new("owner", SqlType::Text));
        let name = new.column_mut("name").unwrap();
        name.ty = SqlType::Varchar(Some(200));
        name.nullable = true;
        let active = new.column_mut("active").unwrap();
        active.default = Some(Expr::new("false"));
        new.column_mut("id").unwrap().generated = None;
        assert_eq!(
            messages(&compare_table(&old, &new)),
            [
                "column `pipeline.id` is serial in the migrations (head 20251005124405) but not generated in the struct\nhelp: run `watcher-schema revision --autogenerate -m \"alter pipeline.id\"`",
                "column `pipeline.name` is `varchar(150)` in the migrations (head 20251005124405) but `varchar(200)` in the struct\nhelp: run `watcher-schema revision --autogenerate -m \"alter pipeline.name\"`",
                "column `pipeline.name` is NOT NULL in the migrations (head 20251005124405) but nullable in the struct (an `Option`)\nhelp: run `watcher-schema revision --autogenerate -m \"alter pipeline.name\"`",
                "column `pipeline.active` has default `true` in the migrations (head 20251005124405) but default `false` in the struct\nhelp: run `watcher-schema revision --autogenerate -m \"alter pipeline.active\"`",
                "column `pipeline.owner` is not in the migrations (head 20251005124405)\nhelp: run `watcher-schema revision --autogenerate -m \"add pipeline.owner\"`",
                "column `pipeline.full_load` is in the migrations (head 20251005124405) but no field claims it\nhelp: add a field for it, or run `watcher-schema revision --autogenerate -m \"drop pipeline.full_load\"`",
            ]
        );
    }

    #[test]
    fn reports_keys_indexes_checks_and_constraints() {
        let old = pipeline();
        let mut new = pipeline();
        new.primary_key = Some(PrimaryKey {
            name: "pipeline_pkey".into(),
            columns: vec!["id".into(), "name".into()],
        });
        new.indexes
            .get_mut("ux_pipeline_name_include")
            .unwrap()
            .include
            .pop();
        new.indexes.insert(
            "ix_partial".into(),
            Index {
                name: "ix_partial".into(),
                unique: false,
                method: "btree".into(),
                columns: vec!["name".into()],
                include: vec![],
                predicate: Some(Expr::new("active")),
            },
        );
        new.checks.insert(
            "ck_name".into(),
            Check {
                name: "ck_name".into(),
                expr: Expr::new("name <> ''"),
            },
        );
        new.foreign_keys.insert(
            "pipeline_owner_fkey".into(),
            ForeignKey {
                name: "pipeline_owner_fkey".into(),
                columns: vec!["id".into()],
                ref_table: "owner".into(),
                ref_columns: vec!["id".into()],
                on_delete: FkAction::Cascade,
                on_update: FkAction::NoAction,
            },
        );
        new.uniques.insert(
            "uq".into(),
            Unique {
                name: "uq".into(),
                columns: vec!["name".into()],
            },
        );
        let mut old_with_check = old.clone();
        old_with_check.checks.insert(
            "ck_name".into(),
            Check {
                name: "ck_name".into(),
                expr: Expr::new("name <> 'x'"),
            },
        );
        assert_eq!(
            messages(&compare_table(&old_with_check, &new)),
            [
                "primary key of `pipeline` is (id) in the migrations (head 20251005124405) but (id, name) in the struct\nhelp: run `watcher-schema revision --autogenerate -m \"alter primary key of pipeline\"`",
                "foreign key `pipeline_owner_fkey` on `pipeline` is not in the migrations (head 20251005124405)\nhelp: run `watcher-schema revision --autogenerate -m \"add foreign key pipeline_owner_fkey\"`",
                "unique constraint `uq` on `pipeline` is not in the migrations (head 20251005124405)\nhelp: run `watcher-schema revision --autogenerate -m \"add unique uq\"`",
                "check `ck_name` on `pipeline` is `CHECK (name <> 'x')` in the migrations (head 20251005124405) but `CHECK (name <> '')` in the struct\nhelp: run `watcher-schema revision --autogenerate -m \"alter check ck_name\"`",
                "index `ix_partial` on `pipeline` is not in the migrations (head 20251005124405)\nhelp: run `watcher-schema revision --autogenerate -m \"add index ix_partial\"`",
                "index `ux_pipeline_name_include` on `pipeline` is `UNIQUE USING btree (name) INCLUDE (active, id)` in the migrations (head 20251005124405) but `UNIQUE USING btree (name) INCLUDE (active)` in the struct\nhelp: run `watcher-schema revision --autogenerate -m \"alter index ux_pipeline_name_include\"`",
            ]
        );
        // A renamed key names both constraints; a missing one says so.
        let mut renamed = old.clone();
        renamed.primary_key.as_mut().unwrap().name = "pk_pipeline".into();
        let mut keyless = old.clone();
        keyless.primary_key = None;
        assert_eq!(
            messages(&compare_table(&old, &renamed))[0].lines().next(),
            Some("primary key of `pipeline` is `pipeline_pkey` (id) in the migrations (head 20251005124405) but `pk_pipeline` (id) in the struct")
        );
        assert_eq!(
            messages(&compare_table(&old, &keyless))[0].lines().next(),
            Some("primary key of `pipeline` is `pipeline_pkey` (id) in the migrations (head 20251005124405) but absent in the struct")
        );
        let drifts = compare_table(&new, &old);
        assert!(drifts.iter().any(|d| d.message(HEAD)
            == "index `ix_partial` on `pipeline` is in the migrations (head 20251005124405) but the struct does not declare it\nhelp: declare it with `index(...)`, or run `watcher-schema revision --autogenerate -m \"drop index ix_partial\"`"));
    }

    #[test]
    fn missing_tables_and_unknown_foreign_key_targets() {
        let mut schema = Schema::default();
        let mut table = pipeline();
        table.foreign_keys.insert(
            "pipeline_type_fkey".into(),
            ForeignKey {
                name: "pipeline_type_fkey".into(),
                columns: vec!["type_id".into()],
                ref_table: "pipeline_type".into(),
                ref_columns: vec!["id".into()],
                on_delete: FkAction::NoAction,
                on_update: FkAction::NoAction,
            },
        );
        assert_eq!(
            messages(&compare_table_in(&schema, &table)),
            [
                "table `pipeline` is not in the migrations (head 20251005124405)\nhelp: run `watcher-schema revision --autogenerate -m \"create table pipeline\"`",
                "foreign key `pipeline.type_id` references table `pipeline_type`, which is not in the migrations (head 20251005124405)\nhelp: declare `pipeline_type` with `#[watcher_table]` and run `watcher-schema revision --autogenerate -m \"create table pipeline_type\"`, or correct `references`",
            ]
        );
        schema.tables.insert("pipeline".into(), pipeline());
        // The unknown target is reported once, not also as a missing foreign key.
        assert_eq!(compare_table_in(&schema, &table).len(), 1);
        // Nor as a changed one, when the migrations have the key pointing elsewhere.
        let mut old = pipeline();
        let mut fk = table.foreign_keys["pipeline_type_fkey"].clone();
        fk.ref_table = "address".into();
        old.foreign_keys.insert(fk.name.clone(), fk);
        schema.tables.insert("pipeline".into(), old);
        schema
            .tables
            .insert("address".into(), Table::new("address"));
        assert!(matches!(
            compare_table_in(&schema, &table).as_slice(),
            [Drift::ForeignKeyTarget { target, .. }] if target == "pipeline_type"
        ));
        let mut typo = table.clone();
        typo.foreign_keys
            .values_mut()
            .for_each(|fk| fk.ref_table = "pipeline".into());
        typo.foreign_keys
            .values_mut()
            .for_each(|fk| fk.ref_columns = vec!["uid".into()]);
        assert_eq!(
            messages(&compare_table_in(&schema, &typo))[0],
            "foreign key `pipeline.type_id` references column `pipeline.uid`, which is not in the migrations (head 20251005124405)\nhelp: name an existing column with `references_column = \"...\"`"
        );
        assert_eq!(
            Drift::TableUnclaimed {
                table: "x".into()
            }
            .message(Head(None)),
            "table `x` is in the migrations (no migrations yet) but no struct declares it\nhelp: declare it with `#[watcher_table]`, or run `watcher-schema revision --autogenerate -m \"drop table x\"`"
        );
    }

    #[test]
    fn enum_labels_added_removed_and_reordered() {
        let old = EnumType {
            name: "datepartenum".into(),
            labels: vec!["MINUTE".into(), "HOUR".into()],
        };
        let mut new = old.clone();
        new.labels = vec!["MINUTE".into(), "DAY".into()];
        assert_eq!(
            messages(&compare_enum(Some(&old), &new)),
            [
                "label `DAY` of enum type `datepartenum` is not in the migrations (head 20251005124405)\nhelp: run `watcher-schema revision --autogenerate -m \"add DAY to datepartenum\"`",
                "label `HOUR` of enum type `datepartenum` is in the migrations (head 20251005124405) but no variant has it\nhelp: add a variant for it, or run `watcher-schema revision --autogenerate -m \"remove HOUR from datepartenum\"`",
            ]
        );
        new.labels = vec!["HOUR".into(), "MINUTE".into()];
        assert_eq!(
            messages(&compare_enum(Some(&old), &new)),
            ["labels of enum type `datepartenum` are ordered MINUTE, HOUR in the migrations (head 20251005124405) but HOUR, MINUTE in the enum\nhelp: the order is the type's sort order: reorder the variants, or run `watcher-schema revision --autogenerate -m \"reorder datepartenum\"`"]
        );
        assert_eq!(compare_enum(Some(&old), &old), []);
        assert_eq!(
            compare_enum(None, &old),
            [Drift::EnumMissing {
                name: "datepartenum".into()
            }]
        );
    }

    #[test]
    fn whole_schema_comparison_covers_both_directions() {
        let mut migrations = Schema::default();
        migrations.tables.insert("pipeline".into(), pipeline());
        migrations.enums.insert(
            "old_enum".into(),
            EnumType {
                name: "old_enum".into(),
                labels: vec!["A".into()],
            },
        );
        let structs = Schema::default();
        assert_eq!(
            compare_schema(&migrations, &structs),
            [
                Drift::EnumUnclaimed {
                    name: "old_enum".into()
                },
                Drift::TableUnclaimed {
                    table: "pipeline".into()
                },
            ]
        );
        assert_eq!(compare_schema(&migrations, &migrations), []);
    }
}
