//! The key flag on another field than the migrations' key.

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique(name = "uq_address_name_kind", columns(name, kind))
)]
pub struct Address {
    #[watcher(serial)]
    pub id: i32,
    #[watcher(primary_key, max_length = 150)]
    pub name: String,
    #[watcher(column = "type", max_length = 50)]
    pub kind: String,
}

fn main() {}
