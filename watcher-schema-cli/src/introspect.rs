//! Live catalog → [`Schema`]: reads the `public` namespace of a PostgreSQL database into the
//! model, for the online `check`, `stamp --from-alembic` and the tests that hold replay equal
//! to reality.
//!
//! One query per kind of object (enums, tables, columns, sequences, constraints, indexes), in
//! one read-only repeatable-read transaction, so the model is one consistent snapshot. The
//! queries go through Diesel's `sql_query`, on the connection every command uses. Expressions
//! come from `pg_get_expr`/`pg_get_indexdef` without pretty-printing: the form `pg_dump`
//! prints, so that replaying a dump and reading the catalog meet in [`Expr::new`].

use std::collections::BTreeMap;
use std::fmt;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::result::Error as DieselError;
use diesel::sql_types::{Array, Bool, Nullable, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};
use watcher_schema_core::model::{
    Check, Column, EnumType, Expr, FkAction, ForeignKey, Generated, Index, PrimaryKey, Schema,
    Sequence, SqlType, Table, Unique,
};
use watcher_schema_core::replay::{parse_type_name, Enums};

/// Diesel's migration ledger.
const DIESEL_LEDGER: &str = "__diesel_schema_migrations";

/// Prefix of watcher-schema's own bookkeeping tables (ledger, lock).
const WATCHER_PREFIX: &str = "__watcher";

/// Why the catalog could not be read into the model.
#[derive(Debug)]
pub enum IntrospectError {
    /// A catalog query failed.
    Query(DieselError),
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
            IntrospectError::Query(e) => write!(f, "reading the catalog failed: {e}"),
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

impl From<DieselError> for IntrospectError {
    fn from(e: DieselError) -> IntrospectError {
        IntrospectError::Query(e)
    }
}

/// Reads the `public` schema through `conn`: enum types, free sequences, and every table
/// (but the migration ledgers) with its columns, keys, checks and indexes.
///
/// Sequences owned by a column whose default is their `nextval` are folded into serial
/// columns ([`Schema::fold_serials`]), as `serial` itself would have made them.
pub fn introspect(conn: &mut PgConnection) -> Result<Schema, IntrospectError> {
    let mut schema = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            // Names in `public` then print unqualified in format_type and pg_get_expr.
            conn.batch_execute("SET LOCAL search_path = public")?;
            let mut schema = Schema {
                enums: read_enums(conn)?,
                ..Schema::default()
            };
            schema.tables = read_tables(conn)?;
            read_columns(conn, &mut schema.tables)?;
            schema.sequences = read_sequences(conn, &schema.tables)?;
            read_constraints(conn, &mut schema.tables)?;
            read_indexes(conn, &mut schema.tables)?;
            Ok::<_, IntrospectError>(schema)
        })?;
    schema.fold_serials();
    Ok(schema)
}

/// The migration ledgers are the runner's business, not the schema's.
fn is_ledger(table: &str) -> bool {
    table == DIESEL_LEDGER || table.starts_with(WATCHER_PREFIX)
}

#[derive(QueryableByName)]
struct EnumRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    label: Option<String>,
}

fn read_enums(conn: &mut PgConnection) -> Result<BTreeMap<String, EnumType>, IntrospectError> {
    let rows: Vec<EnumRow> = sql_query(
        "SELECT t.typname::text AS name, e.enumlabel::text AS label
         FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
         LEFT JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE n.nspname = 'public' AND t.typtype = 'e'
         ORDER BY t.typname, e.enumsortorder",
    )
    .load(conn)?;
    let mut enums = BTreeMap::new();
    for row in rows {
        let entry = enums.entry(row.name.clone()).or_insert_with(|| EnumType {
            name: row.name,
            labels: Vec::new(),
        });
        // An enum without labels comes back as one row with a NULL label.
        entry.labels.extend(row.label);
    }
    Ok(enums)
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Text)]
    name: String,
}

fn read_tables(conn: &mut PgConnection) -> Result<BTreeMap<String, Table>, IntrospectError> {
    let rows: Vec<NameRow> = sql_query(
        "SELECT c.relname::text AS name
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| row.name)
        .filter(|name| !is_ledger(name))
        .map(|name| (name.clone(), Table::new(name)))
        .collect())
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
    #[diesel(sql_type = Nullable<Text>)]
    default_expr: Option<String>,
    #[diesel(sql_type = Text)]
    identity: String,
    #[diesel(sql_type = Text)]
    generated: String,
    #[diesel(embed)]
    ty: TypeColumns,
}

/// A column's type as the catalog gives it: `format_type`, the type's `typtype` and name,
/// and for arrays the element's `typtype` and name.
#[derive(QueryableByName)]
struct TypeColumns {
    #[diesel(sql_type = Text)]
    formatted: String,
    #[diesel(sql_type = Text)]
    typtype: String,
    #[diesel(sql_type = Text)]
    typname: String,
    #[diesel(sql_type = Nullable<Text>)]
    element_typtype: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    element_typname: Option<String>,
}

fn read_columns(
    conn: &mut PgConnection,
    tables: &mut BTreeMap<String, Table>,
) -> Result<(), IntrospectError> {
    let rows: Vec<ColumnRow> = sql_query(
        "SELECT c.relname::text AS table_name, a.attname::text AS name, a.attnotnull AS not_null,
                pg_get_expr(d.adbin, d.adrelid) AS default_expr,
                a.attidentity::text AS identity, a.attgenerated::text AS generated,
                format_type(a.atttypid, a.atttypmod) AS formatted, t.typtype::text AS typtype,
                t.typname::text AS typname, et.typtype::text AS element_typtype,
                et.typname::text AS element_typname
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_type et ON t.typlen = -1 AND et.oid = t.typelem
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
           AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum",
    )
    .load(conn)?;
    for row in rows {
        let Some(table) = tables.get_mut(&row.table_name) else {
            continue;
        };
        let name = row.name;
        let object = || format!("column `{}.{name}`", table.name);
        if !row.generated.is_empty() {
            return Err(IntrospectError::Unsupported {
                object: object(),
                what: "a `GENERATED ALWAYS AS (...) STORED` expression".into(),
            });
        }
        let ty = column_type(&row.ty).ok_or_else(|| IntrospectError::Unsupported {
            object: object(),
            what: format!("type `{}`", row.ty.formatted),
        })?;
        let generated = match row.identity.as_str() {
            "a" => Some(Generated::IdentityAlways),
            "d" => Some(Generated::IdentityByDefault),
            _ => None,
        };
        table.columns.push(Column {
            name,
            ty,
            nullable: !row.not_null,
            default: row.default_expr.as_deref().map(Expr::new),
            generated,
        });
    }
    Ok(())
}

/// The column type. Enums are recognised by `typtype` rather than by name, so an enum
/// called `text` stays an enum.
fn column_type(ty: &TypeColumns) -> Option<SqlType> {
    let enum_or = |typtype: Option<&str>, name: Option<&str>, text: &str| match typtype {
        Some("e") => name.map(|n| SqlType::Enum(n.to_string())),
        _ => builtin_type(text),
    };
    match ty.formatted.strip_suffix("[]") {
        Some(element) => enum_or(
            ty.element_typtype.as_deref(),
            ty.element_typname.as_deref(),
            element,
        )
        .map(|ty| SqlType::Array(Box::new(ty))),
        None => enum_or(Some(&ty.typtype), Some(&ty.typname), &ty.formatted),
    }
}

/// A built-in type as `format_type` spells it, read by replay's type grammar (the one
/// parser of type names); `None` for a type the model cannot describe.
fn builtin_type(text: &str) -> Option<SqlType> {
    // No enum is known here: a name that is not built in is no type of the model's.
    let builtins = Schema::default();
    parse_type_name(text, Enums::In(&builtins))
        .ok()
        .filter(|parsed| !parsed.serial)
        .map(|parsed| parsed.ty)
}

#[derive(QueryableByName)]
struct SequenceRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    formatted: String,
    #[diesel(sql_type = Nullable<Text>)]
    owner_table: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    owner_column: Option<String>,
}

/// Sequences that are not an identity column's, with their type and `OWNED BY` column
/// (an auto dependency, `deptype = 'a'`, on a table column).
fn read_sequences(
    conn: &mut PgConnection,
    tables: &BTreeMap<String, Table>,
) -> Result<BTreeMap<String, Sequence>, IntrospectError> {
    let rows: Vec<SequenceRow> = sql_query(
        "SELECT s.relname::text AS name, format_type(q.seqtypid, NULL) AS formatted,
                t.relname::text AS owner_table, a.attname::text AS owner_column
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
    )
    .load(conn)?;
    let mut sequences = BTreeMap::new();
    for row in rows {
        let name = row.name;
        let owned_by = row.owner_table.zip(row.owner_column);
        if owned_by
            .as_ref()
            .is_some_and(|(t, _)| !tables.contains_key(t))
        {
            // Owned by a ledger table: bookkeeping, not schema.
            continue;
        }
        let ty = builtin_type(&row.formatted)
            .filter(SqlType::is_integer)
            .ok_or_else(|| IntrospectError::Unsupported {
                object: format!("sequence `{name}`"),
                what: format!("type `{}`", row.formatted),
            })?;
        sequences.insert(name.clone(), Sequence { name, ty, owned_by });
    }
    Ok(sequences)
}

#[derive(QueryableByName)]
struct ConstraintRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Array<Text>)]
    columns: Vec<String>,
    #[diesel(sql_type = Nullable<Text>)]
    ref_table: Option<String>,
    #[diesel(sql_type = Array<Text>)]
    ref_columns: Vec<String>,
    #[diesel(sql_type = Text)]
    on_delete: String,
    #[diesel(sql_type = Text)]
    on_update: String,
    #[diesel(sql_type = Nullable<Text>)]
    check_expr: Option<String>,
}

/// Primary keys, uniques, checks and foreign keys; key columns in key order.
fn read_constraints(
    conn: &mut PgConnection,
    tables: &mut BTreeMap<String, Table>,
) -> Result<(), IntrospectError> {
    let rows: Vec<ConstraintRow> = sql_query(
        "SELECT c.relname::text AS table_name, k.conname::text AS name, k.contype::text AS kind,
                ARRAY(SELECT a.attname::text
                      FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
                      ORDER BY u.ord) AS columns,
                r.relname::text AS ref_table,
                ARRAY(SELECT a.attname::text
                      FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum
                      ORDER BY u.ord) AS ref_columns,
                k.confdeltype::text AS on_delete, k.confupdtype::text AS on_update,
                pg_get_expr(k.conbin, k.conrelid) AS check_expr
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class r ON r.oid = k.confrelid
         WHERE n.nspname = 'public' AND k.contype IN ('p', 'u', 'c', 'f', 'x')
         ORDER BY c.relname, k.conname",
    )
    .load(conn)?;
    for row in rows {
        let Some(table) = tables.get_mut(&row.table_name) else {
            continue;
        };
        let (name, columns) = (row.name, row.columns);
        match row.kind.as_str() {
            "p" => table.primary_key = Some(PrimaryKey { name, columns }),
            "u" => {
                table.uniques.insert(name.clone(), Unique { name, columns });
            }
            "c" => {
                let expr = Expr::new(row.check_expr.as_deref().unwrap_or_default());
                table.checks.insert(name.clone(), Check { name, expr });
            }
            "f" => {
                let key = ForeignKey {
                    name: name.clone(),
                    columns,
                    ref_table: row.ref_table.unwrap_or_default(),
                    ref_columns: row.ref_columns,
                    on_delete: fk_action(&row.on_delete),
                    on_update: fk_action(&row.on_update),
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

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Text)]
    method: String,
    #[diesel(sql_type = Array<Text>)]
    keys: Vec<String>,
    #[diesel(sql_type = Array<Bool>)]
    is_expression: Vec<bool>,
    #[diesel(sql_type = Array<Text>)]
    include: Vec<String>,
    #[diesel(sql_type = Nullable<Text>)]
    predicate: Option<String>,
}

/// Indexes that back no constraint (those come with their constraint). Key columns come
/// back as names, key expressions as `pg_get_indexdef` prints them.
fn read_indexes(
    conn: &mut PgConnection,
    tables: &mut BTreeMap<String, Table>,
) -> Result<(), IntrospectError> {
    let rows: Vec<IndexRow> = sql_query(
        "SELECT c.relname::text AS table_name, i.relname::text AS name,
                x.indisunique AS is_unique, am.amname::text AS method,
                ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0
                                  THEN pg_get_indexdef(x.indexrelid, k, false)
                                  ELSE (SELECT a.attname::text FROM pg_attribute a
                                        WHERE a.attrelid = x.indrelid
                                          AND a.attnum = x.indkey[k - 1]) END
                      FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS keys,
                ARRAY(SELECT x.indkey[k - 1] = 0
                      FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS is_expression,
                ARRAY(SELECT a.attname::text
                      FROM generate_series(x.indnkeyatts + 1, x.indnatts) AS k
                      JOIN pg_attribute a ON a.attrelid = x.indrelid
                           AND a.attnum = x.indkey[k - 1]
                      ORDER BY k) AS include,
                pg_get_expr(x.indpred, x.indrelid) AS predicate
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class c ON c.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_am am ON am.oid = i.relam
         WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                           WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid
                             AND k.contype IN ('p', 'u', 'x'))",
    )
    .load(conn)?;
    for row in rows {
        let Some(table) = tables.get_mut(&row.table_name) else {
            continue;
        };
        let columns = row
            .keys
            .into_iter()
            .zip(row.is_expression)
            .map(|(key, expression)| {
                if expression {
                    Expr::new(&key).as_str().to_string()
                } else {
                    key
                }
            })
            .collect();
        let index = Index {
            name: row.name.clone(),
            unique: row.is_unique,
            method: row.method,
            columns,
            include: row.include,
            predicate: row.predicate.as_deref().map(Expr::new),
        };
        table.indexes.insert(row.name, index);
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
