//! Shared steps of the integration tests: run SQL on a test database, read its catalog, and
//! compare two schema models with a readable report of every difference.

use diesel::{Connection, PgConnection};
use watcher_schema_cli::introspect::introspect;
use watcher_schema_core::compare::{compare, describe_difference, Expected, Sides};
use watcher_schema_core::model::Schema;
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
    introspect(&mut connect(db)).unwrap_or_else(|e| panic!("introspection failed: {e}"))
}

/// A Diesel connection to `db`, the connection the CLI and introspection use.
pub fn connect(db: &TestDb) -> PgConnection {
    PgConnection::establish(db.url())
        .unwrap_or_else(|e| panic!("cannot connect to {} with Diesel: {e}", db.name()))
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
    if let Some(difference) = describe_difference(left, right) {
        panic!("{left_name} differs from {right_name} (`-` {left_name}, `+` {right_name}):\n{difference}");
    }
}

/// The differences between two models, column order aside (a column a migration adds is
/// physically last), in core's words; empty when they are equal.
pub fn shape_differences(
    left_name: &str,
    left: &Schema,
    right_name: &str,
    right: &Schema,
) -> Vec<String> {
    let sides = Sides {
        actual: left_name.to_string(),
        expected: Expected::Schema(right_name.to_string()),
    };
    compare(left, right, &sides.expected).messages(&sides)
}
