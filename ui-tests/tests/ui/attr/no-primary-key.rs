use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/migrations/enum")]
pub struct Reading {
    pub id: i32,
}

fn main() {}
