//! `max_length` is for strings, `precision` and `scale` for decimals.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Sample {
    #[watcher(primary_key)]
    pub id: i64,
    #[watcher(max_length = 5)]
    pub small: i16,
    #[watcher(precision = 12, scale = 4)]
    pub score: Option<f64>,
}

fn main() {}
