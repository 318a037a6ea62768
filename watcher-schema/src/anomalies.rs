//! Anomaly detection: per-pipeline rules on an execution metric (z-score against recent
//! history), and the results of applying them to executions.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};

use crate::executions::PipelineExecution;
use crate::pipelines::Pipeline;
use crate::{watcher_enum, watcher_table};

/// The execution metric an anomaly rule watches.
#[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnomalyMetricFieldEnum {
    /// `DURATION_SECONDS`.
    DurationSeconds,
    /// `INSERTS`.
    Inserts,
    /// `UPDATES`.
    Updates,
    /// `SOFT_DELETES`.
    SoftDeletes,
    /// `TOTAL_ROWS`.
    TotalRows,
    /// `THROUGHPUT`.
    Throughput,
}

/// A rule: flag executions whose metric lies more than `z_threshold` standard deviations
/// from the mean of the last `lookback_days`.
#[watcher_table(
    index(
        name = "ix_anomaly_detection_rule_pipeline_id_include",
        columns(pipeline_id, active),
        include(id)
    ),
    unique_index(
        name = "ux_anomaly_detection_rule_composite_key_include",
        columns(pipeline_id, metric_field),
        include(id)
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub struct AnomalyDetectionRule {
    /// Serial id.
    #[watcher(primary_key)]
    pub id: i32,
    /// The watched pipeline.
    #[watcher(references = Pipeline)]
    pub pipeline_id: i32,
    /// The watched metric.
    pub metric_field: AnomalyMetricFieldEnum,
    /// Allowed deviation, in standard deviations.
    #[watcher(precision = 4, scale = 2)]
    pub z_threshold: Option<BigDecimal>,
    /// History window.
    pub lookback_days: i32,
    /// Executions needed before the rule applies.
    pub minimum_executions: i32,
    /// Inactive rules are not evaluated.
    #[watcher(default = "true")]
    pub active: bool,
    /// When the row was created.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    /// When the row was last updated.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A rule's verdict on one execution, with the statistics behind it.
#[watcher_table]
#[derive(Debug, Clone, PartialEq)]
pub struct AnomalyDetectionResult {
    /// The judged execution.
    #[watcher(primary_key, references = PipelineExecution)]
    pub pipeline_execution_id: i64,
    /// The applied rule.
    #[watcher(primary_key, references = AnomalyDetectionRule)]
    pub rule_id: i32,
    /// The metric's value.
    #[watcher(precision = 12, scale = 4)]
    pub violation_value: Option<BigDecimal>,
    /// Its z-score.
    #[watcher(precision = 12, scale = 4)]
    pub z_score: Option<BigDecimal>,
    /// Mean over the lookback window.
    #[watcher(precision = 12, scale = 4)]
    pub historical_mean: Option<BigDecimal>,
    /// Standard deviation over the lookback window.
    #[watcher(precision = 12, scale = 4)]
    pub std_deviation_value: Option<BigDecimal>,
    /// The rule's threshold when applied.
    #[watcher(precision = 12, scale = 4)]
    pub z_threshold: Option<BigDecimal>,
    /// Lower bound derived from the threshold.
    #[watcher(precision = 12, scale = 4)]
    pub threshold_min_value: Option<BigDecimal>,
    /// Upper bound derived from the threshold.
    #[watcher(precision = 12, scale = 4)]
    pub threshold_max_value: Option<BigDecimal>,
    /// Free-form details.
    pub context: Option<serde_json::Value>,
    /// When the verdict was reached.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub detected_at: DateTime<Utc>,
}
