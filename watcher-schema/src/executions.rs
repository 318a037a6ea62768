//! Pipeline executions with their performance metrics, and a closure table of the
//! parent → child hierarchy of executions.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};

use crate::pipelines::Pipeline;
use crate::watcher_table;

/// One run of a pipeline.
#[watcher_table(
    check(
        name = "ck_check_end_after_start",
        expr = "(end_date IS NULL) OR (end_date > start_date)"
    ),
    check(
        name = "ck_check_parent_not_self",
        expr = "(parent_id IS NULL) OR (parent_id <> id)"
    ),
    index(
        name = "ix_pipeline_execution_date_recorded_seek",
        columns(date_recorded, pipeline_id),
        include(id)
    ),
    index(
        name = "ix_pipeline_execution_hour_recorded",
        columns(pipeline_id, hour_recorded, end_date),
        include(completed_successfully, id),
        where = "end_date IS NOT NULL"
    ),
    index(
        name = "ix_pipeline_execution_start_date",
        columns(start_date),
        include(id)
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineExecution {
    /// Bigserial id.
    #[watcher(primary_key)]
    pub id: i64,
    /// The execution that started this one, if any.
    pub parent_id: Option<i32>,
    /// The pipeline that ran.
    #[watcher(references = Pipeline)]
    pub pipeline_id: i32,
    /// When it started.
    pub start_date: DateTime<Utc>,
    /// Day it started (for date-range seeks).
    pub date_recorded: NaiveDate,
    /// Hour of day it started.
    pub hour_recorded: i32,
    /// When it ended; `None` while running.
    pub end_date: Option<DateTime<Utc>>,
    /// Run time.
    pub duration_seconds: Option<i32>,
    /// Outcome, once ended.
    pub completed_successfully: Option<bool>,
    /// Rows inserted.
    pub inserts: Option<i32>,
    /// Rows updated.
    pub updates: Option<i32>,
    /// Rows soft-deleted.
    pub soft_deletes: Option<i32>,
    /// Rows processed in all.
    pub total_rows: Option<i32>,
    /// Watermark it started from.
    #[watcher(max_length = 50)]
    pub watermark: Option<String>,
    /// Watermark it reached.
    #[watcher(max_length = 50)]
    pub next_watermark: Option<String>,
    /// Free-form details.
    pub execution_metadata: Option<serde_json::Value>,
    /// Which anomaly rules fired.
    pub anomaly_flags: Option<serde_json::Value>,
    /// Rows per second.
    #[watcher(precision = 12, scale = 4)]
    pub throughput: Option<BigDecimal>,
}

/// Closure of the execution hierarchy: every ancestor → descendant pair with its depth.
#[watcher_table(
    index(
        name = "ix_pipeline_execution_closure_depth_child_include",
        columns(child_execution_id, depth),
        include(parent_execution_id)
    ),
    index(
        name = "ix_pipeline_execution_closure_depth_parent_include",
        columns(parent_execution_id, depth),
        include(child_execution_id)
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineExecutionClosure {
    /// Ancestor execution.
    #[watcher(primary_key, references = PipelineExecution)]
    pub parent_execution_id: i64,
    /// Descendant execution.
    #[watcher(primary_key, references = PipelineExecution)]
    pub child_execution_id: i64,
    /// Generations between them (0 for an execution and itself).
    pub depth: i32,
}
