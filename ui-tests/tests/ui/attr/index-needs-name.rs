//! Index and check names are explicit, so migrations never depend on a naming rule.

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique(name = "uq_address_name_kind", columns(name, kind)),
    index(columns(name)),
    check(expr = "length(name) > 0")
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
