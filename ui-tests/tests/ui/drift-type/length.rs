//! `max_length` differs from the migrations', or is missing (text for varchar).

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique(name = "uq_address_name_kind", columns(name, kind))
)]
pub struct Address {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 100)]
    pub name: String,
    #[watcher(column = "type")]
    pub kind: String,
}

fn main() {}
