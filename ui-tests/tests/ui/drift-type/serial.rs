//! Serial or identity differs from the migrations': the error is at the key that
//! decides it.

use chrono::{DateTime, Utc};
use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique_index(name = "ux_pipeline_type_name_include", columns(name), include(id))
)]
pub struct PipelineType {
    #[watcher(primary_key, serial = false)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Sample {
    #[watcher(primary_key, identity = "by_default")]
    pub id: i64,
    #[watcher(serial)]
    pub sequence_number: i32,
    pub small: i16,
    pub ratio: f32,
    pub score: Option<f64>,
    pub note: String,
    #[watcher(sql_type = "char(2)")]
    pub country: Option<String>,
    #[watcher(sql_type = "json")]
    pub raw: serde_json::Value,
    pub at_time: chrono::NaiveTime,
    pub at_local: chrono::NaiveDateTime,
    pub payload: Vec<u8>,
    pub tags: Vec<Option<String>>,
    pub amount: bigdecimal::BigDecimal,
}

fn main() {}
