//! A table name names the Diesel `table!` module too.

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "Address-Book"
)]
pub struct Address {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(column = "type", max_length = 50)]
    pub kind: String,
}

fn main() {}
