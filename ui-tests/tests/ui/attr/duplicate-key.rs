use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/migrations/enum", name = "reading", name = "readings")]
pub struct Reading {
    #[watcher(primary_key, primary_key)]
    pub id: i32,
}

fn main() {}
