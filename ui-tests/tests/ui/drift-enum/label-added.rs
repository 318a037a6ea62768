//! A variant whose label the migrations' type lacks: the error is at the variant.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
#[derive(Debug, Clone, Copy)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
    Week,
}

fn main() {}
