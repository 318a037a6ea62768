//! The documented exit codes of `watcher-schema`: errors are mapped to one of these at the
//! edge (`lib.rs`), so scripts and alerting can tell failures apart without parsing text.

/// Documented exit codes; anything unexpected exits with [`ExitCode::FAILURE`].
pub enum ExitCode {}

impl ExitCode {
    /// The command did what was asked (`check`: nothing pending, edited or unknown, no drift).
    ///
    /// When `check` finds several problems, it exits with the first of
    /// [`ExitCode::LEDGER_MISMATCH`], [`ExitCode::CHECK_PENDING`], [`ExitCode::CHECK_DRIFT`],
    /// [`ExitCode::CHECK_LINT`].
    pub const SUCCESS: i32 = 0;

    /// An unexpected failure with no code of its own.
    pub const FAILURE: i32 = 1;

    /// The command line is wrong: unknown flag, missing or malformed argument (clap's own code).
    pub const USAGE: i32 = 2;

    /// `check`: the database has migrations that are not applied yet.
    pub const CHECK_PENDING: i32 = 3;

    /// `check`: the schema differs from the structs (the live database, or with `--offline`
    /// the migration chain).
    pub const CHECK_DRIFT: i32 = 4;

    /// `check --lint` (with or without `--offline`): a migration fails at run time (a lint
    /// error), or with `--strict`, a statement is risky (a lint warning).
    pub const CHECK_LINT: i32 = 5;

    /// A revision named on the command line (or in `alembic_version`) is not in the chain.
    pub const UNKNOWN_REVISION: i32 = 10;

    /// The migrations directory is missing, not a linear chain, or its SQL cannot be replayed.
    pub const INVALID_CHAIN: i32 = 11;

    /// The struct sources cannot be read or parsed.
    pub const INVALID_SOURCE: i32 = 12;

    /// `revision --autogenerate` refused the plan (destructive change without
    /// `--allow-destructive`, NOT NULL column without a backfill, ...), or `squash` would
    /// lose what a statement does (inserted rows, grants).
    pub const PLAN_REFUSED: i32 = 13;

    /// A target that cannot be reached from where the database is (`upgrade +3` with two
    /// pending, `upgrade` to an older revision, `downgrade` past base, ...).
    pub const INVALID_TARGET: i32 = 14;

    /// No database URL: none of `--database-url`, `DATABASE_URL` or `.env` gave one.
    pub const NO_DATABASE_URL: i32 = 20;

    /// The database server cannot be reached, or the database does not exist.
    pub const DATABASE_UNREACHABLE: i32 = 21;

    /// The server refused the credentials.
    pub const AUTH_FAILED: i32 = 22;

    /// A migration failed, or the runner refused to run (lock timeout, hot standby,
    /// read-only transaction); the database is as it was before that migration.
    pub const MIGRATION_FAILED: i32 = 23;

    /// The ledger disagrees with the migration files: an applied migration was edited,
    /// the database has applied a migration this directory does not have, or only part of
    /// a squashed one (`upgrade` refuses, `check` reports each), or the live schema does not
    /// match the revision being stamped.
    pub const LEDGER_MISMATCH: i32 = 24;

    /// `--backup` was asked for and `pg_dump` failed; nothing was migrated.
    pub const BACKUP_FAILED: i32 = 25;

    /// Reading or writing a file failed.
    pub const IO_ERROR: i32 = 30;
}

/// The exit-code table as printed at the end of `--help` (and copied in the README).
pub const HELP: &str = "\
Exit codes:
   0  success (check: nothing pending, edited or unknown, no drift)
   1  unexpected failure
   2  usage error (unknown flag, bad argument)
   3  check: migrations are pending
   4  check: the schema differs from the structs
   5  check --lint: a lint error (with --strict, a warning too)
      (check: when several apply, the first of 24, 3, 4, 5)
  10  unknown revision
  11  invalid migration chain
  12  invalid struct sources
  13  autogenerate refused the plan
  14  target not reachable from the database's revision
  20  no database URL
  21  database unreachable
  22  authentication failed
  23  migration failed or refused to run
  24  ledger mismatch (edited or unknown migration, stamp mismatch)
  25  backup (pg_dump) failed
  30  file read or write failed";
