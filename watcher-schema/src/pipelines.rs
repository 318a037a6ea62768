//! Pipelines and their types: what Watcher monitors, and the monitoring defaults a type
//! hands to its pipelines.

use chrono::{DateTime, Utc};

use crate::{watcher_enum, watcher_table};

/// A unit of time for freshness and timeliness thresholds.
#[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePartEnum {
    /// `MINUTE`.
    Minute,
    /// `HOUR`.
    Hour,
    /// `DAY`.
    Day,
    /// `WEEK`.
    Week,
    /// `MONTH`.
    Month,
    /// `YEAR`.
    Year,
}

/// A kind of pipeline (an ETL tool, a job family) with default monitoring settings.
#[watcher_table(unique_index(name = "ux_pipeline_type_name_include", columns(name), include(id)))]
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineType {
    /// Serial id.
    #[watcher(primary_key)]
    pub id: i32,
    /// Unique display name.
    #[watcher(max_length = 150)]
    pub name: String,
    /// Default freshness threshold, in `freshness_datepart` units.
    pub freshness_number: Option<i32>,
    /// Unit of `freshness_number`.
    pub freshness_datepart: Option<DatePartEnum>,
    /// Silences freshness alerts for pipelines of this type.
    #[watcher(default = "false")]
    pub mute_freshness_check: bool,
    /// Default timeliness threshold, in `timeliness_datepart` units.
    pub timeliness_number: Option<i32>,
    /// Unit of `timeliness_number`.
    pub timeliness_datepart: Option<DatePartEnum>,
    /// Silences timeliness alerts for pipelines of this type.
    #[watcher(default = "false")]
    pub mute_timeliness_check: bool,
    /// When the row was created.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    /// When the row was last updated.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A monitored data pipeline, with its watermarks and monitoring settings.
#[watcher_table(
    index(
        name = "ix_pipeline_pipeline_type_id_include",
        columns(pipeline_type_id),
        include(id)
    ),
    unique_index(
        name = "ux_pipeline_name_include",
        columns(name),
        include(load_lineage, active, id)
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Serial id.
    #[watcher(primary_key)]
    pub id: i32,
    /// Unique pipeline name.
    #[watcher(max_length = 150)]
    pub name: String,
    /// The pipeline's type.
    #[watcher(references = PipelineType)]
    pub pipeline_type_id: i32,
    /// Watermark of the last completed execution.
    #[watcher(max_length = 50)]
    pub watermark: Option<String>,
    /// Watermark the next execution starts from.
    #[watcher(max_length = 50)]
    pub next_watermark: Option<String>,
    /// Free-form settings.
    pub pipeline_metadata: Option<serde_json::Value>,
    /// Last insert into the pipeline's target.
    pub last_target_insert: Option<DateTime<Utc>>,
    /// Last update of the pipeline's target.
    pub last_target_update: Option<DateTime<Utc>>,
    /// Last soft delete in the pipeline's target.
    pub last_target_soft_delete: Option<DateTime<Utc>>,
    /// Freshness threshold, overriding the type's.
    pub freshness_number: Option<i32>,
    /// Unit of `freshness_number`.
    pub freshness_datepart: Option<DatePartEnum>,
    /// Silences freshness alerts.
    #[watcher(default = "false")]
    pub mute_freshness_check: bool,
    /// Timeliness threshold, overriding the type's.
    pub timeliness_number: Option<i32>,
    /// Unit of `timeliness_number`.
    pub timeliness_datepart: Option<DatePartEnum>,
    /// Silences timeliness alerts.
    #[watcher(default = "false")]
    pub mute_timeliness_check: bool,
    /// Whether executions report address lineage.
    #[watcher(default = "true")]
    pub load_lineage: bool,
    /// Inactive pipelines are not monitored.
    #[watcher(default = "true")]
    pub active: bool,
    /// When the row was created.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    /// When the row was last updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Hash of the pipeline's input, to tell a changed registration from a repeated one.
    /// Rows from before 20251008100712 get a deterministic stand-in that fits the column:
    /// the first 20 hex digits of the md5 of their (unique) name.
    #[watcher(max_length = 20, backfill = "left(md5(name), 20)")]
    pub input_hash: String,
}
