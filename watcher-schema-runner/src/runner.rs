//! [`Runner`]: takes the lock, checks the ledger against the known migrations, then runs,
//! reverts or stamps them one transaction each; the one implementation behind service
//! boot and the CLI's `upgrade`, `downgrade` and `stamp`.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::{Pg, PgConnection};
use diesel::result::{DatabaseErrorInformation, Error as DieselError};
use diesel::Connection;
use watcher_schema_core::replay::{split_statements, Statement};

use crate::error::{redact_url, ChangedMigration, Located, MigrationFailure, RunError};
use crate::ledger::{self, AppliedMigration};
use crate::lock::{self, LockGuard};
use crate::offline;
use crate::report::{Action, RanMigration, Report};
use crate::script::{self, MigrationScript};
use crate::squash;
use crate::target::{Chain, Target};

/// The advisory lock key the runner takes unless told otherwise: `"watchers"` in ASCII.
pub const DEFAULT_LOCK_KEY: i64 = 0x7761_7463_6865_7273;

/// How long the runner waits for the lock unless told otherwise.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// A statement about to be executed, handed to the [`Runner::log_statements`] callback.
#[derive(Debug, Clone, Copy)]
pub struct LoggedStatement<'a> {
    /// The migration's directory name.
    pub migration: &'a str,
    /// `<name>/up.sql` or `<name>/down.sql`.
    pub file: &'a str,
    /// 1-based line of the statement in the file.
    pub line: usize,
    /// The statement's text.
    pub sql: &'a str,
}

type StatementLog = Arc<dyn Fn(&LoggedStatement<'_>) + Send + Sync>;

/// Applies migrations from any Diesel [`MigrationSource`] (embedded at build time or read
/// from a directory) safely when many processes start at once.
///
/// Every write path takes a session-level advisory lock (waiting up to the lock timeout),
/// re-reads the ledger under it, refuses when an applied migration changed or is unknown
/// to this binary, then runs each migration and its ledger row in one transaction.
///
/// ```no_run
/// use diesel::{Connection, PgConnection};
/// use diesel_migrations::{embed_migrations, EmbeddedMigrations};
/// use watcher_schema_runner::Runner;
///
/// const MIGRATIONS: EmbeddedMigrations = embed_migrations!("tests/fixtures/basic");
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut conn = PgConnection::establish("postgres://localhost/watcher")?;
/// let report = Runner::new(&MIGRATIONS)?
///     .lock_timeout(std::time::Duration::from_secs(30))
///     .run_pending(&mut conn)?;
/// println!("{report}");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Runner {
    migrations: Vec<MigrationScript>,
    lock_timeout: Duration,
    lock_key: i64,
    log: Option<StatementLog>,
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("migrations", &self.migrations.len())
            .field("lock_timeout", &self.lock_timeout)
            .field("lock_key", &self.lock_key)
            .field("log_statements", &self.log.is_some())
            .finish()
    }
}

impl Runner {
    /// A runner for the migrations of `source`, read (not executed) once, here.
    ///
    /// Works with `embed_migrations!` and with [`diesel_migrations::FileBasedMigrations`]:
    ///
    /// ```no_run
    /// use diesel_migrations::FileBasedMigrations;
    /// use watcher_schema_runner::Runner;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let runner = Runner::new(&FileBasedMigrations::from_path("migrations")?)?;
    /// println!("head is {:?}", runner.head().map(|m| m.name()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn new<S>(source: &S) -> Result<Self, RunError>
    where
        S: MigrationSource<Pg> + ?Sized,
    {
        Self::from_scripts(script::read_source(source)?)
    }

    /// A runner for migrations already read, in any order.
    pub fn from_scripts(scripts: Vec<MigrationScript>) -> Result<Self, RunError> {
        Ok(Runner {
            migrations: script::chain_order(scripts)?,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            lock_key: DEFAULT_LOCK_KEY,
            log: None,
        })
    }

    /// How long to wait for another runner's lock before failing with
    /// [`RunError::LockTimeout`] (default [`DEFAULT_LOCK_TIMEOUT`]; zero tries once).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The advisory lock key (default [`DEFAULT_LOCK_KEY`]); advisory locks are per
    /// database, so one key serves every database on a server.
    pub fn lock_key(mut self, key: i64) -> Self {
        self.lock_key = key;
        self
    }

    /// Calls `log` before each statement runs, and runs migrations statement by statement
    /// so that what is logged is what is executing (otherwise each file goes in one batch).
    pub fn log_statements(
        mut self,
        log: impl Fn(&LoggedStatement<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.log = Some(Arc::new(log));
        self
    }

    /// The known migrations in chain (version) order.
    pub fn migrations(&self) -> &[MigrationScript] {
        &self.migrations
    }

    /// The newest known migration.
    pub fn head(&self) -> Option<&MigrationScript> {
        self.migrations.last()
    }

    /// Connects with Diesel; the error names the URL with its password removed.
    pub fn connect(url: &str) -> Result<PgConnection, RunError> {
        PgConnection::establish(url).map_err(|e| RunError::Connect {
            url: redact_url(url),
            message: e.to_string(),
        })
    }

    /// Connects to `url` and runs every pending migration: the service's boot call.
    ///
    /// ```no_run
    /// # use diesel_migrations::{embed_migrations, EmbeddedMigrations};
    /// # use watcher_schema_runner::Runner;
    /// # const MIGRATIONS: EmbeddedMigrations = embed_migrations!("tests/fixtures/basic");
    /// # fn main() -> Result<(), watcher_schema_runner::RunError> {
    /// let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
    /// let report = Runner::new(&MIGRATIONS)?.run_pending_url(&url)?;
    /// eprintln!("migrated in {:?}\n{report}", report.total);
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_pending_url(&self, url: &str) -> Result<Report, RunError> {
        self.run_pending(&mut Self::connect(url)?)
    }

    /// Runs every pending migration, oldest first (an upgrade to [`Target::Head`]).
    ///
    /// `conn` must not be inside a transaction: each migration commits on its own.
    pub fn run_pending(&self, conn: &mut PgConnection) -> Result<Report, RunError> {
        self.upgrade_to(conn, &Target::Head)
    }

    /// Runs the pending migrations up to `target` (`head`, a version, or `+N`).
    ///
    /// ```no_run
    /// # use watcher_schema_runner::{Runner, Target};
    /// # fn demo(runner: &Runner, conn: &mut diesel::PgConnection) -> Result<(), watcher_schema_runner::RunError> {
    /// let report = runner.upgrade_to(conn, &"+1".parse::<Target>()?)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn upgrade_to(&self, conn: &mut PgConnection, target: &Target) -> Result<Report, RunError> {
        self.locked(conn, true, |conn, chain, _| {
            chain
                .upgrade(target)?
                .into_iter()
                .map(|i| self.apply(conn, &self.migrations[i], Action::Upgrade))
                .collect()
        })
    }

    /// Reverts applied migrations, newest first, down to `target` (a version, which stays
    /// applied, `-N`, or `base`).
    pub fn downgrade_to(
        &self,
        conn: &mut PgConnection,
        target: &Target,
    ) -> Result<Report, RunError> {
        self.locked(conn, true, |conn, chain, _| {
            chain
                .downgrade(target)?
                .into_iter()
                .map(|i| self.apply(conn, &self.migrations[i], Action::Downgrade))
                .collect()
        })
    }

    /// Makes the ledger say `target` is the newest applied migration without running any
    /// SQL, forwards or backwards: inserts and deletes rows, and records the current
    /// checksum of applied migrations whose file changed (after a review, this is how an
    /// edited migration is accepted). One transaction.
    ///
    /// ```no_run
    /// # use watcher_schema_runner::{Runner, Target};
    /// # fn demo(runner: &Runner, conn: &mut diesel::PgConnection) -> Result<(), watcher_schema_runner::RunError> {
    /// // Adopt a database built by other means as being at 20251005124405.
    /// runner.stamp(conn, &Target::Version("20251005124405".into()))?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn stamp(&self, conn: &mut PgConnection, target: &Target) -> Result<Report, RunError> {
        self.locked(conn, false, |conn, chain, rows| {
            let keep = chain.stamp_len(target)?;
            let recorded: Vec<Option<&str>> = self
                .migrations
                .iter()
                .map(|m| {
                    rows.iter()
                        .find(|r| r.version == m.version())
                        .and_then(|r| r.checksum.as_deref())
                })
                .collect();
            conn.transaction(|conn| {
                let mut done = Vec::new();
                for (i, m) in self.migrations.iter().enumerate().rev() {
                    if i >= keep && chain.applied[i] {
                        ledger::delete(conn, m.version())?;
                        done.push(stamped(m, Action::Unstamp));
                    }
                }
                for (i, m) in self.migrations.iter().enumerate().take(keep) {
                    if !chain.applied[i] {
                        ledger::insert(conn, m.version(), m.checksum(), None)?;
                        done.push(stamped(m, Action::Stamp));
                    } else if recorded[i] != Some(m.checksum()) {
                        ledger::set_checksum(conn, m.version(), m.checksum())?;
                        done.push(stamped(m, Action::Stamp));
                    }
                }
                Ok(done)
            })
            .map_err(RunError::database("cannot stamp the ledger"))
        })
    }

    /// The ledger, oldest first; empty when nothing was ever applied. Reads only, so it
    /// works on a standby, and takes no lock. Rows of migrations a squash replaces are
    /// shown folded into the squash's row, as the next write will leave them.
    pub fn applied(&self, conn: &mut PgConnection) -> Result<Vec<AppliedMigration>, RunError> {
        Ok(squash::view(&self.migrations, ledger::read_any(conn)?))
    }

    /// The applied migrations (ledger rows, from [`Runner::applied`]) whose `up.sql` has
    /// changed since they ran. Rows without a checksum (written by Diesel's CLI or before
    /// this runner) are not judged. Reads nothing; upgrades refuse to run on these, and
    /// `check`, `current` and `history` report them.
    pub fn changed(&self, applied: &[AppliedMigration]) -> Vec<ChangedMigration> {
        applied
            .iter()
            .filter_map(|row| {
                let m = self
                    .migrations
                    .iter()
                    .find(|m| m.version() == row.version)?;
                let recorded = row.checksum.as_ref()?;
                (recorded != m.checksum()).then(|| ChangedMigration {
                    name: m.name().to_owned(),
                    recorded: recorded.clone(),
                    current: m.checksum().to_owned(),
                })
            })
            .collect()
    }

    /// The known migrations the ledger does not list, oldest first. Reads only.
    pub fn pending(&self, conn: &mut PgConnection) -> Result<Vec<&MigrationScript>, RunError> {
        let applied = self.applied(conn)?;
        let applied: HashSet<&str> = applied.iter().map(|a| a.version.as_str()).collect();
        Ok(self
            .migrations
            .iter()
            .filter(|m| !applied.contains(m.version()))
            .collect())
    }

    /// The SQL an upgrade or downgrade from `from` (`base`, `head` or a version) to `to`
    /// would run, with its ledger writes, for `psql -1 -f` — no database needed. See the
    /// header the script starts with for how it behaves under `psql -1`.
    ///
    /// ```
    /// use watcher_schema_runner::{MigrationScript, Runner, Target};
    ///
    /// let runner = Runner::from_scripts(vec![MigrationScript::new(
    ///     "20251005124405_initial",
    ///     "CREATE TABLE pipeline (id serial PRIMARY KEY);",
    ///     Some("DROP TABLE pipeline;".into()),
    ///     true,
    /// )])?;
    /// let sql = runner.offline_script(&Target::Base, &Target::Head)?;
    /// assert!(sql.contains("CREATE TABLE pipeline"));
    /// assert!(sql.contains("INSERT INTO __diesel_schema_migrations"));
    /// # Ok::<(), watcher_schema_runner::RunError>(())
    /// ```
    pub fn offline_script(&self, from: &Target, to: &Target) -> Result<String, RunError> {
        let start = match from {
            Target::Base => 0,
            Target::Head => self.migrations.len(),
            Target::Version(v) => {
                1 + self
                    .migrations
                    .iter()
                    .position(|m| m.version() == v)
                    .ok_or_else(|| RunError::Target {
                        target: v.clone(),
                        reason: "no migration has this version; `history` lists them".into(),
                    })?
            }
            Target::Relative(_) => {
                return Err(RunError::Target {
                    target: from.to_string(),
                    reason: "an offline script starts from `base`, `head` or a version".into(),
                })
            }
        };
        let chain = Chain {
            known: &self.migrations,
            applied: (0..self.migrations.len()).map(|i| i < start).collect(),
        };
        let (steps, action) = if chain.is_forward(to)? {
            (chain.upgrade(to)?, Action::Upgrade)
        } else {
            (chain.downgrade(to)?, Action::Downgrade)
        };
        let steps: Vec<&MigrationScript> = steps.iter().map(|&i| &self.migrations[i]).collect();
        Ok(offline::render(&steps, action, from, to, self.lock_key))
    }

    /// The shared write path: refuse on a standby or read-only session, lock, make sure
    /// the ledger exists, re-read it under the lock, check it, then run `body`.
    fn locked(
        &self,
        conn: &mut PgConnection,
        verify_checksums: bool,
        body: impl FnOnce(
            &mut PgConnection,
            &Chain<'_>,
            &[AppliedMigration],
        ) -> Result<Vec<RanMigration>, RunError>,
    ) -> Result<Report, RunError> {
        let started = Instant::now();
        let session = ledger::probe_session(conn, self.lock_key)?;
        if session.in_recovery {
            return Err(RunError::HotStandby);
        }
        if session.read_only {
            return Err(RunError::ReadOnly);
        }
        let mut conn = if session.locked {
            LockGuard::held(conn, self.lock_key)
        } else {
            lock::acquire(conn, self.lock_key, self.lock_timeout)?
        };
        // Read only now that the lock is held: another replica may have migrated while
        // this one waited. A failed read means no ledger yet, or Diesel's without the
        // runner's columns: set it up (idempotent, and the lock keeps runners from racing
        // through it) and read again. When that fails too, the first error is the one that
        // says what was wrong; the second follows it.
        let rows = match ledger::read(&mut conn) {
            Ok(rows) => rows,
            Err(read) => ledger::setup(&mut conn)
                .and_then(|()| {
                    ledger::read(&mut conn).map_err(RunError::database(
                        "reading it again after setting it up failed",
                    ))
                })
                .map_err(|then| RunError::Ledger {
                    read,
                    then: Box::new(then),
                })?,
        };
        let (rows, folding) = squash::fold(&self.migrations, rows)?;
        let chain = self.chain(&rows)?;
        if verify_checksums {
            self.verify_checksums(&mut conn, &rows)?;
        }
        // Only a ledger fit to run on is folded, so a refusal above changes nothing.
        squash::write(&mut conn, &folding)?;
        let migrations = body(&mut conn, &chain, &rows)?;
        drop(conn);
        Ok(Report {
            migrations,
            total: started.elapsed(),
        })
    }

    /// Marks which known migrations are applied; refuses versions this binary lacks,
    /// because acting on a database newer than the binary could undo what it cannot redo.
    pub(crate) fn chain(&self, rows: &[AppliedMigration]) -> Result<Chain<'_>, RunError> {
        let known: HashSet<&str> = self.migrations.iter().map(|m| m.version()).collect();
        let unknown: Vec<String> = rows
            .iter()
            .filter(|r| !known.contains(r.version.as_str()))
            .map(|r| r.version.clone())
            .collect();
        if !unknown.is_empty() {
            return Err(RunError::UnknownApplied {
                versions: unknown,
                known_head: self.head().map(|m| m.version().to_owned()),
            });
        }
        let applied: HashSet<&str> = rows.iter().map(|r| r.version.as_str()).collect();
        Ok(Chain {
            known: &self.migrations,
            applied: self
                .migrations
                .iter()
                .map(|m| applied.contains(m.version()))
                .collect(),
        })
    }

    /// Refuses when an applied migration's `up.sql` changed since it ran, since the
    /// database no longer matches the chain the binary believes in. Rows without a
    /// checksum (written by Diesel's CLI or before this runner) get the current one.
    fn verify_checksums(
        &self,
        conn: &mut PgConnection,
        rows: &[AppliedMigration],
    ) -> Result<(), RunError> {
        let changed = self.changed(rows);
        if !changed.is_empty() {
            return Err(RunError::Changed {
                migrations: changed,
            });
        }
        let unrecorded = rows
            .iter()
            .filter(|row| row.checksum.is_none())
            .filter_map(|row| self.migrations.iter().find(|m| m.version() == row.version));
        for m in unrecorded {
            ledger::set_checksum(conn, m.version(), m.checksum())
                .map_err(RunError::database("cannot record a checksum in the ledger"))?;
        }
        Ok(())
    }

    /// Runs one migration's up or down SQL and its ledger write: in one transaction, or,
    /// for `run_in_transaction = false`, statement by statement and then the ledger.
    fn apply(
        &self,
        conn: &mut PgConnection,
        migration: &MigrationScript,
        action: Action,
    ) -> Result<RanMigration, RunError> {
        let run = Run::new(migration, action);
        let started = Instant::now();
        let record = |conn: &mut PgConnection| {
            match action {
                Action::Downgrade => ledger::delete(conn, migration.version()),
                _ => ledger::insert(
                    conn,
                    migration.version(),
                    migration.checksum(),
                    Some(started.elapsed()),
                ),
            }
            .map_err(RunError::database("cannot write the ledger"))
        };
        if migration.run_in_transaction() {
            let outcome = conn.transaction::<_, Failure, _>(|conn| {
                if self.log.is_some() {
                    self.execute_each(conn, &run, true)?;
                } else {
                    conn.batch_execute(run.sql).map_err(Failure::Batch)?;
                }
                Ok(record(conn)?)
            });
            match outcome {
                Ok(()) => {}
                Err(Failure::Run(error)) => return Err(error),
                Err(Failure::Batch(error)) => return Err(Self::locate(&run, &error)),
            }
        } else {
            self.execute_each(conn, &run, false)?;
            record(conn)?;
        }
        Ok(RanMigration {
            version: migration.version().to_owned(),
            name: migration.name().to_owned(),
            action,
            duration: started.elapsed(),
        })
    }

    fn execute_each(
        &self,
        conn: &mut PgConnection,
        run: &Run<'_>,
        in_transaction: bool,
    ) -> Result<(), RunError> {
        for statement in split_statements(run.sql) {
            if let Some(log) = &self.log {
                log(&LoggedStatement {
                    migration: run.migration.name(),
                    file: &run.file,
                    line: statement.line,
                    sql: statement.text,
                });
            }
            conn.batch_execute(statement.text).map_err(|e| {
                let sent = (statement.text, statement.line);
                run.failure(&e, sent, Some(&statement), Located::Alone, in_transaction)
            })?;
        }
        Ok(())
    }

    /// A file sent as one batch failed and was rolled back: names the failing statement
    /// without running anything again (a long backfill must not run twice).
    ///
    /// PostgreSQL's error position counts characters in the text it was sent, the whole
    /// file, so it lands on the statement exactly. Many errors carry no position (most DDL
    /// errors, constraint violations); then the file's only statement, or else the only
    /// statement naming what the error names, which the message presents as an inference.
    fn locate(run: &Run<'_>, error: &DieselError) -> RunError {
        let statements = split_statements(run.sql);
        let at = database_error(error)
            .and_then(|info| info.statement_position())
            .and_then(|p| byte_offset(run.sql, p));
        let (statement, located) = match (at, statements.as_slice()) {
            (Some(at), _) => (
                statements.iter().rev().find(|s| s.offset <= at),
                Located::Position,
            ),
            (None, [only]) => (Some(only), Located::OnlyStatement),
            (None, _) => match naming(&statements, error) {
                Some((statement, names)) => (Some(statement), Located::Naming(names)),
                None => (None, Located::Unknown),
            },
        };
        run.failure(error, (run.sql, 1), statement, located, true)
    }
}

/// The server's error, when the failure is one.
fn database_error(error: &DieselError) -> Option<&(dyn DatabaseErrorInformation + Send + Sync)> {
    match error {
        DieselError::DatabaseError(_, info) => Some(info.as_ref()),
        _ => None,
    }
}

/// The byte offset of PostgreSQL's 1-based character position `position` in `text`.
fn byte_offset(text: &str, position: i32) -> Option<usize> {
    let index = usize::try_from(position).ok()?.checked_sub(1)?;
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .nth(index)
}

/// The only statement that names every object the error names (the quoted names in its
/// message, and its table, column and constraint fields), with those names.
fn naming<'s, 'a>(
    statements: &'s [Statement<'a>],
    error: &DieselError,
) -> Option<(&'s Statement<'a>, Vec<String>)> {
    let info = database_error(error)?;
    let mut names: Vec<String> = info
        .message()
        .split('"')
        .skip(1)
        .step_by(2)
        .chain(info.table_name())
        .chain(info.column_name())
        .chain(info.constraint_name())
        .filter(|name| !name.is_empty())
        .map(str::to_lowercase)
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return None;
    }
    let mut candidates = statements.iter().filter(|s| {
        let text = s.text.to_lowercase();
        names.iter().all(|name| names_word(&text, name))
    });
    match (candidates.next(), candidates.next()) {
        (Some(only), None) => Some((only, names)),
        _ => None,
    }
}

/// Whether `name` occurs in `text` as a whole identifier.
fn names_word(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// One direction of one migration, with what its errors need.
struct Run<'a> {
    migration: &'a MigrationScript,
    action: Action,
    sql: &'a str,
    file: String,
}

impl<'a> Run<'a> {
    fn new(migration: &'a MigrationScript, action: Action) -> Self {
        match action {
            // Downgrade plans are checked to have a down.sql before anything runs.
            Action::Downgrade => Run {
                migration,
                action,
                sql: migration.down().unwrap_or_default(),
                file: migration.down_file(),
            },
            _ => Run {
                migration,
                action,
                sql: migration.up(),
                file: migration.up_file(),
            },
        }
    }

    /// The error for `error`, raised by `sent` (the text sent and its first line: one
    /// statement, or the whole file), attributed to `statement`.
    fn failure(
        &self,
        error: &DieselError,
        sent: (&str, usize),
        statement: Option<&Statement<'_>>,
        located: Located,
        in_transaction: bool,
    ) -> RunError {
        let (message, position) = match database_error(error) {
            Some(info) => {
                let mut message = info.message().to_owned();
                if let Some(detail) = info.details() {
                    message.push_str(&format!("\n  detail: {detail}"));
                }
                if let Some(hint) = info.hint() {
                    message.push_str(&format!("\n  hint: {hint}"));
                }
                (message, info.statement_position())
            }
            None => (error.to_string(), None),
        };
        // PostgreSQL's error position counts characters from 1 in the text it was sent.
        let (text, first_line) = sent;
        let line = position
            .and_then(|p| byte_offset(text, p))
            .map(|at| first_line + text[..at].matches('\n').count())
            .or(statement.map(|s| s.line));
        RunError::MigrationFailed(Box::new(MigrationFailure {
            version: self.migration.version().to_owned(),
            name: self.migration.name().to_owned(),
            action: self.action,
            file: self.file.clone(),
            line,
            statement: statement.map(|s| s.text.to_owned()),
            located,
            message,
            in_transaction,
        }))
    }
}

/// How a migration's transaction failed: its SQL as one batch (to be located), or
/// anything else, already explained.
enum Failure {
    Batch(DieselError),
    Run(RunError),
}

impl From<DieselError> for Failure {
    fn from(error: DieselError) -> Self {
        // BEGIN or COMMIT failing (COMMIT checks deferred constraints) lands here.
        Failure::Batch(error)
    }
}

impl From<RunError> for Failure {
    fn from(error: RunError) -> Self {
        Failure::Run(error)
    }
}

fn stamped(m: &MigrationScript, action: Action) -> RanMigration {
    RanMigration {
        version: m.version().to_owned(),
        name: m.name().to_owned(),
        action,
        duration: Duration::ZERO,
    }
}
