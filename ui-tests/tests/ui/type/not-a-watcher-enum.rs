use watcher_schema::watcher_table;

#[derive(Debug)]
pub enum DatePartEnum {
    Minute,
}

#[watcher_table(migrations = "tests/ui/migrations/enum")]
pub struct Reading {
    #[watcher(primary_key)]
    pub id: i32,
    pub part: Option<DatePartEnum>,
}

fn main() {}
