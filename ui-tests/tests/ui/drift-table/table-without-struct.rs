//! A table of the migrations that `schema!` does not list.

#[path = "../fixtures/watcher/src/schema.rs"]
mod schema;

watcher_schema::schema! {
    migrations = "tests/ui/fixtures/watcher/migrations";
    schema::pipeline_type,
    schema::pipeline,
    schema::pipeline_execution,
    schema::address_lineage_closure,
    schema::address,
}

fn main() {}
