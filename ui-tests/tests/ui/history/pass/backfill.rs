//! `backfill` tells the generator how existing rows were filled; the column it sits on is
//! NOT NULL in the migrations, and the key causes no drift.
use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/history/migrations", name = "lineage_closure")]
pub struct LineageClosure {
    #[watcher(primary_key)]
    pub source_id: i32,
    #[watcher(primary_key)]
    pub target_id: i32,
    #[watcher(primary_key)]
    pub depth: i32,
    #[watcher(backfill = "'{}'")]
    pub lineage_path: Vec<i32>,
}

fn main() {
    // The helper is stripped: the struct and its Diesel code are plain Rust.
    let row = LineageClosure { source_id: 1, target_id: 2, depth: 1, lineage_path: vec![1, 2] };
    let _ = NewLineageClosure { source_id: row.source_id, target_id: row.target_id, depth: row.depth, lineage_path: row.lineage_path };
}
