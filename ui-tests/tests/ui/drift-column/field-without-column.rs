use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/migrations/basic")]
pub struct PipelineType {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    pub owner: Option<String>,
}

fn main() {
    // The struct and its Diesel code still exist: only the drift is an error.
    let _ = NewPipelineType { name: String::new(), owner: None };
}
