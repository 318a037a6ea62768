//! Columns are named by fields.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Address(i32, String);

fn main() {}
