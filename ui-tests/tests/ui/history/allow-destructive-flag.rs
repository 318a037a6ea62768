use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/history/migrations", allow_destructive)]
pub struct Pipeline {
    #[watcher(primary_key)]
    pub id: i32,
}

fn main() {}
