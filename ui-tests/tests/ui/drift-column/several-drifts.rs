//! Every drift of a struct is reported in one build, each at its own token.

use chrono::{DateTime, Utc};
use watcher_schema::{watcher_enum, watcher_table};

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
#[derive(Debug, Clone, Copy)]
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
pub struct Pipeline {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(references = "pipeline_type")]
    pub pipeline_type_id: i32,
    pub freshness_number: Option<i64>,
    pub freshness_datepart: Option<DatePartEnum>,
    #[watcher(default = "true")]
    pub active: bool,
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    #[watcher(max_length = 50)]
    pub owner: Option<String>,
    pub owner_email: Option<String>,
    pub paused: bool,
}

fn main() {}
