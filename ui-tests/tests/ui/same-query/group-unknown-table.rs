//! A group names tables listed in the same `schema!`.

#[path = "../fixtures/watcher/src/schema.rs"]
mod schema;

watcher_schema::schema! {
    migrations = "tests/ui/fixtures/watcher/migrations";
    schema::pipeline_type,
    schema::pipeline,
    schema::pipeline_execution,
    schema::address,
    schema::address_lineage_closure,
    schema::sample,
    group(pipeline, samples),
}

fn main() {}
