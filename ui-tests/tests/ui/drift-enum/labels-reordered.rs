//! Same labels in another order, which is the type's sort order.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
#[derive(Debug, Clone, Copy)]
pub enum DatePartEnum {
    Day,
    Hour,
    Minute,
}

fn main() {}
