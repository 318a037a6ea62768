//! The whole fixture schema compiles against its migrations, and the generated Diesel code
//! serves a join, a filter on an enum, an insert through `New<Struct>`, an update through
//! `AsChangeset` and a lookup by composite key.

#[path = "../fixtures/watcher/src/schema.rs"]
mod schema;

watcher_schema::schema! {
    migrations = "tests/ui/fixtures/watcher/migrations";
    schema::pipeline_type,
    schema::pipeline,
    schema::pipeline_execution,
    schema::address,
    schema::address_lineage_closure,
    schema::sample,
}

use chrono::Utc;
use diesel::prelude::*;
use schema::{
    address_lineage_closure, pipeline, pipeline_execution, pipeline_type, AddressLineageClosure,
    NewPipeline, NewPipelineExecution, NewSample, Pipeline, PipelineExecution, PipelineType,
    RunStatus,
};

/// `pipeline` → `pipeline_type` through the `joinable!` of `references = PipelineType`.
fn pipelines_with_types(conn: &mut PgConnection) -> QueryResult<Vec<(Pipeline, PipelineType)>> {
    pipeline::table
        .inner_join(pipeline_type::table)
        .select((Pipeline::as_select(), PipelineType::as_select()))
        .load(conn)
}

/// `pipeline_execution` → `pipeline` by table name: no `joinable!`, so an explicit `on`.
fn failed_executions(conn: &mut PgConnection) -> QueryResult<Vec<(PipelineExecution, String)>> {
    pipeline_execution::table
        .inner_join(pipeline::table.on(pipeline::id.eq(pipeline_execution::pipeline_id)))
        .filter(pipeline_execution::status.eq(RunStatus::Failed))
        .select((PipelineExecution::as_select(), pipeline::name))
        .load(conn)
}

/// Server-defaulted columns are optional in `NewPipeline`; the serial id is absent.
fn add_pipeline(conn: &mut PgConnection, pipeline_type_id: i32) -> QueryResult<Pipeline> {
    let new = NewPipeline {
        name: "orders".to_owned(),
        pipeline_type_id,
        pipeline_metadata: Some(serde_json::json!({ "team": "data" })),
        freshness_number: None,
        freshness_datepart: Some(schema::DatePartEnum::Hour),
        active: None,
        created_at: None,
        updated_at: None,
        owner: None,
    };
    diesel::insert_into(pipeline::table)
        .values(&new)
        .returning(Pipeline::as_returning())
        .get_result(conn)
}

fn start_execution(conn: &mut PgConnection, pipeline_id: i32) -> QueryResult<i64> {
    let new = NewPipelineExecution {
        pipeline_id,
        status: RunStatus::Running,
        start_date: Utc::now(),
        end_date: None,
        date_recorded: Utc::now().date_naive(),
        throughput: None,
    };
    diesel::insert_into(pipeline_execution::table)
        .values(&new)
        .returning(pipeline_execution::id)
        .get_result(conn)
}

/// The whole row back through `AsChangeset`.
fn rename(conn: &mut PgConnection, mut row: Pipeline) -> QueryResult<Pipeline> {
    row.name.push_str("_v2");
    row.save_changes(conn)
}

/// `Identifiable` over the composite key, in the key's order.
fn closure_row(
    conn: &mut PgConnection,
    source: i32,
    target: i32,
    depth: i32,
) -> QueryResult<AddressLineageClosure> {
    address_lineage_closure::table
        .find((source, target, depth))
        .select(AddressLineageClosure::as_select())
        .first(conn)
}

/// Identity columns are generated, so `NewSample` has neither `id` nor `sequence_number`.
fn sample() -> NewSample {
    NewSample {
        small: 1,
        ratio: 0.5,
        score: None,
        note: String::new(),
        country: Some("FR".to_owned()),
        raw: serde_json::Value::Null,
        at_time: chrono::NaiveTime::MIN,
        at_local: chrono::NaiveDateTime::MIN,
        payload: vec![0xff],
        tags: vec![Some("a".to_owned()), None],
        amount: bigdecimal::BigDecimal::from(3),
    }
}

fn main() {
    let _ = (
        pipelines_with_types,
        failed_executions,
        add_pipeline,
        start_execution,
        rename,
        closure_row,
        sample,
    );
}
