//! `renamed_from` is history: once the rename is in the migrations, the old names are
//! nowhere, and the struct matches.
use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/history/migrations", renamed_from = "address_lineage_closure")]
pub struct LineageClosure {
    #[watcher(primary_key)]
    pub source_id: i32,
    #[watcher(primary_key)]
    pub target_id: i32,
    #[watcher(primary_key)]
    pub depth: i32,
    pub lineage_path: Vec<i32>,
}

#[watcher_table(migrations = "tests/ui/history/migrations", name = "pipeline")]
pub struct Pipeline {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(max_length = 20)]
    pub input_hash: String,
    #[watcher(renamed_from = "owner")]
    pub maintainer: Option<String>,
}

#[watcher_schema::watcher_enum(migrations = "tests/ui/history/migrations", rename_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
}

fn main() {
    let _ = lineage_closure::table;
    let _ = pipeline::maintainer;
}
