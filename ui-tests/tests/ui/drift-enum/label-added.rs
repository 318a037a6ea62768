use watcher_schema::watcher_enum;

#[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE", migrations = "tests/ui/migrations/basic")]
#[derive(Debug)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
    Week,
}

fn main() {}
