//! Proptest strategies for random valid schemas. Names come from small pools, so two
//! independent schemas share many tables, columns and enums and their diff is rich:
//! type, default, nullability, serial/identity, key, index and label changes.
//!
//! Valid means PostgreSQL would accept the schema: enum types exist before use, primary
//! key columns are NOT NULL, serial and identity columns are integers, foreign keys
//! reference a one-column primary key of the same type, relation names never collide.
//! Pool names include a key word, an upper-case name and a quote, to exercise quoting.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::subsequence;

use crate::model::{
    default_fkey_name, default_pkey_name, default_sequence_name, Check, Column, EnumType, Expr,
    FkAction, ForeignKey, Generated, Index, PrimaryKey, Schema, Sequence, SqlType, Table, Unique,
};
use crate::sql::{quote_ident, quote_literal};

const TABLES: [&str; 6] = ["t0", "t1", "t2", "t3", "Order", "user"];
const COLUMNS: [&str; 7] = ["id", "c1", "c2", "c3", "c4", "Note", "select"];
const ENUMS: [&str; 3] = ["e0", "e1", "Mood"];
const LABELS: [&str; 5] = ["a", "b", "c", "d", "it's"];
const SEQUENCES: [&str; 2] = ["fs0", "fs1"];

#[derive(Debug, Clone)]
struct RawColumn {
    name: usize,
    ty: u8,
    nullable: bool,
    default: bool,
    generated: u8,
}

#[derive(Debug, Clone)]
struct RawIndex {
    /// Names come from a pool of three per table, so that two schemas often hold the
    /// same index under another name: a rename.
    name: u8,
    columns: Vec<u8>,
    include: Vec<u8>,
    unique: bool,
    predicate: Option<u8>,
}

#[derive(Debug, Clone)]
struct RawTable {
    name: usize,
    columns: Vec<RawColumn>,
    primary_key: Vec<u8>,
    /// A primary key named `<table>_pkey` or `pk_<table>`.
    custom_pkey_name: bool,
    /// `(name, columns)`.
    uniques: Vec<(u8, Vec<u8>)>,
    /// `(name, column)`.
    checks: Vec<(u8, u8)>,
    indexes: Vec<RawIndex>,
    foreign_keys: Vec<RawForeignKey>,
}

/// `(target table, column, ON DELETE CASCADE)`.
type RawForeignKey = (u8, u8, bool);

/// `(bigint, owner (table, column))` per pooled sequence name.
type RawSequence = (bool, Option<(u8, u8)>);

fn raw_column() -> impl Strategy<Value = RawColumn> {
    (
        0..COLUMNS.len(),
        any::<u8>(),
        any::<bool>(),
        prop::bool::weighted(0.3),
        0u8..12,
    )
        .prop_map(|(name, ty, nullable, default, generated)| RawColumn {
            name,
            ty,
            nullable,
            default,
            generated,
        })
}

fn raw_index() -> impl Strategy<Value = RawIndex> {
    (
        any::<u8>(),
        vec(any::<u8>(), 1..3),
        vec(any::<u8>(), 0..2),
        any::<bool>(),
        option::of(any::<u8>()),
    )
        .prop_map(|(name, columns, include, unique, predicate)| RawIndex {
            name,
            columns,
            include,
            unique,
            predicate,
        })
}

fn raw_table() -> impl Strategy<Value = RawTable> {
    (
        0..TABLES.len(),
        vec(raw_column(), 1..6),
        (vec(any::<u8>(), 0..3), prop::bool::weighted(0.2)),
        vec((any::<u8>(), vec(any::<u8>(), 1..3)), 0..2),
        vec((any::<u8>(), any::<u8>()), 0..2),
        vec(raw_index(), 0..3),
        vec((any::<u8>(), any::<u8>(), any::<bool>()), 0..3),
    )
        .prop_map(
            |(
                name,
                columns,
                (primary_key, custom_pkey_name),
                uniques,
                checks,
                indexes,
                foreign_keys,
            )| RawTable {
                name,
                columns,
                primary_key,
                custom_pkey_name,
                uniques,
                checks,
                indexes,
                foreign_keys,
            },
        )
}

fn labels() -> impl Strategy<Value = Vec<String>> {
    subsequence(LABELS.to_vec(), 1..=4)
        .prop_shuffle()
        .prop_map(|l| l.into_iter().map(String::from).collect())
}

/// A random valid schema (see the module docs).
pub fn schema() -> impl Strategy<Value = Schema> {
    (
        vec(option::of(labels()), ENUMS.len()),
        vec(raw_table(), 1..7),
        vec(
            option::of((any::<bool>(), option::of((any::<u8>(), any::<u8>())))),
            SEQUENCES.len(),
        ),
    )
        .prop_map(|(enums, tables, sequences)| build(enums, tables, sequences))
}

/// Two independent random schemas over the same name pools: a migration's `from` and `to`.
pub fn schema_pair() -> impl Strategy<Value = (Schema, Schema)> {
    (schema(), schema())
}

fn pick<T>(items: &[T], raw: u8) -> Option<&T> {
    (!items.is_empty()).then(|| &items[usize::from(raw) % items.len()])
}

/// Distinct picks from `items`, in the order first picked.
fn pick_distinct(items: &[String], raws: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in raws {
        if let Some(item) = pick(items, *raw) {
            if !out.contains(item) {
                out.push(item.clone());
            }
        }
    }
    out
}

fn build(
    enums: Vec<Option<Vec<String>>>,
    raw_tables: Vec<RawTable>,
    sequences: Vec<Option<RawSequence>>,
) -> Schema {
    let mut schema = Schema::default();
    for (name, labels) in ENUMS.iter().zip(enums) {
        if let Some(labels) = labels {
            let name = name.to_string();
            schema.enums.insert(name.clone(), EnumType { name, labels });
        }
    }
    let mut types = vec![
        SqlType::SmallInt,
        SqlType::Integer,
        SqlType::BigInt,
        SqlType::Boolean,
        SqlType::Text,
        SqlType::Varchar(Some(20)),
        SqlType::Varchar(Some(50)),
        SqlType::Numeric(Some((12, 4))),
        SqlType::Timestamptz,
        SqlType::Jsonb,
        SqlType::Uuid,
        SqlType::Date,
        SqlType::Array(Box::new(SqlType::Integer)),
    ];
    for name in schema.enums.keys() {
        types.push(SqlType::Enum(name.clone()));
        types.push(SqlType::Array(Box::new(SqlType::Enum(name.clone()))));
    }
    let mut raw_fks = Vec::new();
    for raw in raw_tables {
        let name = TABLES[raw.name];
        if schema.tables.contains_key(name) {
            continue;
        }
        let table = build_table(name, &raw, &types, &schema);
        raw_fks.push((name, raw.foreign_keys));
        schema.tables.insert(name.to_string(), table);
    }
    add_foreign_keys(&mut schema, raw_fks);
    for (name, raw) in SEQUENCES.iter().zip(sequences) {
        let Some((bigint, owner)) = raw else {
            continue;
        };
        let tables: Vec<&Table> = schema.tables.values().collect();
        let owned_by = owner.and_then(|(t, c)| {
            let table = pick(&tables, t)?;
            let column = pick(&table.columns, c)?;
            Some((table.name.clone(), column.name.clone()))
        });
        let ty = if bigint {
            SqlType::BigInt
        } else {
            SqlType::Integer
        };
        let name = name.to_string();
        schema
            .sequences
            .insert(name.clone(), Sequence { name, ty, owned_by });
    }
    schema
}

fn default_for(ty: &SqlType, schema: &Schema) -> Option<Expr> {
    let text = match ty {
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => "1".to_string(),
        SqlType::Boolean => "false".to_string(),
        SqlType::Text => "'x'::text".to_string(),
        SqlType::Varchar(_) => "'v'::character varying".to_string(),
        SqlType::Timestamptz => "CURRENT_TIMESTAMP".to_string(),
        SqlType::Date => "CURRENT_DATE".to_string(),
        SqlType::Jsonb => "'{}'::jsonb".to_string(),
        SqlType::Enum(name) => {
            let label = schema.enums.get(name)?.labels.first()?;
            format!("{}::{}", quote_literal(label), quote_ident(name))
        }
        _ => return None,
    };
    Some(Expr::new(&text))
}

fn build_table(name: &str, raw: &RawTable, types: &[SqlType], schema: &Schema) -> Table {
    let mut table = Table::new(name);
    for rc in &raw.columns {
        let cname = COLUMNS[rc.name];
        if table.column(cname).is_some() {
            continue;
        }
        let ty = pick(types, rc.ty).cloned().unwrap_or(SqlType::Integer);
        let mut column = Column::new(cname, ty);
        column.nullable = rc.nullable;
        let generated = match rc.generated {
            8 => Some(Generated::Serial {
                sequence: default_sequence_name(name, cname),
            }),
            9 => Some(Generated::Serial {
                sequence: format!("s_{name}_{cname}"),
            }),
            10 => Some(Generated::IdentityAlways),
            11 => Some(Generated::IdentityByDefault),
            _ => None,
        };
        if generated.is_some() && column.ty.is_integer() {
            column.generated = generated;
            column.nullable = false;
        } else if rc.default {
            column.default = default_for(&column.ty, schema);
        }
        table.columns.push(column);
    }
    let names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    let key = pick_distinct(&names, &raw.primary_key);
    if !key.is_empty() {
        for c in &key {
            if let Some(column) = table.column_mut(c) {
                column.nullable = false;
            }
        }
        let pkey = if raw.custom_pkey_name {
            format!("pk_{name}")
        } else {
            default_pkey_name(name)
        };
        table.primary_key = Some(PrimaryKey {
            name: pkey,
            columns: key,
        });
    }
    for (n, raws) in &raw.uniques {
        let unique = Unique {
            name: format!("uq_{name}_{}", n % 3),
            columns: pick_distinct(&names, raws),
        };
        table.uniques.entry(unique.name.clone()).or_insert(unique);
    }
    let numeric: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.ty.is_integer())
        .map(|c| c.name.clone())
        .collect();
    for (n, raw) in &raw.checks {
        if let Some(column) = pick(&numeric, *raw) {
            let check = Check {
                name: format!("ck_{name}_{}", n % 3),
                expr: Expr::new(&format!("{} >= 0", quote_ident(column))),
            };
            table.checks.entry(check.name.clone()).or_insert(check);
        }
    }
    for raw in &raw.indexes {
        let columns = pick_distinct(&names, &raw.columns);
        let include = pick_distinct(&names, &raw.include)
            .into_iter()
            .filter(|c| !columns.contains(c))
            .collect();
        let predicate = raw
            .predicate
            .and_then(|p| pick(&names, p))
            .map(|c| Expr::new(&format!("{} IS NOT NULL", quote_ident(c))));
        let index = Index {
            name: format!("ix_{name}_{}", raw.name % 3),
            unique: raw.unique,
            method: "btree".to_string(),
            columns,
            include,
            predicate,
        };
        table.indexes.entry(index.name.clone()).or_insert(index);
    }
    table
}

/// Foreign keys last, once every table (and its primary key) exists.
fn add_foreign_keys(schema: &mut Schema, raw: Vec<(&str, Vec<RawForeignKey>)>) {
    let targets: Vec<(String, String, SqlType)> = schema
        .tables
        .values()
        .filter_map(|t| {
            let pk = t.primary_key.as_ref()?;
            let [column] = pk.columns.as_slice() else {
                return None;
            };
            let ty = t.column(column)?.ty.clone();
            Some((t.name.clone(), column.clone(), ty))
        })
        .collect();
    for (name, fks) in raw {
        let Some(table) = schema.tables.get_mut(name) else {
            continue;
        };
        for (target, column, cascade) in fks {
            let Some((ref_table, ref_column, ty)) = pick(&targets, target) else {
                continue;
            };
            let candidates: Vec<String> = table
                .columns
                .iter()
                .filter(|c| c.ty == *ty)
                .map(|c| c.name.clone())
                .collect();
            let Some(column) = pick(&candidates, column) else {
                continue;
            };
            let columns = vec![column.clone()];
            let fk = ForeignKey {
                name: default_fkey_name(name, &columns),
                columns,
                ref_table: ref_table.clone(),
                ref_columns: vec![ref_column.clone()],
                on_delete: if cascade {
                    FkAction::Cascade
                } else {
                    FkAction::NoAction
                },
                on_update: FkAction::NoAction,
            };
            table.foreign_keys.entry(fk.name.clone()).or_insert(fk);
        }
    }
}
