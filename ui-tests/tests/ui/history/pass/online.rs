//! `online = false` asks the generator for the plain blocking form of the next migration;
//! the drift check ignores it, so it compiles before and after that migration exists.
use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/history/migrations",
    name = "lineage_closure",
    online = false
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

fn main() {
    let _ = lineage_closure::table;
}
