//! `allow_destructive(...)` confirms data-losing changes for the generator, and
//! `down_backfill`, `down_using` and the enum `renamed_from` keys tell it the way there and
//! back; the drift check ignores them, so they compile before and after their migration.
use watcher_schema::{watcher_enum, watcher_table};

#[watcher_table(
    migrations = "tests/ui/history/migrations",
    name = "lineage_closure",
    allow_destructive(drop_column(full_load, deprecated), change_type(depth), change_primary_key),
    down_backfill(full_load = "false", depth = "0")
)]
pub struct LineageClosure {
    #[watcher(primary_key)]
    pub source_id: i32,
    #[watcher(primary_key)]
    pub target_id: i32,
    #[watcher(primary_key, down_using = "depth::integer")]
    pub depth: i32,
    pub lineage_path: Vec<i32>,
}

#[watcher_enum(
    migrations = "tests/ui/history/migrations",
    rename_all = "SCREAMING_SNAKE_CASE",
    allow_destructive(remove_label("WEEK", "YEAR")),
    renamed_from = "date_part"
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePartEnum {
    #[watcher(renamed_from = "MIN")]
    Minute,
    Hour,
    Day,
}

fn main() {
    let _ = lineage_closure::table;
    let _ = DatePartEnum::Day;
}
