//! `rename_all` takes one of serde's case names.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "SHOUTY_CASE"
)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
}

fn main() {}
