//! Other ways to write the fixture's tables: a table name that differs from the struct's,
//! `unique` inside `index(...)`, a raw identifier for a keyword column, `references` by a
//! module path (still joinable), and an enum type named through `sql_type`.

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

#[watcher_schema::watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "address",
    unique(name = "uq_address_name_kind", columns(name, r#type))
)]
pub struct Place {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(max_length = 50)]
    pub r#type: String,
}

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
    #[watcher(references = "pipeline", on_delete = "cascade", on_update = "cascade")]
    pub pipeline_id: i32,
    #[watcher(sql_type = "run_status")]
    pub status: Status,
    pub start_date: DateTime<Utc>,
    pub end_date: Option<DateTime<Utc>>,
    pub date_recorded: NaiveDate,
    #[watcher(precision = 12, scale = 4)]
    pub throughput: Option<bigdecimal::BigDecimal>,
}

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
    #[watcher(references = types::PipelineType)]
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

use types::pipeline_type;
diesel::allow_tables_to_appear_in_same_query!(pipeline, pipeline_type);

/// The join of `pipeline` to `types::pipeline_type` came from `references = types::PipelineType`.
fn type_names(conn: &mut PgConnection) -> QueryResult<Vec<(String, String)>> {
    pipeline::table
        .inner_join(pipeline_type::table)
        .select((pipeline::name, pipeline_type::name))
        .load(conn)
}

fn tables(conn: &mut PgConnection) -> QueryResult<Vec<Place>> {
    address::table
        .filter(address::r#type.eq("table"))
        .select(Place::as_select())
        .load(conn)
}

fn slow_failures(conn: &mut PgConnection) -> QueryResult<Vec<Run>> {
    pipeline_execution::table
        .filter(pipeline_execution::status.eq_any([Status::Failed, Status::Running]))
        .filter(pipeline_execution::throughput.lt(bigdecimal::BigDecimal::from(10)))
        .filter(pipeline_execution::date_recorded.ge(NaiveDate::MIN))
        .order(pipeline_execution::start_date.desc())
        .select(Run::as_select())
        .load(conn)
}

fn with_metadata(conn: &mut PgConnection) -> QueryResult<Vec<i32>> {
    pipeline::table
        .filter(pipeline::pipeline_metadata.is_not_null())
        .filter(pipeline::freshness_datepart.eq(DatePartEnum::Hour))
        .select(pipeline::id)
        .load(conn)
}

fn main() {
    let _ = (type_names, tables, slow_failures, with_metadata);
}
