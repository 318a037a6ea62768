//! The Diesel code `#[watcher_table]` generates for the Watcher schema, against the real
//! database its migrations build: inserts through every `New<Struct>` in foreign-key order,
//! reads through `Selectable`, joins, `AsChangeset` updates, and queries by enum, jsonb,
//! numeric and both closure tables. What Diesel wrote is checked with the `postgres` crate.

use std::str::FromStr;

use diesel::prelude::*;
use postgres::types::ToSql;
use watcher_schema::anomalies::{
    anomaly_detection_result, anomaly_detection_rule, AnomalyDetectionResult, AnomalyDetectionRule,
    AnomalyMetricFieldEnum, NewAnomalyDetectionResult, NewAnomalyDetectionRule,
};
use watcher_schema::bigdecimal::BigDecimal;
use watcher_schema::chrono::{DateTime, NaiveDate, TimeZone, Utc};
use watcher_schema::executions::{
    pipeline_execution, pipeline_execution_closure, NewPipelineExecution,
    NewPipelineExecutionClosure, PipelineExecution, PipelineExecutionClosure,
};
use watcher_schema::lineage::{
    address, address_lineage, address_lineage_closure, address_type, Address, AddressLineage,
    AddressLineageClosure, AddressType, NewAddress, NewAddressLineage, NewAddressLineageClosure,
    NewAddressType,
};
use watcher_schema::monitoring::{
    freshness_pipeline_log, timeliness_pipeline_execution_log, FreshnessPipelineLog,
    NewFreshnessPipelineLog, NewTimelinessPipelineExecutionLog, TimelinessPipelineExecutionLog,
};
use watcher_schema::pipelines::{
    pipeline, pipeline_type, DatePartEnum, NewPipeline, NewPipelineType, Pipeline, PipelineType,
};
use watcher_schema::serde_json::{json, Value};
use watcher_schema_tests::TestDb;

use crate::support::db_error;

/// A database at head, with a Diesel connection to it. Keep `db` alive while `conn` is
/// used: dropping it drops the database and ends the connection.
struct Migrated {
    db: TestDb,
    conn: PgConnection,
}

fn migrated() -> Migrated {
    let db = TestDb::new();
    let mut conn = PgConnection::establish(db.url())
        .unwrap_or_else(|e| panic!("diesel could not connect to {}: {e}", db.name()));
    watcher_schema::run_pending(&mut conn)
        .unwrap_or_else(|e| panic!("the embedded migrations failed: {e}"));
    Migrated { db, conn }
}

/// `2025-10-05 hh:mm:00 UTC`.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 10, 5, hour, minute, 0)
        .single()
        .expect("a valid UTC time")
}

fn decimal(text: &str) -> BigDecimal {
    BigDecimal::from_str(text).expect("a decimal literal")
}

/// One row in every table, as Diesel returned them from the inserts.
struct Seeded {
    dbt: PipelineType,
    orders: Pipeline,
    customers: Pipeline,
    root: PipelineExecution,
    child: PipelineExecution,
    execution_closure: Vec<PipelineExecutionClosure>,
    table_type: AddressType,
    source: Address,
    target: Address,
    lineage: AddressLineage,
    address_closure: Vec<AddressLineageClosure>,
    freshness: FreshnessPipelineLog,
    timeliness: TimelinessPipelineExecutionLog,
    rule: AnomalyDetectionRule,
    result: AnomalyDetectionResult,
}

/// Inserts through the `New<Struct>`s, parents before children, returning each row with
/// `returning(<Struct>::as_returning())`.
fn seed(conn: &mut PgConnection) -> Seeded {
    let dbt = diesel::insert_into(pipeline_type::table)
        .values(NewPipelineType {
            name: "dbt".into(),
            freshness_number: Some(1),
            freshness_datepart: Some(DatePartEnum::Hour),
            mute_freshness_check: None,
            timeliness_number: None,
            timeliness_datepart: None,
            mute_timeliness_check: Some(true),
            created_at: None,
            updated_at: None,
        })
        .returning(PipelineType::as_returning())
        .get_result(conn)
        .expect("insert pipeline_type");
    let new_pipeline = |name: &str, metadata: Value, unit: DatePartEnum| NewPipeline {
        name: name.into(),
        input_hash: format!("{:.20}", format!("hash-{name}")),
        pipeline_type_id: dbt.id,
        watermark: Some("2025-10-05".into()),
        next_watermark: None,
        pipeline_metadata: Some(metadata),
        last_target_insert: Some(at(11, 0)),
        last_target_update: None,
        last_target_soft_delete: None,
        freshness_number: Some(2),
        freshness_datepart: Some(unit),
        mute_freshness_check: None,
        timeliness_number: None,
        timeliness_datepart: None,
        mute_timeliness_check: None,
        load_lineage: Some(false),
        active: None,
        created_at: Some(at(10, 0)),
        updated_at: None,
    };
    let pipelines: Vec<Pipeline> = diesel::insert_into(pipeline::table)
        .values(vec![
            new_pipeline(
                "orders",
                json!({"team": "data", "tags": ["daily"]}),
                DatePartEnum::Day,
            ),
            new_pipeline("customers", json!({"team": "web"}), DatePartEnum::Week),
        ])
        .returning(Pipeline::as_returning())
        .get_results(conn)
        .expect("insert pipeline");
    let [orders, customers] = <[Pipeline; 2]>::try_from(pipelines).expect("two pipelines");

    let new_execution =
        |parent_id: Option<i32>, start: u32, throughput: &str| NewPipelineExecution {
            parent_id,
            pipeline_id: orders.id,
            start_date: at(start, 0),
            date_recorded: NaiveDate::from_ymd_opt(2025, 10, 5).expect("a valid date"),
            hour_recorded: start as i32,
            end_date: Some(at(start, 5)),
            duration_seconds: Some(300),
            completed_successfully: Some(true),
            inserts: Some(10),
            updates: Some(2),
            soft_deletes: None,
            total_rows: Some(12),
            watermark: None,
            next_watermark: None,
            execution_metadata: Some(json!({"attempt": 1})),
            anomaly_flags: None,
            throughput: Some(decimal(throughput)),
        };
    let root = diesel::insert_into(pipeline_execution::table)
        .values(new_execution(None, 12, "1234.5678"))
        .returning(PipelineExecution::as_returning())
        .get_result(conn)
        .expect("insert root pipeline_execution");
    let parent_id = i32::try_from(root.id).expect("a small id");
    let child = diesel::insert_into(pipeline_execution::table)
        .values(new_execution(Some(parent_id), 13, "0.5000"))
        .returning(PipelineExecution::as_returning())
        .get_result(conn)
        .expect("insert child pipeline_execution");
    let execution_closure = diesel::insert_into(pipeline_execution_closure::table)
        .values(vec![
            NewPipelineExecutionClosure {
                parent_execution_id: root.id,
                child_execution_id: root.id,
                depth: 0,
            },
            NewPipelineExecutionClosure {
                parent_execution_id: child.id,
                child_execution_id: child.id,
                depth: 0,
            },
            NewPipelineExecutionClosure {
                parent_execution_id: root.id,
                child_execution_id: child.id,
                depth: 1,
            },
        ])
        .returning(PipelineExecutionClosure::as_returning())
        .get_results(conn)
        .expect("insert pipeline_execution_closure");

    let table_type = diesel::insert_into(address_type::table)
        .values(NewAddressType {
            name: "table".into(),
            group_name: "database".into(),
            created_at: None,
            updated_at: None,
        })
        .returning(AddressType::as_returning())
        .get_result(conn)
        .expect("insert address_type");
    let new_address = |name: &str| NewAddress {
        name: name.into(),
        address_type_id: table_type.id,
        database_name: Some("warehouse".into()),
        schema_name: Some("sales".into()),
        table_name: name.rsplit('.').next().map(String::from),
        primary_key: Some("id".into()),
        created_at: None,
        updated_at: None,
        input_hash: format!("{:.20}", format!("hash-{name}")),
        address_metadata: Some(json!({"owner": "sales"})),
    };
    let addresses: Vec<Address> = diesel::insert_into(address::table)
        .values(vec![
            new_address("warehouse.sales.raw_orders"),
            new_address("warehouse.sales.orders"),
        ])
        .returning(Address::as_returning())
        .get_results(conn)
        .expect("insert address");
    let [source, target] = <[Address; 2]>::try_from(addresses).expect("two addresses");
    let lineage = diesel::insert_into(address_lineage::table)
        .values(NewAddressLineage {
            pipeline_id: orders.id,
            source_address_id: source.id,
            target_address_id: target.id,
        })
        .returning(AddressLineage::as_returning())
        .get_result(conn)
        .expect("insert address_lineage");
    let address_closure = diesel::insert_into(address_lineage_closure::table)
        .values(vec![
            NewAddressLineageClosure {
                source_address_id: source.id,
                target_address_id: source.id,
                depth: 0,
                lineage_path: vec![source.id],
            },
            NewAddressLineageClosure {
                source_address_id: target.id,
                target_address_id: target.id,
                depth: 0,
                lineage_path: vec![target.id],
            },
            NewAddressLineageClosure {
                source_address_id: source.id,
                target_address_id: target.id,
                depth: 1,
                lineage_path: vec![source.id, target.id],
            },
        ])
        .returning(AddressLineageClosure::as_returning())
        .get_results(conn)
        .expect("insert address_lineage_closure");

    let freshness = diesel::insert_into(freshness_pipeline_log::table)
        .values(NewFreshnessPipelineLog {
            pipeline_id: orders.id,
            last_dml_timestamp: Some(at(11, 0)),
            evaluation_timestamp: Some(at(12, 30)),
            freshness_number: 2,
            freshness_datepart: DatePartEnum::Day,
            used_child_config: false,
            created_at: None,
        })
        .returning(FreshnessPipelineLog::as_returning())
        .get_result(conn)
        .expect("insert freshness_pipeline_log");
    let timeliness = diesel::insert_into(timeliness_pipeline_execution_log::table)
        .values(NewTimelinessPipelineExecutionLog {
            pipeline_execution_id: root.id,
            pipeline_id: orders.id,
            duration_seconds: 300,
            seconds_threshold: 3600,
            execution_status: "on time".into(),
            timely_number: 1,
            timely_datepart: DatePartEnum::Hour,
            used_child_config: true,
            created_at: None,
        })
        .returning(TimelinessPipelineExecutionLog::as_returning())
        .get_result(conn)
        .expect("insert timeliness_pipeline_execution_log");

    let rule = diesel::insert_into(anomaly_detection_rule::table)
        .values(NewAnomalyDetectionRule {
            pipeline_id: orders.id,
            metric_field: AnomalyMetricFieldEnum::SoftDeletes,
            z_threshold: Some(decimal("3.25")),
            lookback_days: 30,
            minimum_executions: 5,
            active: None,
            created_at: None,
            updated_at: None,
        })
        .returning(AnomalyDetectionRule::as_returning())
        .get_result(conn)
        .expect("insert anomaly_detection_rule");
    let result = diesel::insert_into(anomaly_detection_result::table)
        .values(NewAnomalyDetectionResult {
            pipeline_execution_id: child.id,
            rule_id: rule.id,
            violation_value: Some(decimal("42.0000")),
            z_score: Some(decimal("-3.5000")),
            historical_mean: Some(decimal("2.1250")),
            std_deviation_value: Some(decimal("0.5000")),
            z_threshold: Some(decimal("3.2500")),
            threshold_min_value: None,
            threshold_max_value: Some(decimal("3.7500")),
            context: Some(json!({"window": [1, 2, 3]})),
            detected_at: None,
        })
        .returning(AnomalyDetectionResult::as_returning())
        .get_result(conn)
        .expect("insert anomaly_detection_result");

    Seeded {
        dbt,
        orders,
        customers,
        root,
        child,
        execution_closure,
        table_type,
        source,
        target,
        lineage,
        address_closure,
        freshness,
        timeliness,
        rule,
        result,
    }
}

/// The single text cell `query` returns for `id`, read with the `postgres` crate.
fn text(db: &TestDb, query: &str, id: &(dyn ToSql + Sync)) -> Option<String> {
    db.client()
        .query_one(query, &[id])
        .unwrap_or_else(|e| panic!("`{query}` failed: {}", db_error(&e)))
        .get(0)
}

#[test]
fn inserts_fill_server_defaults_and_serials() {
    let Migrated { db, mut conn } = migrated();
    let s = seed(&mut conn);

    // `None` in a `New<Struct>` field of a defaulted column inserts DEFAULT.
    assert!(!s.dbt.mute_freshness_check, "DEFAULT false");
    assert!(s.dbt.mute_timeliness_check, "the given value");
    assert!(s.orders.active && !s.orders.load_lineage);
    assert!(s.rule.active);
    // `created_at` is NOT NULL, so the rows given `None` got their DEFAULT, not NULL.
    assert_eq!(s.orders.created_at, at(10, 0));
    assert_eq!((s.orders.id, s.customers.id), (1, 2), "serial ids");
    assert_eq!((s.root.id, s.child.id), (1, 2), "bigserial ids");

    let expected = [
        ("address", 2),
        ("address_lineage", 1),
        ("address_lineage_closure", 3),
        ("address_type", 1),
        ("anomaly_detection_result", 1),
        ("anomaly_detection_rule", 1),
        ("freshness_pipeline_log", 1),
        ("pipeline", 2),
        ("pipeline_execution", 2),
        ("pipeline_execution_closure", 3),
        ("pipeline_type", 1),
        ("timeliness_pipeline_execution_log", 1),
    ];
    let mut client = db.client();
    for (table, rows) in expected {
        let count: i64 = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap_or_else(|e| panic!("counting {table} failed: {}", db_error(&e)))
            .get(0);
        assert_eq!(count, rows, "rows in {table}");
    }
}

#[test]
fn selectable_reads_back_every_inserted_row() {
    let Migrated { db: _db, mut conn } = migrated();
    let s = seed(&mut conn);
    let c = &mut conn;

    macro_rules! all {
        ($table:ident, $row:ty, $order:expr) => {
            $table::table
                .select(<$row>::as_select())
                .order($order)
                .load::<$row>(c)
                .expect(concat!("select ", stringify!($table)))
        };
    }
    use address_lineage_closure as alc;
    use pipeline_execution_closure as pec;
    assert_eq!(
        all!(pipeline_type, PipelineType, pipeline_type::id),
        [s.dbt]
    );
    assert_eq!(
        all!(pipeline, Pipeline, pipeline::id),
        [s.orders, s.customers]
    );
    assert_eq!(
        all!(
            pipeline_execution,
            PipelineExecution,
            pipeline_execution::id
        ),
        [s.root, s.child]
    );
    assert_eq!(
        all!(
            pec,
            PipelineExecutionClosure,
            (pec::depth, pec::parent_execution_id)
        ),
        s.execution_closure
    );
    assert_eq!(
        all!(address_type, AddressType, address_type::id),
        [s.table_type]
    );
    assert_eq!(all!(address, Address, address::id), [s.source, s.target]);
    assert_eq!(
        all!(address_lineage, AddressLineage, address_lineage::id),
        [s.lineage]
    );
    assert_eq!(
        all!(
            alc,
            AddressLineageClosure,
            (alc::depth, alc::source_address_id)
        ),
        s.address_closure
    );
    assert_eq!(
        all!(
            freshness_pipeline_log,
            FreshnessPipelineLog,
            freshness_pipeline_log::id
        ),
        [s.freshness]
    );
    assert_eq!(
        all!(
            timeliness_pipeline_execution_log,
            TimelinessPipelineExecutionLog,
            timeliness_pipeline_execution_log::pipeline_execution_id
        ),
        [s.timeliness]
    );
    assert_eq!(
        all!(
            anomaly_detection_rule,
            AnomalyDetectionRule,
            anomaly_detection_rule::id
        ),
        [s.rule]
    );
    assert_eq!(
        all!(
            anomaly_detection_result,
            AnomalyDetectionResult,
            anomaly_detection_result::rule_id
        ),
        [s.result]
    );
}

#[test]
fn joins_follow_the_foreign_keys() {
    let Migrated { db: _db, mut conn } = migrated();
    let s = seed(&mut conn);

    let with_types: Vec<(Pipeline, PipelineType)> = pipeline::table
        .inner_join(pipeline_type::table)
        .select((Pipeline::as_select(), PipelineType::as_select()))
        .order(pipeline::id)
        .load(&mut conn)
        .expect("pipeline join pipeline_type");
    assert_eq!(
        with_types,
        [
            (s.orders.clone(), s.dbt.clone()),
            (s.customers.clone(), s.dbt.clone())
        ]
    );

    let runs: Vec<(String, i64)> = pipeline_execution::table
        .inner_join(pipeline::table)
        .select((pipeline::name, pipeline_execution::id))
        .order(pipeline_execution::id)
        .load(&mut conn)
        .expect("pipeline_execution join pipeline");
    assert_eq!(
        runs,
        [("orders".into(), s.root.id), ("orders".into(), s.child.id)]
    );

    // Three tables: each result with its rule and its execution's pipeline.
    let verdicts: Vec<(AnomalyMetricFieldEnum, String)> = anomaly_detection_result::table
        .inner_join(anomaly_detection_rule::table)
        .inner_join(pipeline_execution::table.inner_join(pipeline::table))
        .select((anomaly_detection_rule::metric_field, pipeline::name))
        .load(&mut conn)
        .expect("anomaly_detection_result joins");
    assert_eq!(
        verdicts,
        [(AnomalyMetricFieldEnum::SoftDeletes, "orders".into())]
    );
}

#[test]
fn as_changeset_updates_whole_rows() {
    let Migrated { db, mut conn } = migrated();
    let s = seed(&mut conn);

    let mut changed = s.orders.clone();
    changed.watermark = None;
    changed.next_watermark = Some("2025-10-06".into());
    changed.freshness_datepart = Some(DatePartEnum::Month);
    changed.pipeline_metadata = Some(json!({"team": "finance"}));
    changed.updated_at = Some(at(14, 0));
    let saved: Pipeline = diesel::update(&s.orders)
        .set(&changed)
        .returning(Pipeline::as_returning())
        .get_result(&mut conn)
        .expect("update pipeline");
    assert_eq!(saved, changed);

    // What PostgreSQL holds, read without Diesel: `None` became NULL.
    let row = |query| text(&db, query, &s.orders.id);
    assert_eq!(row("SELECT watermark FROM pipeline WHERE id = $1"), None);
    assert_eq!(
        row("SELECT next_watermark FROM pipeline WHERE id = $1").as_deref(),
        Some("2025-10-06")
    );
    assert_eq!(
        row("SELECT freshness_datepart::text FROM pipeline WHERE id = $1").as_deref(),
        Some("MONTH")
    );
    assert_eq!(
        row("SELECT pipeline_metadata->>'team' FROM pipeline WHERE id = $1").as_deref(),
        Some("finance")
    );

    // A composite key: the changeset leaves the key alone and sets the rest.
    let mut rerouted = s.address_closure[2].clone();
    rerouted.lineage_path = vec![s.source.id, s.target.id, s.target.id];
    let saved: AddressLineageClosure = rerouted
        .save_changes(&mut conn)
        .expect("save address_lineage_closure");
    assert_eq!(saved, rerouted);
    let path = db
        .client()
        .query_one(
            "SELECT lineage_path FROM address_lineage_closure
             WHERE source_address_id = $1 AND target_address_id = $2 AND depth = 1",
            &[&s.source.id, &s.target.id],
        )
        .unwrap_or_else(|e| panic!("read lineage_path: {}", db_error(&e)))
        .get::<_, Vec<i32>>(0);
    assert_eq!(path, rerouted.lineage_path);
}

#[test]
fn filters_by_enum_jsonb_and_numeric() {
    let Migrated { db, mut conn } = migrated();
    let s = seed(&mut conn);

    let daily: Vec<String> = pipeline::table
        .filter(pipeline::freshness_datepart.eq(DatePartEnum::Day))
        .select(pipeline::name)
        .load(&mut conn)
        .expect("filter by enum");
    assert_eq!(daily, ["orders"]);
    let rules: Vec<i32> = anomaly_detection_rule::table
        .filter(anomaly_detection_rule::metric_field.eq(AnomalyMetricFieldEnum::SoftDeletes))
        .select(anomaly_detection_rule::id)
        .load(&mut conn)
        .expect("filter by enum");
    assert_eq!(rules, [s.rule.id]);
    // The label on the wire is PostgreSQL's, not the Rust variant's name.
    assert_eq!(
        text(
            &db,
            "SELECT metric_field::text FROM anomaly_detection_rule WHERE id = $1",
            &s.rule.id
        )
        .as_deref(),
        Some("SOFT_DELETES")
    );

    let data_team: Vec<String> = pipeline::table
        .filter(pipeline::pipeline_metadata.contains(json!({"team": "data"})))
        .select(pipeline::name)
        .load(&mut conn)
        .expect("filter by jsonb containment");
    assert_eq!(data_team, ["orders"]);
    let tagged: Vec<String> = pipeline::table
        .filter(pipeline::pipeline_metadata.has_key("tags"))
        .select(pipeline::name)
        .load(&mut conn)
        .expect("filter by jsonb key");
    assert_eq!(tagged, ["orders"]);

    let fast: Vec<i64> = pipeline_execution::table
        .filter(pipeline_execution::throughput.gt(decimal("1000")))
        .select(pipeline_execution::id)
        .load(&mut conn)
        .expect("filter by numeric");
    assert_eq!(fast, [s.root.id]);
    let exact: Option<BigDecimal> = pipeline_execution::table
        .find(s.root.id)
        .select(pipeline_execution::throughput)
        .first(&mut conn)
        .expect("read numeric");
    assert_eq!(exact, Some(decimal("1234.5678")));
    assert_eq!(
        text(
            &db,
            "SELECT throughput::text FROM pipeline_execution WHERE id = $1",
            &s.root.id
        )
        .as_deref(),
        Some("1234.5678")
    );
}

#[test]
fn closure_tables_answer_ancestry_and_lineage() {
    let Migrated { db: _db, mut conn } = migrated();
    let s = seed(&mut conn);

    // Descendants of the root execution, through the closure (no joinable: two keys).
    let descendants: Vec<PipelineExecution> = pipeline_execution::table
        .filter(
            pipeline_execution::id.eq_any(
                pipeline_execution_closure::table
                    .filter(pipeline_execution_closure::parent_execution_id.eq(s.root.id))
                    .filter(pipeline_execution_closure::depth.gt(0))
                    .select(pipeline_execution_closure::child_execution_id),
            ),
        )
        .select(PipelineExecution::as_select())
        .load(&mut conn)
        .expect("descendants");
    assert_eq!(descendants, [s.child]);

    // Everything downstream of the source address, with its depth, by an explicit join.
    let downstream: Vec<(String, i32)> = address_lineage_closure::table
        .inner_join(address::table.on(address::id.eq(address_lineage_closure::target_address_id)))
        .filter(address_lineage_closure::source_address_id.eq(s.source.id))
        .select((address::name, address_lineage_closure::depth))
        .order(address_lineage_closure::depth)
        .load(&mut conn)
        .expect("downstream addresses");
    assert_eq!(
        downstream,
        [
            ("warehouse.sales.raw_orders".to_string(), 0),
            ("warehouse.sales.orders".to_string(), 1)
        ]
    );

    let upstream: Vec<i32> = address_lineage_closure::table
        .filter(address_lineage_closure::target_address_id.eq(s.target.id))
        .filter(address_lineage_closure::depth.gt(0))
        .select(address_lineage_closure::source_address_id)
        .load(&mut conn)
        .expect("upstream addresses");
    assert_eq!(upstream, [s.source.id]);
}
