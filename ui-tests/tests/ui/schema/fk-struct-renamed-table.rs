//! `references = Struct` takes the table name from the struct's name; a struct that
//! declares another table name must be referenced by that name instead.

use watcher_schema::watcher_table;

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "address",
    unique(name = "uq_address_name_kind", columns(name, kind))
)]
pub struct Place {
    #[watcher(primary_key)]
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
    #[watcher(references = Place)]
    pub source_address_id: i32,
    #[watcher(references = "address")]
    pub target_address_id: i32,
    pub lineage_path: Vec<i32>,
    #[watcher(
        references = "pipeline",
        on_delete = "set_null",
        foreign_key_name = "fk_closure_pipeline"
    )]
    pub pipeline_id: Option<i32>,
}

fn main() {}
