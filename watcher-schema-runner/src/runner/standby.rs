//! Booting on a hot standby: instead of migrating, wait (bounded) until the ledger the
//! standby replays from its primary lists the head this binary carries, then start.
//!
//! A standby cannot write, so a read replica's service cannot bring its database to head;
//! its primary's service (or an operator) does, and the standby replays that. Starting
//! before the replay reaches the head would serve queries against an older schema, so
//! [`Runner::wait_for_head`] polls the replicated ledger, logs where the standby is every
//! few seconds, and fails with [`RunError::StandbyBehind`] when the wait runs out.

use std::fmt;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::sql_types::{Bool, Nullable, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};

use crate::error::RunError;
use crate::ledger;
use crate::report::{Report, StandbyProgress};
use crate::runner::Runner;
use crate::squash;

/// How long a service booting on a hot standby waits for the head unless told otherwise.
pub const DEFAULT_STANDBY_TIMEOUT: Duration = Duration::from_secs(300);

/// How often the wait logs where the standby is unless told otherwise.
pub const DEFAULT_STANDBY_LOG_INTERVAL: Duration = Duration::from_secs(5);

/// The pause between two reads of the standby's ledger: short next to a deploy, long next
/// to one query on an idle server.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

type ProgressLog = Arc<dyn Fn(&StandbyProgress) + Send + Sync>;

/// How [`Runner::wait_for_head`] waits on a hot standby: for how long, and how it reports
/// progress (a line on stderr every [`DEFAULT_STANDBY_LOG_INTERVAL`] by default).
///
/// ```
/// use std::time::Duration;
/// use watcher_schema_runner::StandbyWait;
///
/// let wait = StandbyWait::new(Duration::from_secs(120))
///     .log_every(Duration::from_secs(10))
///     .on_progress(|progress| eprintln!("boot: {progress}"));
/// assert_eq!(wait.timeout(), Duration::from_secs(120));
/// ```
#[derive(Clone)]
pub struct StandbyWait {
    timeout: Duration,
    log_every: Duration,
    log: ProgressLog,
}

impl StandbyWait {
    /// Waits up to `timeout` (zero reads the ledger once), logging to stderr.
    pub fn new(timeout: Duration) -> Self {
        StandbyWait {
            timeout,
            log_every: DEFAULT_STANDBY_LOG_INTERVAL,
            log: Arc::new(|progress| eprintln!("{progress}")),
        }
    }

    /// How often to report while waiting; the first report comes as soon as the standby is
    /// found behind.
    pub fn log_every(mut self, interval: Duration) -> Self {
        self.log_every = interval;
        self
    }

    /// Reports progress through `log` instead of stderr (to a logging framework, say).
    pub fn on_progress(mut self, log: impl Fn(&StandbyProgress) + Send + Sync + 'static) -> Self {
        self.log = Arc::new(log);
        self
    }

    /// The longest wait.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

impl Default for StandbyWait {
    /// [`DEFAULT_STANDBY_TIMEOUT`], logging to stderr.
    fn default() -> Self {
        StandbyWait::new(DEFAULT_STANDBY_TIMEOUT)
    }
}

impl fmt::Debug for StandbyWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandbyWait")
            .field("timeout", &self.timeout)
            .field("log_every", &self.log_every)
            .finish_non_exhaustive()
    }
}

#[derive(QueryableByName)]
struct Replay {
    #[diesel(sql_type = Nullable<Text>)]
    lsn: Option<String>,
    #[diesel(sql_type = Bool)]
    paused: bool,
}

impl Runner {
    /// Waits until `conn`'s ledger lists this runner's head, for a service whose database
    /// is a read replica: a hot standby cannot migrate, its primary does, and the standby
    /// replays that. Runs nothing and takes no lock. Returns an empty [`Report`] whose
    /// `total` is the time waited.
    ///
    /// Reports through `wait` as soon as the standby is found behind, then every few
    /// seconds. Fails with [`RunError::StandbyBehind`] when the head has not arrived
    /// within the timeout, and at once, as the primary path does, when the ledger lists a
    /// migration this binary does not know or one whose `up.sql` changed.
    ///
    /// ```no_run
    /// # use watcher_schema_runner::{Runner, StandbyWait};
    /// # fn demo(runner: &Runner) -> Result<(), watcher_schema_runner::RunError> {
    /// let mut replica = Runner::connect("postgres://replica.internal/watcher")?;
    /// runner.wait_for_head(&mut replica, &StandbyWait::default())?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_for_head(
        &self,
        conn: &mut PgConnection,
        wait: &StandbyWait,
    ) -> Result<Report, RunError> {
        let started = Instant::now();
        let Some(head) = self.head() else {
            return Ok(Report::default());
        };
        let mut last_log: Option<Instant> = None;
        loop {
            // Each read is its own statement, so each sees the newest replayed snapshot.
            let rows = squash::view(self.migrations(), ledger::read_checked(conn)?);
            let chain = self.chain(&rows)?;
            let changed = self.changed(&rows);
            if !changed.is_empty() {
                return Err(RunError::Changed {
                    migrations: changed,
                });
            }
            if chain.applied.last() == Some(&true) {
                return Ok(Report {
                    migrations: Vec::new(),
                    total: started.elapsed(),
                });
            }
            let waited = started.elapsed();
            let due = last_log.is_none_or(|at| at.elapsed() >= wait.log_every);
            let out_of_time = waited >= wait.timeout;
            if due || out_of_time {
                let replay: Replay = sql_query(
                    "SELECT pg_last_wal_replay_lsn()::text AS lsn, \
                            CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() \
                                 ELSE false END AS paused",
                )
                .get_result(conn)
                .map_err(RunError::database(
                    "cannot read the standby's replay position",
                ))?;
                let progress = StandbyProgress {
                    expected_head: head.version().to_owned(),
                    standby_head: rows.last().map(|r| r.version.clone()),
                    replay_lsn: replay.lsn,
                    replay_paused: replay.paused,
                    waited,
                    timeout: wait.timeout,
                };
                if out_of_time {
                    return Err(RunError::StandbyBehind(Box::new(progress)));
                }
                (wait.log)(&progress);
                last_log = Some(Instant::now());
            }
            thread::sleep(POLL_INTERVAL.min(wait.timeout - waited));
        }
    }

    /// The boot of a service that may be pointed at a primary or at a hot standby: on a
    /// primary, exactly [`Runner::run_pending`]; on a hot standby (recognised before any
    /// lock or write is tried), [`Runner::wait_for_head`].
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use watcher_schema_runner::{Runner, StandbyWait};
    /// # fn demo(runner: &Runner, url: &str) -> Result<(), watcher_schema_runner::RunError> {
    /// let wait = StandbyWait::new(Duration::from_secs(600));
    /// let report = runner.run_pending_or_wait(&mut Runner::connect(url)?, &wait)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_pending_or_wait(
        &self,
        conn: &mut PgConnection,
        wait: &StandbyWait,
    ) -> Result<Report, RunError> {
        match self.run_pending(conn) {
            Err(RunError::HotStandby) => self.wait_for_head(conn, wait),
            other => other,
        }
    }

    /// [`Runner::run_pending_or_wait`] on a new connection to `url`.
    pub fn run_pending_or_wait_url(
        &self,
        url: &str,
        wait: &StandbyWait,
    ) -> Result<Report, RunError> {
        self.run_pending_or_wait(&mut Self::connect(url)?, wait)
    }
}
