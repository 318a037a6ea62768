//! A label renamed by `rename`: added and removed at once.

use watcher_schema::watcher_enum;

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "run_status",
    rename_all = "snake_case"
)]
#[derive(Debug, Clone, Copy)]
pub enum RunStatus {
    Running,
    Succeeded,
    #[watcher(rename = "failed")]
    Failed,
}

fn main() {}
