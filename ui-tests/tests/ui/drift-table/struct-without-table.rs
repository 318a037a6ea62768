//! A struct whose table the migrations do not have: the error is at the struct name.

use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct PipelineOwner {
    #[watcher(primary_key)]
    pub id: i32,
    pub email: String,
}

fn main() {}
