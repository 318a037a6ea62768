//! A primary key whose columns or order differ: the error is at `primary_key`.

use watcher_schema::watcher_table;

mod reordered {
    use super::*;

    #[watcher_table(
        migrations = "tests/ui/fixtures/watcher/migrations",
        primary_key(depth, source_address_id, target_address_id)
    )]
    pub struct AddressLineageClosure {
        pub depth: i32,
        #[watcher(references = "address")]
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
}

mod shorter {
    use super::*;

    #[watcher_table(
        migrations = "tests/ui/fixtures/watcher/migrations",
        primary_key(source_address_id, target_address_id)
    )]
    pub struct AddressLineageClosure {
        pub depth: i32,
        #[watcher(references = "address")]
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
}

fn main() {}
