//! A misspelt key of `#[watcher_enum]`, and one on a variant.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_al = "SCREAMING_SNAKE_CASE"
)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
}

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "run_status",
    rename_all = "snake_case"
)]
pub enum RunStatus {
    Running,
    Succeeded,
    #[watcher(label = "failed_hard")]
    Failed,
}

fn main() {}
