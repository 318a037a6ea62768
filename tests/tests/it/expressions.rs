//! Expressions as PostgreSQL gives them back: what a struct writes and what `pg_get_expr`
//! prints compare equal when only redundant grouping and casts differ, and differ when the
//! grouping changes the meaning; an attribute's subquery keeps its parentheses in the SQL.

use watcher_schema_core::diff::{plan, Hints};
use watcher_schema_core::model::Expr;
use watcher_schema_core::replay::{replay, split_statements};
use watcher_schema_core::sql::render;
use watcher_schema_tests::TestDb;

use crate::support::{catalog, db_error, execute};

/// Check constraints written one way, read back from the catalog, and compared with the
/// written text and with a regrouping of it that means something else.
#[test]
fn stored_checks_equal_what_was_written_and_not_a_regrouping() {
    let cases = [
        ("c_or_and", "(a > 0 OR b > 0) AND c", "a > 0 OR b > 0 AND c"),
        ("c_sub", "a - (b - 1) > 0", "a - b - 1 > 0"),
        ("c_mul", "(a + b) * 2 > 0", "a + b * 2 > 0"),
        ("c_not", "NOT (c AND a > 0)", "NOT c AND a > 0"),
        ("c_text", "(name || 'x') = 'yx'", "name || ('x' = 'yx')"),
    ];
    let db = TestDb::new();
    let mut sql = String::from("CREATE TABLE t (a integer, b integer, c boolean, name text");
    for (name, written, _) in &cases {
        sql.push_str(&format!(", CONSTRAINT {name} CHECK ({written})"));
    }
    sql.push_str(");");
    execute(&db, &sql);
    let schema = catalog(&db);
    let table = schema.table("t").expect("table t");
    for (name, written, regrouped) in cases {
        let stored = &table
            .checks
            .get(name)
            .unwrap_or_else(|| panic!("check {name} not in the catalog"))
            .expr;
        assert_eq!(*stored, Expr::new(written), "{name}: stored as `{stored}`");
        assert_ne!(
            *stored,
            Expr::new(regrouped),
            "{name}: `{stored}` must differ from `{regrouped}`"
        );
    }
}

/// A backfill given as a subquery fills a populated table: its parentheses survive into the
/// generated SQL (they used to be stripped, which made the UPDATE invalid).
#[test]
fn a_subquery_backfill_fills_a_populated_table() {
    let db = TestDb::new();
    execute(
        &db,
        "CREATE TABLE pipeline (id serial PRIMARY KEY, name text NOT NULL);
         INSERT INTO pipeline (name) SELECT 'p' || g FROM generate_series(1, 300) g;",
    );
    let from = catalog(&db);
    let mut to = from.clone();
    replay(
        &mut to,
        "ALTER TABLE pipeline ADD COLUMN newest integer NOT NULL;",
        "change",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let hints = Hints::default().backfill("pipeline", "newest", "(SELECT max(id) FROM pipeline)");
    let plan = plan(&from, &to, &hints).unwrap_or_else(|e| panic!("refused: {e}"));
    let up = render(&plan.up);
    assert!(up.contains("(SELECT max(id) FROM pipeline)"), "{up}");
    let mut client = db.client();
    for statement in split_statements(&up) {
        client
            .batch_execute(statement.text)
            .unwrap_or_else(|e| panic!("{}\n--- sql ---\n{up}", db_error(&e)));
    }
    let filled: i64 = client
        .query_one("SELECT count(*) FROM pipeline WHERE newest = 300", &[])
        .expect("count")
        .get(0);
    assert_eq!(filled, 300);
}
