//! A database at 20251005124405 holding realistic rows in every table (valid foreign keys,
//! 3,000 executions with their closure, lineage and its closure) upgrades to head and back
//! down to 20251005124405 without error: row counts and every column no migration touches
//! keep their values, the backfills fill what they say, and what a down migration cannot
//! bring back comes back as its SQL says.

use diesel::PgConnection;
use watcher_schema::Target;
use watcher_schema_core::model::Schema;
use watcher_schema_tests::TestDb;

use super::{connect, replayed, sorted_columns, texts, upgrade_to, CHANGES, HEAD, SEED};
use crate::support::{assert_models_equal, catalog, execute};

/// Realistic rows for every table of the seed schema, written as Watcher writes them:
/// explicit ids where other rows refer to them, sequences moved past them.
const ROWS: &str = r#"
INSERT INTO pipeline_type (id, name, freshness_number, freshness_datepart, mute_freshness_check,
                           timeliness_number, timeliness_datepart, mute_timeliness_check,
                           created_at, updated_at)
VALUES (1, 'dbt', 2, 'HOUR', false, 30, 'MINUTE', false, '2025-09-01 08:00+00', NULL),
       (2, 'airflow', 1, 'DAY', false, 2, 'HOUR', true, '2025-09-01 08:00+00', '2025-09-15 10:00+00'),
       (3, 'spark', NULL, NULL, true, NULL, NULL, false, '2025-09-02 09:30+00', NULL),
       (4, 'fivetran', 6, 'HOUR', false, 1, 'HOUR', false, '2025-09-03 11:00+00', NULL);
SELECT setval('pipeline_type_id_seq', 4);

INSERT INTO pipeline (id, name, pipeline_type_id, watermark, next_watermark, pipeline_metadata,
                      last_target_insert, last_target_update, last_target_soft_delete,
                      freshness_number, freshness_datepart, mute_freshness_check,
                      timeliness_number, timeliness_datepart, mute_timeliness_check,
                      load_lineage, active, created_at, updated_at)
SELECT p,
       format('%s.load_%s', (ARRAY['sales', 'finance', 'marketing', 'ops'])[1 + p % 4], p),
       1 + p % 4,
       CASE WHEN p % 3 = 0 THEN NULL ELSE to_char(date '2025-10-01' + p, 'YYYY-MM-DD') END,
       CASE WHEN p % 5 = 0 THEN to_char(date '2025-10-02' + p, 'YYYY-MM-DD') END,
       jsonb_build_object('team', (ARRAY['data', 'web', 'core'])[1 + p % 3], 'sla_minutes', 30 * p),
       timestamptz '2025-10-04 06:00+00' + p * interval '7 minutes',
       CASE WHEN p % 2 = 0 THEN timestamptz '2025-10-04 07:00+00' + p * interval '3 minutes' END,
       NULL,
       CASE WHEN p % 4 = 0 THEN NULL ELSE p % 12 + 1 END,
       CASE WHEN p % 4 = 0 THEN NULL
            ELSE (ARRAY['MINUTE', 'HOUR', 'DAY', 'WEEK'])[1 + p % 4]::datepartenum END,
       p % 11 = 0,
       CASE WHEN p % 6 = 0 THEN NULL ELSE 15 + p END,
       CASE WHEN p % 6 = 0 THEN NULL ELSE 'MINUTE'::datepartenum END,
       false,
       p % 8 <> 0,
       p % 13 <> 0,
       timestamptz '2025-09-10 12:00+00' + p * interval '1 hour',
       CASE WHEN p % 3 = 1 THEN timestamptz '2025-10-01 12:00+00' + p * interval '1 hour' END
FROM generate_series(1, 24) AS p;
SELECT setval('pipeline_id_seq', 24);

-- Every tenth execution is a root; the nine after it are its children.
INSERT INTO pipeline_execution (id, parent_id, pipeline_id, start_date, date_recorded,
                                hour_recorded, end_date, duration_seconds,
                                completed_successfully, inserts, updates, soft_deletes,
                                total_rows, full_load, watermark, next_watermark,
                                execution_metadata, anomaly_flags, throughput)
SELECT e, CASE WHEN e % 10 = 1 THEN NULL ELSE e - (e - 1) % 10 END, 1 + e % 24, s, s::date,
       extract(hour FROM s)::int,
       CASE WHEN e % 50 = 0 THEN NULL ELSE s + (60 + e % 900) * interval '1 second' END,
       CASE WHEN e % 50 = 0 THEN NULL ELSE 60 + e % 900 END,
       CASE WHEN e % 50 = 0 THEN NULL ELSE e % 17 <> 0 END,
       e % 1000, e % 97, CASE WHEN e % 4 = 0 THEN e % 13 END, e % 1000 + e % 97,
       CASE WHEN e % 3 = 0 THEN NULL ELSE e % 7 = 0 END,
       to_char(s, 'YYYY-MM-DD"T"HH24:MI'), to_char(s + interval '1 hour', 'YYYY-MM-DD"T"HH24:MI'),
       jsonb_build_object('attempt', 1 + e % 3, 'host', format('worker-%s', e % 5)),
       CASE WHEN e % 17 = 0 THEN '{"duration": true}'::jsonb END,
       round((e % 1000) / (60.0 + e % 900), 4)
FROM generate_series(1, 3000) AS e,
     LATERAL (SELECT timestamptz '2025-09-01 00:00+00' + e * interval '17 minutes' AS s) AS t;
SELECT setval('pipeline_execution_id_seq', 3000);

INSERT INTO pipeline_execution_closure (parent_execution_id, child_execution_id, depth)
SELECT id, id, 0 FROM pipeline_execution
UNION ALL
SELECT parent_id, id, 1 FROM pipeline_execution WHERE parent_id IS NOT NULL;

INSERT INTO timeliness_pipeline_execution_log (pipeline_execution_id, pipeline_id,
                                               duration_seconds, seconds_threshold,
                                               execution_status, timely_number,
                                               timely_datepart, used_child_config, created_at)
SELECT id, pipeline_id, duration_seconds, 600,
       CASE WHEN duration_seconds > 600 THEN 'late' ELSE 'timely' END, 10, 'MINUTE', id % 2 = 0,
       end_date
FROM pipeline_execution
WHERE id % 5 = 0 AND end_date IS NOT NULL;

INSERT INTO freshness_pipeline_log (id, pipeline_id, last_dml_timestamp, evaluation_timestamp,
                                    freshness_number, freshness_datepart, used_child_config,
                                    created_at)
SELECT f, 1 + f % 24, timestamptz '2025-10-01 00:00+00' + f * interval '13 minutes',
       timestamptz '2025-10-01 00:05+00' + f * interval '13 minutes', 2, 'HOUR', f % 3 = 0,
       timestamptz '2025-10-01 00:05+00' + f * interval '13 minutes'
FROM generate_series(1, 200) AS f;
SELECT setval('freshness_pipeline_log_id_seq', 200);

INSERT INTO anomaly_detection_rule (id, pipeline_id, metric_field, z_threshold, lookback_days,
                                    minimum_executions, active, created_at, updated_at)
SELECT r, 1 + (r - 1) / 2,
       (ARRAY['DURATION_SECONDS', 'TOTAL_ROWS'])[1 + r % 2]::anomalymetricfieldenum,
       2.5 + (r % 3) * 0.25, 30, 10, r % 7 <> 0, timestamptz '2025-09-20 12:00+00', NULL
FROM generate_series(1, 24) AS r;
SELECT setval('anomaly_detection_rule_id_seq', 24);

INSERT INTO anomaly_detection_result (pipeline_execution_id, rule_id, violation_value, z_score,
                                      historical_mean, std_deviation_value, z_threshold,
                                      threshold_min_value, threshold_max_value, context,
                                      detected_at)
SELECT e.id, r.id, e.duration_seconds, 3.1, 240.5, 50.25, r.z_threshold, 100, 400,
       jsonb_build_object('window_days', r.lookback_days), e.end_date
FROM pipeline_execution e
JOIN anomaly_detection_rule r ON r.pipeline_id = e.pipeline_id
WHERE e.anomaly_flags IS NOT NULL AND e.end_date IS NOT NULL;

INSERT INTO address_type (id, name, group_name, created_at, updated_at)
VALUES (1, 'table', 'database', '2025-09-01 08:00+00', NULL),
       (2, 'view', 'database', '2025-09-01 08:00+00', NULL),
       (3, 'file', 'storage', '2025-09-05 08:00+00', '2025-09-06 08:00+00');
SELECT setval('address_type_id_seq', 3);

INSERT INTO address (id, name, address_type_id, database_name, schema_name, table_name,
                     primary_key, deprecated, created_at, updated_at)
SELECT a, format('warehouse.%s.t%s', (ARRAY['raw', 'staging', 'mart'])[1 + a % 3], a),
       1 + a % 3, 'warehouse', (ARRAY['raw', 'staging', 'mart'])[1 + a % 3], format('t%s', a),
       CASE WHEN a % 3 = 2 THEN NULL ELSE 'id' END, a % 9 = 0,
       timestamptz '2025-09-01 00:00+00' + a * interval '1 day',
       CASE WHEN a % 4 = 0 THEN timestamptz '2025-10-01 00:00+00' END
FROM generate_series(1, 60) AS a;
SELECT setval('address_id_seq', 60);

-- Chains of ten addresses: raw → staging → mart, each edge moved by one pipeline.
INSERT INTO address_lineage (id, pipeline_id, source_address_id, target_address_id)
SELECT a, 1 + a % 24, a, a + 1 FROM generate_series(1, 59) AS a WHERE a % 10 <> 0;
SELECT setval('address_lineage_id_seq', 59);

INSERT INTO address_lineage_closure (source_address_id, target_address_id, depth)
WITH RECURSIVE reach (source, target, depth) AS (
    SELECT id, id, 0 FROM address
    UNION ALL
    SELECT r.source, l.target_address_id, r.depth + 1
    FROM reach r JOIN address_lineage l ON l.source_address_id = r.target
)
SELECT source, target, min(depth) FROM reach GROUP BY source, target;
"#;

/// Columns some migration of the history drops or adds: their values are not kept.
const TOUCHED: [(&str, &str); 2] = [
    ("pipeline_execution", "full_load"),
    ("address", "deprecated"),
];

/// Per table of the seed schema: `"<rows> <md5 of its untouched columns' values>"`.
fn checksums(db: &TestDb, seed: &Schema) -> Vec<(String, String)> {
    seed.tables
        .values()
        .map(|table| {
            let columns: Vec<&str> = table
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .filter(|c| !TOUCHED.contains(&(table.name.as_str(), c)))
                .collect();
            // Row text ordered by itself: independent of physical order and of the key.
            let query = format!(
                "SELECT count(*) || ' ' || md5(coalesce(string_agg(r, E'\\n' ORDER BY r), ''))
                 FROM (SELECT ROW({})::text AS r FROM {}) AS rows",
                columns.join(", "),
                table.name
            );
            let [sum] = <[String; 1]>::try_from(texts(db, &query)).expect("one row");
            (table.name.clone(), sum)
        })
        .collect()
}

fn rows(db: &TestDb, table: &str) -> i64 {
    db.client()
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap_or_else(|e| panic!("count {table}: {e}"))
        .get(0)
}

/// Whether `condition` holds on every row of `table` (and there are rows).
#[track_caller]
fn assert_every_row(db: &TestDb, table: &str, condition: &str) {
    let failing: i64 = db
        .client()
        .query_one(
            &format!("SELECT count(*) FROM {table} WHERE NOT coalesce({condition}, false)"),
            &[],
        )
        .unwrap_or_else(|e| panic!("{table} WHERE {condition}: {e}"))
        .get(0);
    assert!(rows(db, table) > 0, "{table} is empty");
    assert_eq!(failing, 0, "rows of {table} where not {condition}");
}

fn populated_seed() -> (TestDb, PgConnection, Schema) {
    let db = TestDb::new();
    let mut conn = connect(&db);
    upgrade_to(&mut conn, SEED);
    execute(&db, ROWS);
    let seed = catalog(&db);
    (db, conn, seed)
}

#[test]
fn the_rows_are_realistic_and_reach_every_table() {
    let (db, _conn, seed) = populated_seed();
    for table in seed.tables.keys() {
        assert!(rows(&db, table) > 0, "{table} has no rows");
    }
    assert_eq!(rows(&db, "pipeline_execution"), 3000);
    // Closures hold every pair, depth 0 included, and lineage chains are ten long.
    assert_eq!(rows(&db, "pipeline_execution_closure"), 3000 + 2700);
    assert_eq!(rows(&db, "address_lineage_closure"), 6 * 55);
}

#[test]
fn a_populated_database_goes_to_head_and_back_keeping_its_values() {
    let (db, mut conn, seed) = populated_seed();
    let before = checksums(&db, &seed);

    assert_eq!(upgrade_to(&mut conn, HEAD), CHANGES);
    assert_eq!(checksums(&db, &seed), before, "untouched values at head");
    // The backfills filled what the structs say.
    assert_every_row(&db, "pipeline", "input_hash = left(md5(name), 20)");
    assert_every_row(&db, "address", "input_hash = left(md5(name), 20)");
    assert_every_row(&db, "address_lineage_closure", "lineage_path = '{}'");
    assert_every_row(&db, "address", "address_metadata IS NULL");

    let report = watcher_schema::runner()
        .and_then(|runner| runner.downgrade_to(&mut conn, &Target::Version(SEED.into())))
        .unwrap_or_else(|e| panic!("downgrade to {SEED} failed: {e}"));
    let reverted: Vec<&str> = report
        .migrations
        .iter()
        .map(|m| m.version.as_str())
        .collect();
    let mut expected: Vec<&str> = CHANGES.to_vec();
    expected.reverse();
    assert_eq!(reverted, expected);

    assert_eq!(
        checksums(&db, &seed),
        before,
        "untouched values back at the seed"
    );
    assert_models_equal(
        "the seed schema (columns by name)",
        &sorted_columns(&replayed(SEED)),
        "the catalog after the round trip (columns by name)",
        &sorted_columns(&catalog(&db)),
    );
    // Dropped columns come back without their values, as their down.sql says.
    assert_every_row(&db, "pipeline_execution", "full_load IS NULL");
    assert_every_row(&db, "address", "deprecated = false");
}
