//! A row type has concrete field types.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations", name = "address")]
pub struct Address<T> {
    #[watcher(primary_key)]
    pub id: i32,
    pub name: T,
}

fn main() {}
