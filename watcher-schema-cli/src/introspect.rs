//! Live catalog → [`Schema`]: reads the `public` namespace of a PostgreSQL database into the
//! model, for the online `check` and for tests that hold replay equal to reality.
//!
//! One query per kind of object (enums, tables, columns, sequences, constraints, indexes), in
//! one read-only repeatable-read transaction, so the model is one consistent snapshot.
//! Expressions come from `pg_get_expr`/`pg_get_indexdef` without pretty-printing: the form
//! `pg_dump` prints, so that replaying a dump and reading the catalog meet in [`Expr::new`].

use std::collections::BTreeMap;
use std::fmt;

use postgres::{Client, IsolationLevel, Row, Transaction};
use watcher_schema_core::model::{
    Check, Column, EnumType, Expr, FkAction, ForeignKey, Generated, Index, PrimaryKey, Schema,
    Sequence, SqlType, Table, Unique,
};

/// Diesel's migration ledger.
const DIESEL_LEDGER: &str = "__diesel_schema_migrations";

/// Prefix of watcher-schema's own bookkeeping tables (ledger, lock).
const WATCHER_PREFIX: &str = "__watcher";

/// Why the catalog could not be read into the model.
#[derive(Debug)]
pub enum IntrospectError {
    /// A catalog query failed.
    Query(postgres::Error),
    /// The database holds something the model cannot describe.
    Unsupported {
        /// The object, e.g. ``column `t.c` ``.
        object: String,
        /// What about it, e.g. ``type `inet` ``.
        what: String,
    },
}

impl fmt::Display for IntrospectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntrospectError::Query(e) => match e.as_db_error() {
                Some(db) => write!(f, "reading the catalog failed: {}", db.message()),
                None => write!(f, "reading the catalog failed: {e}"),
            },
            IntrospectError::Unsupported { object, what } => write!(
                f,
                "{object} has {what}, which watcher-schema's model cannot describe\n\
                 help: change it in the database, or manage that object outside watcher-schema"
            ),
        }
    }
}

impl std::error::Error for IntrospectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IntrospectError::Query(e) => Some(e),
            IntrospectError::Unsupported { .. } => None,
        }
    }
}

impl From<postgres::Error> for IntrospectError {
    fn from(e: postgres::Error) -> IntrospectError {
        IntrospectError::Query(e)
    }
}

/// Reads the `public` schema through `client`: enum types, free sequences, and every table
/// (but the migration ledgers) with its columns, keys, checks and indexes.
///
/// Sequences owned by a column whose default is their `nextval` are folded into serial
/// columns ([`Schema::fold_serials`]), as `serial` itself would have made them.
pub fn introspect(client: &mut Client) -> Result<Schema, IntrospectError> {
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    // Names in `public` then print unqualified in format_type and pg_get_expr.
    tx.batch_execute("SET LOCAL search_path = public")?;

    let mut schema = Schema {
        enums: read_enums(&mut tx)?,
        ..Schema::default()
    };
    schema.tables = read_tables(&mut tx)?;
    read_columns(&mut tx, &mut schema.tables)?;
    schema.sequences = read_sequences(&mut tx, &schema.tables)?;
    read_constraints(&mut tx, &mut schema.tables)?;
    read_indexes(&mut tx, &mut schema.tables)?;
    tx.commit()?;

    schema.fold_serials();
    Ok(schema)
}

/// The migration ledgers are the runner's business, not the schema's.
fn is_ledger(table: &str) -> bool {
    table == DIESEL_LEDGER || table.starts_with(WATCHER_PREFIX)
}

fn read_enums(tx: &mut Transaction<'_>) -> Result<BTreeMap<String, EnumType>, IntrospectError> {
    let rows = tx.query(
        "SELECT t.typname::text, e.enumlabel::text
         FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
         LEFT JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE n.nspname = 'public' AND t.typtype = 'e'
         ORDER BY t.typname, e.enumsortorder",
        &[],
    )?;
    let mut enums = BTreeMap::new();
    for row in rows {
        let name: String = row.get(0);
        let entry = enums.entry(name.clone()).or_insert_with(|| EnumType {
            name,
            labels: Vec::new(),
        });
        // An enum without labels comes back as one row with a NULL label.
        if let Some(label) = row.get::<_, Option<String>>(1) {
            entry.labels.push(label);
        }
    }
    Ok(enums)
}

fn read_tables(tx: &mut Transaction<'_>) -> Result<BTreeMap<String, Table>, IntrospectError> {
    let rows = tx.query(
        "SELECT c.relname::text
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|row| row.get::<_, String>(0))
        .filter(|name| !is_ledger(name))
        .map(|name| (name.clone(), Table::new(name)))
        .collect())
}

fn read_columns(
    tx: &mut Transaction<'_>,
    tables: &mut BTreeMap<String, Table>,
) -> Result<(), IntrospectError> {
    let rows = tx.query(
        "SELECT c.relname::text, a.attname::text, a.attnotnull,
                pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
                format_type(a.atttypid, a.atttypmod), t.typtype::text, t.typname::text,
                et.typtype::text, et.typname::text
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_type et ON t.typlen = -1 AND et.oid = t.typelem
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
           AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum",
        &[],
    )?;
    for row in rows {
        let Some(table) = tables.get_mut(row.get::<_, &str>(0)) else {
            continue;
        };
        let name: String = row.get(1);
        let object = || format!("column `{}.{name}`", table.name);
        if !row.get::<_, &str>(5).is_empty() {
            return Err(IntrospectError::Unsupported {
                object: object(),
                what: "a `GENERATED ALWAYS AS (...) STORED` expression".into(),
            });
        }
        let ty = column_type(&row, 6).ok_or_else(|| IntrospectError::Unsupported {
            object: object(),
            what: format!("type `{}`", row.get::<_, &str>(6)),
        })?;
        let generated = match row.get::<_, &str>(4) {
            "a" => Some(Generated::IdentityAlways),
            "d" => Some(Generated::IdentityByDefault),
            _ => None,
        };
        table.columns.push(Column {
            name,
            ty,
            nullable: !row.get::<_, bool>(2),
            default: row.get::<_, Option<&str>>(3).map(Expr::new),
            generated,
        });
    }
    Ok(())
}

/// The column type from a row holding, from `at` on: `format_type`, the type's `typtype`
/// and name, and for arrays the element's `typtype` and name. Enums are recognised by
/// `typtype` rather than by name, so an enum called `text` stays an enum.
fn column_type(row: &Row, at: usize) -> Option<SqlType> {
    let formatted: &str = row.get(at);
    let enum_or = |typtype: Option<&str>, name: Option<String>, text: &str| match typtype {
        Some("e") => name.map(SqlType::Enum),
        _ => builtin_type(text),
    };
    match formatted.strip_suffix("[]") {
        Some(element) => enum_or(row.get(at + 3), row.get(at + 4), element)
            .map(|ty| SqlType::Array(Box::new(ty))),
        None => enum_or(row.get(at + 1), row.get(at + 2), formatted),
    }
}

/// A built-in type as `format_type` spells it.
fn builtin_type(text: &str) -> Option<SqlType> {
    let ty = match text {
        "smallint" => SqlType::SmallInt,
        "integer" => SqlType::Integer,
        "bigint" => SqlType::BigInt,
        "boolean" => SqlType::Boolean,
        "real" => SqlType::Real,
        "double precision" => SqlType::Double,
        "numeric" => SqlType::Numeric(None),
        "character varying" => SqlType::Varchar(None),
        "text" => SqlType::Text,
        "date" => SqlType::Date,
        "time without time zone" => SqlType::Time,
        "timestamp without time zone" => SqlType::Timestamp,
        "timestamp with time zone" => SqlType::Timestamptz,
        "interval" => SqlType::Interval,
        "uuid" => SqlType::Uuid,
        "json" => SqlType::Json,
        "jsonb" => SqlType::Jsonb,
        "bytea" => SqlType::Bytea,
        _ => return modified_type(text),
    };
    Some(ty)
}

/// `numeric(p,s)`, `character varying(n)`, `character(n)`.
fn modified_type(text: &str) -> Option<SqlType> {
    let (base, args) = text.strip_suffix(')')?.split_once('(')?;
    let args: Vec<u32> = args
        .split(',')
        .map(|a| a.trim().parse().ok())
        .collect::<Option<_>>()?;
    match (base, args.as_slice()) {
        ("numeric", [p, s]) => Some(SqlType::Numeric(Some((*p, *s)))),
        ("character varying", [n]) => Some(SqlType::Varchar(Some(*n))),
        ("character", [n]) => Some(SqlType::Char(*n)),
        _ => None,
    }
}

/// Sequences that are not an identity column's, with their type and `OWNED BY` column
/// (an auto dependency, `deptype = 'a'`, on a table column).
fn read_sequences(
    tx: &mut Transaction<'_>,
    tables: &BTreeMap<String, Table>,
) -> Result<BTreeMap<String, Sequence>, IntrospectError> {
    let rows = tx.query(
        "SELECT s.relname::text, format_type(q.seqtypid, NULL), t.relname::text, a.attname::text
         FROM pg_class s
         JOIN pg_namespace n ON n.oid = s.relnamespace
         JOIN pg_sequence q ON q.seqrelid = s.oid
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
              AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
              AND d.deptype IN ('a', 'i')
         LEFT JOIN pg_class t ON t.oid = d.refobjid
         LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE n.nspname = 'public' AND s.relkind = 'S'
           AND d.deptype IS DISTINCT FROM 'i'",
        &[],
    )?;
    let mut sequences = BTreeMap::new();
    for row in rows {
        let name: String = row.get(0);
        let owned_by: Option<(String, String)> = row
            .get::<_, Option<String>>(2)
            .zip(row.get::<_, Option<String>>(3));
        if owned_by
            .as_ref()
            .is_some_and(|(t, _)| !tables.contains_key(t))
        {
            // Owned by a ledger table: bookkeeping, not schema.
            continue;
        }
        let ty = builtin_type(row.get(1))
            .filter(SqlType::is_integer)
            .ok_or_else(|| IntrospectError::Unsupported {
                object: format!("sequence `{name}`"),
                what: format!("type `{}`", row.get::<_, &str>(1)),
            })?;
        sequences.insert(name.clone(), Sequence { name, ty, owned_by });
    }
    Ok(sequences)
}

/// Primary keys, uniques, checks and foreign keys; key columns in key order.
fn read_constraints(
    tx: &mut Transaction<'_>,
    tables: &mut BTreeMap<String, Table>,
) -> Result<(), IntrospectError> {
    let rows = tx.query(
        "SELECT c.relname::text, k.conname::text, k.contype::text,
                ARRAY(SELECT a.attname::text
                      FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
                      ORDER BY u.ord),
                r.relname::text,
                ARRAY(SELECT a.attname::text
                      FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum
                      ORDER BY u.ord),
                k.confdeltype::text, k.confupdtype::text,
                pg_get_expr(k.conbin, k.conrelid)
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class r ON r.oid = k.confrelid
         WHERE n.nspname = 'public' AND k.contype IN ('p', 'u', 'c', 'f', 'x')
         ORDER BY c.relname, k.conname",
        &[],
    )?;
    for row in rows {
        let Some(table) = tables.get_mut(row.get::<_, &str>(0)) else {
            continue;
        };
        let name: String = row.get(1);
        let columns: Vec<String> = row.get(3);
        match row.get::<_, &str>(2) {
            "p" => table.primary_key = Some(PrimaryKey { name, columns }),
            "u" => {
                table.uniques.insert(name.clone(), Unique { name, columns });
            }
            "c" => {
                let expr = Expr::new(row.get::<_, Option<&str>>(8).unwrap_or_default());
                table.checks.insert(name.clone(), Check { name, expr });
            }
            "f" => {
                let key = ForeignKey {
                    name: name.clone(),
                    columns,
                    ref_table: row.get::<_, Option<String>>(4).unwrap_or_default(),
                    ref_columns: row.get(5),
                    on_delete: fk_action(row.get(6)),
                    on_update: fk_action(row.get(7)),
                };
                table.foreign_keys.insert(name, key);
            }
            _ => {
                return Err(IntrospectError::Unsupported {
                    object: format!("table `{}`", table.name),
                    what: format!("the exclusion constraint `{name}`"),
                })
            }
        }
    }
    Ok(())
}

/// `pg_constraint.confdeltype`/`confupdtype` codes.
fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// Indexes that back no constraint (those come with their constraint). Key columns come
/// back as names, key expressions as `pg_get_indexdef` prints them.
fn read_indexes(
    tx: &mut Transaction<'_>,
    tables: &mut BTreeMap<String, Table>,
) -> Result<(), IntrospectError> {
    let rows = tx.query(
        "SELECT c.relname::text, i.relname::text, x.indisunique, am.amname::text,
                ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0
                                  THEN pg_get_indexdef(x.indexrelid, k, false)
                                  ELSE (SELECT a.attname::text FROM pg_attribute a
                                        WHERE a.attrelid = x.indrelid
                                          AND a.attnum = x.indkey[k - 1]) END
                      FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k),
                ARRAY(SELECT x.indkey[k - 1] = 0
                      FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k),
                ARRAY(SELECT a.attname::text
                      FROM generate_series(x.indnkeyatts + 1, x.indnatts) AS k
                      JOIN pg_attribute a ON a.attrelid = x.indrelid
                           AND a.attnum = x.indkey[k - 1]
                      ORDER BY k),
                pg_get_expr(x.indpred, x.indrelid)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class c ON c.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_am am ON am.oid = i.relam
         WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                           WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid
                             AND k.contype IN ('p', 'u', 'x'))",
        &[],
    )?;
    for row in rows {
        let Some(table) = tables.get_mut(row.get::<_, &str>(0)) else {
            continue;
        };
        let name: String = row.get(1);
        let keys: Vec<String> = row.get(4);
        let is_expression: Vec<bool> = row.get(5);
        let columns = keys
            .into_iter()
            .zip(is_expression)
            .map(|(key, expression)| {
                if expression {
                    Expr::new(&key).as_str().to_string()
                } else {
                    key
                }
            })
            .collect();
        let index = Index {
            name: name.clone(),
            unique: row.get(2),
            method: row.get(3),
            columns,
            include: row.get(6),
            predicate: row.get::<_, Option<&str>>(7).map(Expr::new),
        };
        table.indexes.insert(name, index);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_format_type_spellings() {
        assert_eq!(
            builtin_type("numeric(12,4)"),
            Some(SqlType::Numeric(Some((12, 4))))
        );
        assert_eq!(
            builtin_type("character varying(150)"),
            Some(SqlType::Varchar(Some(150)))
        );
        assert_eq!(
            builtin_type("character varying"),
            Some(SqlType::Varchar(None))
        );
        assert_eq!(builtin_type("character(3)"), Some(SqlType::Char(3)));
        assert_eq!(
            builtin_type("timestamp with time zone"),
            Some(SqlType::Timestamptz)
        );
        assert_eq!(builtin_type("inet"), None);
        assert_eq!(builtin_type("timestamp(3) with time zone"), None);
        assert_eq!(builtin_type("character varying(x)"), None);
    }

    #[test]
    fn ledgers_are_not_schema() {
        assert!(is_ledger("__diesel_schema_migrations"));
        assert!(is_ledger("__watcher_migrations"));
        assert!(!is_ledger("watcher"));
        assert!(!is_ledger("_diesel_schema_migrations"));
    }
}
