//! `references` to a struct brought in by `use` joins like one named by its path: the join
//! goes through the struct's table, not through a module path built from the struct's
//! name, which the `use` would not bring into scope.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

mod types {
    use chrono::{DateTime, Utc};

    #[watcher_schema::watcher_table(
        migrations = "tests/ui/fixtures/watcher/migrations",
        index(
            name = "ux_pipeline_type_name_include",
            unique,
            columns(name),
            include(id)
        )
    )]
    pub struct PipelineType {
        #[watcher(primary_key)]
        pub id: i32,
        #[watcher(max_length = 150)]
        pub name: String,
        #[watcher(default = "CURRENT_TIMESTAMP")]
        pub created_at: DateTime<Utc>,
        pub updated_at: Option<DateTime<Utc>>,
    }
}

mod pipelines {
    use chrono::{DateTime, Utc};

    use crate::types::PipelineType;

    #[watcher_schema::watcher_enum(
        migrations = "tests/ui/fixtures/watcher/migrations",
        rename_all = "UPPERCASE"
    )]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DatePartEnum {
        Minute,
        Hour,
        Day,
    }

    #[watcher_schema::watcher_table(
        migrations = "tests/ui/fixtures/watcher/migrations",
        index(name = "ix_pipeline_pipeline_type_id", columns(pipeline_type_id)),
        unique_index(name = "ux_pipeline_name", columns(name)),
        index(
            name = "ix_pipeline_active_name",
            columns(name),
            include(id),
            where = "active = true"
        ),
        check(
            name = "ck_pipeline_freshness",
            expr = "(freshness_number IS NULL) OR (freshness_datepart IS NOT NULL)"
        )
    )]
    pub struct Pipeline {
        #[watcher(primary_key)]
        pub id: i32,
        #[watcher(max_length = 150)]
        pub name: String,
        #[watcher(references = PipelineType)]
        pub pipeline_type_id: i32,
        pub pipeline_metadata: Option<serde_json::Value>,
        pub freshness_number: Option<i32>,
        pub freshness_datepart: Option<DatePartEnum>,
        #[watcher(default = "true")]
        pub active: bool,
        #[watcher(default = "CURRENT_TIMESTAMP")]
        pub created_at: DateTime<Utc>,
        pub updated_at: Option<DateTime<Utc>>,
        #[watcher(max_length = 50)]
        pub owner: Option<String>,
    }
}

use pipelines::{pipeline, Pipeline};
use types::pipeline_type;

#[watcher_schema::watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "run_status"
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    #[watcher(rename = "running")]
    Running,
    #[watcher(rename = "succeeded")]
    Succeeded,
    #[watcher(rename = "failed_hard")]
    Failed,
}

#[watcher_schema::watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "pipeline_execution",
    index(
        name = "ix_pipeline_execution_pipeline_id_start_date",
        columns(pipeline_id, start_date),
        include(status, id),
        where = "end_date IS NOT NULL"
    ),
    check(
        name = "ck_pipeline_execution_end_after_start",
        expr = "(end_date IS NULL) OR (end_date > start_date)"
    )
)]
pub struct Run {
    #[watcher(primary_key)]
    pub id: i64,
    #[watcher(references = Pipeline, on_delete = "cascade", on_update = "cascade")]
    pub pipeline_id: i32,
    #[watcher(sql_type = "run_status")]
    pub status: Status,
    pub start_date: DateTime<Utc>,
    pub end_date: Option<DateTime<Utc>>,
    pub date_recorded: NaiveDate,
    #[watcher(precision = 12, scale = 4)]
    pub throughput: Option<bigdecimal::BigDecimal>,
}

diesel::allow_tables_to_appear_in_same_query!(pipeline, pipeline_type, pipeline_execution);

/// Child to parent, twice over: each run with its pipeline's type.
fn run_types(conn: &mut PgConnection) -> QueryResult<Vec<(i64, String, String)>> {
    pipeline_execution::table
        .inner_join(pipeline::table.inner_join(pipeline_type::table))
        .select((pipeline_execution::id, pipeline::name, pipeline_type::name))
        .load(conn)
}

/// Parent to child: a type with the pipelines of that type, if any.
fn types_and_pipelines(conn: &mut PgConnection) -> QueryResult<Vec<(String, Option<String>)>> {
    pipeline_type::table
        .left_join(pipeline::table)
        .select((pipeline_type::name, pipeline::name.nullable()))
        .load(conn)
}

/// Diesel's association API sees the same join.
fn runs_of(conn: &mut PgConnection, pipeline: &Pipeline) -> QueryResult<Vec<(Run, Pipeline)>> {
    pipeline_execution::table
        .filter(pipeline_execution::pipeline_id.eq(pipeline.id))
        .inner_join(pipeline::table)
        .select((Run::as_select(), Pipeline::as_select()))
        .load(conn)
}

fn main() {
    let _ = (run_types, types_and_pipelines, runs_of);
}
