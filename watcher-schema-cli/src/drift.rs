//! Two schemas → readable differences, for `check` and `stamp --from-alembic`: the diff's
//! operations described by name, saying what each side has.

use postgres::Client;
use watcher_schema_core::diff::diff;
use watcher_schema_core::model::{Column, Schema};
use watcher_schema_core::op::Op;

use crate::introspect::{introspect, IntrospectError};

/// What the two compared schemas are, as messages name them.
#[derive(Debug, Clone, Copy)]
pub struct Sides<'a> {
    /// The schema compared from (`the migrations`, `the database`).
    pub from: &'a str,
    /// The schema compared to (`the structs`, `revision 2025…`).
    pub to: &'a str,
}

/// Alembic's bookkeeping table, left behind in databases adopted with `stamp --from-alembic`.
pub const ALEMBIC_VERSION: &str = "alembic_version";

/// The live database as a model, without Alembic's bookkeeping table (the runner's ledger is
/// left out by introspection itself).
pub fn live_schema(client: &mut Client) -> Result<Schema, IntrospectError> {
    let mut schema = introspect(client)?;
    schema.tables.remove(ALEMBIC_VERSION);
    Ok(schema)
}

/// One line per difference between `from` and `to`, in the diff's order; empty when equal.
pub fn differences(from: &Schema, to: &Schema, sides: Sides<'_>) -> Vec<String> {
    let mut lines: Vec<String> = diff(from, to)
        .iter()
        .filter_map(|op| describe(op, from, sides))
        .collect();
    if lines.is_empty() && from != to {
        // The diff sees no operation for a difference the model holds (a sequence's
        // owner, say): still never report equal schemas that are not.
        lines.push(format!(
            "{} and {} differ in a way no migration operation expresses",
            sides.from, sides.to
        ));
    }
    lines
}

fn column<'a>(schema: &'a Schema, table: &str, column: &str) -> Option<&'a Column> {
    schema.table(table).and_then(|t| t.column(column))
}

fn describe(op: &Op, from: &Schema, s: Sides<'_>) -> Option<String> {
    let (a, b) = (s.from, s.to);
    Some(match op {
        Op::CreateEnum(e) => format!("enum type `{}` is in {b} but not in {a}", e.name),
        Op::DropEnum { name } => format!("enum type `{name}` is in {a} but not in {b}"),
        Op::RenameEnum { from, to } => {
            format!("enum type `{from}` in {a} is called `{to}` in {b}")
        }
        Op::AddEnumValue { name, label, .. } => {
            format!("enum type `{name}` has label `{label}` in {b} but not in {a}")
        }
        Op::RenameEnumValue { name, from, to } => {
            format!("enum type `{name}` label `{from}` in {a} is `{to}` in {b}")
        }
        Op::CreateSequence(seq) => format!("sequence `{}` is in {b} but not in {a}", seq.name),
        Op::DropSequence { name } => format!("sequence `{name}` is in {a} but not in {b}"),
        Op::RenameSequence { from, to } => {
            format!("sequence `{from}` in {a} is called `{to}` in {b}")
        }
        Op::SetSequenceOwner { name, .. } => {
            format!("sequence `{name}` has a different owner in {b} than in {a}")
        }
        Op::CreateTable(t) => format!("table `{}` is in {b} but not in {a}", t.name),
        Op::DropTable { name } => format!("table `{name}` is in {a} but not in {b}"),
        Op::RenameTable { from, to } => format!("table `{from}` in {a} is called `{to}` in {b}"),
        Op::AddColumn { table, column: c } => {
            format!("column `{table}.{}` is in {b} but not in {a}", c.name)
        }
        Op::DropColumn { table, column } => {
            format!("column `{table}.{column}` is in {a} but not in {b}")
        }
        Op::RenameColumn { table, from, to } => {
            format!("column `{table}.{from}` in {a} is called `{to}` in {b}")
        }
        Op::AlterColumnType {
            table,
            column: c,
            ty,
            ..
        } => match column(from, table, c) {
            Some(old) => format!(
                "column `{table}.{c}` is `{ty}` in {b} but `{}` in {a}",
                old.ty
            ),
            None => format!("column `{table}.{c}` is `{ty}` in {b}"),
        },
        Op::SetNullable {
            table,
            column,
            nullable,
        } => {
            let (there, here) = if *nullable {
                ("nullable", "NOT NULL")
            } else {
                ("NOT NULL", "nullable")
            };
            format!("column `{table}.{column}` is {there} in {b} but {here} in {a}")
        }
        Op::SetDefault {
            table,
            column: c,
            default,
        } => {
            let old = column(from, table, c).and_then(|col| col.default.as_ref());
            let show = |d: Option<&watcher_schema_core::model::Expr>| {
                d.map_or("no default".to_string(), |d| format!("default `{d}`"))
            };
            format!(
                "column `{table}.{c}` has {} in {b} but {} in {a}",
                show(default.as_ref()),
                show(old)
            )
        }
        Op::SetGenerated { table, column, .. } => {
            format!("column `{table}.{column}` is generated differently in {b} than in {a}")
        }
        Op::AddPrimaryKey { table, key } => format!(
            "table `{table}` has primary key `{}` ({}) in {b} but not in {a}",
            key.name,
            key.columns.join(", ")
        ),
        Op::AddForeignKey { table, key } => format!(
            "foreign key `{}` on `{table}` ({}) is in {b} but not in {a}",
            key.name,
            key.columns.join(", ")
        ),
        Op::AddUnique { table, unique } => format!(
            "unique constraint `{}` on `{table}` is in {b} but not in {a}",
            unique.name
        ),
        Op::AddCheck { table, check } => format!(
            "check constraint `{}` on `{table}` is in {b} but not in {a}",
            check.name
        ),
        Op::DropConstraint { table, name } => {
            format!("constraint `{name}` on `{table}` is in {a} but not in {b}")
        }
        Op::RenameConstraint { table, from, to } => {
            format!("constraint `{from}` on `{table}` in {a} is called `{to}` in {b}")
        }
        Op::CreateIndex { table, index, .. } => {
            format!(
                "index `{}` on `{table}` is in {b} but not in {a}",
                index.name
            )
        }
        Op::DropIndex { name, .. } => format!("index `{name}` is in {a} but not in {b}"),
        Op::RenameIndex { from, to } => format!("index `{from}` in {a} is called `{to}` in {b}"),
        // None of these changes the shape of the schema, or the diff never emits it.
        Op::Backfill { .. }
        | Op::Comment(_)
        | Op::BackfillBatch { .. }
        | Op::NotValid(_)
        | Op::ValidateConstraint { .. }
        | Op::AddConstraintUsingIndex { .. }
        | Op::IfExists(_)
        | Op::Transaction(_) => return None,
    })
}
