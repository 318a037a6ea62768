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
use crate::progress;
use crate::report::InProgress;

mod offline;
mod online;
mod standby;

use crate::report::{Action, RanMigration, Report};
use crate::script::{self, MigrationScript};
use crate::squash;
use crate::target::{Chain, Target};
pub use online::{Progress, ProgressEvent};
pub use standby::{StandbyWait, DEFAULT_STANDBY_LOG_INTERVAL, DEFAULT_STANDBY_TIMEOUT};

/// The advisory lock key the runner takes unless told otherwise: `"watchers"` in ASCII.
pub const DEFAULT_LOCK_KEY: i64 = 0x7761_7463_6865_7273;

/// How long the runner waits for the lock unless told otherwise.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// How long each step of an online migration waits for a lock unless told otherwise.
pub const DEFAULT_STATEMENT_LOCK_TIMEOUT: Duration = Duration::from_secs(2);

/// How many times an online step that waited too long for a lock is tried, unless told
/// otherwise.
pub const DEFAULT_LOCK_TRIES: u32 = 10;

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
type ProgressLog = Arc<dyn Fn(&Progress<'_>) + Send + Sync>;

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
    pub(crate) migrations: Vec<MigrationScript>,
    lock_timeout: Duration,
    lock_key: i64,
    pub(crate) log: Option<StatementLog>,
    pub(crate) statement_lock_timeout: Duration,
    pub(crate) lock_tries: u32,
    pub(crate) retry_pause: Duration,
    pub(crate) progress: Option<ProgressLog>,
    pub(crate) progress_every: Duration,
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("migrations", &self.migrations.len())
            .field("lock_timeout", &self.lock_timeout)
            .field("lock_key", &self.lock_key)
            .field("log_statements", &self.log.is_some())
            .field("statement_lock_timeout", &self.statement_lock_timeout)
            .field("lock_tries", &self.lock_tries)
            .field("retry_pause", &self.retry_pause)
            .field("on_progress", &self.progress.is_some())
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
            statement_lock_timeout: DEFAULT_STATEMENT_LOCK_TIMEOUT,
            lock_tries: DEFAULT_LOCK_TRIES,
            retry_pause: Duration::from_millis(100),
            progress: None,
            progress_every: Duration::from_secs(3),
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

    /// The `lock_timeout` each step of an online migration runs under (default
    /// [`DEFAULT_STATEMENT_LOCK_TIMEOUT`]), so that a step waiting for a lock never
    /// queues the service's queries behind it for longer. Zero waits without limit.
    pub fn statement_lock_timeout(mut self, timeout: Duration) -> Self {
        self.statement_lock_timeout = timeout;
        self
    }

    /// How many times an online step failing on its lock timeout or a deadlock is tried
    /// before the migration stops, resumable (default [`DEFAULT_LOCK_TRIES`]; at least 1).
    pub fn lock_tries(mut self, tries: u32) -> Self {
        self.lock_tries = tries.max(1);
        self
    }

    /// The pause before the second try of such a step (default 100 ms); it doubles with
    /// each further try, up to 5 s.
    pub fn retry_pause(mut self, pause: Duration) -> Self {
        self.retry_pause = pause;
        self
    }

    /// Calls `report` as the steps of online migrations start, make progress (a repeated
    /// batch's rows, rate and ETA every few seconds), wait for locks and finish.
    ///
    /// ```no_run
    /// # use watcher_schema_runner::Runner;
    /// # fn demo(runner: Runner, conn: &mut diesel::PgConnection) -> Result<(), watcher_schema_runner::RunError> {
    /// let report = runner
    ///     .on_progress(|p| eprintln!("{p}"))
    ///     .run_pending(conn)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_progress(mut self, report: impl Fn(&Progress<'_>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// How often a repeated batch reports its rows to [`Runner::on_progress`] (default 3 s;
    /// zero reports every batch).
    pub fn progress_every(mut self, every: Duration) -> Self {
        self.progress_every = every;
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
        self.locked(conn, true, |conn, chain, _, table| {
            let plan = chain.upgrade(target)?;
            // With work to do, unless the table is known absent; with none, when the
            // probe saw the table: a downgrade interrupted halfway left the ledger saying
            // applied, and a boot must not take a half-reverted schema for the head.
            // A database that never ran an online migration pays nothing for this.
            let read = match plan.is_empty() {
                false => !table.absent,
                true => table.seen,
            };
            if read {
                let records = progress::read(conn)?;
                if let Some(record) = records.into_iter().find(|p| p.action == Action::Downgrade) {
                    return Err(self.partly_applied(
                        record,
                        "run `downgrade` to finish reverting it, then `upgrade`",
                    ));
                }
            }
            plan.into_iter()
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
        self.locked(conn, true, |conn, chain, _, _| {
            // A partly upgraded migration is not in the ledger, but its steps ran: any
            // downgrade reverts it first, and it counts as one for `-N`.
            let partial = progress::read(conn)?.into_iter().find_map(|p| {
                let i = self
                    .migrations
                    .iter()
                    .position(|m| m.version() == p.version)?;
                (p.action == Action::Upgrade && !chain.applied[i]).then_some(i)
            });
            let plan = match (partial, target) {
                (Some(_), Target::Relative(-1)) => Vec::new(),
                (Some(_), Target::Relative(n)) if *n < 0 => {
                    chain.downgrade(&Target::Relative(n + 1))?
                }
                _ => chain.downgrade(target)?,
            };
            let mut done = Vec::new();
            if let Some(i) = partial {
                let m = &self.migrations[i];
                if m.down().is_none() {
                    return Err(RunError::NoDownSql {
                        name: m.name().to_owned(),
                    });
                }
                done.push(self.apply(conn, m, Action::Downgrade)?);
            }
            for i in plan {
                done.push(self.apply(conn, &self.migrations[i], Action::Downgrade)?);
            }
            Ok(done)
        })
    }

    /// The migrations partly applied by an interrupted online run (docs/ONLINE.md), each
    /// with the step it resumes at. Reads only, takes no lock; empty when none.
    ///
    /// ```no_run
    /// # use watcher_schema_runner::Runner;
    /// # fn demo(runner: &Runner, conn: &mut diesel::PgConnection) -> Result<(), watcher_schema_runner::RunError> {
    /// for p in runner.in_progress(conn)? {
    ///     println!("{}: {p}", p.version); // 20251011103728: in progress, step 3/7: backfill …
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn in_progress(&self, conn: &mut PgConnection) -> Result<Vec<InProgress>, RunError> {
        Ok(self.describe_progress(progress::read(conn)?))
    }

    fn partly_applied(&self, record: InProgress, help: &str) -> RunError {
        let name = self
            .migrations
            .iter()
            .find(|m| m.version() == record.version)
            .map_or_else(|| record.version.clone(), |m| m.name().to_owned());
        RunError::PartlyApplied {
            name,
            progress: Box::new(self.describe_progress(vec![record]).remove(0)),
            help: help.to_owned(),
        }
    }

    /// Makes the ledger say `target` is the newest applied migration without running any
    /// SQL, forwards or backwards: inserts and deletes rows, and records the current
    /// checksum of applied migrations whose file changed (after a review, this is how an
    /// edited migration is accepted), and removes the progress record of any migration it
    /// stamps or unstamps. One transaction.
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
        self.locked(conn, false, |conn, chain, rows, _| {
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
            let records = progress::read(conn)?;
            conn.transaction(|conn| {
                let mut done: Vec<RanMigration> = Vec::new();
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
                // A stamped or unstamped migration's progress record would contradict
                // the ledger the stamp asserts.
                for record in &records {
                    if done.iter().any(|d| d.version == record.version) {
                        conn.batch_execute(&progress::clear_sql(&record.version))?;
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
    /// header the script starts with for how it behaves under `psql -1`. When the range
    /// holds online migrations (`run_in_transaction = false`) the script is for `psql -f`
    /// without `-1`: their steps, each with its progress record, under `SET lock_timeout`,
    /// repeated batches as DO blocks committing each batch.
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
        offline::render(
            &steps,
            action,
            from,
            to,
            self.lock_key,
            self.statement_lock_timeout,
        )
    }

    /// The shared write path: refuse on a standby or read-only session, lock, make sure
    /// the ledger exists, re-read it under the lock, check it, then run `body` (told what
    /// the probe learnt of the progress table, so it need not always look).
    fn locked(
        &self,
        conn: &mut PgConnection,
        verify_checksums: bool,
        body: impl FnOnce(
            &mut PgConnection,
            &Chain<'_>,
            &[AppliedMigration],
            ProgressTable,
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
        // A first deploy: the probe, which took the lock, saw no ledger. Creating it (not
        // `IF NOT EXISTS`) proves it new, hence empty, so there is nothing to read; and no
        // progress table can have appeared since the probe, as runners and offline scripts
        // make one only once a ledger exists.
        let fresh = session.locked && !session.has_ledger && ledger::create(&mut conn).is_ok();
        let table = ProgressTable {
            absent: fresh && !session.has_progress,
            seen: session.has_progress,
        };
        // Otherwise read only now that the lock is held: another replica may have migrated
        // while this one waited. A failed read means no ledger yet, or Diesel's without the
        // runner's columns: set it up (idempotent, and the lock keeps runners from racing
        // through it) and read again. When that fails too, the first error is the one that
        // says what was wrong; the second follows it.
        let rows = match if fresh {
            Ok(Vec::new())
        } else {
            ledger::read(&mut conn)
        } {
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
        let migrations = body(&mut conn, &chain, &rows, table)?;
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
        if !migration.run_in_transaction() {
            return self.apply_online(conn, migration, action);
        }
        let run = Run::new(migration, action);
        let started = Instant::now();
        if self.log.is_some() {
            self.apply_logged(conn, &run, started)?;
        } else {
            Self::apply_batch(conn, &run)?;
        }
        Ok(RanMigration {
            version: migration.version().to_owned(),
            name: migration.name().to_owned(),
            action,
            duration: started.elapsed(),
        })
    }

    /// The migration and its ledger write in two round trips: one batch of `BEGIN`, the
    /// file as written and the ledger row, then `COMMIT`. PostgreSQL runs a batch's
    /// statements in order and stops at the first error, leaving the transaction failed,
    /// which a `ROLLBACK` then ends: the file and its row commit together or not at all, as
    /// in a transaction driven statement by statement (four round trips).
    ///
    /// `COMMIT` is sent apart, once the batch succeeded, so that a runner killed while its
    /// batch runs (`kill -9`, a cancelled deploy) leaves the server a transaction to roll
    /// back when it finds the client gone, not one that commits on its own.
    fn apply_batch(conn: &mut PgConnection, run: &Run<'_>) -> Result<(), RunError> {
        // A file of comments only (`revision -m` before it is written) adds nothing but
        // a comment: the batch is the ledger write.
        let body = offline::terminated(run.sql);
        let record = match run.action {
            Action::Downgrade => ledger::record_sql(run.migration.version(), None),
            _ => ledger::record_sql(run.migration.version(), Some(run.migration.checksum())),
        };
        let batch = format!("{BATCH_START}{body}{record}");
        if let Err(error) = conn.batch_execute(&batch) {
            // Nothing more to do when this fails too: the connection is gone, and its
            // transaction with it. When the batch failed to parse, nothing ran and
            // PostgreSQL only warns that there is no transaction.
            let _ = conn.batch_execute("ROLLBACK");
            return Err(Self::locate(
                run,
                &batch,
                BATCH_START.len() + body.len(),
                error,
            ));
        }
        conn.batch_execute("COMMIT")
            .map_err(|error| Self::commit_failed(run, &error))
    }

    /// `COMMIT` failed, which ends the transaction: it checks deferred constraints, so
    /// there is no position, perhaps a name.
    fn commit_failed(run: &Run<'_>, error: &DieselError) -> RunError {
        let statements = split_statements(run.sql);
        let (statement, located) = match naming(&statements, error) {
            Some((statement, names)) => (Some(statement), Located::Naming(names)),
            None => (None, Located::Unknown),
        };
        run.failure(error, (run.sql, 1), statement, located, true)
    }

    /// The migration, statement by statement as each is logged, and its ledger write, in
    /// one transaction.
    fn apply_logged(
        &self,
        conn: &mut PgConnection,
        run: &Run<'_>,
        started: Instant,
    ) -> Result<(), RunError> {
        let version = run.migration.version();
        let outcome = conn.transaction::<_, Failure, _>(|conn| {
            self.execute_each(conn, run)?;
            match run.action {
                Action::Downgrade => ledger::delete(conn, version),
                _ => ledger::insert(
                    conn,
                    version,
                    run.migration.checksum(),
                    Some(started.elapsed()),
                ),
            }
            .map_err(RunError::database("cannot write the ledger"))?;
            Ok(())
        });
        match outcome {
            Ok(()) => Ok(()),
            Err(Failure::Run(error)) => Err(error),
            Err(Failure::Transaction(error)) => Err(Self::commit_failed(run, &error)),
        }
    }

    fn execute_each(&self, conn: &mut PgConnection, run: &Run<'_>) -> Result<(), RunError> {
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
                run.failure(&e, sent, Some(&statement), Located::Alone, true)
            })?;
        }
        Ok(())
    }

    /// The batch of a migration (`batch`: `BEGIN`, the file, then from byte `record` on
    /// its ledger write) failed and was rolled back: names the failing statement without
    /// running anything again (a long backfill must not run twice).
    ///
    /// PostgreSQL's error position counts characters in the text it was sent, the whole
    /// batch, so it lands on the statement exactly. Many errors carry no position (most DDL
    /// errors, constraint violations); then the file's only statement, or else the only
    /// statement naming what the error names, which the message presents as an inference.
    /// An error in the ledger write, or about the ledger, is reported as such.
    fn locate(run: &Run<'_>, batch: &str, record: usize, error: DieselError) -> RunError {
        let info = database_error(&error);
        let at = info
            .and_then(|info| info.statement_position())
            .and_then(|p| byte_offset(batch, p));
        // The ledger write's error: placed in it, or about the ledger's table and placed
        // nowhere (a duplicate row).
        let in_record = match at {
            Some(at) => at >= record,
            None => info.and_then(|info| info.table_name()) == Some(ledger::LEDGER_TABLE),
        };
        if in_record {
            return RunError::database("cannot write the ledger")(error);
        }
        let statements = split_statements(run.sql);
        // Where the error is in the file: past the `BEGIN` line, and at most at its end
        // (the `;` the batch adds after a last statement that has none).
        let at = at.map(|at| at.saturating_sub(BATCH_START.len()).min(run.sql.len()));
        let (statement, located) = match (at, statements.as_slice()) {
            (Some(at), _) => (
                statements.iter().rev().find(|s| s.offset <= at),
                Located::Position,
            ),
            (None, [only]) => (Some(only), Located::OnlyStatement),
            (None, _) => match naming(&statements, &error) {
                Some((statement, names)) => (Some(statement), Located::Naming(names)),
                None => (None, Located::Unknown),
            },
        };
        // The batch's first line is `BEGIN`: the file's lines start one later.
        run.failure(&error, (batch, 0), statement, located, true)
    }
}

/// What a migration's batch starts with; its length is where the file starts in it.
const BATCH_START: &str = "BEGIN;\n";

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
/// What the session probe learnt about the progress table.
#[derive(Debug, Clone, Copy)]
struct ProgressTable {
    /// Certainly absent: the ledger was just created and the probe saw no table.
    absent: bool,
    /// The catalog listed it when the probe ran (before the lock was held).
    seen: bool,
}

pub(crate) struct Run<'a> {
    pub(crate) migration: &'a MigrationScript,
    pub(crate) action: Action,
    pub(crate) sql: &'a str,
    pub(crate) file: String,
}

impl<'a> Run<'a> {
    pub(crate) fn new(migration: &'a MigrationScript, action: Action) -> Self {
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
    pub(crate) fn failure(
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
            step: None,
        }))
    }
}

/// How the transaction of a logged migration failed: `BEGIN` or `COMMIT` itself, or
/// anything else, already explained.
enum Failure {
    Transaction(DieselError),
    Run(RunError),
}

impl From<DieselError> for Failure {
    fn from(error: DieselError) -> Self {
        Failure::Transaction(error)
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
