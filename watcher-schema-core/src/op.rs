//! Schema operations: what the diff produces, what `sql` renders, and what replay parses
//! SQL into. [`apply`] is the one definition of what each operation does to a [`Schema`].

use std::fmt;

use crate::model::{
    Check, Column, EnumType, Expr, ForeignKey, Generated, Index, PrimaryKey, Schema, Sequence,
    SqlType, Table, Unique,
};

/// The rows of a table that stop a migration at its [`Op::RefuseIfRows`] guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    /// Any row.
    Any,
    /// Rows where this column is NULL.
    Null(String),
    /// Rows sharing their values of these key elements (columns, or index expressions)
    /// with another row, all of them non-NULL (within `predicate`, for a partial index):
    /// a unique constraint or index over them fails.
    Duplicate {
        /// Key elements.
        columns: Vec<String>,
        /// A partial index's predicate.
        predicate: Option<crate::model::Expr>,
    },
    /// Rows whose non-NULL `columns` match no row of `ref_table` (MATCH SIMPLE): a foreign
    /// key over them fails.
    Orphan {
        /// Referencing columns.
        columns: Vec<String>,
        /// Referenced table.
        ref_table: String,
        /// Referenced columns.
        ref_columns: Vec<String>,
    },
    /// Rows for which this check expression is false: the check fails.
    Violating(crate::model::Expr),
}

/// A sequence, as [`Op::ContinueSequence`] names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SequenceOf {
    /// A sequence of the model, by name.
    Named(String),
    /// The identity column's own sequence, which the model does not name.
    Identity,
}

/// One schema change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `CREATE TYPE name AS ENUM (...)`.
    CreateEnum(EnumType),
    /// `DROP TYPE name`.
    DropEnum {
        /// Type name.
        name: String,
    },
    /// `ALTER TYPE name RENAME TO to`.
    RenameEnum {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER TYPE name ADD VALUE 'label' [BEFORE|AFTER 'other']`.
    AddEnumValue {
        /// Type name.
        name: String,
        /// New label.
        label: String,
        /// Where it goes; `None` appends.
        position: Option<LabelPosition>,
    },
    /// `ALTER TYPE name RENAME VALUE 'from' TO 'to'`.
    RenameEnumValue {
        /// Type name.
        name: String,
        /// Old label.
        from: String,
        /// New label.
        to: String,
    },
    /// `CREATE SEQUENCE name AS ty`.
    CreateSequence(Sequence),
    /// `ALTER SEQUENCE name OWNED BY table.column` (or `OWNED BY NONE`).
    SetSequenceOwner {
        /// Sequence name.
        name: String,
        /// New owner.
        owned_by: Option<(String, String)>,
    },
    /// `ALTER SEQUENCE from RENAME TO to`: a free-standing sequence, or a serial column's.
    RenameSequence {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER SEQUENCE name AS ty`: a sequence's type (and so its bounds) follows its
    /// column's, keeping its current value. For a serial's sequence the model already says
    /// it has the column's type, so this changes nothing there.
    AlterSequenceType {
        /// Sequence name.
        name: String,
        /// The new type.
        ty: SqlType,
    },
    /// `SELECT setval(...)`: the sequence `to` continues where `from` left off, and past
    /// the values `table.column` holds, so that a column given a new generation (serial to
    /// identity, or back) does not hand out the ids of deleted rows again. Changes no
    /// schema.
    ContinueSequence {
        /// Table name.
        table: String,
        /// The column both sequences number.
        column: String,
        /// The sequence whose next value is carried over.
        from: SequenceOf,
        /// The sequence that takes it.
        to: SequenceOf,
    },
    /// A stop sign a migration opens with: fails, before anything else runs, when `table`
    /// holds a row of the kind `rows` names, which a later step could not take (a way back
    /// that cannot restore a value, a constraint the rows break). Changes no schema;
    /// written as a read-only `DO` block that raises `reason`.
    RefuseIfRows {
        /// Table name.
        table: String,
        /// Which rows stop the migration.
        rows: Rows,
        /// What cannot be done, and what to do instead.
        reason: String,
    },
    /// `DROP SEQUENCE name`.
    DropSequence {
        /// Sequence name.
        name: String,
    },
    /// `CREATE TABLE` with columns, primary key, unique and check constraints, foreign
    /// keys and indexes (the renderer emits foreign keys and indexes as separate statements).
    CreateTable(Table),
    /// `DROP TABLE name`.
    DropTable {
        /// Table name.
        name: String,
    },
    /// `ALTER TABLE from RENAME TO to`.
    RenameTable {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER TABLE table ADD COLUMN column`.
    AddColumn {
        /// Table name.
        table: String,
        /// The new column.
        column: Column,
    },
    /// `ALTER TABLE table DROP COLUMN column`.
    DropColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// `ALTER TABLE table RENAME COLUMN from TO to`; keys, indexes, checks and index
    /// predicates that name the column follow it, as in PostgreSQL.
    RenameColumn {
        /// Table name.
        table: String,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER TABLE table ALTER COLUMN column TYPE ty [USING using]`.
    AlterColumnType {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// New type.
        ty: SqlType,
        /// Conversion expression.
        using: Option<crate::model::Expr>,
    },
    /// `ALTER TABLE table ALTER COLUMN column SET NOT NULL` / `DROP NOT NULL`.
    SetNullable {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// `true` for `DROP NOT NULL`.
        nullable: bool,
    },
    /// `ALTER TABLE table ALTER COLUMN column SET DEFAULT expr` / `DROP DEFAULT`.
    SetDefault {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// `None` for `DROP DEFAULT`.
        default: Option<crate::model::Expr>,
    },
    /// `ALTER TABLE table ALTER COLUMN column ADD GENERATED ... AS IDENTITY` / `DROP IDENTITY`,
    /// or serial folding done by hand.
    SetGenerated {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// New generation.
        generated: Option<Generated>,
    },
    /// `UPDATE table SET column = expr WHERE column IS NULL`: fills existing rows before a
    /// `SET NOT NULL`. No effect on the schema.
    Backfill {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// Value for existing rows.
        expr: crate::model::Expr,
    },
    /// `ALTER TABLE table ADD CONSTRAINT name PRIMARY KEY (...)`.
    AddPrimaryKey {
        /// Table name.
        table: String,
        /// The key.
        key: PrimaryKey,
    },
    /// `ALTER TABLE table ADD CONSTRAINT name FOREIGN KEY (...)`.
    AddForeignKey {
        /// Table name.
        table: String,
        /// The key.
        key: ForeignKey,
    },
    /// `ALTER TABLE table ADD CONSTRAINT name UNIQUE (...)`.
    AddUnique {
        /// Table name.
        table: String,
        /// The constraint.
        unique: Unique,
    },
    /// `ALTER TABLE table ADD CONSTRAINT name CHECK (...)`.
    AddCheck {
        /// Table name.
        table: String,
        /// The constraint.
        check: Check,
    },
    /// `ALTER TABLE table DROP CONSTRAINT name` (any kind).
    DropConstraint {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// `ALTER TABLE table RENAME CONSTRAINT from TO to`.
    RenameConstraint {
        /// Table name.
        table: String,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `CREATE INDEX [CONCURRENTLY] ...`.
    CreateIndex {
        /// Table name.
        table: String,
        /// The index.
        index: Index,
        /// Build without blocking writes (cannot run in a transaction).
        concurrently: bool,
    },
    /// `DROP INDEX [CONCURRENTLY] name`.
    DropIndex {
        /// Index name.
        name: String,
        /// Drop without blocking (cannot run in a transaction).
        concurrently: bool,
    },
    /// `ALTER INDEX from RENAME TO to`.
    RenameIndex {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// A `--` comment in the generated SQL: what a destructive step loses, say.
    Comment(String),
    /// `UPDATE table SET column = expr` on at most 5,000 rows still NULL (whose `expr` is
    /// not), skipping rows other sessions hold, marked `-- watcher:repeat`: the runner
    /// repeats it, each run its own short transaction, until it fills no row
    /// (docs/ONLINE.md). No effect on the schema.
    BackfillBatch {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// Value for existing rows.
        expr: crate::model::Expr,
    },
    /// An [`Op::AddCheck`] or [`Op::AddForeignKey`] written `NOT VALID`: rows written from
    /// now on are checked, existing ones only by a later [`Op::ValidateConstraint`].
    NotValid(Box<Op>),
    /// `ALTER TABLE table VALIDATE CONSTRAINT name`: checks the existing rows of a
    /// constraint added `NOT VALID`, without blocking writes. No effect on the schema.
    ValidateConstraint {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// `ALTER TABLE table ADD CONSTRAINT name {PRIMARY KEY | UNIQUE} USING INDEX index`: a
    /// unique index, built beforehand, becomes the constraint's index under its name.
    AddConstraintUsingIndex {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
        /// The unique index it takes over.
        index: String,
        /// `PRIMARY KEY` rather than `UNIQUE`.
        primary_key: bool,
    },
    /// A drop written `IF EXISTS` ([`Op::DropColumn`], [`Op::DropConstraint`],
    /// [`Op::DropIndex`]) or an [`Op::AddColumn`] written `IF NOT EXISTS`: it does nothing
    /// when its object is already gone (or there), so a down migration also undoes an up
    /// migration that stopped part way.
    IfExists(Box<Op>),
    /// `BEGIN;` the ops `COMMIT;`: steps that must happen together in an online migration.
    Transaction(Vec<Op>),
}

impl Op {
    /// Whether the op (or one inside it) cannot share a transaction with the rest of its
    /// migration: it builds or drops an index `CONCURRENTLY`, is a step of its own
    /// (`BEGIN`/`COMMIT`, a repeated batch), or validates rows without blocking writes.
    pub fn needs_own_step(&self) -> bool {
        match self {
            Op::CreateIndex { concurrently, .. } | Op::DropIndex { concurrently, .. } => {
                *concurrently
            }
            Op::IfExists(inner) => inner.needs_own_step(),
            Op::BackfillBatch { .. }
            | Op::NotValid(_)
            | Op::ValidateConstraint { .. }
            | Op::Transaction(_) => true,
            _ => false,
        }
    }
}

/// Where `ALTER TYPE ... ADD VALUE` puts the new label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelPosition {
    /// `BEFORE 'label'`.
    Before(String),
    /// `AFTER 'label'`.
    After(String),
}

/// Why an operation cannot apply to a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyError(pub String);

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ApplyError {}

macro_rules! fail {
    ($($arg:tt)*) => { return Err(ApplyError(format!($($arg)*))) };
}

fn table<'a>(schema: &'a mut Schema, name: &str) -> Result<&'a mut Table, ApplyError> {
    match schema.tables.get_mut(name) {
        Some(t) => Ok(t),
        None => fail!("table `{name}` does not exist"),
    }
}

fn column<'a>(table: &'a mut Table, name: &str) -> Result<&'a mut Column, ApplyError> {
    let tname = table.name.clone();
    match table.column_mut(name) {
        Some(c) => Ok(c),
        None => fail!("column `{tname}.{name}` does not exist"),
    }
}

fn check_columns(table: &Table, columns: &[String]) -> Result<(), ApplyError> {
    for c in columns {
        if table.column(c).is_none() {
            fail!("column `{}.{c}` does not exist", table.name);
        }
    }
    Ok(())
}

fn check_new_constraint(table: &Table, name: &str) -> Result<(), ApplyError> {
    if table.has_constraint(name) {
        fail!(
            "constraint `{name}` already exists on table `{}`",
            table.name
        );
    }
    Ok(())
}

fn check_new_relation(schema: &Schema, name: &str) -> Result<(), ApplyError> {
    if schema.tables.contains_key(name) {
        fail!("relation `{name}` already exists (a table)");
    }
    if schema.sequences.contains_key(name) || serial_sequence_exists(schema, name) {
        fail!("relation `{name}` already exists (a sequence)");
    }
    if schema.index_owner(name).is_some() || constraint_index_exists(schema, name) {
        fail!("relation `{name}` already exists (an index)");
    }
    Ok(())
}

fn serial_sequence_exists(schema: &Schema, name: &str) -> bool {
    schema.tables.values().any(|t| {
        t.columns.iter().any(
            |c| matches!(&c.generated, Some(Generated::Serial { sequence }) if sequence == name),
        )
    })
}

/// Primary key and unique constraints are backed by an index of the same name.
fn constraint_index_exists(schema: &Schema, name: &str) -> bool {
    schema.tables.values().any(|t| {
        t.primary_key.as_ref().is_some_and(|pk| pk.name == name) || t.uniques.contains_key(name)
    })
}

fn type_exists(schema: &Schema, ty: &SqlType) -> Result<(), ApplyError> {
    match ty {
        SqlType::Enum(name) if !schema.enums.contains_key(name) => {
            fail!("type `{name}` does not exist")
        }
        SqlType::Array(inner) => type_exists(schema, inner),
        _ => Ok(()),
    }
}

fn uses_enum(ty: &SqlType, name: &str) -> bool {
    match ty {
        SqlType::Enum(n) => n == name,
        SqlType::Array(inner) => uses_enum(inner, name),
        _ => false,
    }
}

fn rename_enum_in(ty: &mut SqlType, from: &str, to: &str) {
    match ty {
        SqlType::Enum(n) if n == from => *n = to.to_string(),
        SqlType::Array(inner) => rename_enum_in(inner, from, to),
        _ => {}
    }
}

/// Applies `rewrite` to the text of every expression of `t`: defaults, checks, index
/// predicates and index expressions.
fn rewrite_expressions(t: &mut Table, rewrite: impl Fn(&str) -> String) {
    let expr = |e: &Expr| Expr::new(&rewrite(e.as_str()));
    for c in &mut t.columns {
        c.default = c.default.as_ref().map(expr);
    }
    for check in t.checks.values_mut() {
        check.expr = expr(&check.expr);
    }
    for ix in t.indexes.values_mut() {
        ix.predicate = ix.predicate.as_ref().map(expr);
        for element in ix.columns.iter_mut().filter(|e| !is_plain_identifier(e)) {
            *element = rewrite(element);
        }
    }
}

fn rename_in(list: &mut [String], from: &str, to: &str) {
    for item in list {
        if item == from {
            *item = to.to_string();
        }
    }
}

/// Applies `op` to `schema`, as PostgreSQL would, refusing what PostgreSQL would refuse.
pub fn apply(schema: &mut Schema, op: &Op) -> Result<(), ApplyError> {
    match op {
        Op::CreateEnum(e) => {
            if schema.enums.contains_key(&e.name) {
                fail!("type `{}` already exists", e.name);
            }
            schema.enums.insert(e.name.clone(), e.clone());
        }
        Op::DropEnum { name } => {
            if !schema.enums.contains_key(name) {
                fail!("type `{name}` does not exist");
            }
            for t in schema.tables.values() {
                if let Some(c) = t.columns.iter().find(|c| uses_enum(&c.ty, name)) {
                    fail!(
                        "cannot drop type `{name}`: column `{}.{}` uses it",
                        t.name,
                        c.name
                    );
                }
            }
            schema.enums.remove(name);
        }
        Op::RenameEnum { from, to } => {
            let Some(mut e) = schema.enums.remove(from) else {
                fail!("type `{from}` does not exist");
            };
            if schema.enums.contains_key(to) {
                schema.enums.insert(from.clone(), e);
                fail!("type `{to}` already exists");
            }
            e.name = to.clone();
            schema.enums.insert(to.clone(), e);
            for t in schema.tables.values_mut() {
                for c in &mut t.columns {
                    rename_enum_in(&mut c.ty, from, to);
                }
                // PostgreSQL prints the casts of expressions under the type's new name.
                rewrite_expressions(t, |e| crate::expr::rename_cast_type(e, from, to));
            }
        }
        Op::AddEnumValue {
            name,
            label,
            position,
        } => {
            let Some(e) = schema.enums.get_mut(name) else {
                fail!("type `{name}` does not exist");
            };
            if e.labels.contains(label) {
                fail!("enum label `{label}` already exists in type `{name}`");
            }
            let at = match position {
                None => e.labels.len(),
                Some(LabelPosition::Before(other) | LabelPosition::After(other)) => {
                    let Some(i) = e.labels.iter().position(|l| l == other) else {
                        fail!("`{other}` is not an existing label of type `{name}`");
                    };
                    if matches!(position, Some(LabelPosition::After(_))) {
                        i + 1
                    } else {
                        i
                    }
                }
            };
            e.labels.insert(at, label.clone());
        }
        Op::RenameEnumValue { name, from, to } => {
            let Some(e) = schema.enums.get_mut(name) else {
                fail!("type `{name}` does not exist");
            };
            if e.labels.contains(to) {
                fail!("enum label `{to}` already exists in type `{name}`");
            }
            let Some(l) = e.labels.iter_mut().find(|l| *l == from) else {
                fail!("`{from}` is not an existing label of type `{name}`");
            };
            *l = to.clone();
            // Expressions hold the label, not its text: they print the new one.
            for t in schema.tables.values_mut() {
                rewrite_expressions(t, |e| crate::expr::rename_label(e, name, from, to));
            }
        }
        Op::CreateSequence(s) => {
            check_new_relation(schema, &s.name)?;
            schema.sequences.insert(s.name.clone(), s.clone());
        }
        Op::SetSequenceOwner { name, owned_by } => {
            if let Some((t, c)) = owned_by {
                let table = table(schema, t)?;
                column(table, c)?;
            }
            let Some(s) = schema.sequences.get_mut(name) else {
                fail!("sequence `{name}` does not exist");
            };
            s.owned_by = owned_by.clone();
        }
        Op::RenameSequence { from, to } => {
            check_new_relation(schema, to)?;
            if let Some(mut s) = schema.sequences.remove(from) {
                s.name = to.clone();
                schema.sequences.insert(to.clone(), s);
            } else if let Some(c) = schema
                .tables
                .values_mut()
                .flat_map(|t| t.columns.iter_mut())
                .find(|c| matches!(&c.generated, Some(Generated::Serial { sequence }) if sequence == from))
            {
                c.generated = Some(Generated::Serial {
                    sequence: to.clone(),
                });
            } else {
                fail!("sequence `{from}` does not exist");
            }
            // Defaults point at the sequence itself (regclass), so they follow the rename.
            let new = crate::model::nextval(to);
            for c in schema
                .tables
                .values_mut()
                .flat_map(|t| t.columns.iter_mut())
            {
                if c.default
                    .as_ref()
                    .and_then(crate::model::nextval_target)
                    .as_deref()
                    == Some(from)
                {
                    c.default = Some(new.clone());
                }
            }
        }
        Op::RefuseIfRows { table: t, .. } => {
            table(schema, t)?;
        }
        Op::ContinueSequence {
            table: tname,
            column: cname,
            from,
            to,
        } => {
            column(table(schema, tname)?, cname)?;
            for sequence in [from, to] {
                if let SequenceOf::Named(name) = sequence {
                    if !schema.sequences.contains_key(name) {
                        fail!("sequence `{name}` does not exist");
                    }
                }
            }
        }
        Op::AlterSequenceType { name, ty } => if let Some(s) = schema.sequences.get_mut(name) {
            s.ty = ty.clone();
        } else if let Some(c) = schema.tables.values().flat_map(|t| &t.columns).find(
            |c| matches!(&c.generated, Some(Generated::Serial { sequence }) if sequence == name),
        ) {
            if c.ty != *ty {
                fail!(
                    "sequence `{name}` of serial column `{}` must have its type `{}`",
                    c.name,
                    c.ty
                );
            }
        } else {
            fail!("sequence `{name}` does not exist");
        },
        Op::DropSequence { name } => {
            if schema.sequences.remove(name).is_none() {
                if serial_sequence_exists(schema, name) {
                    fail!("cannot drop sequence `{name}`: a serial column owns it (drop the column or its default first)");
                }
                fail!("sequence `{name}` does not exist");
            }
        }
        Op::CreateTable(t) => {
            check_new_relation(schema, &t.name)?;
            for c in &t.columns {
                type_exists(schema, &c.ty)?;
            }
            let mut names = std::collections::BTreeSet::new();
            for c in &t.columns {
                if !names.insert(&c.name) {
                    fail!("column `{}` specified more than once", c.name);
                }
            }
            let created = t.clone();
            let shell = Table {
                foreign_keys: Default::default(),
                indexes: Default::default(),
                ..created.clone()
            };
            schema.tables.insert(t.name.clone(), shell);
            for fk in created.foreign_keys.values() {
                apply(
                    schema,
                    &Op::AddForeignKey {
                        table: t.name.clone(),
                        key: fk.clone(),
                    },
                )
                .inspect_err(|_| {
                    schema.tables.remove(&t.name);
                })?;
            }
            for ix in created.indexes.values() {
                apply(
                    schema,
                    &Op::CreateIndex {
                        table: t.name.clone(),
                        index: ix.clone(),
                        concurrently: false,
                    },
                )
                .inspect_err(|_| {
                    schema.tables.remove(&t.name);
                })?;
            }
        }
        Op::DropTable { name } => {
            if !schema.tables.contains_key(name) {
                fail!("table `{name}` does not exist");
            }
            for t in schema.tables.values() {
                if t.name == *name {
                    continue;
                }
                if let Some(fk) = t.foreign_keys.values().find(|fk| fk.ref_table == *name) {
                    fail!(
                        "cannot drop table `{name}`: constraint `{}` on table `{}` depends on it",
                        fk.name,
                        t.name
                    );
                }
            }
            schema.tables.remove(name);
            schema
                .sequences
                .retain(|_, s| s.owned_by.as_ref().is_none_or(|(t, _)| t != name));
        }
        Op::RenameTable { from, to } => {
            if !schema.tables.contains_key(from) {
                fail!("table `{from}` does not exist");
            }
            check_new_relation(schema, to)?;
            let mut t = schema.tables.remove(from).expect("checked above");
            t.name = to.clone();
            schema.tables.insert(to.clone(), t);
            for t in schema.tables.values_mut() {
                for fk in t.foreign_keys.values_mut() {
                    if fk.ref_table == *from {
                        fk.ref_table = to.clone();
                    }
                }
            }
            for s in schema.sequences.values_mut() {
                if let Some((t, _)) = &mut s.owned_by {
                    if t == from {
                        *t = to.clone();
                    }
                }
            }
        }
        Op::AddColumn {
            table: tname,
            column: c,
        } => {
            type_exists(schema, &c.ty)?;
            if matches!(&c.generated, Some(Generated::Serial { .. })) && !c.ty.is_integer() {
                fail!(
                    "serial column `{tname}.{}` must have an integer type",
                    c.name
                );
            }
            if let Some(Generated::Serial { sequence }) = &c.generated {
                check_new_relation(schema, sequence)?;
            }
            let t = table(schema, tname)?;
            if t.column(&c.name).is_some() {
                fail!("column `{tname}.{}` already exists", c.name);
            }
            t.columns.push(c.clone());
        }
        Op::DropColumn {
            table: tname,
            column: cname,
        } => {
            let referenced_by = schema.tables.values().find_map(|t| {
                t.foreign_keys
                    .values()
                    .find(|fk| {
                        fk.ref_table == *tname && fk.ref_columns.contains(cname) && t.name != *tname
                    })
                    .map(|fk| (t.name.clone(), fk.name.clone()))
            });
            if let Some((other, fk)) = referenced_by {
                fail!("cannot drop column `{tname}.{cname}`: constraint `{fk}` on table `{other}` depends on it");
            }
            let t = table(schema, tname)?;
            column(t, cname)?;
            t.columns.retain(|c| c.name != *cname);
            // PostgreSQL drops every constraint and index that uses the column.
            let uses = |cols: &[String]| cols.iter().any(|c| c == cname);
            if t.primary_key.as_ref().is_some_and(|pk| uses(&pk.columns)) {
                t.primary_key = None;
            }
            t.foreign_keys.retain(|_, fk| {
                !(uses(&fk.columns) || fk.ref_table == *tname && uses(&fk.ref_columns))
            });
            t.uniques.retain(|_, u| !uses(&u.columns));
            t.checks
                .retain(|_, ck| !crate::expr::mentions_column(ck.expr.as_str(), cname));
            t.indexes.retain(|_, ix| {
                !uses(&ix.columns)
                    && !uses(&ix.include)
                    && !ix
                        .columns
                        .iter()
                        .any(|e| crate::expr::mentions_column(e, cname))
                    && !ix
                        .predicate
                        .as_ref()
                        .is_some_and(|p| crate::expr::mentions_column(p.as_str(), cname))
            });
            schema
                .sequences
                .retain(|_, s| s.owned_by.as_ref() != Some(&(tname.clone(), cname.clone())));
        }
        Op::RenameColumn {
            table: tname,
            from,
            to,
        } => {
            let t = table(schema, tname)?;
            if t.column(to).is_some() {
                fail!("column `{tname}.{to}` already exists");
            }
            column(t, from)?.name = to.clone();
            if let Some(pk) = &mut t.primary_key {
                rename_in(&mut pk.columns, from, to);
            }
            for fk in t.foreign_keys.values_mut() {
                rename_in(&mut fk.columns, from, to);
            }
            for u in t.uniques.values_mut() {
                rename_in(&mut u.columns, from, to);
            }
            for ix in t.indexes.values_mut() {
                rename_in(&mut ix.columns, from, to);
                rename_in(&mut ix.include, from, to);
                // PostgreSQL rewrites the expressions that read the column, too.
                for element in ix.columns.iter_mut().filter(|e| !is_plain_identifier(e)) {
                    *element = crate::expr::rename_column(element, from, to);
                }
                ix.predicate = ix.predicate.as_ref().map(|p| p.rename_column(from, to));
            }
            for check in t.checks.values_mut() {
                check.expr = check.expr.rename_column(from, to);
            }
            for other in schema.tables.values_mut() {
                for fk in other.foreign_keys.values_mut() {
                    if fk.ref_table == *tname {
                        rename_in(&mut fk.ref_columns, from, to);
                    }
                }
            }
            for s in schema.sequences.values_mut() {
                if s.owned_by.as_ref() == Some(&(tname.clone(), from.clone())) {
                    s.owned_by = Some((tname.clone(), to.clone()));
                }
            }
        }
        Op::AlterColumnType {
            table: tname,
            column: cname,
            ty,
            using: _,
        } => {
            type_exists(schema, ty)?;
            let t = table(schema, tname)?;
            column(t, cname)?.ty = ty.clone();
        }
        Op::SetNullable {
            table: tname,
            column: cname,
            nullable,
        } => {
            let t = table(schema, tname)?;
            let in_pk = t
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(cname));
            if *nullable && in_pk {
                fail!("column `{tname}.{cname}` is in a primary key");
            }
            column(t, cname)?.nullable = *nullable;
        }
        Op::SetDefault {
            table: tname,
            column: cname,
            default,
        } => {
            let t = table(schema, tname)?;
            let c = column(t, cname)?;
            if matches!(
                c.generated,
                Some(Generated::IdentityAlways | Generated::IdentityByDefault)
            ) && default.is_some()
            {
                fail!("column `{tname}.{cname}` is an identity column");
            }
            if let Some(Generated::Serial { sequence }) = c.generated.clone() {
                // Changing a serial column's default leaves a plain owned sequence behind.
                c.generated = None;
                let ty = c.ty.clone();
                schema.sequences.insert(
                    sequence.clone(),
                    Sequence {
                        name: sequence,
                        ty,
                        owned_by: Some((tname.clone(), cname.clone())),
                    },
                );
                let t = table(schema, tname)?;
                column(t, cname)?.default = default.clone();
            } else {
                c.default = default.clone();
            }
            schema.fold_serials();
        }
        Op::SetGenerated {
            table: tname,
            column: cname,
            generated,
        } => {
            let t = table(schema, tname)?;
            let c = column(t, cname)?;
            if generated.is_some() && !c.ty.is_integer() {
                fail!("column `{tname}.{cname}` must have an integer type to be generated");
            }
            if generated.is_some() && c.default.is_some() {
                fail!("column `{tname}.{cname}` already has a default");
            }
            c.generated = generated.clone();
            if matches!(
                generated,
                Some(Generated::IdentityAlways | Generated::IdentityByDefault)
            ) {
                c.nullable = false;
            }
        }
        Op::Backfill {
            table: tname,
            column: cname,
            ..
        } => {
            let t = table(schema, tname)?;
            column(t, cname)?;
        }
        Op::AddPrimaryKey { table: tname, key } => {
            check_new_relation(schema, &key.name)?;
            let t = table(schema, tname)?;
            if t.primary_key.is_some() {
                fail!("multiple primary keys for table `{tname}` are not allowed");
            }
            check_new_constraint(t, &key.name)?;
            check_columns(t, &key.columns)?;
            for c in &key.columns {
                column(t, c)?.nullable = false;
            }
            t.primary_key = Some(key.clone());
        }
        Op::AddForeignKey { table: tname, key } => {
            let Some(target) = schema.tables.get(&key.ref_table) else {
                fail!("referenced table `{}` does not exist", key.ref_table);
            };
            if key.ref_table != *tname {
                check_columns(target, &key.ref_columns)?;
            }
            let target_cols = key.ref_columns.clone();
            let t = table(schema, tname)?;
            if key.ref_table == *tname {
                check_columns(t, &target_cols)?;
            }
            check_new_constraint(t, &key.name)?;
            check_columns(t, &key.columns)?;
            if key.columns.len() != key.ref_columns.len() {
                fail!(
                    "foreign key `{}` has {} referencing and {} referenced columns",
                    key.name,
                    key.columns.len(),
                    key.ref_columns.len()
                );
            }
            t.foreign_keys.insert(key.name.clone(), key.clone());
        }
        Op::AddUnique {
            table: tname,
            unique,
        } => {
            check_new_relation(schema, &unique.name)?;
            let t = table(schema, tname)?;
            check_new_constraint(t, &unique.name)?;
            check_columns(t, &unique.columns)?;
            t.uniques.insert(unique.name.clone(), unique.clone());
        }
        Op::AddCheck {
            table: tname,
            check,
        } => {
            let t = table(schema, tname)?;
            check_new_constraint(t, &check.name)?;
            t.checks.insert(check.name.clone(), check.clone());
        }
        Op::DropConstraint { table: tname, name } => {
            let t = table(schema, tname)?;
            if t.primary_key.as_ref().is_some_and(|pk| pk.name == *name) {
                t.primary_key = None;
            } else if t.foreign_keys.remove(name).is_none()
                && t.uniques.remove(name).is_none()
                && t.checks.remove(name).is_none()
            {
                fail!("constraint `{name}` of table `{tname}` does not exist");
            }
        }
        Op::RenameConstraint {
            table: tname,
            from,
            to,
        } => {
            let t = table(schema, tname)?;
            check_new_constraint(t, to)?;
            if let Some(pk) = t.primary_key.as_mut().filter(|pk| pk.name == *from) {
                pk.name = to.clone();
            } else if let Some(mut fk) = t.foreign_keys.remove(from) {
                fk.name = to.clone();
                t.foreign_keys.insert(to.clone(), fk);
            } else if let Some(mut u) = t.uniques.remove(from) {
                u.name = to.clone();
                t.uniques.insert(to.clone(), u);
            } else if let Some(mut ck) = t.checks.remove(from) {
                ck.name = to.clone();
                t.checks.insert(to.clone(), ck);
            } else {
                fail!("constraint `{from}` of table `{tname}` does not exist");
            }
        }
        Op::CreateIndex {
            table: tname,
            index,
            concurrently: _,
        } => {
            check_new_relation(schema, &index.name)?;
            let t = table(schema, tname)?;
            let plain: Vec<String> = index
                .columns
                .iter()
                .filter(|c| is_plain_identifier(c))
                .cloned()
                .collect();
            check_columns(t, &plain)?;
            check_columns(t, &index.include)?;
            t.indexes.insert(index.name.clone(), index.clone());
        }
        Op::DropIndex { name, .. } => {
            let Some(owner) = schema.index_owner(name).map(str::to_string) else {
                if constraint_index_exists(schema, name) {
                    fail!("cannot drop index `{name}`: a constraint uses it (drop the constraint instead)");
                }
                fail!("index `{name}` does not exist");
            };
            table(schema, &owner)?.indexes.remove(name);
        }
        Op::RenameIndex { from, to } => {
            if let Some(owner) = schema.index_owner(from).map(str::to_string) {
                check_new_relation(schema, to)?;
                let t = table(schema, &owner)?;
                let mut ix = t.indexes.remove(from).expect("owner holds it");
                ix.name = to.clone();
                t.indexes.insert(to.clone(), ix);
            } else if constraint_index_exists(schema, from) {
                // Renaming a constraint's index renames the constraint.
                check_new_relation(schema, to)?;
                let owner = schema
                    .tables
                    .values()
                    .find(|t| t.has_constraint(from))
                    .map(|t| t.name.clone())
                    .expect("constraint exists");
                apply(
                    schema,
                    &Op::RenameConstraint {
                        table: owner,
                        from: from.clone(),
                        to: to.clone(),
                    },
                )?;
            } else {
                fail!("index `{from}` does not exist");
            }
        }
        Op::Comment(_) => {}
        Op::BackfillBatch {
            table: tname,
            column: cname,
            ..
        } => {
            let t = table(schema, tname)?;
            column(t, cname)?;
        }
        Op::NotValid(inner) => match **inner {
            Op::AddCheck { .. } | Op::AddForeignKey { .. } => apply(schema, inner)?,
            ref other => fail!("`NOT VALID` applies to a check or foreign key, not {other:?}"),
        },
        Op::ValidateConstraint { table: tname, name } => {
            let t = table(schema, tname)?;
            if !(t.checks.contains_key(name) || t.foreign_keys.contains_key(name)) {
                fail!("constraint `{name}` of table `{tname}` is not a foreign key or check constraint");
            }
        }
        Op::AddConstraintUsingIndex {
            table: tname,
            name,
            index,
            primary_key,
        } => {
            let t = table(schema, tname)?;
            let Some(ix) = t.indexes.get(index) else {
                fail!("index `{index}` of table `{tname}` does not exist");
            };
            let plain = ix.columns.iter().all(|c| is_plain_identifier(c));
            if !ix.unique
                || ix.method != "btree"
                || !plain
                || !ix.include.is_empty()
                || ix.predicate.is_some()
            {
                fail!("index `{index}` is not a plain unique btree index on columns: a constraint cannot use it");
            }
            let columns = ix.columns.clone();
            t.indexes.remove(index);
            let op = if *primary_key {
                Op::AddPrimaryKey {
                    table: tname.clone(),
                    key: PrimaryKey {
                        name: name.clone(),
                        columns,
                    },
                }
            } else {
                Op::AddUnique {
                    table: tname.clone(),
                    unique: Unique {
                        name: name.clone(),
                        columns,
                    },
                }
            };
            apply(schema, &op)?;
        }
        Op::IfExists(inner) => {
            let present = match &**inner {
                Op::DropColumn { table, column }
                | Op::AddColumn {
                    table,
                    column: Column { name: column, .. },
                } => schema
                    .table(table)
                    .is_some_and(|t| t.column(column).is_some()),
                Op::DropConstraint { table, name } => {
                    schema.table(table).is_some_and(|t| t.has_constraint(name))
                }
                Op::DropIndex { name, .. } => schema.index_owner(name).is_some(),
                other => fail!("`IF EXISTS` applies to a drop or an added column, not {other:?}"),
            };
            let adds = matches!(**inner, Op::AddColumn { .. });
            if present != adds {
                apply(schema, inner)?;
            }
        }
        Op::Transaction(ops) => {
            for op in ops {
                apply(schema, op)?;
            }
        }
    }
    Ok(())
}

/// A bare (possibly quoted) column name rather than an expression.
pub fn is_plain_identifier(s: &str) -> bool {
    let unquoted = s.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
    match unquoted {
        Some(inner) => !inner.is_empty(),
        None => {
            !s.is_empty()
                && s.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        }
    }
}
