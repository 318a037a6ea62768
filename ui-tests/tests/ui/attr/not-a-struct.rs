//! Each macro goes on its own kind of item.

use watcher_schema::{watcher_enum, watcher_table};

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub enum Address {
    Home,
}

#[watcher_enum(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct DatePartEnum {
    pub minute: i32,
}

fn main() {}
