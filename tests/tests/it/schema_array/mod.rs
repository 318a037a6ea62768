//! Array columns through `#[watcher_table]`, on a fixture table: the Watcher schema has no
//! array column at 20251005124405 (`address_lineage_closure.lineage_path`, `integer[]`,
//! arrives in 20251018195622). The fixture's migration is generated from this file.

use diesel::prelude::*;
use watcher_schema::watcher_table;
use watcher_schema_tests::TestDb;

use crate::support::db_error;

/// Paths through the lineage graph, shaped like `lineage_path`.
#[watcher_table(migrations = "tests/it/schema_array/migrations")]
#[derive(Debug, Clone, PartialEq)]
pub struct LineageSample {
    /// Serial id.
    #[watcher(primary_key)]
    pub id: i32,
    /// Address ids from source to target: `integer[] NOT NULL`.
    pub lineage_path: Vec<i32>,
    /// Free labels: `text[]`, nullable.
    pub tags: Option<Vec<String>>,
    /// Per-hop scores, some unknown: `bigint[] NOT NULL` with NULL elements.
    pub scores: Vec<Option<i64>>,
}

/// The fixture's generated migration.
const UP_SQL: &str = include_str!("migrations/20251018195622_create_lineage_sample/up.sql");

/// A database with the fixture table, and a Diesel connection to it (keep `db` alive).
fn fixture() -> (TestDb, PgConnection) {
    let db = TestDb::new();
    crate::support::execute(&db, UP_SQL);
    let conn = PgConnection::establish(db.url())
        .unwrap_or_else(|e| panic!("diesel could not connect to {}: {e}", db.name()));
    (db, conn)
}

fn insert(conn: &mut PgConnection, rows: Vec<NewLineageSample>) -> Vec<LineageSample> {
    diesel::insert_into(lineage_sample::table)
        .values(rows)
        .returning(LineageSample::as_returning())
        .get_results(conn)
        .expect("insert lineage_sample")
}

fn sample(path: &[i32], tags: Option<&[&str]>, scores: &[Option<i64>]) -> NewLineageSample {
    NewLineageSample {
        lineage_path: path.to_vec(),
        tags: tags.map(|t| t.iter().map(|s| s.to_string()).collect()),
        scores: scores.to_vec(),
    }
}

#[test]
fn arrays_round_trip_with_null_elements_and_null_arrays() {
    let (db, mut conn) = fixture();
    let inserted = insert(
        &mut conn,
        vec![
            sample(&[1, 2, 3], Some(&["daily", "core"]), &[Some(5), None]),
            sample(&[], None, &[]),
        ],
    );
    let read: Vec<LineageSample> = lineage_sample::table
        .select(LineageSample::as_select())
        .order(lineage_sample::id)
        .load(&mut conn)
        .expect("select lineage_sample");
    assert_eq!(read, inserted);
    assert_eq!(read[0].lineage_path, [1, 2, 3]);
    assert_eq!(read[0].scores, [Some(5), None]);
    assert_eq!(read[1].tags, None);

    // What PostgreSQL holds, read without Diesel.
    let row = db
        .client()
        .query_one(
            "SELECT array_to_string(lineage_path, ','), array_to_string(scores, ',', 'NULL'),
                    tags IS NULL
             FROM lineage_sample WHERE id = $1",
            &[&read[0].id],
        )
        .unwrap_or_else(|e| panic!("read lineage_sample: {}", db_error(&e)));
    assert_eq!(row.get::<_, String>(0), "1,2,3");
    assert_eq!(row.get::<_, String>(1), "5,NULL");
    assert!(!row.get::<_, bool>(2));
}

#[test]
fn array_operators_filter_rows() {
    let (_db, mut conn) = fixture();
    let rows = insert(
        &mut conn,
        vec![
            sample(&[1, 2, 3], Some(&["daily"]), &[]),
            sample(&[4, 5], Some(&["hourly", "core"]), &[]),
            sample(&[2], None, &[]),
        ],
    );
    let id = |i: usize| rows[i].id;

    let through_2: Vec<i32> = lineage_sample::table
        .filter(lineage_sample::lineage_path.contains(vec![2]))
        .select(lineage_sample::id)
        .order(lineage_sample::id)
        .load(&mut conn)
        .expect("@>");
    assert_eq!(through_2, [id(0), id(2)]);

    let touching: Vec<i32> = lineage_sample::table
        .filter(lineage_sample::lineage_path.overlaps_with(vec![3, 4]))
        .select(lineage_sample::id)
        .order(lineage_sample::id)
        .load(&mut conn)
        .expect("&&");
    assert_eq!(touching, [id(0), id(1)]);

    let core: Vec<i32> = lineage_sample::table
        .filter(lineage_sample::tags.contains(vec!["core".to_string()]))
        .select(lineage_sample::id)
        .load(&mut conn)
        .expect("@> on a nullable array");
    assert_eq!(core, [id(1)]);
}

#[test]
fn as_changeset_replaces_an_array() {
    let (db, mut conn) = fixture();
    let mut row = insert(&mut conn, vec![sample(&[1], Some(&["a"]), &[Some(1)])]).remove(0);
    row.lineage_path.push(9);
    row.tags = None;
    let saved: LineageSample = row.save_changes(&mut conn).expect("save lineage_sample");
    assert_eq!(saved, row);
    let path: Vec<i32> = db
        .client()
        .query_one(
            "SELECT lineage_path FROM lineage_sample WHERE id = $1",
            &[&row.id],
        )
        .unwrap_or_else(|e| panic!("read lineage_path: {}", db_error(&e)))
        .get(0);
    assert_eq!(path, [1, 9]);
}
