//! [`RunError`]: everything that stops the runner, each naming the migration, file or
//! setting at fault and the fix.

use std::fmt;
use std::time::Duration;

use watcher_schema_core::steps::StepError;

use crate::report::{Action, InProgress, StandbyProgress};

/// Why the runner refused or failed. Nothing is half-applied in any of these cases unless
/// [`MigrationFailure::in_transaction`] is `false`.
#[derive(Debug)]
#[non_exhaustive]
pub enum RunError {
    /// The migrations could not be read.
    Source {
        /// What went wrong, naming the migration.
        message: String,
    },
    /// No connection could be made.
    Connect {
        /// The URL, password removed.
        url: String,
        /// libpq's message.
        message: String,
    },
    /// A query of the runner's own (ledger, lock) failed.
    Database {
        /// What the runner was doing.
        action: &'static str,
        /// Diesel's error.
        source: diesel::result::Error,
    },
    /// The ledger could not be read, and setting it up and reading it again failed too.
    Ledger {
        /// Why the first read failed: the error reported.
        read: diesel::result::Error,
        /// What failed after it (the setup, or the second read).
        then: Box<RunError>,
    },
    /// The server is a hot standby (`pg_is_in_recovery()`).
    HotStandby,
    /// The session is read-only (`default_transaction_read_only` or a read-only role).
    ReadOnly,
    /// A hot standby's replicated ledger did not list the head within the wait of
    /// [`Runner::wait_for_head`](crate::Runner::wait_for_head); where it stood then.
    StandbyBehind(Box<StandbyProgress>),
    /// Another session held the migration lock for longer than the timeout.
    LockTimeout {
        /// The advisory lock key.
        key: i64,
        /// How long the runner waited.
        timeout: Duration,
        /// The sessions holding the lock when the wait gave up.
        holders: Vec<LockHolder>,
    },
    /// The database has applied migrations this binary does not know (it is newer).
    UnknownApplied {
        /// The versions in the ledger without a migration here.
        versions: Vec<String>,
        /// The newest migration this binary knows.
        known_head: Option<String>,
    },
    /// The database applied some of the migrations a squashed migration replaces, but not
    /// the last of them; their SQL is gone, so the rest cannot be run from here.
    PartlySquashed {
        /// The squashed migration's directory name.
        squash: String,
        /// The replaced versions the ledger lists, oldest first.
        applied: Vec<String>,
        /// The last version it replaces, which the database has not reached.
        last: String,
    },
    /// Applied migrations whose `up.sql` has changed since they ran.
    Changed {
        /// One entry per changed migration.
        migrations: Vec<ChangedMigration>,
    },
    /// A migration's SQL failed.
    MigrationFailed(Box<MigrationFailure>),
    /// A target that does not make sense for the command or the database's state.
    Target {
        /// The target as written.
        target: String,
        /// Why it cannot be reached, and what to use instead.
        reason: String,
    },
    /// A downgrade needs a migration that has no `down.sql`.
    NoDownSql {
        /// The migration's directory name.
        name: String,
    },
    /// An online migration's file cannot be cut into steps (docs/ONLINE.md).
    Steps {
        /// `<name>/up.sql` or `<name>/down.sql`.
        file: String,
        /// What is wrong, with its line.
        error: StepError,
    },
    /// A migration is partly applied in a way this command cannot continue.
    PartlyApplied {
        /// The migration's directory name.
        name: String,
        /// Its progress record.
        progress: Box<InProgress>,
        /// What to run instead.
        help: String,
    },
}

/// A session holding the migration lock, from `pg_locks` and `pg_stat_activity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// Backend process id (`pg_terminate_backend` takes it).
    pub pid: i32,
    /// `application_name` of the session.
    pub application_name: String,
    /// Client address, or `local` for a Unix socket.
    pub client: String,
    /// `state` of the session (`active`, `idle`, ...).
    pub state: String,
    /// The session's current or last query.
    pub query: String,
}

/// An applied migration whose `up.sql` differs from what was run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedMigration {
    /// The migration's directory name.
    pub name: String,
    /// The checksum in the ledger.
    pub recorded: String,
    /// The checksum of the file now.
    pub current: String,
}

/// Where and why a migration's SQL failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFailure {
    /// The migration's version.
    pub version: String,
    /// The migration's directory name.
    pub name: String,
    /// Upgrade or downgrade.
    pub action: Action,
    /// `<name>/up.sql` or `<name>/down.sql`.
    pub file: String,
    /// 1-based line of the failing statement (or of PostgreSQL's error position in it).
    pub line: Option<usize>,
    /// The failing statement, when it could be singled out.
    pub statement: Option<String>,
    /// How the statement was singled out.
    pub located: Located,
    /// PostgreSQL's message, with its detail and hint.
    pub message: String,
    /// Whether the migration ran in a transaction (and so was rolled back whole).
    pub in_transaction: bool,
    /// For an online migration, the step that failed; the steps before it stay applied
    /// and recorded, and the next run resumes at this one.
    pub step: Option<FailedStep>,
}

/// The step of an online migration that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedStep {
    /// 1-based number of the step.
    pub number: usize,
    /// How many steps the migration has.
    pub steps: usize,
    /// Its `-- step:` description or first statement.
    pub description: String,
    /// How many times it was tried.
    pub tries: u32,
    /// Set when every try failed waiting for a lock (`lock_timeout` or a deadlock): the
    /// timeout each try had.
    pub lock_timeout: Option<Duration>,
}

/// How the runner singled out the failing statement of a migration. It never runs a
/// migration a second time to find out: a backfill with effects outside the transaction
/// (a sequence, a notice, a slow `UPDATE`) runs once.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Located {
    /// The statements ran one at a time (statement logging, `run_in_transaction = false`).
    Alone,
    /// PostgreSQL's error position in the file, which went to the server as one batch.
    Position,
    /// The file holds this one statement.
    OnlyStatement,
    /// PostgreSQL gave no position, and this is the only statement that names every
    /// object the error names (these names): an inference, said as such.
    Naming(Vec<String>),
    /// PostgreSQL gave no position, and no one statement could be singled out.
    Unknown,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Source { message } => write!(f, "{message}"),
            RunError::Connect { url, message } => {
                write!(f, "cannot connect to {url}: {}", message.trim_end())
            }
            RunError::Database { action, source } => write!(f, "{action}: {source}"),
            RunError::Ledger { read, then } => write!(
                f,
                "cannot read the ledger `{}`: {read}\n  then: {then}",
                crate::LEDGER_TABLE
            ),
            RunError::HotStandby => f.write_str(
                "the database is a hot standby (`pg_is_in_recovery()` is true): \
                 run migrations against the primary",
            ),
            RunError::ReadOnly => f.write_str(
                "the session is read-only (`transaction_read_only` is on): connect to the \
                 primary with a role and database where `default_transaction_read_only` is off",
            ),
            RunError::StandbyBehind(progress) => {
                write!(
                    f,
                    "timed out after {:.1} s waiting for the hot standby to replay migration {}: \
                     its ledger is at {}",
                    progress.waited.as_secs_f64(),
                    progress.expected_head,
                    progress.standby_head.as_deref().unwrap_or("no migration"),
                )?;
                if let Some(lsn) = &progress.replay_lsn {
                    write!(f, " (WAL replayed to {lsn})")?;
                }
                if progress.replay_paused {
                    f.write_str(
                        "\n  help: WAL replay is paused on the standby \
                         (`pg_is_wal_replay_paused()`): resume it with \
                         `SELECT pg_wal_replay_resume()`",
                    )
                } else {
                    f.write_str(
                        "\n  help: migrate the primary (its service's boot or `watcher-schema \
                         upgrade`), check that the standby streams from it (`pg_stat_replication` \
                         there), or wait longer (`StandbyWait::new`)",
                    )
                }
            }
            RunError::LockTimeout {
                key,
                timeout,
                holders,
            } => {
                write!(
                    f,
                    "timed out after {:.1} s waiting for the migration lock \
                     (`pg_advisory_lock({key})`)",
                    timeout.as_secs_f64()
                )?;
                if holders.is_empty() {
                    f.write_str("; no session was seen holding it (it may just have been released): try again")?;
                }
                for h in holders {
                    write!(
                        f,
                        "\n  held by pid {} ({}, application `{}`, {}): {}",
                        h.pid,
                        h.client,
                        h.application_name,
                        h.state,
                        one_line(&h.query, 120)
                    )?;
                }
                if !holders.is_empty() {
                    f.write_str(
                        "\n  help: wait for that migration to finish, raise the lock timeout, \
                         or end a stuck session with `SELECT pg_terminate_backend(<pid>)`",
                    )?;
                }
                Ok(())
            }
            RunError::UnknownApplied {
                versions,
                known_head,
            } => write!(
                f,
                "the database has applied migration{} {} that this binary does not know \
                 (its newest is {}): deploy the newer binary, or downgrade with the binary that \
                 has them; nothing was changed",
                plural(versions.len()),
                versions.join(", "),
                known_head.as_deref().unwrap_or("none"),
            ),
            RunError::PartlySquashed {
                squash,
                applied,
                last,
            } => write!(
                f,
                "the database applied {} but not {last}, which the squashed migration `{squash}` \
                 replaces together with them; this binary no longer has their SQL, so nothing \
                 was changed\n  help: upgrade to {last} with a binary (or checkout) from before \
                 the squash, then run this one",
                applied.join(", "),
            ),
            RunError::Changed { migrations } => {
                f.write_str("applied migrations have changed since they ran; nothing was run")?;
                for m in migrations {
                    write!(
                        f,
                        "\n  `{}/up.sql`: checksum {} in the ledger, {} now",
                        m.name, m.recorded, m.current
                    )?;
                }
                f.write_str(
                    "\n  help: restore the files as they were applied, or, after checking the \
                     database matches them, record the new checksums with `stamp`",
                )
            }
            RunError::MigrationFailed(failure) => failure.fmt(f),
            RunError::Target { target, reason } => write!(f, "target `{target}`: {reason}"),
            RunError::NoDownSql { name } => write!(
                f,
                "migration {name} has no `down.sql`, so it cannot be downgraded: write \
                 `{name}/down.sql`"
            ),
            RunError::Steps { file, error } => write!(
                f,
                "`{file}` cannot be cut into online steps (`run_in_transaction = false`, see \
                 docs/ONLINE.md): {error}"
            ),
            RunError::PartlyApplied {
                name,
                progress,
                help,
            } => write!(f, "migration {name} is {progress}: {help}"),
        }
    }
}

impl fmt::Display for MigrationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.action {
            Action::Downgrade => "downgrade",
            _ => "upgrade",
        };
        write!(f, "{verb} {} failed at `{}", self.name, self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str("`")?;
        if let Some(step) = &self.step {
            write!(
                f,
                " in step {}/{} ({})",
                step.number, step.steps, step.description
            )?;
        }
        write!(f, ": {}", self.message.trim_end())?;
        if let Some(statement) = &self.statement {
            write!(f, "\n  statement: {}", one_line(statement, 200))?;
        }
        match &self.located {
            Located::Naming(names) => write!(
                f,
                "\n  (PostgreSQL gave no position: this is the only statement naming {})",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
            Located::Unknown => f.write_str(
                "\n  (PostgreSQL gave no position for this error, so the failing statement is \
                 not known; the migration was not run again to find it)",
            )?,
            Located::Alone | Located::Position | Located::OnlyStatement => {}
        }
        if let Some(step) = &self.step {
            if let Some(timeout) = step.lock_timeout {
                write!(
                    f,
                    "\n  gave up after {} tr{}, each waiting at most {:.1} s for a lock \
                     (`lock_timeout`): another session holds a lock this step needs; find it \
                     in `pg_locks` and `pg_stat_activity`",
                    step.tries,
                    if step.tries == 1 { "y" } else { "ies" },
                    timeout.as_secs_f64()
                )?;
            }
            let done = match step.number {
                1 => "no step of it is applied".to_owned(),
                2 => "step 1 is applied and recorded".to_owned(),
                n => format!("steps 1-{} are applied and recorded", n - 1),
            };
            return write!(
                f,
                "\n  the migration runs step by step (`run_in_transaction = false`): {done} \
                 in `__watcher_schema_progress`; run `{verb}` again to resume at step {}",
                step.number
            );
        }
        if self.in_transaction {
            f.write_str(
                "\n  the migration was rolled back, nothing of it was applied: fix the file \
                 and run again",
            )
        } else {
            f.write_str(
                "\n  the migration runs outside a transaction (`run_in_transaction = false`): \
                 statements before the failing one stay applied; make them safe to repeat \
                 (`IF NOT EXISTS`) or undo them, then run again",
            )
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Database { source, .. } => Some(source),
            RunError::Ledger { read, .. } => Some(read),
            _ => None,
        }
    }
}

impl RunError {
    pub(crate) fn database(action: &'static str) -> impl FnOnce(diesel::result::Error) -> Self {
        move |source| RunError::Database { action, source }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Collapses whitespace so a statement fits on one line, cut at `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

/// Removes the password from a PostgreSQL URL or key=value connection string.
pub(crate) fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        if let Some((userinfo, host)) = authority.rsplit_once('@') {
            let user = userinfo.split(':').next().unwrap_or_default();
            let shown = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            return format!("{scheme}://{shown}@{host}{}", redact_query(tail));
        }
        return format!("{scheme}://{authority}{}", redact_query(tail));
    }
    url.split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.trim() == "password" => "password=***".to_owned(),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let params = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some(("password", _)) => "password=***".to_owned(),
            _ => p.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{params}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_in_every_url_form() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/watcher?sslmode=require"),
            "postgres://app:***@db:5432/watcher?sslmode=require"
        );
        assert_eq!(
            redact_url("postgresql://db/watcher?user=app&password=s3cret"),
            "postgresql://db/watcher?user=app&password=***"
        );
        assert_eq!(
            redact_url("host=db user=app password=s3cret dbname=watcher"),
            "host=db user=app password=*** dbname=watcher"
        );
        assert_eq!(redact_url("postgres://app@db/w"), "postgres://app@db/w");
    }

    #[test]
    fn shortens_statements_to_one_line() {
        assert_eq!(one_line("SELECT\n  1,\n  2", 100), "SELECT 1, 2");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}
