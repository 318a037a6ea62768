use watcher_schema::watcher_table;

// A backfill does not stand in for the migration: the column must still be generated.
#[watcher_table(migrations = "tests/ui/history/migrations")]
pub struct Pipeline {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(max_length = 20)]
    pub input_hash: String,
    pub maintainer: Option<String>,
    #[watcher(backfill = "0")]
    pub priority: i32,
}

fn main() {}
