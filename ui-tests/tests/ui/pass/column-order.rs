//! `pipeline.owner` was added by the second migration, so it is physically the last column;
//! its field sits in the middle of the struct. The generated code selects and inserts by
//! name, so the row still reads into the right fields.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use watcher_schema::{watcher_enum, watcher_table};

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
}

#[watcher_table(
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
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(max_length = 50)]
    pub owner: Option<String>,
    #[watcher(references = "pipeline_type")]
    pub pipeline_type_id: i32,
    pub pipeline_metadata: Option<serde_json::Value>,
    pub freshness_number: Option<i32>,
    pub freshness_datepart: Option<DatePartEnum>,
    #[watcher(default = "true")]
    pub active: bool,
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn owned_by(conn: &mut PgConnection, owner: &str) -> QueryResult<Vec<Pipeline>> {
    pipeline::table
        .filter(pipeline::owner.eq(owner))
        .select(Pipeline::as_select())
        .load(conn)
}

fn add(conn: &mut PgConnection) -> QueryResult<usize> {
    let row = NewPipeline {
        name: "orders".to_owned(),
        owner: Some("data".to_owned()),
        pipeline_type_id: 1,
        pipeline_metadata: None,
        freshness_number: Some(2),
        freshness_datepart: Some(DatePartEnum::Day),
        active: Some(false),
        created_at: None,
        updated_at: None,
    };
    diesel::insert_into(pipeline::table)
        .values(&row)
        .execute(conn)
}

fn main() {
    let _ = (owned_by, add);
}
