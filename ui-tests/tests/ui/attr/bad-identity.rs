//! `identity` is `always` or `by_default`.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Sample {
    #[watcher(primary_key, identity = "sometimes")]
    pub id: i64,
}

fn main() {}
