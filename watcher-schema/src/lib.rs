//! The Watcher database schema as Rust: twelve `#[watcher_table]` structs and two
//! `#[watcher_enum]` enums, their Diesel code, and the migrations that build them, embedded
//! in the binary and applied at boot.
//!
//! # At boot
//!
//! Bring the database to the head of the embedded migrations before serving. This is safe
//! when many replicas start at once: one applies, the others wait on an advisory lock and
//! then find nothing to do.
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
//! to insert without the server-generated columns:
//!
//! ```no_run
//! use diesel::prelude::*;
//! use watcher_schema::pipelines::{pipeline_type, NewPipelineType, PipelineType};
//!
//! # fn demo(conn: &mut PgConnection) -> QueryResult<()> {
//! let created: PipelineType = diesel::insert_into(pipeline_type::table)
//!     .values(NewPipelineType {
//!         name: "dbt".into(),
//!         freshness_number: None,
//!         freshness_datepart: None,
//!         mute_freshness_check: None,
//!         timeliness_number: None,
//!         timeliness_datepart: None,
//!         mute_timeliness_check: None,
//!         created_at: None,
//!         updated_at: None,
//!     })
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

// The macros name this crate's items as `::watcher_schema::…`, also when it expands them.
extern crate self as watcher_schema;

pub use watcher_schema_macros::{schema, watcher_enum, watcher_table};
pub use watcher_schema_runner::{
    Action, AppliedMigration, RanMigration, Report, RunError, Runner, Target,
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

/// The migrations in `migrations/`, embedded in the binary at compile time.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// A [`Runner`] over [`MIGRATIONS`], for what the two shortcuts below do not cover: a lock
/// timeout, statement logging, `upgrade_to`/`downgrade_to` a [`Target`], an offline script.
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
