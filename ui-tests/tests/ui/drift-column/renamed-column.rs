//! A field renamed without `column = "..."`: its old column is unclaimed and its new one
//! unknown, both reported.

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique(name = "uq_address_name_kind", columns(name, kind))
)]
pub struct Address {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(max_length = 50)]
    pub kind: String,
}

fn main() {}
