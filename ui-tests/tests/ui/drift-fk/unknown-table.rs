use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/migrations/basic")]
pub struct PipelineType {
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(references = "sensor")]
    pub sensor_id: i32,
}

fn main() {}
