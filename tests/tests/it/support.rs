//! Shared steps of the integration tests: run SQL on a test database, read its catalog, and
//! compare two schema models with a readable, line-per-difference report.

use std::collections::BTreeMap;
use std::fmt::Debug;

use watcher_schema_cli::introspect::introspect;
use watcher_schema_core::model::{Schema, Table};
use watcher_schema_tests::TestDb;

/// The reference schema at revision 20251005124405, as pg_dump printed it.
pub const REFERENCE_SQL: &str = include_str!("../../data/watcher-20251005124405.sql");

/// Runs `sql` (any number of statements) on `db`, naming the failing script on error.
pub fn execute(db: &TestDb, sql: &str) {
    db.client().batch_execute(sql).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL rejected the SQL: {}\n--- sql ---\n{sql}",
            db_error(&e)
        )
    });
}

/// The server's own message (`postgres::Error`'s `Display` says only "db error").
pub fn db_error(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}

/// The catalog of `db` as a model.
pub fn catalog(db: &TestDb) -> Schema {
    introspect(&mut db.client()).unwrap_or_else(|e| panic!("introspection failed: {e}"))
}

/// Asserts that `expected` (named `what`) equals the catalog's model, printing every
/// difference on failure.
#[track_caller]
pub fn assert_same(what: &str, expected: &Schema, catalog: &Schema) {
    assert_models_equal(what, expected, "the catalog", catalog);
}

/// Asserts that two models are equal, printing every difference on failure.
#[track_caller]
pub fn assert_models_equal(left_name: &str, left: &Schema, right_name: &str, right: &Schema) {
    let differences = schema_differences(left, right);
    assert!(
        differences.is_empty(),
        "{left_name} differs from {right_name} ({} difference(s); `-` {left_name}, `+` {right_name}):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// Every difference between two schemas, one line each.
pub fn schema_differences(left: &Schema, right: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    map_differences(&mut out, "enum", &left.enums, &right.enums);
    map_differences(&mut out, "sequence", &left.sequences, &right.sequences);
    for (name, l, r) in pairs(&left.tables, &right.tables) {
        match (l, r) {
            (Some(l), Some(r)) => table_differences(&mut out, l, r),
            (Some(l), None) => out.push(format!("- table `{name}`: {l:?}")),
            (None, Some(r)) => out.push(format!("+ table `{name}`: {r:?}")),
            (None, None) => {}
        }
    }
    out
}

fn table_differences(out: &mut Vec<String>, l: &Table, r: &Table) {
    let t = &l.name;
    let names = |table: &Table| {
        table
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    if names(l) != names(r) {
        out.push(format!("- columns of `{t}`: {:?}", names(l)));
        out.push(format!("+ columns of `{t}`: {:?}", names(r)));
    }
    for lc in &l.columns {
        if let Some(rc) = r.column(&lc.name) {
            if lc != rc {
                out.push(format!("- column `{t}.{}`: {lc:?}", lc.name));
                out.push(format!("+ column `{t}.{}`: {rc:?}", rc.name));
            }
        }
    }
    if l.primary_key != r.primary_key {
        out.push(format!("- primary key of `{t}`: {:?}", l.primary_key));
        out.push(format!("+ primary key of `{t}`: {:?}", r.primary_key));
    }
    map_differences(
        out,
        &format!("foreign key on `{t}`"),
        &l.foreign_keys,
        &r.foreign_keys,
    );
    map_differences(out, &format!("unique on `{t}`"), &l.uniques, &r.uniques);
    map_differences(out, &format!("check on `{t}`"), &l.checks, &r.checks);
    map_differences(out, &format!("index on `{t}`"), &l.indexes, &r.indexes);
}

fn map_differences<V: PartialEq + Debug>(
    out: &mut Vec<String>,
    kind: &str,
    left: &BTreeMap<String, V>,
    right: &BTreeMap<String, V>,
) {
    for (name, l, r) in pairs(left, right) {
        if l != r {
            if let Some(l) = l {
                out.push(format!("- {kind} `{name}`: {l:?}"));
            }
            if let Some(r) = r {
                out.push(format!("+ {kind} `{name}`: {r:?}"));
            }
        }
    }
}

fn pairs<'a, V>(
    left: &'a BTreeMap<String, V>,
    right: &'a BTreeMap<String, V>,
) -> Vec<(&'a String, Option<&'a V>, Option<&'a V>)> {
    let mut names: Vec<&String> = left.keys().chain(right.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| (name, left.get(name), right.get(name)))
        .collect()
}
