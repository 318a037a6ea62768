//! `max_length` and `precision` start at 1.

use watcher_schema::watcher_table;

use bigdecimal::BigDecimal;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Measure {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 0)]
    pub name: String,
    #[watcher(precision = 0)]
    pub value: BigDecimal,
}

fn main() {}
