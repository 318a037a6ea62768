use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/migrations/enum",
    index(name = "ix_reading", columns(id)),
    check(name = "ix_reading", expr = "id > 0"),
)]
pub struct Reading {
    #[watcher(primary_key)]
    pub id: i32,
}

fn main() {}
