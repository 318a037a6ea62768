//! Serial, bigserial and identity keys are left out of `New<Struct>`; a composite key is
//! found by a tuple in its declared order; two keys to one table get no `joinable!`, so
//! joins name their `on` clause.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique_index(name = "ux_pipeline_type_name_include", columns(name), include(id))
)]
pub struct PipelineType {
    /// A single integer key without a foreign key is serial unless told otherwise.
    #[watcher(primary_key)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    unique(name = "uq_address_name_kind", columns(name, kind))
)]
pub struct Address {
    #[watcher(primary_key, serial)]
    pub id: i32,
    #[watcher(max_length = 150)]
    pub name: String,
    #[watcher(column = "type", max_length = 50)]
    pub kind: String,
}

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    primary_key(source_address_id, target_address_id, depth)
)]
pub struct AddressLineageClosure {
    pub depth: i32,
    #[watcher(references = Address)]
    pub source_address_id: i32,
    #[watcher(references = Address)]
    pub target_address_id: i32,
    pub lineage_path: Vec<i32>,
    #[watcher(
        references = "pipeline",
        on_delete = "set_null",
        foreign_key_name = "fk_closure_pipeline"
    )]
    pub pipeline_id: Option<i32>,
}

#[watcher_table(migrations = "tests/ui/fixtures/watcher/migrations")]
pub struct Sample {
    #[watcher(primary_key, identity = "always")]
    pub id: i64,
    #[watcher(identity = "by_default")]
    pub sequence_number: i32,
    pub small: i16,
    pub ratio: f32,
    pub score: Option<f64>,
    pub note: String,
    #[watcher(sql_type = "char(2)")]
    pub country: Option<String>,
    #[watcher(sql_type = "json")]
    pub raw: serde_json::Value,
    pub at_time: chrono::NaiveTime,
    pub at_local: chrono::NaiveDateTime,
    pub payload: Vec<u8>,
    pub tags: Vec<Option<String>>,
    pub amount: bigdecimal::BigDecimal,
}

diesel::allow_tables_to_appear_in_same_query!(address, address_lineage_closure);

fn add_type(conn: &mut PgConnection, name: &str) -> QueryResult<i32> {
    let row = NewPipelineType {
        name: name.to_owned(),
        created_at: None,
        updated_at: None,
    };
    diesel::insert_into(pipeline_type::table)
        .values(&row)
        .returning(pipeline_type::id)
        .get_result(conn)
}

fn add_address(conn: &mut PgConnection) -> QueryResult<Address> {
    let row = NewAddress {
        name: "db.orders".to_owned(),
        kind: "table".to_owned(),
    };
    diesel::insert_into(address::table)
        .values(&row)
        .returning(Address::as_returning())
        .get_result(conn)
}

fn path(conn: &mut PgConnection, from: i32, to: i32, depth: i32) -> QueryResult<Vec<i32>> {
    address_lineage_closure::table
        .find((from, to, depth))
        .select(address_lineage_closure::lineage_path)
        .first(conn)
}

fn sources_of(conn: &mut PgConnection, target: i32) -> QueryResult<Vec<(String, i32)>> {
    address_lineage_closure::table
        .inner_join(address::table.on(address::id.eq(address_lineage_closure::source_address_id)))
        .filter(address_lineage_closure::target_address_id.eq(target))
        .filter(address_lineage_closure::lineage_path.contains(vec![target]))
        .select((address::name, address_lineage_closure::depth))
        .load(conn)
}

/// Identity columns are generated: `NewSample` has neither `id` nor `sequence_number`.
fn add_sample(conn: &mut PgConnection) -> QueryResult<(i64, i32)> {
    let row = NewSample {
        small: 1,
        ratio: 0.5,
        score: None,
        note: String::new(),
        country: None,
        raw: serde_json::json!([]),
        at_time: chrono::NaiveTime::MIN,
        at_local: chrono::NaiveDateTime::MIN,
        payload: Vec::new(),
        tags: vec![None],
        amount: bigdecimal::BigDecimal::from(1),
    };
    diesel::insert_into(sample::table)
        .values(&row)
        .returning((sample::id, sample::sequence_number))
        .get_result(conn)
}

fn main() {
    let _ = (add_type, add_address, path, sources_of, add_sample);
}
