//! Shared steps of the integration tests: run SQL on a test database, read its catalog, and
//! compare two schema models with a readable report of every difference.

use diesel::{Connection, PgConnection};
use postgres::Client;
use watcher_schema_cli::introspect::introspect;
use watcher_schema_core::compare::{compare, describe_difference, Expected, Sides};
use watcher_schema_core::model::Schema;
use watcher_schema_core::steps::{split, StepKind};
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

/// Runs a generated migration's SQL as the runner does: in one transaction, or, when the
/// plan says it cannot run in one, step by step (docs/ONLINE.md): a `BEGIN; ... COMMIT;`
/// step in a transaction, a single statement in autocommit, a `-- watcher:repeat` batch
/// again until it affects no row. The error names the failing statement.
pub fn run_migration(client: &mut Client, sql: &str, in_transaction: bool) -> Result<(), String> {
    let failed = |statement: &str| {
        let statement = statement.to_string();
        move |e: postgres::Error| {
            format!("{}\n--- failing statement ---\n{statement}", db_error(&e))
        }
    };
    if in_transaction {
        let mut tx = client.transaction().map_err(failed("BEGIN"))?;
        tx.batch_execute(sql).map_err(failed(sql))?;
        return tx.commit().map_err(failed("COMMIT"));
    }
    let steps = split(sql).map_err(|e| format!("the steps do not parse: {e}"))?;
    for step in steps {
        match step.kind {
            StepKind::Transaction => {
                let mut tx = client.transaction().map_err(failed("BEGIN"))?;
                for statement in &step.statements {
                    tx.batch_execute(statement.text)
                        .map_err(failed(statement.text))?;
                }
                tx.commit().map_err(failed("COMMIT"))?;
            }
            StepKind::Single => {
                for statement in &step.statements {
                    client
                        .batch_execute(statement.text)
                        .map_err(failed(statement.text))?;
                }
            }
            StepKind::Repeat => {
                let statement = step.statements[0].text;
                while client.execute(statement, &[]).map_err(failed(statement))? > 0 {}
            }
        }
    }
    Ok(())
}
