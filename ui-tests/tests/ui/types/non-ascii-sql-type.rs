//! A `sql_type` with non-ASCII text is an error at the literal, not a panic in the macro.

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique(name = "uq_address_name_kind", columns(name, kind))
)]
pub struct Address {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(sql_type = "varchär(150)")]
    pub name: String,
    #[watcher(column = "type", sql_type = "int ärray")]
    pub kind: Vec<i32>,
}

fn main() {}
