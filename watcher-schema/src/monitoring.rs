//! Freshness and timeliness monitoring logs: one row per evaluation of a pipeline's
//! freshness, and per execution checked for timeliness.

use chrono::{DateTime, Utc};

use crate::executions::PipelineExecution;
use crate::pipelines::{DatePartEnum, Pipeline};
use crate::watcher_table;

/// A freshness evaluation: how old a pipeline's target data was, against its threshold.
#[watcher_table(unique_index(
    name = "ux_freshness_pipeline_log",
    columns(last_dml_timestamp, pipeline_id)
))]
#[derive(Debug, Clone, PartialEq)]
pub struct FreshnessPipelineLog {
    /// Bigserial id.
    #[watcher(primary_key)]
    pub id: i64,
    /// The evaluated pipeline.
    #[watcher(references = Pipeline)]
    pub pipeline_id: i32,
    /// Last change seen in the target.
    pub last_dml_timestamp: Option<DateTime<Utc>>,
    /// When the evaluation ran.
    pub evaluation_timestamp: Option<DateTime<Utc>>,
    /// Threshold applied, in `freshness_datepart` units.
    pub freshness_number: i32,
    /// Unit of `freshness_number`.
    pub freshness_datepart: DatePartEnum,
    /// Whether the threshold came from the pipeline type.
    pub used_child_config: bool,
    /// When the row was created.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
}

/// A timeliness check of one execution: how long it ran, against its threshold.
#[watcher_table]
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinessPipelineExecutionLog {
    /// The checked execution.
    #[watcher(primary_key, references = PipelineExecution)]
    pub pipeline_execution_id: i64,
    /// Its pipeline.
    #[watcher(references = Pipeline)]
    pub pipeline_id: i32,
    /// Run time of the execution.
    pub duration_seconds: i32,
    /// Threshold in seconds.
    pub seconds_threshold: i32,
    /// Outcome of the check.
    #[watcher(sql_type = "varchar")]
    pub execution_status: String,
    /// Threshold applied, in `timely_datepart` units.
    pub timely_number: i32,
    /// Unit of `timely_number`.
    pub timely_datepart: DatePartEnum,
    /// Whether the threshold came from the pipeline type.
    pub used_child_config: bool,
    /// When the row was created.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
}
