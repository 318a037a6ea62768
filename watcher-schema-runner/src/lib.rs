//! The migration runner shared by service boot and the CLI: Diesel migrations in, a
//! database at the target version and a [`Report`] out.
//!
//! One implementation of the lock, the ledger and the checksum checks serves both callers:
//! the service hands [`Runner::new`] its `embed_migrations!` at boot, the CLI hands it
//! [`diesel_migrations::FileBasedMigrations`] read from `migrations/`.
//!
//! What a run guarantees:
//! - **Many replicas at once.** Writes happen under a session-level advisory lock
//!   ([`DEFAULT_LOCK_KEY`]) taken with a timeout ([`DEFAULT_LOCK_TIMEOUT`]); the ledger is
//!   read only once the lock is held, so each migration runs once however many processes
//!   boot together, and the lock is released on success and error alike.
//! - **Nothing half-applied.** Each migration runs in one transaction with its ledger row.
//!   A failure rolls it back and [`RunError::MigrationFailed`] names the migration, file,
//!   line, statement and PostgreSQL's message; the statement is found without running the
//!   migration again, and when it cannot be singled out the error says so ([`Located`]).
//! - **Online migrations resume.** A migration whose metadata says
//!   `run_in_transaction = false` runs step by step as docs/ONLINE.md describes, each step
//!   under a short `lock_timeout` ([`Runner::statement_lock_timeout`]) retried with backoff
//!   ([`Runner::lock_tries`]) and recorded in [`PROGRESS_TABLE`]; interrupted anywhere (a
//!   kill, an exhausted lock timeout, a lost connection), it resumes at its next step on
//!   the next run, [`Runner::in_progress`] says where it stands, and a downgrade reverts
//!   it. Long batches report rows, rate and ETA through [`Runner::on_progress`].
//! - **The ledger is Diesel's** `__diesel_schema_migrations` ([`LEDGER_TABLE`]), so
//!   `diesel migration list` agrees, with two nullable columns added: the checksum of
//!   `up.sql` (line endings normalised) and the duration. An applied migration whose file
//!   changed ([`RunError::Changed`]) or that this binary does not know
//!   ([`RunError::UnknownApplied`]) stops the run before anything is executed.
//! - **Squashed chains.** Ledger rows of the migrations a squashed migration replaces are
//!   folded into its row under the lock; a ledger holding only part of them is refused
//!   ([`RunError::PartlySquashed`]).
//! - **Standbys and read-only sessions** are reported as such ([`RunError::HotStandby`],
//!   [`RunError::ReadOnly`]). A read replica's service boots with
//!   [`Runner::run_pending_or_wait`] instead: on a hot standby it waits, bounded
//!   ([`StandbyWait`]), until the replicated ledger lists the head, and fails with
//!   [`RunError::StandbyBehind`] when it does not.
//!
//! ```no_run
//! use diesel_migrations::{embed_migrations, EmbeddedMigrations};
//! use watcher_schema_runner::Runner;
//!
//! const MIGRATIONS: EmbeddedMigrations = embed_migrations!("tests/fixtures/basic");
//!
//! fn main() -> Result<(), watcher_schema_runner::RunError> {
//!     let report = Runner::new(&MIGRATIONS)?.run_pending_url("postgres://localhost/watcher")?;
//!     println!("{report}");
//!     Ok(())
//! }
//! ```
#![warn(missing_docs)]

mod capture;
mod error;
mod ledger;
mod lock;
mod progress;
mod report;
mod runner;
mod script;
mod squash;
mod target;

pub use error::{ChangedMigration, FailedStep, Located, LockHolder, MigrationFailure, RunError};
pub use ledger::{AppliedMigration, LEDGER_TABLE};
pub use progress::PROGRESS_TABLE;
pub use report::{Action, InProgress, RanMigration, Report, StandbyProgress};
pub use runner::{
    LoggedStatement, Progress, ProgressEvent, Runner, StandbyWait, DEFAULT_LOCK_KEY,
    DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_TRIES, DEFAULT_STANDBY_LOG_INTERVAL,
    DEFAULT_STANDBY_TIMEOUT, DEFAULT_STATEMENT_LOCK_TIMEOUT,
};
pub use script::MigrationScript;
pub use target::Target;
pub use watcher_schema_core::steps::StepKind;
