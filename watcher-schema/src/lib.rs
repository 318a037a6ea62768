//! The Watcher database schema as Rust: twelve `#[watcher_table]` structs and two
//! `#[watcher_enum]` enums, their Diesel code, and the migrations that build them, embedded
//! in the binary and applied at boot. A struct that differs from the migrations does not
//! compile.
//!
//! | module | tables and enums |
//! | --- | --- |
//! | [`pipelines`] | `pipeline_type`, `pipeline`; [`DatePartEnum`](pipelines::DatePartEnum) |
//! | [`executions`] | `pipeline_execution`, `pipeline_execution_closure` |
//! | [`lineage`] | `address_type`, `address`, `address_lineage`, `address_lineage_closure` |
//! | [`monitoring`] | `freshness_pipeline_log`, `timeliness_pipeline_execution_log` |
//! | [`anomalies`] | `anomaly_detection_rule`, `anomaly_detection_result`; [`AnomalyMetricFieldEnum`](anomalies::AnomalyMetricFieldEnum) |
//!
//! The [`guide`] explains how to declare and change tables, with examples that compile.
//!
//! # At boot
//!
//! Bring the database to the head of the embedded migrations before serving. This is safe
//! when many replicas start at once: one applies, the others wait on an advisory lock and
//! then find nothing to do. [`guide::boot`] has the details and the errors.
//!
//! ```no_run
//! fn main() -> Result<(), watcher_schema::RunError> {
//!     let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres:///watcher".into());
//!     let report = watcher_schema::run_pending_url(&url)?;
//!     println!("{report}");
//!     Ok(())
//! }
//! ```
//!
//! # Querying
//!
//! Each struct is a Diesel row type (`Queryable`, `Selectable`, `Identifiable`,
//! `AsChangeset`) with its `table!` in a module named as the table, and a `New<Struct>`
//! to insert without the server-generated columns. `New<Struct>::new` takes the columns an
//! insert must give and leaves the nullable and defaulted ones `None`:
//!
//! ```
//! use diesel::prelude::*;
//! use watcher_schema::pipelines::{pipeline_type, DatePartEnum, NewPipelineType, PipelineType};
//!
//! let dbt = NewPipelineType::new("dbt".into());
//! let hourly = NewPipelineType {
//!     freshness_number: Some(2),
//!     freshness_datepart: Some(DatePartEnum::Hour),
//!     ..NewPipelineType::new("airflow".into())
//! };
//! let rows = vec![dbt, hourly];
//! let insert = diesel::insert_into(pipeline_type::table)
//!     .values(&rows)
//!     .returning(PipelineType::as_returning());
//! let sql = diesel::debug_query::<diesel::pg::Pg, _>(&insert).to_string();
//! assert!(sql.contains(r#"("name", "freshness_number", "freshness_datepart", "#), "{sql}");
//! ```
//!
//! With a connection, `.get_result(conn)` returns the inserted `PipelineType`:
//!
//! ```no_run
//! use diesel::prelude::*;
//! use watcher_schema::pipelines::{pipeline_type, NewPipelineType, PipelineType};
//!
//! # fn demo(conn: &mut PgConnection) -> QueryResult<()> {
//! let created: PipelineType = diesel::insert_into(pipeline_type::table)
//!     .values(NewPipelineType::new("dbt".into()))
//!     .returning(PipelineType::as_returning())
//!     .get_result(conn)?;
//! println!("pipeline type {} is {}", created.id, created.name);
//! # Ok(())
//! # }
//! ```
//!
//! # Changing the schema
//!
//! 1. Edit a struct (add a field, say).
//! 2. `cargo build` fails at that field: the migrations do not have the column yet, and the
//!    message names the command that writes the migration,
//!    `watcher-schema revision --autogenerate -m "..."`.
//! 3. That command writes `migrations/<version>_<name>/{up.sql,down.sql,metadata.toml}`.
//! 4. `cargo build` passes: `build.rs` has checked that the chain is linear, and the macros
//!    that the structs equal its head.
//! 5. The next deploy applies the migration at boot; operators use the `watcher-schema`
//!    CLI (`current`, `history`, `upgrade`, `downgrade`, ...) as they used Alembic.
//!
//! [`guide::drift`] lists what the compiler compares and shows its messages.

#![warn(missing_docs)]

// The macros name this crate's items as `::watcher_schema::…`, also when it expands them.
extern crate self as watcher_schema;

// A compiled example on each macro's page, before the grammar its own crate documents.
#[doc = include_str!("docs/schema.md")]
pub use watcher_schema_macros::schema;
#[doc = include_str!("docs/watcher_enum.md")]
pub use watcher_schema_macros::watcher_enum;
#[doc = include_str!("docs/watcher_table.md")]
pub use watcher_schema_macros::watcher_table;
// Everything a boot's result or error holds, so a service matches on it without naming
// the runner crate.
pub use watcher_schema_runner::{
    Action, AppliedMigration, ChangedMigration, LockHolder, LoggedStatement, MigrationFailure,
    MigrationScript, RanMigration, Report, RunError, Runner, StandbyProgress, StandbyWait, Target,
    DEFAULT_LOCK_TIMEOUT, DEFAULT_STANDBY_TIMEOUT,
};

// The crates of the field types (timestamps, jsonb, numeric), at the versions the structs
// use, so that callers build values without pinning the same versions themselves.
#[doc(no_inline)]
pub use {bigdecimal, chrono, serde_json};

use diesel::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations};

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub mod anomalies;
pub mod executions;
pub mod guide;
pub mod lineage;
pub mod monitoring;
pub mod pipelines;

schema! {
    pipelines::pipeline_type,
    pipelines::pipeline,
    executions::pipeline_execution,
    executions::pipeline_execution_closure,
    lineage::address_type,
    lineage::address,
    lineage::address_lineage,
    lineage::address_lineage_closure,
    monitoring::freshness_pipeline_log,
    monitoring::timeliness_pipeline_execution_log,
    anomalies::anomaly_detection_rule,
    anomalies::anomaly_detection_result,
}

// The migrations in `migrations/`, embedded at compile time. Private: Diesel's
// `run_pending_migrations` would take them without the runner's lock and checksums, so
// they are reached only through `runner()`.
const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// A [`Runner`] over the migrations embedded from `migrations/`, for what the shortcuts
/// below do not cover: a lock timeout, statement logging, `upgrade_to`/`downgrade_to` a
/// [`Target`], an offline script, the chain itself.
///
/// ```no_run
/// use std::time::Duration;
///
/// # fn main() -> Result<(), watcher_schema::RunError> {
/// let runner = watcher_schema::runner()?.lock_timeout(Duration::from_secs(120));
/// let report = runner.run_pending_url("postgres:///watcher")?;
/// # Ok(())
/// # }
/// ```
///
/// This is the only way to the embedded migrations. Diesel's own
/// `MigrationHarness::run_pending_migrations` would apply them without the lock (two
/// replicas booting together race) and without the checksum checks, so they are not
/// public:
///
/// ```compile_fail
/// use diesel_migrations::MigrationHarness;
///
/// fn boot(conn: &mut diesel::PgConnection) {
///     conn.run_pending_migrations(watcher_schema::MIGRATIONS).unwrap();
/// }
/// ```
///
/// The chain, read without a database:
///
/// ```
/// let runner = watcher_schema::runner().expect("the embedded migrations form a chain");
/// assert!(runner.migrations().len() >= 7);
/// assert!(runner.head().is_some_and(|m| m.name().starts_with("2025")));
/// ```
pub fn runner() -> Result<Runner, RunError> {
    Runner::new(&MIGRATIONS)
}

/// Applies every embedded migration `conn`'s database lacks, in order, each in its own
/// transaction, under the runner's advisory lock; returns what ran.
///
/// Fails before running anything when an applied migration's `up.sql` changed or is unknown
/// to this binary, and with the migration, statement and PostgreSQL's message when one fails
/// (that migration is rolled back; the ones before it stay).
///
/// ```no_run
/// use diesel::{Connection, PgConnection};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut conn = PgConnection::establish("postgres:///watcher")?;
/// let report = watcher_schema::run_pending(&mut conn)?;
/// println!("{report}");
/// # Ok(())
/// # }
/// ```
pub fn run_pending(conn: &mut PgConnection) -> Result<Report, RunError> {
    runner()?.run_pending(conn)
}

/// [`run_pending`] on a new connection to `url` (a libpq connection string or
/// `postgres://` URL), closed when done.
///
/// ```no_run
/// # fn main() -> Result<(), watcher_schema::RunError> {
/// let report = watcher_schema::run_pending_url("postgres:///watcher")?;
/// println!("{report}");
/// # Ok(())
/// # }
/// ```
pub fn run_pending_url(url: &str) -> Result<Report, RunError> {
    runner()?.run_pending_url(url)
}

/// The boot of a service that may be pointed at a read replica: on a primary, exactly
/// [`run_pending_url`]; on a hot standby, which cannot migrate, waits (up to
/// `wait`'s timeout, logging where the standby is every few seconds) until the ledger it
/// replays from the primary lists this binary's head, then returns an empty [`Report`].
/// Fails with [`RunError::StandbyBehind`], naming both revisions, when the wait runs out.
///
/// ```no_run
/// use std::time::Duration;
/// use watcher_schema::{RunError, StandbyWait};
///
/// # fn main() -> Result<(), watcher_schema::RunError> {
/// let wait = StandbyWait::new(Duration::from_secs(600));
/// match watcher_schema::run_pending_or_wait_url("postgres://replica.internal/watcher", &wait) {
///     Ok(report) => eprintln!("schema at head\n{report}"),
///     Err(RunError::StandbyBehind(behind)) => {
///         eprintln!("standby at {:?}, head {}", behind.standby_head, behind.expected_head);
///         std::process::exit(1);
///     }
///     Err(other) => return Err(other),
/// }
/// # Ok(())
/// # }
/// ```
pub fn run_pending_or_wait_url(url: &str, wait: &StandbyWait) -> Result<Report, RunError> {
    runner()?.run_pending_or_wait_url(url, wait)
}
