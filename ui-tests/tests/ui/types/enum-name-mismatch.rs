use watcher_schema::{watcher_enum, watcher_table};

#[watcher_enum(
    name = "datepartenum",
    migrations = "tests/ui/fixtures/enum/migrations"
)]
#[derive(Debug)]
pub enum DatePart {
    MINUTE,
    HOUR,
    DAY,
}

#[watcher_table(migrations = "tests/ui/fixtures/enum/migrations")]
pub struct Reading {
    #[watcher(primary_key)]
    pub id: i32,
    // Taken for PostgreSQL type `datepart` (the identifier lower-cased), which `DatePart`
    // is not: it maps `datepartenum`.
    pub part: Option<DatePart>,
}

fn main() {}
