//! `pipeline` and `sample` are linked by no foreign key and named in no `group(...)`, so
//! `schema!` does not let them appear in one query: Diesel's own error, naming its trait.

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
}

use diesel::prelude::*;
use schema::{pipeline, sample};

fn main() {
    let _query = pipeline::table.inner_join(sample::table.on(sample::small.eq(1)));
}
