//! `schema!` lists a table module whose table the migrations lack.

#[path = "../fixtures/watcher/src/schema.rs"]
mod schema;

mod archive {
    #[watcher_schema::watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
    pub struct PipelineArchive {
        #[watcher(primary_key)]
        pub id: i32,
    }
}

watcher_schema::schema! {
    migrations = "tests/ui/fixtures/watcher/migrations";
    schema::pipeline_type,
    schema::pipeline,
    schema::pipeline_execution,
    schema::address,
    schema::address_lineage_closure,
    schema::sample,
    archive::pipeline_archive,
}

fn main() {}
