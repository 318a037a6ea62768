//! A label of the migrations that no variant has: the error is at the enum name.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
#[derive(Debug, Clone, Copy)]
pub enum DatePartEnum {
    Minute,
    Hour,
}

fn main() {}
