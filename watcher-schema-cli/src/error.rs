//! Every way a command can fail, as one typed enum; `lib.rs` prints it (password scrubbed)
//! and maps it to its documented exit code.

use std::io;
use std::path::PathBuf;

use thiserror::Error;
use watcher_schema_core::chain::ChainError;
use watcher_schema_core::diff::PlanError;
use watcher_schema_runner::RunError;

use crate::introspect::IntrospectError;

use crate::exit_codes::ExitCode;
use crate::url::UrlSource;

/// A failed command. Messages are lower case; a `help:` line says what to do.
#[derive(Debug, Error)]
pub enum CliError {
    /// No `--dir` and no `migrations/` here or above.
    #[error(
        "no `migrations` directory in `{}` or any parent\nhelp: run from the repository root, or pass `--dir <DIR>`",
        start.display()
    )]
    NoMigrationsDir {
        /// Where the search started.
        start: PathBuf,
    },

    /// The command needs a database and none was named.
    #[error("no database URL\nhelp: pass `--database-url <URL>`, set `DATABASE_URL`, or add `DATABASE_URL=...` to `.env`")]
    NoDatabaseUrl,

    /// The server cannot be reached, or the database does not exist.
    #[error("cannot connect to `{url}`: {message}")]
    Unreachable {
        /// The URL, redacted.
        url: String,
        /// What the client said, password scrubbed.
        message: String,
    },

    /// The server refused the credentials.
    #[error(
        "`{url}` refused the credentials: {message}\nhelp: check the user and password in {from}, and the password file libpq reads (`PGPASSFILE`, else `~/.pgpass`)"
    )]
    AuthFailed {
        /// The URL, redacted.
        url: String,
        /// Where the URL came from.
        from: UrlSource,
        /// What the server said, password scrubbed.
        message: String,
    },

    /// A query the CLI itself runs failed.
    #[error("{context}: {message}")]
    Query {
        /// What the CLI was doing.
        context: String,
        /// The server's message.
        message: String,
    },

    /// A revision on the command line is not in the chain.
    #[error("unknown revision `{rev}`\nhelp: `watcher-schema history` lists the revisions")]
    UnknownRevision {
        /// What was asked for.
        rev: String,
    },

    /// A revision prefix matches several revisions.
    #[error("revision `{rev}` is ambiguous: it matches {}\nhelp: give more digits", matches.join(", "))]
    AmbiguousRevision {
        /// What was asked for.
        rev: String,
        /// The revisions it matches.
        matches: Vec<String>,
    },

    /// The struct source directory does not exist.
    #[error(
        "no struct sources at `{}`\nhelp: pass `--schema-src <DIR>` (the directory holding the `#[watcher_table]` structs)",
        path.display()
    )]
    NoSchemaSources {
        /// The directory looked for.
        path: PathBuf,
    },

    /// The struct sources do not parse, or their attributes are wrong.
    #[error(
        "the struct sources have {count} error{}",
        if *count == 1 { "" } else { "s" }
    )]
    InvalidSource {
        /// Every error, rendered with file:line:column; printed before the message.
        report: String,
        /// How many errors.
        count: usize,
    },

    /// The migrations directory is not a valid linear chain (or cannot be replayed).
    #[error("{0}")]
    Chain(#[from] ChainError),

    /// Diesel could not read the migrations directory.
    #[error("cannot read the migrations in `{}`: {message}", dir.display())]
    Migrations {
        /// The migrations directory.
        dir: PathBuf,
        /// Diesel's message.
        message: String,
    },

    /// `-m` has no letter or digit to name a directory with.
    #[error("cannot name a migration after `{message}`\nhelp: give `-m` a few words, such as `-m \"add pipeline owner\"`")]
    BadMessage {
        /// The message given.
        message: String,
    },

    /// Autogenerate refused the plan (every problem, each with its `help:`, is the report).
    #[error(
        "cannot generate the migration ({} problem{}); nothing was written",
        .0.problems.len(),
        if .0.problems.len() == 1 { "" } else { "s" }
    )]
    PlanRefused(PlanError),

    /// The generated migration did not replay to the structs (a generator bug); removed.
    #[error(
        "the generated migration `{}` does not rebuild the structs, so it was removed; this is a bug in watcher-schema, please report it:\n{}",
        dir.display(),
        differences.join("\n")
    )]
    GeneratedMismatch {
        /// The directory that was written and removed.
        dir: PathBuf,
        /// How the replayed chain differs from the structs.
        differences: Vec<String>,
    },

    /// `stamp --from-alembic` on a database without `alembic_version`.
    #[error("the database has no `alembic_version` table, so it was not built by Alembic\nhelp: run `watcher-schema stamp <REV>` with the revision it is at")]
    NoAlembicVersion,

    /// `alembic_version` does not hold exactly one revision.
    #[error(
        "`alembic_version` holds {} rows ({}), expected one\nhelp: an Alembic database with branches cannot be adopted; merge them with Alembic first",
        versions.len(),
        versions.join(", ")
    )]
    AlembicRows {
        /// The versions found.
        versions: Vec<String>,
    },

    /// The live schema is not what the revision to stamp says it should be.
    #[error(
        "the database does not match revision {version}, so it was not stamped:\n{}\nhelp: bring the database to that revision's schema first, or stamp the revision it really is at",
        differences.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n")
    )]
    StampMismatch {
        /// The revision.
        version: String,
        /// How the database differs from it.
        differences: Vec<String>,
    },

    /// `merge` handles two heads at a time.
    #[error(
        "the chain has {} heads ({}); merge handles two\nhelp: move the migrations of all but two branches out of the directory, merge, then bring them back one at a time",
        heads.len(),
        heads.join(", ")
    )]
    TooManyHeads {
        /// The heads' directory names.
        heads: Vec<String>,
    },

    /// `merge --onto` names no head.
    #[error("`{rev}` is not one of the heads ({})\nhelp: `watcher-schema heads` lists them", heads.join(", "))]
    NotAHead {
        /// What was asked for.
        rev: String,
        /// The heads.
        heads: Vec<String>,
    },

    /// `merge` could not rebase; every directory is as it was.
    #[error("merge failed, the migrations directory is unchanged: {reason}")]
    MergeFailed {
        /// Why.
        reason: Box<CliError>,
    },

    /// The runner refused or failed.
    #[error("{0}")]
    Run(#[from] RunError),

    /// The live catalog could not be read into the model.
    #[error("{0}")]
    Introspect(#[from] IntrospectError),

    /// `pg_dump` failed; nothing was migrated.
    #[error("backup to `{}` failed, nothing was migrated: {message}", file.display())]
    Backup {
        /// The dump file it was writing.
        file: PathBuf,
        /// pg_dump's message, password scrubbed.
        message: String,
    },

    /// Reading or writing a file failed.
    #[error("cannot access `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl CliError {
    /// Details printed before the one-line error: rendered source errors, or each problem
    /// of a refused plan as its own `error:` with its `help:` lines.
    pub fn report(&self) -> Option<String> {
        match self {
            CliError::InvalidSource { report, .. } => Some(report.clone()),
            CliError::PlanRefused(e) => Some(
                e.problems
                    .iter()
                    .map(|p| {
                        format!(
                            "error: {}\n\n",
                            p.to_string().replace("\nhelp:", "\n       help:")
                        )
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The documented exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::NoMigrationsDir { .. } => ExitCode::INVALID_CHAIN,
            CliError::NoDatabaseUrl => ExitCode::NO_DATABASE_URL,
            CliError::Unreachable { .. } => ExitCode::DATABASE_UNREACHABLE,
            CliError::AuthFailed { .. } => ExitCode::AUTH_FAILED,
            CliError::Query { .. } => ExitCode::FAILURE,
            CliError::UnknownRevision { .. } | CliError::AmbiguousRevision { .. } => {
                ExitCode::UNKNOWN_REVISION
            }
            CliError::NoSchemaSources { .. } | CliError::InvalidSource { .. } => {
                ExitCode::INVALID_SOURCE
            }
            CliError::Chain(ChainError::NothingToSquash { .. }) => ExitCode::INVALID_TARGET,
            CliError::Chain(ChainError::SquashLoses { .. }) => ExitCode::PLAN_REFUSED,
            CliError::Chain(_) | CliError::Migrations { .. } => ExitCode::INVALID_CHAIN,
            CliError::Run(e) => run_exit_code(e),
            CliError::BadMessage { .. } => ExitCode::USAGE,
            CliError::PlanRefused(_) => ExitCode::PLAN_REFUSED,
            CliError::GeneratedMismatch { .. } => ExitCode::FAILURE,
            CliError::TooManyHeads { .. } => ExitCode::INVALID_CHAIN,
            CliError::NotAHead { .. } => ExitCode::UNKNOWN_REVISION,
            CliError::MergeFailed { reason } => reason.exit_code(),
            CliError::NoAlembicVersion
            | CliError::AlembicRows { .. }
            | CliError::StampMismatch { .. } => ExitCode::LEDGER_MISMATCH,
            CliError::Introspect(_) => ExitCode::FAILURE,
            CliError::Backup { .. } => ExitCode::BACKUP_FAILED,
            CliError::Io { .. } => ExitCode::IO_ERROR,
        }
    }
}

fn run_exit_code(e: &RunError) -> i32 {
    match e {
        RunError::Source { .. } => ExitCode::INVALID_CHAIN,
        RunError::Connect { .. } => ExitCode::DATABASE_UNREACHABLE,
        RunError::Target { .. } => ExitCode::INVALID_TARGET,
        RunError::UnknownApplied { .. }
        | RunError::Changed { .. }
        | RunError::PartlySquashed { .. } => ExitCode::LEDGER_MISMATCH,
        // Standby, read-only, lock timeout, failed SQL, missing down.sql, ledger queries.
        _ => ExitCode::MIGRATION_FAILED,
    }
}
