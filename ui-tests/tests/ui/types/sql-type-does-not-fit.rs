//! `sql_type` must be readable into the field's Rust type.

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
    #[watcher(column = "type", sql_type = "integer")]
    pub kind: String,
}

fn main() {}
