//! Every feature the fixture schema uses, compiled and used the way a service would.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use watcher_schema::{watcher_enum, watcher_table};

#[watcher_enum(
    rename_all = "SCREAMING_SNAKE_CASE",
    migrations = "tests/ui/fixtures/basic/migrations"
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
}

pub mod pipelines {
    use super::*;

    #[watcher_table(migrations = "tests/ui/fixtures/basic/migrations")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct PipelineType {
        #[watcher(primary_key)]
        pub id: i32,
        #[watcher(max_length = 150)]
        pub name: String,
    }

    #[watcher_table(
        migrations = "tests/ui/fixtures/basic/migrations",
        unique_index(name = "ux_pipeline_name_include", columns(name), include(active, id)),
        check(name = "ck_name", expr = "name <> ''")
    )]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Pipeline {
        #[watcher(primary_key)]
        pub id: i32,
        #[watcher(max_length = 150)]
        pub name: String,
        #[watcher(references = PipelineType)]
        pub pipeline_type_id: i32,
        pub freshness_datepart: Option<DatePartEnum>,
        pub parts: Vec<DatePartEnum>,
        pub pipeline_metadata: Option<serde_json::Value>,
        #[watcher(precision = 12, scale = 4)]
        pub throughput: Option<BigDecimal>,
        pub tags: Option<Vec<String>>,
        #[watcher(default = "true")]
        pub active: bool,
        #[watcher(default = "CURRENT_TIMESTAMP")]
        pub created_at: DateTime<Utc>,
        pub day: Option<NaiveDate>,
        pub r#type: Option<String>,
    }

    /// Two keys to one parent: no `joinable!`, so joins name their `ON`.
    #[watcher_table(
        migrations = "tests/ui/fixtures/basic/migrations",
        primary_key(parent_id, child_id)
    )]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Closure {
        #[watcher(references = Pipeline)]
        pub parent_id: i32,
        #[watcher(references = Pipeline)]
        pub child_id: i32,
        pub depth: i32,
    }
}

watcher_schema::schema! {
    migrations = "tests/ui/fixtures/basic/migrations";
    pipelines::pipeline_type,
    pipelines::pipeline,
    pipelines::closure,
}

#[allow(dead_code)]
fn queries(conn: &mut diesel::PgConnection) -> diesel::QueryResult<()> {
    use diesel::prelude::*;
    use pipelines::*;

    let kind: PipelineType = diesel::insert_into(pipeline_type::table)
        .values(&NewPipelineType { name: "etl".into() })
        .returning(PipelineType::as_returning())
        .get_result(conn)?;
    let mut row: Pipeline = diesel::insert_into(pipeline::table)
        .values(&NewPipeline {
            name: "orders".into(),
            pipeline_type_id: kind.id,
            freshness_datepart: Some(DatePartEnum::Hour),
            parts: vec![DatePartEnum::Minute],
            pipeline_metadata: None,
            throughput: None,
            tags: None,
            active: None,
            created_at: None,
            day: None,
            r#type: None,
        })
        .returning(Pipeline::as_returning())
        .get_result(conn)?;
    let _: Vec<(Pipeline, PipelineType)> = pipeline::table
        .inner_join(pipeline_type::table)
        .select((Pipeline::as_select(), PipelineType::as_select()))
        .filter(pipeline::freshness_datepart.eq(DatePartEnum::Hour))
        .load(conn)?;
    row.name = "orders_v2".into();
    diesel::update(&row).set(&row).execute(conn)?;
    let _: Vec<(Closure, Pipeline)> = closure::table
        .inner_join(pipeline::table.on(pipeline::id.eq(closure::parent_id)))
        .select((Closure::as_select(), Pipeline::as_select()))
        .load(conn)?;
    Ok(())
}

fn main() {}
