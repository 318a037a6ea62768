//! `#[watcher(...)]` goes on fields and variants; the struct's keys go in
//! `#[watcher_table(...)]`.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
#[watcher(name = "address")]
pub struct Address {
    #[watcher(primary_key)]
    pub id: i32,
}

fn main() {}
