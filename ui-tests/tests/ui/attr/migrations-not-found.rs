//! `migrations = "..."` names a directory that does not exist.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/missing/migrations")]
pub struct Address {
    #[watcher(primary_key)]
    pub id: i32,
}

fn main() {}
