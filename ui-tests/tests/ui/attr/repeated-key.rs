//! A key given twice errs at its second occurrence, in every place.

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique(name = "uq_address_name_kind", columns(name, kind)),
    name = "address",
    name = "addresses"
)]
pub struct Address {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150, max_length = 100)]
    pub name: String,
    #[watcher(column = "type", max_length = 50)]
    pub kind: String,
}

fn main() {}
