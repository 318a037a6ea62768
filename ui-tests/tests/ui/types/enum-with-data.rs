//! An enum variant is a label, so it carries no data.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
pub enum DatePartEnum {
    Minute(u8),
    Hour { hours: u8 },
    Day,
}

fn main() {}
