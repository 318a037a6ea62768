//! A field whose type maps to another column type: the error is at the type.

use watcher_schema::watcher_table;

use bigdecimal::BigDecimal;
use chrono::{NaiveDate, NaiveTime};

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Sample {
    #[watcher(primary_key, identity = "always")]
    pub id: i64,
    #[watcher(identity)]
    pub sequence_number: i32,
    pub small: i32,
    pub ratio: f64,
    pub score: Option<f64>,
    pub note: String,
    #[watcher(sql_type = "char(2)")]
    pub country: Option<String>,
    pub raw: serde_json::Value,
    pub at_time: NaiveTime,
    pub at_local: NaiveDate,
    pub payload: Vec<u8>,
    pub tags: Vec<Option<String>>,
    pub amount: BigDecimal,
}

fn main() {}
