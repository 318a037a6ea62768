//! A foreign key whose actions or target column differ: the error is at `references`.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use watcher_schema::{watcher_enum, watcher_table};

#[watcher_enum(
    migrations = "tests/ui/fixtures/watcher/migrations",
    name = "run_status",
    rename_all = "snake_case"
)]
#[derive(Debug, Clone, Copy)]
pub enum RunStatus {
    Running,
    Succeeded,
    #[watcher(rename = "failed_hard")]
    Failed,
}

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    index(
        name = "ix_pipeline_execution_pipeline_id_start_date",
        columns(pipeline_id, start_date),
        include(status, id),
        where = "end_date IS NOT NULL"
    ),
    check(
        name = "ck_pipeline_execution_end_after_start",
        expr = "(end_date IS NULL) OR (end_date > start_date)"
    )
)]
pub struct PipelineExecution {
    #[watcher(primary_key)]
    pub id: i64,
    #[watcher(references = "pipeline", on_delete = "restrict")]
    pub pipeline_id: i32,
    #[watcher(sql_type = "run_status")]
    pub status: RunStatus,
    pub start_date: DateTime<Utc>,
    pub end_date: Option<DateTime<Utc>>,
    pub date_recorded: NaiveDate,
    #[watcher(precision = 12, scale = 4)]
    pub throughput: Option<BigDecimal>,
}

#[watcher_table(
    migrations = "tests/ui/fixtures/watcher/migrations",
    primary_key(source_address_id, target_address_id, depth)
)]
pub struct AddressLineageClosure {
    pub depth: i32,
    #[watcher(references = "address")]
    pub source_address_id: i32,
    #[watcher(references = "address", references_column = "name")]
    pub target_address_id: i32,
    pub lineage_path: Vec<i32>,
    #[watcher(
        references = "pipeline",
        on_delete = "set_null",
        on_update = "set_null",
        foreign_key_name = "fk_closure_pipeline"
    )]
    pub pipeline_id: Option<i32>,
}

fn main() {}
