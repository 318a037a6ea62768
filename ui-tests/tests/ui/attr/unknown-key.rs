use watcher_schema::watcher_table;

#[watcher_table(migrations = "tests/ui/migrations/basic", nmae = "pipeline_type")]
pub struct PipelineType {
    #[watcher(primary_key, max_lenght = 150)]
    pub id: i32,
}

fn main() {}
