//! The Watcher schema written by hand with Diesel: the build-cost baseline.
#![allow(missing_docs)]

use diesel::prelude::*;

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(name = "datepartenum"))]
    pub struct Datepartenum;

    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(name = "anomalymetricfieldenum"))]
    pub struct Anomalymetricfieldenum;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = sql_types::Datepartenum)]
pub enum DatePartEnum {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl diesel::serialize::ToSql<sql_types::Datepartenum, diesel::pg::Pg> for DatePartEnum {
    fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>) -> diesel::serialize::Result {
        use std::io::Write;
        let label: &[u8] = match self {
            DatePartEnum::Minute => b"MINUTE",
            DatePartEnum::Hour => b"HOUR",
            DatePartEnum::Day => b"DAY",
            DatePartEnum::Week => b"WEEK",
            DatePartEnum::Month => b"MONTH",
            DatePartEnum::Year => b"YEAR",
        };
        out.write_all(label)?;
        Ok(diesel::serialize::IsNull::No)
    }
}

impl diesel::deserialize::FromSql<sql_types::Datepartenum, diesel::pg::Pg> for DatePartEnum {
    fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
        match bytes.as_bytes() {
            b"MINUTE" => Ok(DatePartEnum::Minute),
            b"HOUR" => Ok(DatePartEnum::Hour),
            b"DAY" => Ok(DatePartEnum::Day),
            b"WEEK" => Ok(DatePartEnum::Week),
            b"MONTH" => Ok(DatePartEnum::Month),
            b"YEAR" => Ok(DatePartEnum::Year),
            other => Err(format!("unknown label {:?}", String::from_utf8_lossy(other)).into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = sql_types::Anomalymetricfieldenum)]
pub enum AnomalyMetricFieldEnum {
    DurationSeconds,
    Inserts,
    Updates,
    SoftDeletes,
    TotalRows,
    Throughput,
}

impl diesel::serialize::ToSql<sql_types::Anomalymetricfieldenum, diesel::pg::Pg> for AnomalyMetricFieldEnum {
    fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>) -> diesel::serialize::Result {
        use std::io::Write;
        let label: &[u8] = match self {
            AnomalyMetricFieldEnum::DurationSeconds => b"DURATION_SECONDS",
            AnomalyMetricFieldEnum::Inserts => b"INSERTS",
            AnomalyMetricFieldEnum::Updates => b"UPDATES",
            AnomalyMetricFieldEnum::SoftDeletes => b"SOFT_DELETES",
            AnomalyMetricFieldEnum::TotalRows => b"TOTAL_ROWS",
            AnomalyMetricFieldEnum::Throughput => b"THROUGHPUT",
        };
        out.write_all(label)?;
        Ok(diesel::serialize::IsNull::No)
    }
}

impl diesel::deserialize::FromSql<sql_types::Anomalymetricfieldenum, diesel::pg::Pg> for AnomalyMetricFieldEnum {
    fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
        match bytes.as_bytes() {
            b"DURATION_SECONDS" => Ok(AnomalyMetricFieldEnum::DurationSeconds),
            b"INSERTS" => Ok(AnomalyMetricFieldEnum::Inserts),
            b"UPDATES" => Ok(AnomalyMetricFieldEnum::Updates),
            b"SOFT_DELETES" => Ok(AnomalyMetricFieldEnum::SoftDeletes),
            b"TOTAL_ROWS" => Ok(AnomalyMetricFieldEnum::TotalRows),
            b"THROUGHPUT" => Ok(AnomalyMetricFieldEnum::Throughput),
            other => Err(format!("unknown label {:?}", String::from_utf8_lossy(other)).into()),
        }
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    address (id) {
        id -> Int4,
        name -> Varchar,
        address_type_id -> Int4,
        database_name -> Nullable<Varchar>,
        schema_name -> Nullable<Varchar>,
        table_name -> Nullable<Varchar>,
        primary_key -> Nullable<Varchar>,
        deprecated -> Bool,
        created_at -> Timestamptz,
        updated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    address_lineage (id) {
        id -> Int8,
        pipeline_id -> Int4,
        source_address_id -> Int4,
        target_address_id -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    address_lineage_closure (source_address_id, target_address_id) {
        source_address_id -> Int4,
        target_address_id -> Int4,
        depth -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    address_type (id) {
        id -> Int4,
        name -> Varchar,
        group_name -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    anomaly_detection_result (pipeline_execution_id, rule_id) {
        pipeline_execution_id -> Int8,
        rule_id -> Int4,
        violation_value -> Nullable<Numeric>,
        z_score -> Nullable<Numeric>,
        historical_mean -> Nullable<Numeric>,
        std_deviation_value -> Nullable<Numeric>,
        z_threshold -> Nullable<Numeric>,
        threshold_min_value -> Nullable<Numeric>,
        threshold_max_value -> Nullable<Numeric>,
        context -> Nullable<Jsonb>,
        detected_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    anomaly_detection_rule (id) {
        id -> Int4,
        pipeline_id -> Int4,
        metric_field -> Anomalymetricfieldenum,
        z_threshold -> Nullable<Numeric>,
        lookback_days -> Int4,
        minimum_executions -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    freshness_pipeline_log (id) {
        id -> Int8,
        pipeline_id -> Int4,
        last_dml_timestamp -> Nullable<Timestamptz>,
        evaluation_timestamp -> Nullable<Timestamptz>,
        freshness_number -> Int4,
        freshness_datepart -> Datepartenum,
        used_child_config -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    pipeline (id) {
        id -> Int4,
        name -> Varchar,
        pipeline_type_id -> Int4,
        watermark -> Nullable<Varchar>,
        next_watermark -> Nullable<Varchar>,
        pipeline_metadata -> Nullable<Jsonb>,
        last_target_insert -> Nullable<Timestamptz>,
        last_target_update -> Nullable<Timestamptz>,
        last_target_soft_delete -> Nullable<Timestamptz>,
        freshness_number -> Nullable<Int4>,
        freshness_datepart -> Nullable<Datepartenum>,
        mute_freshness_check -> Bool,
        timeliness_number -> Nullable<Int4>,
        timeliness_datepart -> Nullable<Datepartenum>,
        mute_timeliness_check -> Bool,
        load_lineage -> Bool,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    pipeline_execution (id) {
        id -> Int8,
        parent_id -> Nullable<Int4>,
        pipeline_id -> Int4,
        start_date -> Timestamptz,
        date_recorded -> Date,
        hour_recorded -> Int4,
        end_date -> Nullable<Timestamptz>,
        duration_seconds -> Nullable<Int4>,
        completed_successfully -> Nullable<Bool>,
        inserts -> Nullable<Int4>,
        updates -> Nullable<Int4>,
        soft_deletes -> Nullable<Int4>,
        total_rows -> Nullable<Int4>,
        full_load -> Nullable<Bool>,
        watermark -> Nullable<Varchar>,
        next_watermark -> Nullable<Varchar>,
        execution_metadata -> Nullable<Jsonb>,
        anomaly_flags -> Nullable<Jsonb>,
        throughput -> Nullable<Numeric>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    pipeline_execution_closure (parent_execution_id, child_execution_id) {
        parent_execution_id -> Int8,
        child_execution_id -> Int8,
        depth -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    pipeline_type (id) {
        id -> Int4,
        name -> Varchar,
        freshness_number -> Nullable<Int4>,
        freshness_datepart -> Nullable<Datepartenum>,
        mute_freshness_check -> Bool,
        timeliness_number -> Nullable<Int4>,
        timeliness_datepart -> Nullable<Datepartenum>,
        mute_timeliness_check -> Bool,
        created_at -> Timestamptz,
        updated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::*;

    timeliness_pipeline_execution_log (pipeline_execution_id) {
        pipeline_execution_id -> Int8,
        pipeline_id -> Int4,
        duration_seconds -> Int4,
        seconds_threshold -> Int4,
        execution_status -> Varchar,
        timely_number -> Int4,
        timely_datepart -> Datepartenum,
        used_child_config -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(address -> address_type (address_type_id));
diesel::joinable!(address_lineage -> pipeline (pipeline_id));
diesel::joinable!(anomaly_detection_result -> pipeline_execution (pipeline_execution_id));
diesel::joinable!(anomaly_detection_result -> anomaly_detection_rule (rule_id));
diesel::joinable!(anomaly_detection_rule -> pipeline (pipeline_id));
diesel::joinable!(freshness_pipeline_log -> pipeline (pipeline_id));
diesel::joinable!(pipeline_execution -> pipeline (pipeline_id));
diesel::joinable!(pipeline -> pipeline_type (pipeline_type_id));
diesel::joinable!(timeliness_pipeline_execution_log -> pipeline_execution (pipeline_execution_id));
diesel::joinable!(timeliness_pipeline_execution_log -> pipeline (pipeline_id));

// Two foreign keys between one pair of tables (the closure tables) get no `joinable!`:
// Diesel allows one per pair, and `diesel print-schema` omits both.
diesel::allow_tables_to_appear_in_same_query!(address, address_lineage, address_lineage_closure, address_type, anomaly_detection_result, anomaly_detection_rule, freshness_pipeline_log, pipeline, pipeline_execution, pipeline_execution_closure, pipeline_type, timeliness_pipeline_execution_log);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = address, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct Address {
    pub id: i32,
    pub name: String,
    pub address_type_id: i32,
    pub database_name: Option<String>,
    pub schema_name: Option<String>,
    pub table_name: Option<String>,
    pub primary_key: Option<String>,
    pub deprecated: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = address, check_for_backend(diesel::pg::Pg))]
pub struct NewAddress {
    pub name: String,
    pub address_type_id: i32,
    pub database_name: Option<String>,
    pub schema_name: Option<String>,
    pub table_name: Option<String>,
    pub primary_key: Option<String>,
    pub deprecated: Option<bool>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = address_lineage, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct AddressLineage {
    pub id: i64,
    pub pipeline_id: i32,
    pub source_address_id: i32,
    pub target_address_id: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = address_lineage, check_for_backend(diesel::pg::Pg))]
pub struct NewAddressLineage {
    pub pipeline_id: i32,
    pub source_address_id: i32,
    pub target_address_id: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = address_lineage_closure, primary_key(source_address_id, target_address_id), check_for_backend(diesel::pg::Pg))]
pub struct AddressLineageClosure {
    pub source_address_id: i32,
    pub target_address_id: i32,
    pub depth: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = address_lineage_closure, check_for_backend(diesel::pg::Pg))]
pub struct NewAddressLineageClosure {
    pub source_address_id: i32,
    pub target_address_id: i32,
    pub depth: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = address_type, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct AddressType {
    pub id: i32,
    pub name: String,
    pub group_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = address_type, check_for_backend(diesel::pg::Pg))]
pub struct NewAddressType {
    pub name: String,
    pub group_name: String,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = anomaly_detection_result, primary_key(pipeline_execution_id, rule_id), check_for_backend(diesel::pg::Pg))]
pub struct AnomalyDetectionResult {
    pub pipeline_execution_id: i64,
    pub rule_id: i32,
    pub violation_value: Option<bigdecimal::BigDecimal>,
    pub z_score: Option<bigdecimal::BigDecimal>,
    pub historical_mean: Option<bigdecimal::BigDecimal>,
    pub std_deviation_value: Option<bigdecimal::BigDecimal>,
    pub z_threshold: Option<bigdecimal::BigDecimal>,
    pub threshold_min_value: Option<bigdecimal::BigDecimal>,
    pub threshold_max_value: Option<bigdecimal::BigDecimal>,
    pub context: Option<serde_json::Value>,
    pub detected_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = anomaly_detection_result, check_for_backend(diesel::pg::Pg))]
pub struct NewAnomalyDetectionResult {
    pub pipeline_execution_id: i64,
    pub rule_id: i32,
    pub violation_value: Option<bigdecimal::BigDecimal>,
    pub z_score: Option<bigdecimal::BigDecimal>,
    pub historical_mean: Option<bigdecimal::BigDecimal>,
    pub std_deviation_value: Option<bigdecimal::BigDecimal>,
    pub z_threshold: Option<bigdecimal::BigDecimal>,
    pub threshold_min_value: Option<bigdecimal::BigDecimal>,
    pub threshold_max_value: Option<bigdecimal::BigDecimal>,
    pub context: Option<serde_json::Value>,
    pub detected_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = anomaly_detection_rule, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct AnomalyDetectionRule {
    pub id: i32,
    pub pipeline_id: i32,
    pub metric_field: AnomalyMetricFieldEnum,
    pub z_threshold: Option<bigdecimal::BigDecimal>,
    pub lookback_days: i32,
    pub minimum_executions: i32,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = anomaly_detection_rule, check_for_backend(diesel::pg::Pg))]
pub struct NewAnomalyDetectionRule {
    pub pipeline_id: i32,
    pub metric_field: AnomalyMetricFieldEnum,
    pub z_threshold: Option<bigdecimal::BigDecimal>,
    pub lookback_days: i32,
    pub minimum_executions: i32,
    pub active: Option<bool>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = freshness_pipeline_log, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct FreshnessPipelineLog {
    pub id: i64,
    pub pipeline_id: i32,
    pub last_dml_timestamp: Option<chrono::DateTime<chrono::Utc>>,
    pub evaluation_timestamp: Option<chrono::DateTime<chrono::Utc>>,
    pub freshness_number: i32,
    pub freshness_datepart: DatePartEnum,
    pub used_child_config: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = freshness_pipeline_log, check_for_backend(diesel::pg::Pg))]
pub struct NewFreshnessPipelineLog {
    pub pipeline_id: i32,
    pub last_dml_timestamp: Option<chrono::DateTime<chrono::Utc>>,
    pub evaluation_timestamp: Option<chrono::DateTime<chrono::Utc>>,
    pub freshness_number: i32,
    pub freshness_datepart: DatePartEnum,
    pub used_child_config: bool,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = pipeline, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct Pipeline {
    pub id: i32,
    pub name: String,
    pub pipeline_type_id: i32,
    pub watermark: Option<String>,
    pub next_watermark: Option<String>,
    pub pipeline_metadata: Option<serde_json::Value>,
    pub last_target_insert: Option<chrono::DateTime<chrono::Utc>>,
    pub last_target_update: Option<chrono::DateTime<chrono::Utc>>,
    pub last_target_soft_delete: Option<chrono::DateTime<chrono::Utc>>,
    pub freshness_number: Option<i32>,
    pub freshness_datepart: Option<DatePartEnum>,
    pub mute_freshness_check: bool,
    pub timeliness_number: Option<i32>,
    pub timeliness_datepart: Option<DatePartEnum>,
    pub mute_timeliness_check: bool,
    pub load_lineage: bool,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pipeline, check_for_backend(diesel::pg::Pg))]
pub struct NewPipeline {
    pub name: String,
    pub pipeline_type_id: i32,
    pub watermark: Option<String>,
    pub next_watermark: Option<String>,
    pub pipeline_metadata: Option<serde_json::Value>,
    pub last_target_insert: Option<chrono::DateTime<chrono::Utc>>,
    pub last_target_update: Option<chrono::DateTime<chrono::Utc>>,
    pub last_target_soft_delete: Option<chrono::DateTime<chrono::Utc>>,
    pub freshness_number: Option<i32>,
    pub freshness_datepart: Option<DatePartEnum>,
    pub mute_freshness_check: Option<bool>,
    pub timeliness_number: Option<i32>,
    pub timeliness_datepart: Option<DatePartEnum>,
    pub mute_timeliness_check: Option<bool>,
    pub load_lineage: Option<bool>,
    pub active: Option<bool>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = pipeline_execution, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct PipelineExecution {
    pub id: i64,
    pub parent_id: Option<i32>,
    pub pipeline_id: i32,
    pub start_date: chrono::DateTime<chrono::Utc>,
    pub date_recorded: chrono::NaiveDate,
    pub hour_recorded: i32,
    pub end_date: Option<chrono::DateTime<chrono::Utc>>,
    pub duration_seconds: Option<i32>,
    pub completed_successfully: Option<bool>,
    pub inserts: Option<i32>,
    pub updates: Option<i32>,
    pub soft_deletes: Option<i32>,
    pub total_rows: Option<i32>,
    pub full_load: Option<bool>,
    pub watermark: Option<String>,
    pub next_watermark: Option<String>,
    pub execution_metadata: Option<serde_json::Value>,
    pub anomaly_flags: Option<serde_json::Value>,
    pub throughput: Option<bigdecimal::BigDecimal>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pipeline_execution, check_for_backend(diesel::pg::Pg))]
pub struct NewPipelineExecution {
    pub parent_id: Option<i32>,
    pub pipeline_id: i32,
    pub start_date: chrono::DateTime<chrono::Utc>,
    pub date_recorded: chrono::NaiveDate,
    pub hour_recorded: i32,
    pub end_date: Option<chrono::DateTime<chrono::Utc>>,
    pub duration_seconds: Option<i32>,
    pub completed_successfully: Option<bool>,
    pub inserts: Option<i32>,
    pub updates: Option<i32>,
    pub soft_deletes: Option<i32>,
    pub total_rows: Option<i32>,
    pub full_load: Option<bool>,
    pub watermark: Option<String>,
    pub next_watermark: Option<String>,
    pub execution_metadata: Option<serde_json::Value>,
    pub anomaly_flags: Option<serde_json::Value>,
    pub throughput: Option<bigdecimal::BigDecimal>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = pipeline_execution_closure, primary_key(parent_execution_id, child_execution_id), check_for_backend(diesel::pg::Pg))]
pub struct PipelineExecutionClosure {
    pub parent_execution_id: i64,
    pub child_execution_id: i64,
    pub depth: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pipeline_execution_closure, check_for_backend(diesel::pg::Pg))]
pub struct NewPipelineExecutionClosure {
    pub parent_execution_id: i64,
    pub child_execution_id: i64,
    pub depth: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = pipeline_type, primary_key(id), check_for_backend(diesel::pg::Pg))]
pub struct PipelineType {
    pub id: i32,
    pub name: String,
    pub freshness_number: Option<i32>,
    pub freshness_datepart: Option<DatePartEnum>,
    pub mute_freshness_check: bool,
    pub timeliness_number: Option<i32>,
    pub timeliness_datepart: Option<DatePartEnum>,
    pub mute_timeliness_check: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pipeline_type, check_for_backend(diesel::pg::Pg))]
pub struct NewPipelineType {
    pub name: String,
    pub freshness_number: Option<i32>,
    pub freshness_datepart: Option<DatePartEnum>,
    pub mute_freshness_check: Option<bool>,
    pub timeliness_number: Option<i32>,
    pub timeliness_datepart: Option<DatePartEnum>,
    pub mute_timeliness_check: Option<bool>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = timeliness_pipeline_execution_log, primary_key(pipeline_execution_id), check_for_backend(diesel::pg::Pg))]
pub struct TimelinessPipelineExecutionLog {
    pub pipeline_execution_id: i64,
    pub pipeline_id: i32,
    pub duration_seconds: i32,
    pub seconds_threshold: i32,
    pub execution_status: String,
    pub timely_number: i32,
    pub timely_datepart: DatePartEnum,
    pub used_child_config: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = timeliness_pipeline_execution_log, check_for_backend(diesel::pg::Pg))]
pub struct NewTimelinessPipelineExecutionLog {
    pub pipeline_execution_id: i64,
    pub pipeline_id: i32,
    pub duration_seconds: i32,
    pub seconds_threshold: i32,
    pub execution_status: String,
    pub timely_number: i32,
    pub timely_datepart: DatePartEnum,
    pub used_child_config: bool,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub const MIGRATIONS: diesel_migrations::EmbeddedMigrations = diesel_migrations::embed_migrations!("../../../migrations");
