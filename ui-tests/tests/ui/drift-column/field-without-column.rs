//! A field whose column the migrations do not have: the error is at the field name.

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
    #[watcher(column = "type", max_length = 50)]
    pub kind: String,
    pub description: Option<String>,
}

fn main() {}
