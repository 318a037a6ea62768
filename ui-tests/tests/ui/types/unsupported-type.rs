//! Field types with no PostgreSQL column type: the error is at the type.

use watcher_schema::watcher_table;

use std::collections::HashMap;

use chrono::{DateTime, Local};

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Sample {
    #[watcher(primary_key)]
    pub id: u64,
    pub small: (i16, i16),
    pub ratio: HashMap<String, f32>,
    pub at_local: DateTime<Local>,
    pub tags: Vec<char>,
}

fn main() {}
