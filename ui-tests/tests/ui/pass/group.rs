//! `group(pipeline, sample)` lets two tables no foreign key links appear in one query; the
//! tables linked by foreign keys still do without a group.

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
    group(pipeline, sample),
}

use diesel::prelude::*;
use schema::{pipeline, pipeline_type, sample};

fn main() {
    let query = pipeline::table
        .inner_join(sample::table.on(sample::small.eq(1)))
        .select((pipeline::id, sample::id));
    let sql = diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string();
    assert!(sql.contains(r#"INNER JOIN "sample""#), "{sql}");

    let query = pipeline::table
        .inner_join(pipeline_type::table)
        .select((pipeline::id, pipeline_type::name));
    let sql = diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string();
    assert!(sql.contains(r#"INNER JOIN "pipeline_type""#), "{sql}");
}
