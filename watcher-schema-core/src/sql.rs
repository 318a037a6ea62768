//! Step: [`Op`]s → readable, deterministic PostgreSQL text, the body of `up.sql`/`down.sql`
//! (a whole schema is [`crate::head::render_schema`]). Quotes through [`crate::quote`].
//!
//! Layout: one statement per line group, `;`-terminated, a blank line between statements,
//! column lists indented by two spaces, a trailing newline. Every constraint and index is
//! named explicitly, so PostgreSQL never has to choose a name. Each op renders to SQL whose
//! effect, replayed, is exactly [`crate::op::apply`] of that op.

use std::fmt::Write as _;

pub use crate::model::nextval;
pub use crate::quote::{quote_ident, quote_literal};

use crate::model::{
    default_sequence_name, Check, Column, Expr, FkAction, ForeignKey, Generated, Index, PrimaryKey,
    Sequence, Table, Unique,
};
use crate::op::{is_plain_identifier, LabelPosition, Op, Rows, SequenceOf};

/// Renders `ops` as a SQL script, one statement (or a few, see [`Op`]'s notes below) per op.
///
/// Ops PostgreSQL has no single statement for expand to several:
/// - a serial column whose sequence has a non-default name: `CREATE SEQUENCE`, the column
///   as a plain integer, `ALTER SEQUENCE ... OWNED BY`, `SET DEFAULT nextval(...)`;
/// - [`Op::SetDefault`] to `nextval(...)` also moves the sequence past the column's values;
/// - [`Op::SetGenerated`] to an identity first sets `NOT NULL` (PostgreSQL requires it) and
///   then moves the identity past the column's values. To `None` it renders `DROP IDENTITY`:
///   a serial column loses its serial through `SetDefault` + `DropSequence` instead. To
///   [`Generated::Serial`] it cannot know the column's type, so the sequence is `bigint`;
///   [`diff`](crate::diff::diff) therefore spells that change as `CreateSequence` + `SetSequenceOwner` + `SetDefault`.
pub fn render(ops: &[Op]) -> String {
    let mut out = String::new();
    let mut after_comment = false;
    for chunk in ops.iter().flat_map(render_op) {
        if !out.is_empty() && !after_comment {
            out.push('\n');
        }
        match chunk {
            Chunk::Comment(text) => {
                for line in text.lines() {
                    let _ = writeln!(out, "-- {line}");
                }
                after_comment = true;
            }
            Chunk::Statement(text) => {
                let _ = writeln!(out, "{text};");
                after_comment = false;
            }
        }
    }
    out
}

/// One piece of a rendered script.
enum Chunk {
    /// `-- text`, kept right above the statement that follows it.
    Comment(String),
    /// A statement without its `;`.
    Statement(String),
}

fn stmt(text: impl Into<String>) -> Chunk {
    Chunk::Statement(text.into())
}

fn render_op(op: &Op) -> Vec<Chunk> {
    match op {
        Op::CreateEnum(e) => {
            let labels: Vec<String> = e.labels.iter().map(|l| quote_literal(l)).collect();
            vec![stmt(format!(
                "CREATE TYPE {} AS ENUM {}",
                quote_ident(&e.name),
                indented_list(&labels)
            ))]
        }
        Op::DropEnum { name } => vec![stmt(format!("DROP TYPE {}", quote_ident(name)))],
        Op::RenameEnum { from, to } => vec![stmt(format!(
            "ALTER TYPE {} RENAME TO {}",
            quote_ident(from),
            quote_ident(to)
        ))],
        Op::AddEnumValue {
            name,
            label,
            position,
        } => {
            let mut s = format!(
                "ALTER TYPE {} ADD VALUE {}",
                quote_ident(name),
                quote_literal(label)
            );
            match position {
                Some(LabelPosition::Before(other)) => {
                    let _ = write!(s, " BEFORE {}", quote_literal(other));
                }
                Some(LabelPosition::After(other)) => {
                    let _ = write!(s, " AFTER {}", quote_literal(other));
                }
                None => {}
            }
            vec![stmt(s)]
        }
        Op::RenameEnumValue { name, from, to } => vec![stmt(format!(
            "ALTER TYPE {} RENAME VALUE {} TO {}",
            quote_ident(name),
            quote_literal(from),
            quote_literal(to)
        ))],
        Op::CreateSequence(seq) => create_sequence(seq),
        Op::SetSequenceOwner { name, owned_by } => {
            vec![set_sequence_owner(name, owned_by.as_ref())]
        }
        Op::RenameSequence { from, to } => vec![stmt(format!(
            "ALTER SEQUENCE {} RENAME TO {}",
            quote_ident(from),
            quote_ident(to)
        ))],
        Op::RefuseIfRows {
            table,
            rows,
            reason,
        } => vec![stmt(format!(
            "DO $guard$\nBEGIN\n  IF EXISTS ({}) THEN\n    \
             RAISE EXCEPTION {};\n  END IF;\nEND\n$guard$",
            select_rows(table, rows, true),
            // RAISE formats `%`: a literal one is written `%%`.
            quote_literal(&reason.replace('%', "%%"))
        ))],
        Op::ContinueSequence {
            table,
            column,
            from,
            to,
        } => {
            let sequence = |s: &SequenceOf| match s {
                SequenceOf::Named(name) => quote_literal(&quote_ident(name)),
                SequenceOf::Identity => format!(
                    "pg_get_serial_sequence({}, {})",
                    quote_literal(&quote_ident(table)),
                    quote_literal(column)
                ),
            };
            vec![stmt(format!(
                "SELECT setval({}, greatest(coalesce(max({c}), 0) + 1, nextval({})), false) FROM {t}",
                sequence(to),
                sequence(from),
                c = quote_ident(column),
                t = quote_ident(table)
            ))]
        }
        Op::AlterSequenceType { name, ty } => vec![stmt(format!(
            "ALTER SEQUENCE {} AS {ty}",
            quote_ident(name)
        ))],
        Op::DropSequence { name } => vec![stmt(format!("DROP SEQUENCE {}", quote_ident(name)))],
        Op::CreateTable(table) => create_table(table),
        Op::DropTable { name } => vec![stmt(format!("DROP TABLE {}", quote_ident(name)))],
        Op::RenameTable { from, to } => vec![stmt(format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_ident(from),
            quote_ident(to)
        ))],
        Op::AddColumn { table, column } => add_column(table, column),
        Op::DropColumn { table, column } => vec![stmt(format!(
            "{} DROP COLUMN {}",
            alter_table(table),
            quote_ident(column)
        ))],
        Op::RenameColumn { table, from, to } => vec![stmt(format!(
            "{} RENAME COLUMN {} TO {}",
            alter_table(table),
            quote_ident(from),
            quote_ident(to)
        ))],
        Op::AlterColumnType {
            table,
            column,
            ty,
            using,
        } => {
            let mut s = format!("{} TYPE {ty}", alter_column(table, column));
            if let Some(using) = using {
                let _ = write!(s, " USING {using}");
            }
            vec![stmt(s)]
        }
        Op::SetNullable {
            table,
            column,
            nullable,
        } => vec![set_nullable(table, column, *nullable)],
        Op::SetDefault {
            table,
            column,
            default,
        } => set_default(table, column, default.as_ref()),
        Op::SetGenerated {
            table,
            column,
            generated,
        } => set_generated(table, column, generated.as_ref()),
        Op::Backfill {
            table,
            column,
            expr,
        } => vec![stmt(format!(
            "UPDATE {} SET {c} = {expr} WHERE {c} IS NULL",
            quote_ident(table),
            c = quote_ident(column)
        ))],
        Op::AddPrimaryKey { table, key } => vec![add_constraint(table, &primary_key(key))],
        Op::AddForeignKey { table, key } => vec![add_constraint(table, &foreign_key(key))],
        Op::AddUnique { table, unique: u } => vec![add_constraint(table, &unique(u))],
        Op::AddCheck { table, check: c } => vec![add_constraint(table, &check(c))],
        Op::DropConstraint { table, name } => vec![stmt(format!(
            "{} DROP CONSTRAINT {}",
            alter_table(table),
            quote_ident(name)
        ))],
        Op::RenameConstraint { table, from, to } => vec![stmt(format!(
            "{} RENAME CONSTRAINT {} TO {}",
            alter_table(table),
            quote_ident(from),
            quote_ident(to)
        ))],
        Op::CreateIndex {
            table,
            index,
            concurrently,
        } => vec![create_index(table, index, *concurrently)],
        Op::DropIndex { name, concurrently } => vec![stmt(format!(
            "DROP INDEX {}{}",
            if *concurrently { "CONCURRENTLY " } else { "" },
            quote_ident(name)
        ))],
        Op::RenameIndex { from, to } => vec![stmt(format!(
            "ALTER INDEX {} RENAME TO {}",
            quote_ident(from),
            quote_ident(to)
        ))],
        Op::Comment(text) => vec![Chunk::Comment(text.clone())],
        Op::BackfillBatch {
            table,
            column,
            expr,
        } => {
            let (t, c) = (quote_ident(table), quote_ident(column));
            vec![
                Chunk::Comment(REPEAT_MARKER.to_string()),
                stmt(format!(
                    "UPDATE {t} SET {c} = {expr} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {t} \
                     WHERE {c} IS NULL AND ({expr}) IS NOT NULL LIMIT {BATCH_ROWS} FOR UPDATE \
                     SKIP LOCKED))"
                )),
            ]
        }
        Op::NotValid(inner) => render_op(inner)
            .into_iter()
            .map(|chunk| match chunk {
                Chunk::Statement(text) => stmt(format!("{text} NOT VALID")),
                comment => comment,
            })
            .collect(),
        Op::ValidateConstraint { table, name } => vec![stmt(format!(
            "{} VALIDATE CONSTRAINT {}",
            alter_table(table),
            quote_ident(name)
        ))],
        Op::AddConstraintUsingIndex {
            table,
            name,
            index,
            primary_key,
        } => vec![stmt(format!(
            "{} ADD CONSTRAINT {} {} USING INDEX {}",
            alter_table(table),
            quote_ident(name),
            if *primary_key {
                "PRIMARY KEY"
            } else {
                "UNIQUE"
            },
            quote_ident(index)
        ))],
        Op::IfExists(inner) => if_exists(inner),
        Op::Transaction(ops) => {
            // One chunk, so that no blank line splits the transaction in the file.
            let mut text = String::from("BEGIN;");
            for chunk in ops.iter().flat_map(render_op) {
                match chunk {
                    Chunk::Comment(c) => c.lines().for_each(|l| {
                        let _ = write!(text, "\n-- {l}");
                    }),
                    Chunk::Statement(s) => {
                        let _ = write!(text, "\n{s};");
                    }
                }
            }
            text.push_str("\nCOMMIT");
            vec![stmt(text)]
        }
    }
}

/// The comment line that marks the next `UPDATE` as repeated until it fills no row.
pub const REPEAT_MARKER: &str = "watcher:repeat";

/// Rows one repeated batch fills: the longest any write of the service waits on it.
pub const BATCH_ROWS: usize = 1000;

/// `op` with `IF EXISTS` (a drop) or `IF NOT EXISTS` (an added column) after its object key word.
fn if_exists(op: &Op) -> Vec<Chunk> {
    let (text, key, guard) = match op {
        Op::AddColumn { .. } => (render_op(op), " ADD COLUMN ", " ADD COLUMN IF NOT EXISTS "),
        Op::DropColumn { .. } => (render_op(op), " DROP COLUMN ", " DROP COLUMN IF EXISTS "),
        Op::DropConstraint { .. } => (
            render_op(op),
            " DROP CONSTRAINT ",
            " DROP CONSTRAINT IF EXISTS ",
        ),
        Op::DropIndex { concurrently, .. } => (
            render_op(op),
            if *concurrently {
                "DROP INDEX CONCURRENTLY "
            } else {
                "DROP INDEX "
            },
            if *concurrently {
                "DROP INDEX CONCURRENTLY IF EXISTS "
            } else {
                "DROP INDEX IF EXISTS "
            },
        ),
        other => return render_op(other),
    };
    // The key words come before any identifier or literal, so the first match is theirs.
    text.into_iter()
        .map(|chunk| match chunk {
            Chunk::Statement(s) => stmt(s.replacen(key, guard, 1)),
            comment => comment,
        })
        .collect()
}

/// `(\n  a,\n  b\n)`, or `()` for an empty list.
fn indented_list(items: &[String]) -> String {
    if items.is_empty() {
        return "()".to_string();
    }
    let mut s = String::from("(\n");
    for (i, item) in items.iter().enumerate() {
        let sep = if i + 1 == items.len() { "" } else { "," };
        let _ = writeln!(s, "  {item}{sep}");
    }
    s.push(')');
    s
}

/// `a, b` with each name quoted as needed.
fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn alter_table(table: &str) -> String {
    format!("ALTER TABLE {}", quote_ident(table))
}

fn alter_column(table: &str, column: &str) -> String {
    format!(
        "{} ALTER COLUMN {}",
        alter_table(table),
        quote_ident(column)
    )
}

fn add_constraint(table: &str, definition: &str) -> Chunk {
    stmt(format!("{} ADD {definition}", alter_table(table)))
}

fn primary_key(key: &PrimaryKey) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY ({})",
        quote_ident(&key.name),
        ident_list(&key.columns)
    )
}

fn unique(u: &Unique) -> String {
    format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_ident(&u.name),
        ident_list(&u.columns)
    )
}

fn check(c: &Check) -> String {
    format!("CONSTRAINT {} CHECK ({})", quote_ident(&c.name), c.expr)
}

fn foreign_key(key: &ForeignKey) -> String {
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_ident(&key.name),
        ident_list(&key.columns),
        quote_ident(&key.ref_table),
        ident_list(&key.ref_columns)
    );
    if key.on_delete != FkAction::NoAction {
        let _ = write!(s, " ON DELETE {}", key.on_delete.as_sql());
    }
    if key.on_update != FkAction::NoAction {
        let _ = write!(s, " ON UPDATE {}", key.on_update.as_sql());
    }
    s
}

fn create_index(table: &str, index: &Index, concurrently: bool) -> Chunk {
    let mut s = String::from("CREATE ");
    if index.unique {
        s.push_str("UNIQUE ");
    }
    s.push_str("INDEX ");
    if concurrently {
        s.push_str("CONCURRENTLY ");
    }
    let _ = write!(s, "{} ON {}", quote_ident(&index.name), quote_ident(table));
    if index.method != "btree" {
        let _ = write!(s, " USING {}", index.method);
    }
    let elements: Vec<String> = index.columns.iter().map(|e| index_element(e)).collect();
    let _ = write!(s, " ({})", elements.join(", "));
    if !index.include.is_empty() {
        let _ = write!(s, " INCLUDE ({})", ident_list(&index.include));
    }
    if let Some(predicate) = &index.predicate {
        let _ = write!(s, " WHERE {predicate}");
    }
    stmt(s)
}

/// The query for the rows of `table` that `rows` names: with `probe`, `SELECT 1 ...` (a
/// guard's test); otherwise the one a guard's message tells the user to run to find them.
pub fn select_rows(table: &str, rows: &Rows, probe: bool) -> String {
    let from = quote_ident(table);
    let star = if probe { "1" } else { "*" };
    match rows {
        Rows::Any => format!("SELECT {star} FROM {from}"),
        Rows::Null(column) => format!(
            "SELECT {star} FROM {from} WHERE {} IS NULL",
            quote_ident(column)
        ),
        Rows::Duplicate { columns, predicate } => {
            let elements: Vec<String> = columns.iter().map(|c| index_element(c)).collect();
            // NULLs never collide in a unique index: rows holding one are left out.
            let mut filter: Vec<String> = elements
                .iter()
                .map(|e| {
                    if is_plain_identifier(e) {
                        format!("{e} IS NOT NULL")
                    } else {
                        format!("({e}) IS NOT NULL")
                    }
                })
                .collect();
            filter.extend(predicate.iter().map(|p| format!("({})", p.as_str())));
            let filter = filter.join(" AND ");
            let count = |key: &str| {
                if probe {
                    "1".to_string()
                } else {
                    format!("{key}, count(*)")
                }
            };
            if elements.iter().all(|e| is_plain_identifier(e)) {
                let key = elements.join(", ");
                return format!(
                    "SELECT {} FROM {from} WHERE {filter} GROUP BY {key} HAVING count(*) > 1",
                    count(&key)
                );
            }
            // An expression is grouped by as a column of a subquery: PostgreSQL reads a
            // constant in `GROUP BY` as a position, or refuses it.
            let keys: Vec<String> = (1..=elements.len()).map(|i| format!("k{i}")).collect();
            let inner: Vec<String> = elements
                .iter()
                .zip(&keys)
                .map(|(e, k)| format!("{e} AS {k}"))
                .collect();
            let key = keys.join(", ");
            format!(
                "SELECT {} FROM (SELECT {} FROM {from} WHERE {filter}) AS d GROUP BY {key} \
                 HAVING count(*) > 1",
                count(&key),
                inner.join(", ")
            )
        }
        Rows::Orphan {
            columns,
            ref_table,
            ref_columns,
        } => {
            // MATCH SIMPLE: a row with a NULL in the key references nothing and passes.
            let present = columns
                .iter()
                .map(|c| format!("c.{} IS NOT NULL", quote_ident(c)));
            let matched = columns
                .iter()
                .zip(ref_columns)
                .map(|(c, r)| format!("p.{} = c.{}", quote_ident(r), quote_ident(c)))
                .collect::<Vec<_>>()
                .join(" AND ");
            let what = if probe { "1" } else { "c.*" };
            format!(
                "SELECT {what} FROM {from} AS c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} AS p WHERE {matched})",
                present.collect::<Vec<_>>().join(" AND "),
                quote_ident(ref_table)
            )
        }
        // A check passes on NULL: only a false result breaks it.
        Rows::Violating(expr) => format!("SELECT {star} FROM {from} WHERE NOT ({})", expr.as_str()),
    }
}

/// A key element is a column name (quoted as needed) or an expression written as is.
fn index_element(element: &str) -> String {
    if is_plain_identifier(element) && !element.starts_with('"') {
        quote_ident(element).into_owned()
    } else {
        element.to_string()
    }
}

fn create_sequence(seq: &Sequence) -> Vec<Chunk> {
    let mut out = vec![stmt(format!(
        "CREATE SEQUENCE {} AS {}",
        quote_ident(&seq.name),
        seq.ty
    ))];
    if let Some(owner) = &seq.owned_by {
        out.push(set_sequence_owner(&seq.name, Some(owner)));
    }
    out
}

fn set_sequence_owner(name: &str, owned_by: Option<&(String, String)>) -> Chunk {
    let owner = match owned_by {
        Some((table, column)) => format!("{}.{}", quote_ident(table), quote_ident(column)),
        None => "NONE".to_string(),
    };
    stmt(format!(
        "ALTER SEQUENCE {} OWNED BY {owner}",
        quote_ident(name)
    ))
}

fn set_nullable(table: &str, column: &str, nullable: bool) -> Chunk {
    let action = if nullable { "DROP" } else { "SET" };
    stmt(format!("{} {action} NOT NULL", alter_column(table, column)))
}

fn set_default(table: &str, column: &str, default: Option<&Expr>) -> Vec<Chunk> {
    let Some(default) = default else {
        return vec![stmt(format!(
            "{} DROP DEFAULT",
            alter_column(table, column)
        ))];
    };
    let mut out = vec![stmt(format!(
        "{} SET DEFAULT {default}",
        alter_column(table, column)
    ))];
    // A column that starts drawing from a sequence must not be handed values it already
    // holds; `greatest(.., nextval)` also never moves a shared sequence backwards.
    if let Some(sequence) = crate::model::nextval_target(default) {
        let seq = quote_literal(&quote_ident(&sequence));
        out.push(stmt(format!(
            "SELECT setval({seq}, greatest(coalesce(max({c}), 0) + 1, nextval({seq})), false) FROM {t}",
            c = quote_ident(column),
            t = quote_ident(table)
        )));
    }
    out
}

fn set_generated(table: &str, column: &str, generated: Option<&Generated>) -> Vec<Chunk> {
    let alter = alter_column(table, column);
    match generated {
        None => vec![stmt(format!("{alter} DROP IDENTITY"))],
        Some(Generated::Serial { sequence }) => {
            let seq = quote_ident(sequence);
            let mut out = vec![stmt(format!("CREATE SEQUENCE {seq}"))];
            out.push(set_sequence_owner(
                sequence,
                Some(&(table.to_string(), column.to_string())),
            ));
            out.extend(set_default(table, column, Some(&nextval(sequence))));
            out
        }
        Some(identity) => {
            let kind = identity_kind(identity);
            vec![
                set_nullable(table, column, false),
                stmt(format!("{alter} ADD {kind} AS IDENTITY")),
                // A new identity starts at 1; rows already hold values.
                stmt(format!(
                    "SELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({c}), 0) + 1, false) FROM {t}",
                    quote_literal(&quote_ident(table)),
                    quote_literal(column),
                    c = quote_ident(column),
                    t = quote_ident(table)
                )),
            ]
        }
    }
}

fn identity_kind(generated: &Generated) -> &'static str {
    match generated {
        Generated::IdentityAlways => "GENERATED ALWAYS",
        _ => "GENERATED BY DEFAULT",
    }
}

/// A serial column whose sequence name is the one `serial` itself would choose.
fn default_serial(table: &str, column: &Column) -> Option<&'static str> {
    match &column.generated {
        Some(Generated::Serial { sequence })
            if *sequence == default_sequence_name(table, &column.name) =>
        {
            column.ty.serial_name()
        }
        _ => None,
    }
}

/// The sequence of a serial column that `serial` cannot create (a non-default name).
fn explicit_sequence<'a>(table: &str, column: &'a Column) -> Option<&'a str> {
    match &column.generated {
        Some(Generated::Serial { sequence }) if default_serial(table, column).is_none() => {
            Some(sequence)
        }
        _ => None,
    }
}

/// `name type [NOT NULL] [DEFAULT expr | GENERATED ... AS IDENTITY]`, with `not_null`
/// deciding whether `NOT NULL` is written (adding a column to a full table may not).
fn column_definition(table: &str, column: &Column, not_null: bool) -> String {
    let name = quote_ident(&column.name);
    if let Some(serial) = default_serial(table, column) {
        // `serial` is always NOT NULL; a nullable one drops it afterwards.
        return format!("{name} {serial} NOT NULL");
    }
    let mut s = format!("{name} {}", column.ty);
    let identity = matches!(
        column.generated,
        Some(Generated::IdentityAlways | Generated::IdentityByDefault)
    );
    if identity || (not_null && !column.nullable) {
        s.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        let _ = write!(s, " DEFAULT {default}");
    }
    if let Some(generated) = column.generated.as_ref().filter(|_| identity) {
        let _ = write!(s, " {} AS IDENTITY", identity_kind(generated));
    }
    s
}

/// Statements that finish a column `column_definition` could not fully express.
fn finish_column(table: &str, column: &Column, fill: bool) -> Vec<Chunk> {
    let mut out = Vec::new();
    if let Some(sequence) = explicit_sequence(table, column) {
        out.push(set_sequence_owner(
            sequence,
            Some(&(table.to_string(), column.name.clone())),
        ));
        let default = nextval(sequence);
        out.push(stmt(format!(
            "{} SET DEFAULT {default}",
            alter_column(table, &column.name)
        )));
        if fill {
            out.push(stmt(format!(
                "UPDATE {} SET {c} = {default} WHERE {c} IS NULL",
                quote_ident(table),
                c = quote_ident(&column.name)
            )));
            if !column.nullable {
                out.push(set_nullable(table, &column.name, false));
            }
        }
    } else if default_serial(table, column).is_some() && column.nullable {
        out.push(set_nullable(table, &column.name, true));
    }
    out
}

fn create_sequence_for(table: &str, column: &Column) -> Option<Chunk> {
    explicit_sequence(table, column).map(|sequence| {
        stmt(format!(
            "CREATE SEQUENCE {} AS {}",
            quote_ident(sequence),
            column.ty
        ))
    })
}

fn create_table(table: &Table) -> Vec<Chunk> {
    let name = &table.name;
    let mut out: Vec<Chunk> = table
        .columns
        .iter()
        .filter_map(|c| create_sequence_for(name, c))
        .collect();
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_definition(name, c, true))
        .collect();
    lines.extend(table.primary_key.iter().map(primary_key));
    // CREATE TABLE silently drops a unique constraint that repeats the primary key or an
    // earlier one; ALTER TABLE keeps it, so such a constraint is added afterwards.
    let mut keys: Vec<Vec<&String>> = table
        .primary_key
        .iter()
        .map(|pk| sorted(&pk.columns))
        .collect();
    let mut repeated = Vec::new();
    for u in table.uniques.values() {
        let columns = sorted(&u.columns);
        if keys.contains(&columns) {
            repeated.push(add_constraint(name, &unique(u)));
        } else {
            keys.push(columns);
            lines.push(unique(u));
        }
    }
    lines.extend(table.checks.values().map(check));
    out.push(stmt(format!(
        "CREATE TABLE {} {}",
        quote_ident(name),
        indented_list(&lines)
    )));
    out.extend(repeated);
    for column in &table.columns {
        out.extend(finish_column(name, column, false));
    }
    out.extend(
        table
            .foreign_keys
            .values()
            .map(|fk| add_constraint(name, &foreign_key(fk))),
    );
    out.extend(
        table
            .indexes
            .values()
            .map(|ix| create_index(name, ix, false)),
    );
    out
}

fn sorted(columns: &[String]) -> Vec<&String> {
    let mut v: Vec<&String> = columns.iter().collect();
    v.sort_unstable();
    v
}

fn add_column(table: &str, column: &Column) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = create_sequence_for(table, column).into_iter().collect();
    // A non-default serial is added nullable, filled from its sequence, then made NOT NULL.
    let not_null = explicit_sequence(table, column).is_none();
    out.push(stmt(format!(
        "{} ADD COLUMN {}",
        alter_table(table),
        column_definition(table, column, not_null)
    )));
    out.extend(finish_column(table, column, true));
    out
}

#[cfg(test)]
mod tests;
