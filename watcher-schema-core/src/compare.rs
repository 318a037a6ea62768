//! The one schema comparison: whether two schemas are equal, every difference by name, and
//! the one wording for each kind of difference. The macro (struct against the migrations'
//! head), `check` (the structs against the head, or against the live database), `stamp
//! --from-alembic` (the database against a revision) and the tests all call [`compare`]; the
//! macro maps each [`Difference`] to a span, the CLI prints [`Difference::message`].
//!
//! # What "equal" means
//!
//! The first schema is the *actual* one (the migrations at their head, the database), the
//! second the *expected* one (the structs, or a revision's schema). They are equal when
//! every rule below holds; each broken rule is one [`Difference`].
//!
//! - **Names.** Tables, columns, enum types, constraints, indexes and sequences are matched
//!   by name, exactly (the model holds them unquoted, in the case PostgreSQL stores).
//! - **Column order is not compared.** PostgreSQL adds a column last and cannot move one
//!   without rebuilding the table, so a migrated database and a fresh one differ in order
//!   only. A differing order is reported apart, as [`ColumnOrder`] (information, never a
//!   difference).
//! - **Types** compare as [`SqlType`] values, which already fold PostgreSQL's aliases
//!   (`int4` = `integer` = `int`, `character varying(n)` = `varchar(n)`, `timestamptz` =
//!   `timestamp with time zone`, `float8` = `double precision`, `t[]` = `_t`, ...); length,
//!   precision and scale are part of the type.
//! - **Nullability**, exactly.
//! - **Defaults, check expressions and partial-index predicates** compare by
//!   [`Expr::key`]: casts and letter case outside quotes are dropped, and the expression
//!   is parsed by PostgreSQL's operator precedence and keyed with only the parentheses that
//!   precedence needs, so `'n/a'` equals `'n/a'::text` and `a OR b > 0` equals
//!   `((a) OR (b > 0))`, while `(a + b) * c` and `a + b * c` differ. Known limitations: an
//!   expression outside that parser's grammar (`EXTRACT(day FROM x)`) is keyed without its
//!   grouping parentheses, so two groupings of it compare equal; a cast that changes the
//!   meaning (`1::text || 2`) is dropped all the same.
//! - **Serial and identity** ([`Generated`]): kind, and for a serial column the name of the
//!   sequence it owns. A serial column's `nextval` default and owned sequence are folded
//!   into the column ([`Schema::fold_serials`]), so they are not compared again.
//! - **Constraints**: the primary key by name and columns in order; foreign keys by name,
//!   columns, referenced table and columns, `ON DELETE`/`ON UPDATE`; unique constraints by
//!   name and columns; checks by name and expression. A foreign key whose referenced table
//!   (or column) is not in the actual schema is one [`Difference::ForeignKeyTarget`] (or
//!   `ForeignKeyTargetColumn`), not also a missing key.
//! - **Indexes** (those not backing a constraint) by name, uniqueness, method, key columns
//!   in order, `INCLUDE` columns and predicate.
//! - **Enum types** by name and labels in order (the order is the type's sort order).
//! - **Free-standing sequences** (not owned by a serial column) by name, type and owner, but
//!   only against a schema ([`Expected::Schema`]): structs cannot declare one, so against
//!   [`Expected::Structs`] they are not compared.
//!
//! `diff` agrees: for two schemas equal here, [`crate::diff::diff`] yields no operation
//! that changes the schema's shape (the tests below hold it so on random schemas).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{
    Check, EnumType, Expr, ForeignKey, Generated, Index, PrimaryKey, Schema, Sequence, SqlType,
    Table, Unique,
};

/// The command that writes the missing migration; every message against the structs names it.
pub const REVISION_COMMAND: &str = "watcher-schema revision --autogenerate";

/// One difference between the actual schema (the migrations' head, the database) and the
/// expected one (the structs, a revision's schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// An expected table is not in the actual schema.
    TableMissing {
        /// Table name.
        table: String,
    },
    /// A table of the actual schema that the expected one lacks (no struct declares it).
    TableUnclaimed {
        /// Table name.
        table: String,
    },
    /// An expected column (a field's) is not in the actual schema.
    ColumnMissing {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// A column of the actual schema that the expected one lacks (no field claims it).
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
        /// The actual type.
        actual: SqlType,
        /// The expected type.
        expected: SqlType,
    },
    /// NOT NULL on one side, nullable on the other.
    ColumnNullable {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// Whether the actual column is nullable.
        actual: bool,
        /// Whether the expected column is nullable (the field an `Option`).
        expected: bool,
    },
    /// The server default differs.
    ColumnDefault {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// The actual default.
        actual: Option<Expr>,
        /// The expected default.
        expected: Option<Expr>,
    },
    /// Serial or identity differs (or a serial's sequence name).
    ColumnGenerated {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// The actual generation.
        actual: Option<Generated>,
        /// The expected generation.
        expected: Option<Generated>,
    },
    /// The primary key differs (columns, order or name), or one side has none.
    PrimaryKey {
        /// Table name.
        table: String,
        /// The actual key.
        actual: Option<PrimaryKey>,
        /// The expected key.
        expected: Option<PrimaryKey>,
    },
    /// An index is missing on one side or differs.
    Index {
        /// Table name.
        table: String,
        /// Index name.
        name: String,
        /// The actual index.
        actual: Option<Index>,
        /// The expected index.
        expected: Option<Index>,
    },
    /// A check constraint is missing on one side or differs.
    Check {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
        /// The actual check.
        actual: Option<Check>,
        /// The expected check.
        expected: Option<Check>,
    },
    /// A foreign key is missing on one side or differs.
    ForeignKey {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
        /// The actual key.
        actual: Option<ForeignKey>,
        /// The expected key.
        expected: Option<ForeignKey>,
    },
    /// An expected foreign key names a table the actual schema does not have.
    ForeignKeyTarget {
        /// Table name.
        table: String,
        /// The referencing column.
        column: String,
        /// The referenced table.
        target: String,
    },
    /// An expected foreign key names a column its target table does not have.
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
        /// The actual constraint.
        actual: Option<Unique>,
        /// The expected constraint.
        expected: Option<Unique>,
    },
    /// An expected enum type is not in the actual schema.
    EnumMissing {
        /// Type name.
        name: String,
    },
    /// An enum type of the actual schema that the expected one lacks.
    EnumUnclaimed {
        /// Type name.
        name: String,
    },
    /// An expected label (a variant's) is not in the actual type.
    EnumLabelMissing {
        /// Type name.
        name: String,
        /// The label.
        label: String,
    },
    /// A label of the actual type that the expected one lacks (no variant has it).
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
        /// The actual order.
        actual: Vec<String>,
        /// The expected order.
        expected: Vec<String>,
    },
    /// A free-standing sequence is missing on one side or differs (type or owner). Only
    /// against [`Expected::Schema`].
    Sequence {
        /// Sequence name.
        name: String,
        /// The actual sequence.
        actual: Option<Sequence>,
        /// The expected sequence.
        expected: Option<Sequence>,
    },
}

/// Columns that both sides have, in another order: information, never a difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOrder {
    /// Table name.
    pub table: String,
    /// The shared columns in the actual order.
    pub actual: Vec<String>,
    /// The shared columns in the expected order.
    pub expected: Vec<String>,
}

/// What the expected schema is: it decides the words for what it lacks, whether messages
/// end with the `revision` fix, and whether free-standing sequences are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The `#[watcher_table]` structs and `#[watcher_enum]` enums: messages speak of
    /// fields, variants and structs, and give the fix.
    Structs,
    /// Another schema, named as messages say it (`revision 20251021195850`).
    Schema(String),
}

/// How messages name the two schemas compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    /// The actual schema: `the migrations (head 20251005124405)`, `the database`.
    pub actual: String,
    /// The expected schema.
    pub expected: Expected,
}

impl Sides {
    /// The migrations at `head` (`None`: no migrations yet) against the structs: the
    /// macro's and `check --offline`'s words.
    pub fn migrations(head: Option<&str>) -> Sides {
        let actual = match head {
            Some(version) => format!("the migrations (head {version})"),
            None => "the migrations (no migrations yet)".into(),
        };
        Sides {
            actual,
            expected: Expected::Structs,
        }
    }

    /// The live database against the structs: the live `check`'s words.
    pub fn database() -> Sides {
        Sides {
            actual: "the database".into(),
            expected: Expected::Structs,
        }
    }
}

/// The outcome of [`compare`]: every difference, and column order as information.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comparison {
    /// Every difference, enums first, then tables by name.
    pub differences: Vec<Difference>,
    /// Tables whose shared columns are in another order (not a difference).
    pub column_order: Vec<ColumnOrder>,
}

impl Comparison {
    /// Whether the schemas are equal (column order aside).
    pub fn is_equal(&self) -> bool {
        self.differences.is_empty()
    }

    /// One message per difference, in order.
    pub fn messages(&self, sides: &Sides) -> Vec<String> {
        self.differences.iter().map(|d| d.message(sides)).collect()
    }
}

impl ColumnOrder {
    /// `columns of `t` are ordered a, b in <actual> but b, a in <expected>`.
    pub fn message(&self, sides: &Sides) -> String {
        format!(
            "columns of `{}` are ordered {} in {} but {} in {} (not drift: PostgreSQL adds a column last and cannot move it)",
            self.table,
            self.actual.join(", "),
            sides.actual,
            self.expected.join(", "),
            sides.expected.noun(),
        )
    }
}

impl Expected {
    /// `the struct`, or the schema's name: for "... in <noun>".
    fn noun(&self) -> &str {
        match self {
            Expected::Structs => "the struct",
            Expected::Schema(name) => name,
        }
    }

    /// What the expected side says of an item it lacks: `structs` words, or `not in <name>`.
    fn lacks(&self, structs: &str) -> String {
        match self {
            Expected::Structs => structs.to_string(),
            Expected::Schema(name) => format!("not in {name}"),
        }
    }
}

impl Difference {
    /// The full message: what the actual schema says, what the expected one says, then,
    /// against the structs, on a second line starting `help:` the fix.
    pub fn message(&self, sides: &Sides) -> String {
        let a = &sides.actual;
        let expected = &sides.expected;
        let e = expected.noun();
        let revision = |m: String| format!("run `{REVISION_COMMAND} -m \"{m}\"`");
        let (what, help) = match self {
            Difference::TableMissing { table } => (
                format!("table `{table}` is not in {a}"),
                revision(format!("create table {table}")),
            ),
            Difference::TableUnclaimed { table } => (
                format!(
                    "table `{table}` is in {a} but {}",
                    expected.lacks("no struct declares it")
                ),
                format!(
                    "declare it with `#[watcher_table]`, or {}",
                    revision(format!("drop table {table}"))
                ),
            ),
            Difference::ColumnMissing { table, column } => (
                format!("column `{table}.{column}` is not in {a}"),
                revision(format!("add {table}.{column}")),
            ),
            Difference::ColumnUnclaimed { table, column } => (
                format!(
                    "column `{table}.{column}` is in {a} but {}",
                    expected.lacks("no field claims it")
                ),
                format!(
                    "add a field for it, or {}",
                    revision(format!("drop {table}.{column}"))
                ),
            ),
            Difference::ColumnType {
                table,
                column,
                actual,
                expected,
            } => (
                format!("column `{table}.{column}` is `{actual}` in {a} but `{expected}` in {e}"),
                revision(format!("alter {table}.{column}")),
            ),
            Difference::ColumnNullable {
                table,
                column,
                actual,
                ..
            } => {
                let (was, is) = match (actual, expected) {
                    (true, Expected::Structs) => {
                        ("nullable", "NOT NULL in the struct (not an `Option`)".into())
                    }
                    (false, Expected::Structs) => {
                        ("NOT NULL", "nullable in the struct (an `Option`)".into())
                    }
                    (true, Expected::Schema(name)) => ("nullable", format!("NOT NULL in {name}")),
                    (false, Expected::Schema(name)) => ("NOT NULL", format!("nullable in {name}")),
                };
                (
                    format!("column `{table}.{column}` is {was} in {a} but {is}"),
                    revision(format!("alter {table}.{column}")),
                )
            }
            Difference::ColumnDefault {
                table,
                column,
                actual,
                expected,
            } => (
                format!(
                    "column `{table}.{column}` has {} in {a} but {} in {e}",
                    describe_default(actual.as_ref()),
                    describe_default(expected.as_ref()),
                ),
                revision(format!("alter {table}.{column}")),
            ),
            Difference::ColumnGenerated {
                table,
                column,
                actual,
                expected,
            } => {
                // Two serials differ only in their sequence's name: name both.
                let named = matches!(
                    (actual, expected),
                    (Some(Generated::Serial { .. }), Some(Generated::Serial { .. }))
                );
                (
                    format!(
                        "column `{table}.{column}` is {} in {a} but {} in {e}",
                        describe_generated(actual.as_ref(), named),
                        describe_generated(expected.as_ref(), named),
                    ),
                    revision(format!("alter {table}.{column}")),
                )
            }
            Difference::PrimaryKey {
                table,
                actual,
                expected,
            } => {
                // The constraint name only matters when it is what differs.
                let same_name =
                    matches!((actual, expected), (Some(m), Some(s)) if m.name == s.name);
                let describe = |key: Option<&PrimaryKey>| match key {
                    Some(key) if same_name => format!("({})", key.columns.join(", ")),
                    key => describe_key(key),
                };
                (
                    format!(
                        "primary key of `{table}` is {} in {a} but {} in {e}",
                        describe(actual.as_ref()),
                        describe(expected.as_ref()),
                    ),
                    revision(format!("alter primary key of {table}")),
                )
            }
            Difference::Index {
                table,
                name,
                actual,
                expected,
            } => constraint_message(
                sides,
                &format!("index `{name}` on `{table}`"),
                actual.as_ref().map(describe_index),
                expected.as_ref().map(describe_index),
                &format!("index {name}"),
                "`index(...)`",
            ),
            Difference::Check {
                table,
                name,
                actual,
                expected,
            } => constraint_message(
                sides,
                &format!("check `{name}` on `{table}`"),
                actual.as_ref().map(|c| format!("CHECK ({})", c.expr)),
                expected.as_ref().map(|c| format!("CHECK ({})", c.expr)),
                &format!("check {name}"),
                "`check(...)`",
            ),
            Difference::ForeignKey {
                table,
                name,
                actual,
                expected,
            } => constraint_message(
                sides,
                &format!("foreign key `{name}` on `{table}`"),
                actual.as_ref().map(describe_foreign_key),
                expected.as_ref().map(describe_foreign_key),
                &format!("foreign key {name}"),
                "`references = ...`",
            ),
            Difference::ForeignKeyTarget {
                table,
                column,
                target,
            } => (
                format!(
                    "foreign key `{table}.{column}` references table `{target}`, which is not in {a}"
                ),
                format!(
                    "declare `{target}` with `#[watcher_table]` and {}, or correct `references`",
                    revision(format!("create table {target}"))
                ),
            ),
            Difference::ForeignKeyTargetColumn {
                table,
                column,
                target,
                target_column,
            } => (
                format!(
                    "foreign key `{table}.{column}` references column `{target}.{target_column}`, which is not in {a}"
                ),
                "name an existing column with `references_column = \"...\"`".to_string(),
            ),
            Difference::Unique {
                table,
                name,
                actual,
                expected,
            } => constraint_message(
                sides,
                &format!("unique constraint `{name}` on `{table}`"),
                actual
                    .as_ref()
                    .map(|u| format!("UNIQUE ({})", u.columns.join(", "))),
                expected
                    .as_ref()
                    .map(|u| format!("UNIQUE ({})", u.columns.join(", "))),
                &format!("unique {name}"),
                "`unique(...)`",
            ),
            Difference::EnumMissing { name } => (
                format!("enum type `{name}` is not in {a}"),
                revision(format!("create enum {name}")),
            ),
            Difference::EnumUnclaimed { name } => (
                format!(
                    "enum type `{name}` is in {a} but {}",
                    expected.lacks("no `#[watcher_enum]` declares it")
                ),
                format!(
                    "declare it with `#[watcher_enum]`, or {}",
                    revision(format!("drop enum {name}"))
                ),
            ),
            Difference::EnumLabelMissing { name, label } => (
                format!("label `{label}` of enum type `{name}` is not in {a}"),
                revision(format!("add {label} to {name}")),
            ),
            Difference::EnumLabelUnclaimed { name, label } => (
                format!(
                    "label `{label}` of enum type `{name}` is in {a} but {}",
                    expected.lacks("no variant has it")
                ),
                format!(
                    "add a variant for it, or {}",
                    revision(format!("remove {label} from {name}"))
                ),
            ),
            Difference::EnumLabelOrder {
                name,
                actual,
                expected: labels,
            } => (
                format!(
                    "labels of enum type `{name}` are ordered {} in {a} but {} in {}",
                    actual.join(", "),
                    labels.join(", "),
                    match expected {
                        Expected::Structs => "the enum",
                        Expected::Schema(name) => name,
                    }
                ),
                format!(
                    "the order is the type's sort order: reorder the variants, or {}",
                    revision(format!("reorder {name}"))
                ),
            ),
            Difference::Sequence {
                name,
                actual,
                expected,
            } => constraint_message(
                sides,
                &format!("sequence `{name}`"),
                actual.as_ref().map(describe_sequence),
                expected.as_ref().map(describe_sequence),
                &format!("sequence {name}"),
                "a migration",
            ),
        };
        match expected {
            Expected::Structs => format!("{what}\nhelp: {help}"),
            Expected::Schema(_) => what,
        }
    }
}

fn constraint_message(
    sides: &Sides,
    subject: &str,
    actual: Option<String>,
    expected: Option<String>,
    object: &str,
    attribute: &str,
) -> (String, String) {
    let (a, e) = (&sides.actual, sides.expected.noun());
    let revision = |verb: &str| format!("run `{REVISION_COMMAND} -m \"{verb} {object}\"`");
    match (actual, expected) {
        (None, _) => (format!("{subject} is not in {a}"), revision("add")),
        (Some(_), None) => (
            format!(
                "{subject} is in {a} but {}",
                sides.expected.lacks("the struct does not declare it")
            ),
            format!("declare it with {attribute}, or {}", revision("drop")),
        ),
        (Some(m), Some(s)) => (
            format!("{subject} is `{m}` in {a} but `{s}` in {e}"),
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

fn describe_generated(generated: Option<&Generated>, named: bool) -> String {
    match generated {
        Some(Generated::Serial { sequence }) if named => format!("serial (sequence `{sequence}`)"),
        Some(Generated::Serial { .. }) => "serial".into(),
        Some(Generated::IdentityAlways) => "an identity column (always)".into(),
        Some(Generated::IdentityByDefault) => "an identity column (by default)".into(),
        None => "not generated".into(),
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

fn describe_sequence(sequence: &Sequence) -> String {
    match &sequence.owned_by {
        Some((table, column)) => format!("{} OWNED BY {table}.{column}", sequence.ty),
        None => format!("{} OWNED BY NONE", sequence.ty),
    }
}

/// Compares two whole schemas: enums, then free-standing sequences (against a schema
/// only), then tables by name. The one entry point every caller but the macro uses.
pub fn compare(actual: &Schema, expected: &Schema, against: &Expected) -> Comparison {
    let mut out = Comparison::default();
    for item in expected.enums.values() {
        out.differences
            .extend(compare_enum(actual.enums.get(&item.name), item));
    }
    for name in actual.enums.keys() {
        if !expected.enums.contains_key(name) {
            out.differences
                .push(Difference::EnumUnclaimed { name: name.clone() });
        }
    }
    if let Expected::Schema(_) = against {
        for (name, a, e) in pairs(&actual.sequences, &expected.sequences) {
            out.differences.push(Difference::Sequence {
                name,
                actual: a,
                expected: e,
            });
        }
    }
    for table in expected.tables.values() {
        out.differences.extend(compare_table_in(actual, table));
        if let Some(old) = actual.table(&table.name) {
            out.column_order.extend(column_order(old, table));
        }
    }
    for name in actual.tables.keys() {
        if !expected.tables.contains_key(name) {
            out.differences.push(Difference::TableUnclaimed {
                table: name.clone(),
            });
        }
    }
    out
}

/// The columns both tables have, when their order differs.
fn column_order(actual: &Table, expected: &Table) -> Option<ColumnOrder> {
    let shared = |one: &Table, other: &Table| -> Vec<String> {
        one.columns
            .iter()
            .filter(|c| other.column(&c.name).is_some())
            .map(|c| c.name.clone())
            .collect()
    };
    let (a, e) = (shared(actual, expected), shared(expected, actual));
    (a != e).then(|| ColumnOrder {
        table: expected.name.clone(),
        actual: a,
        expected: e,
    })
}

/// Compares one table of the actual schema with the expected table of the same name.
pub fn compare_table(actual: &Table, expected: &Table) -> Vec<Difference> {
    let table = &expected.name;
    let mut out = Vec::new();
    for column in &expected.columns {
        let Some(old) = actual.column(&column.name) else {
            out.push(Difference::ColumnMissing {
                table: table.clone(),
                column: column.name.clone(),
            });
            continue;
        };
        let name = || column.name.clone();
        if old.ty != column.ty {
            out.push(Difference::ColumnType {
                table: table.clone(),
                column: name(),
                actual: old.ty.clone(),
                expected: column.ty.clone(),
            });
        }
        if old.nullable != column.nullable {
            out.push(Difference::ColumnNullable {
                table: table.clone(),
                column: name(),
                actual: old.nullable,
                expected: column.nullable,
            });
        }
        if old.default != column.default {
            out.push(Difference::ColumnDefault {
                table: table.clone(),
                column: name(),
                actual: old.default.clone(),
                expected: column.default.clone(),
            });
        }
        if old.generated != column.generated {
            out.push(Difference::ColumnGenerated {
                table: table.clone(),
                column: name(),
                actual: old.generated.clone(),
                expected: column.generated.clone(),
            });
        }
    }
    for column in &actual.columns {
        if expected.column(&column.name).is_none() {
            out.push(Difference::ColumnUnclaimed {
                table: table.clone(),
                column: column.name.clone(),
            });
        }
    }
    if actual.primary_key != expected.primary_key {
        out.push(Difference::PrimaryKey {
            table: table.clone(),
            actual: actual.primary_key.clone(),
            expected: expected.primary_key.clone(),
        });
    }
    for (name, a, e) in pairs(&actual.foreign_keys, &expected.foreign_keys) {
        out.push(Difference::ForeignKey {
            table: table.clone(),
            name,
            actual: a,
            expected: e,
        });
    }
    for (name, a, e) in pairs(&actual.uniques, &expected.uniques) {
        out.push(Difference::Unique {
            table: table.clone(),
            name,
            actual: a,
            expected: e,
        });
    }
    for (name, a, e) in pairs(&actual.checks, &expected.checks) {
        out.push(Difference::Check {
            table: table.clone(),
            name,
            actual: a,
            expected: e,
        });
    }
    for (name, a, e) in pairs(&actual.indexes, &expected.indexes) {
        out.push(Difference::Index {
            table: table.clone(),
            name,
            actual: a,
            expected: e,
        });
    }
    out
}

/// Compares an expected table (a struct's) with the actual schema: the table itself, or its
/// absence, and whether its foreign keys name tables and columns the actual schema has.
pub fn compare_table_in(actual: &Schema, expected: &Table) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut unknown_targets = Vec::new();
    for fk in expected.foreign_keys.values() {
        // A key to the table itself is checked against the expected table's own columns.
        let target = if fk.ref_table == expected.name {
            Some(expected)
        } else {
            actual.table(&fk.ref_table)
        };
        let column = fk.columns.join(", ");
        let difference = match target {
            None => Difference::ForeignKeyTarget {
                table: expected.name.clone(),
                column,
                target: fk.ref_table.clone(),
            },
            Some(target) => match fk.ref_columns.iter().find(|c| target.column(c).is_none()) {
                Some(missing) => Difference::ForeignKeyTargetColumn {
                    table: expected.name.clone(),
                    column,
                    target: fk.ref_table.clone(),
                    target_column: missing.clone(),
                },
                None => continue,
            },
        };
        unknown_targets.push(fk.name.clone());
        out.push(difference);
    }
    match actual.table(&expected.name) {
        None => out.insert(
            0,
            Difference::TableMissing {
                table: expected.name.clone(),
            },
        ),
        Some(old) => out.extend(compare_table(old, expected).into_iter().filter(|d| {
            // A key to an unknown table is reported once, as such, whether the actual
            // schema lacks the key or has it pointing elsewhere.
            !matches!(d, Difference::ForeignKey { name, .. } if unknown_targets.contains(name))
        })),
    }
    out
}

/// Compares an actual enum type (if any) with the expected one of the same name.
pub fn compare_enum(actual: Option<&EnumType>, expected: &EnumType) -> Vec<Difference> {
    let name = &expected.name;
    let Some(old) = actual else {
        return vec![Difference::EnumMissing { name: name.clone() }];
    };
    let mut out = Vec::new();
    for label in &expected.labels {
        if !old.labels.contains(label) {
            out.push(Difference::EnumLabelMissing {
                name: name.clone(),
                label: label.clone(),
            });
        }
    }
    for label in &old.labels {
        if !expected.labels.contains(label) {
            out.push(Difference::EnumLabelUnclaimed {
                name: name.clone(),
                label: label.clone(),
            });
        }
    }
    if out.is_empty() && old.labels != expected.labels {
        out.push(Difference::EnumLabelOrder {
            name: name.clone(),
            actual: old.labels.clone(),
            expected: expected.labels.clone(),
        });
    }
    out
}

/// Every name present on either side whose values differ: `(name, actual, expected)`.
fn pairs<T: Clone + PartialEq>(
    actual: &BTreeMap<String, T>,
    expected: &BTreeMap<String, T>,
) -> Vec<(String, Option<T>, Option<T>)> {
    let mut names: Vec<&String> = actual.keys().chain(expected.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (a, e) = (actual.get(name), expected.get(name));
            (a != e).then(|| (name.clone(), a.cloned(), e.cloned()))
        })
        .collect()
}

/// How `expected` differs from `actual`, column order included, one message per line in
/// this module's words (`-` is `actual`, `+` is `expected`); `None` when they are equal in
/// every respect. Tests print this instead of two `Debug` dumps.
pub fn describe_difference(actual: &Schema, expected: &Schema) -> Option<String> {
    let sides = Sides {
        actual: "`-`".into(),
        expected: Expected::Schema("`+`".into()),
    };
    let comparison = compare(actual, expected, &sides.expected);
    let mut lines = comparison.messages(&sides);
    lines.extend(comparison.column_order.iter().map(|o| o.message(&sides)));
    if lines.is_empty() && actual != expected {
        // A difference the rules above do not see is a bug here: never call them equal.
        lines.push(format!(
            "the schemas differ in a way `compare` does not see:\n- {actual:?}\n+ {expected:?}"
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, FkAction};

    static HEAD: std::sync::LazyLock<Sides> =
        std::sync::LazyLock::new(|| Sides::migrations(Some("20251005124405")));

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

    fn messages(drifts: &[Difference]) -> Vec<String> {
        drifts.iter().map(|d| d.message(&HEAD)).collect()
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
        assert!(drifts.iter().any(|d| d.message(&HEAD)
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
            [Difference::ForeignKeyTarget { target, .. }] if target == "pipeline_type"
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
            Difference::TableUnclaimed {
                table: "x".into()
            }
            .message(&Sides::migrations(None)),
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
            [Difference::EnumMissing {
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
            compare(&migrations, &structs, &Expected::Structs).differences,
            [
                Difference::EnumUnclaimed {
                    name: "old_enum".into()
                },
                Difference::TableUnclaimed {
                    table: "pipeline".into()
                },
            ]
        );
        assert_eq!(
            compare(&migrations, &migrations, &Expected::Structs).differences,
            []
        );
    }

    #[test]
    fn against_a_schema_the_words_name_it_and_sequences_count() {
        let sides = Sides {
            actual: "the database".into(),
            expected: Expected::Schema("revision 20251021195850".into()),
        };
        let mut database = Schema::default();
        database.tables.insert("pipeline".into(), pipeline());
        let mut revision = database.clone();
        let table = revision.table_mut("pipeline").unwrap();
        table.columns.retain(|c| c.name != "full_load");
        table.column_mut("name").unwrap().nullable = true;
        table.columns.swap(0, 1);
        revision.sequences.insert(
            "ticket".into(),
            Sequence {
                name: "ticket".into(),
                ty: SqlType::BigInt,
                owned_by: None,
            },
        );
        let comparison = compare(&database, &revision, &sides.expected);
        assert_eq!(
            comparison.messages(&sides),
            [
                "sequence `ticket` is not in the database",
                "column `pipeline.name` is NOT NULL in the database but nullable in revision 20251021195850",
                "column `pipeline.full_load` is in the database but not in revision 20251021195850",
            ]
        );
        assert_eq!(
            comparison.column_order[0].message(&sides),
            "columns of `pipeline` are ordered id, name, active in the database but name, id, active in revision 20251021195850 (not drift: PostgreSQL adds a column last and cannot move it)"
        );
        // The structs cannot declare a sequence: against them, none is compared.
        let structs = compare(&database, &revision, &Expected::Structs);
        assert_eq!(structs.differences.len(), 2);
    }
}

/// `diff` and the comparison agree: equal schemas give no operation that changes the shape,
/// and schemas the comparison tells apart give at least one.
#[cfg(test)]
mod agree_with_diff {
    use proptest::prelude::*;

    use super::*;
    use crate::diff::diff;
    use crate::op::Op;
    use crate::testing::strategy;

    fn shape_ops(a: &Schema, b: &Schema) -> Vec<Op> {
        diff(a, b)
            .into_iter()
            .filter(|op| !matches!(op, Op::Backfill { .. } | Op::Comment(_)))
            .collect()
    }

    fn against() -> Expected {
        Expected::Schema("the other".into())
    }

    proptest! {
        #[test]
        fn equal_exactly_when_diff_has_nothing_to_do((a, b) in strategy::schema_pair()) {
            let comparison = compare(&a, &b, &against());
            let ops = shape_ops(&a, &b);
            prop_assert_eq!(comparison.is_equal(), ops.is_empty(), "{:?}\n{:?}", comparison, ops);
        }

        #[test]
        fn column_order_is_information_not_a_difference(a in strategy::schema()) {
            let mut b = a.clone();
            for table in b.tables.values_mut() {
                table.columns.reverse();
            }
            let comparison = compare(&a, &b, &against());
            prop_assert!(comparison.is_equal(), "{:?}", comparison);
            prop_assert_eq!(shape_ops(&a, &b), vec![]);
            let reordered = a.tables.values().filter(|t| t.columns.len() > 1).count();
            prop_assert_eq!(comparison.column_order.len(), reordered);
        }
    }
}
