//! Whole schemas through the generator: the reference schema rendered from its model builds
//! the same catalog as the reference itself, and its down SQL leaves nothing. Random schemas
//! with random edits, up and down on rows, are `populated_edits`.

use std::path::PathBuf;
use std::process::Command;

use watcher_schema_core::diff::diff;
use watcher_schema_core::head::render_schema;
use watcher_schema_core::model::Schema;
use watcher_schema_core::sql::render;
use watcher_schema_tests::{find_binaries, TestDb};

use crate::support::{assert_same, catalog, execute, REFERENCE_SQL};

/// `pg_dump --schema-only` of `db`, from the same binaries the harness uses.
fn pg_dump(db: &TestDb) -> String {
    let pg_dump = find_binaries()
        .map(|dir| dir.join("pg_dump"))
        .ok()
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from("pg_dump"));
    let out = Command::new(&pg_dump)
        .args(["--schema-only", "--no-owner", "--no-privileges", "--dbname"])
        .arg(db.url())
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", pg_dump.display()));
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dump = String::from_utf8(out.stdout).expect("pg_dump prints UTF-8");
    // Recent pg_dump fences its output with a random key: no part of the schema.
    dump.lines()
        .filter(|line| !line.starts_with("\\restrict") && !line.starts_with("\\unrestrict"))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The lines of `left` and `right` that differ, for a readable failure.
fn line_differences(left: &str, right: &str) -> String {
    let l: Vec<&str> = left.lines().collect();
    let r: Vec<&str> = right.lines().collect();
    let mut out = Vec::new();
    for line in &l {
        if !r.contains(line) {
            out.push(format!("- {line}"));
        }
    }
    for line in &r {
        if !l.contains(line) {
            out.push(format!("+ {line}"));
        }
    }
    if out.is_empty() {
        out.push(String::from("(same lines, in another order)"));
    }
    out.join("\n")
}

#[test]
fn the_rendered_reference_builds_the_reference_catalog() {
    let reference = TestDb::new();
    execute(&reference, REFERENCE_SQL);
    let model = catalog(&reference);

    let rendered = TestDb::new();
    let sql = render_schema(&model);
    execute(&rendered, &sql);
    assert_same("the reference's model", &model, &catalog(&rendered));

    // pg_dump sees what the model does not (sequence options, column order, storage).
    let (expected, actual) = (pg_dump(&reference), pg_dump(&rendered));
    assert!(
        expected == actual,
        "pg_dump of the rendered schema differs from the reference's (`-` reference, `+` rendered):\n{}\n--- rendered sql ---\n{sql}",
        line_differences(&expected, &actual)
    );
}

#[test]
fn the_reference_down_sql_leaves_nothing() {
    let db = TestDb::new();
    execute(&db, REFERENCE_SQL);
    let model = catalog(&db);
    let down = render(&diff(&model, &Schema::default()));
    execute(&db, &down);

    let left: Vec<(String, String)> = db
        .client()
        .query(
            "SELECT c.relname::text, c.relkind::text FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
             UNION ALL
             SELECT t.typname::text, 'type' FROM pg_type t
             JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = 'public' AND t.typtype IN ('e', 'c', 'd')",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert!(
        left.is_empty(),
        "the down SQL left {left:?} behind\n--- down sql ---\n{down}"
    );
}
