use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/history/migrations",
    allow_destructive(drop_column(maintainer), change_primary_key)
)]
pub struct Pipeline {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(max_length = 20)]
    pub input_hash: String,
    pub maintainer: Option<String>,
}

fn main() {}
