//! An enum whose type the migrations do not have.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    rename_all = "snake_case"
)]
#[derive(Debug, Clone, Copy)]
pub enum Severity {
    Info,
    Warning,
}

fn main() {}
