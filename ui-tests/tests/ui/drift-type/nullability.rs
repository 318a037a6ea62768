//! `Option` on a NOT NULL column, and a plain type on a nullable one: the error is at
//! the type.

use chrono::{DateTime, Utc};
use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique_index(name = "ux_pipeline_type_name_include", columns(name), include(id))
)]
pub struct PipelineType {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: Option<String>,
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn main() {}
