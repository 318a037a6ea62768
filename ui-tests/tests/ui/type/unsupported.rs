use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/migrations/basic", name = "pipeline_type")]
pub struct PipelineType {
    #[watcher(primary_key)]
    pub id: u32,
    pub name: std::collections::HashMap<String, String>,
}

fn main() {}
