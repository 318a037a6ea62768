//! A column is serial or identity, an integer, and has no default then.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Sample {
    #[watcher(primary_key, serial, identity)]
    pub id: i64,
    #[watcher(serial)]
    pub note: String,
    #[watcher(identity, default = "1")]
    pub small: i16,
}

fn main() {}
