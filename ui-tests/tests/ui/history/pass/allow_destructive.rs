//! `allow_destructive(...)` confirms data-losing changes for the generator; the drift
//! check ignores it, so it compiles before and after its migration exists.
use watcher_schema::{watcher_enum, watcher_table};

#[watcher_table(
    migrations = "tests/ui/history/migrations",
    name = "lineage_closure",
    allow_destructive(drop_column(full_load, deprecated), change_type(depth), change_primary_key)
)]
pub struct LineageClosure {
    #[watcher(primary_key)]
    pub source_id: i32,
    #[watcher(primary_key)]
    pub target_id: i32,
    #[watcher(primary_key)]
    pub depth: i32,
    pub lineage_path: Vec<i32>,
}

#[watcher_enum(
    migrations = "tests/ui/history/migrations",
    rename_all = "SCREAMING_SNAKE_CASE",
    allow_destructive(remove_label("WEEK", "YEAR"))
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
}

fn main() {
    let _ = lineage_closure::table;
    let _ = DatePartEnum::Day;
}
