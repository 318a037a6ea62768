//! Online migrations (`run_in_transaction = false`, docs/ONLINE.md): [`core::steps`]
//! cuts the file into steps, run here one by one under a short `lock_timeout` with retry,
//! each recorded in `__watcher_schema_progress`, so an interrupted run resumes.
//!
//! [`core::steps`]: watcher_schema_core::steps

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::result::Error as DieselError;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{sql_query, Connection, QueryableByName, RunQueryDsl};
use watcher_schema_core::replay::Statement;
use watcher_schema_core::steps::{split, Step, StepKind};

use crate::error::{FailedStep, Located, RunError};
use crate::ledger;
use crate::progress;
use crate::report::InProgress;
use crate::report::{Action, RanMigration};
use crate::runner::{LoggedStatement, Run, Runner};
use crate::script::MigrationScript;

/// The longest pause between two tries of a step that waited too long for a lock.
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// What an online step is doing, handed to the [`Runner::on_progress`] callback.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    /// The migration's directory name.
    pub migration: &'a str,
    /// Upgrade or downgrade.
    pub action: Action,
    /// 1-based number of the step.
    pub step: usize,
    /// How many steps the migration has.
    pub steps: usize,
    /// The step's `-- step:` description, or its first statement.
    pub description: &'a str,
    /// How the step runs.
    pub kind: StepKind,
    /// What happened.
    pub event: ProgressEvent,
    /// Rows a [`StepKind::Repeat`] step has updated or deleted so far.
    pub rows: u64,
    /// The table's row count as `pg_class.reltuples` estimates it, for a repeat step.
    pub estimated_rows: Option<u64>,
    /// Time spent in this step so far.
    pub elapsed: Duration,
}

/// The events of [`Progress`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// The step starts.
    Started,
    /// A repeat step's running count, every few seconds.
    Rows,
    /// A try waited too long for a lock (or deadlocked) and was rolled back; the step is
    /// tried again after a pause.
    Retrying {
        /// The try that failed (1-based).
        attempt: u32,
        /// How many tries there are in all.
        tries: u32,
        /// PostgreSQL's message.
        message: String,
    },
    /// The step had nothing to do.
    Skipped {
        /// Why.
        reason: String,
    },
    /// The step is done and recorded.
    Done,
}

impl Progress<'_> {
    /// Rows per second so far, for a repeat step that has done some.
    pub fn rate(&self) -> Option<f64> {
        let secs = self.elapsed.as_secs_f64();
        (self.rows > 0 && secs > 0.0).then(|| self.rows as f64 / secs)
    }

    /// Time left at the current rate, taking the table's estimated row count as the
    /// work in all (an upper bound: a backfill touches only the rows still to do).
    pub fn eta(&self) -> Option<Duration> {
        let left = self.estimated_rows?.checked_sub(self.rows)?;
        Some(Duration::from_secs_f64(left as f64 / self.rate()?))
    }
}

/// `step 2/5 (backfill address.input_hash): 15000 rows, 7400 rows/s, ETA 1 s`.
impl fmt::Display for Progress<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: step {}/{} ({})",
            self.action, self.migration, self.step, self.steps, self.description
        )?;
        match &self.event {
            ProgressEvent::Started => f.write_str(": started"),
            ProgressEvent::Rows => {
                write!(f, ": {} rows", self.rows)?;
                if let Some(estimate) = self.estimated_rows {
                    write!(f, " of ~{estimate}")?;
                }
                if let Some(rate) = self.rate() {
                    write!(f, ", {rate:.0} rows/s")?;
                }
                if let Some(eta) = self.eta() {
                    write!(f, ", ETA {} s", eta.as_secs())?;
                }
                Ok(())
            }
            ProgressEvent::Retrying {
                attempt,
                tries,
                message,
            } => write!(
                f,
                ": try {attempt}/{tries} waited too long for a lock ({}), trying again",
                message.trim_end()
            ),
            ProgressEvent::Skipped { reason } => write!(f, ": skipped, {reason}"),
            ProgressEvent::Done => {
                write!(f, ": done in {:.1} s", self.elapsed.as_secs_f64())?;
                if self.kind == StepKind::Repeat {
                    write!(f, ", {} rows", self.rows)?;
                }
                Ok(())
            }
        }
    }
}

/// A statement of a step that failed, and the error.
struct Failed<'a> {
    statement: Option<Statement<'a>>,
    error: DieselError,
}

impl From<DieselError> for Failed<'_> {
    fn from(error: DieselError) -> Self {
        // BEGIN, COMMIT and the progress record land here.
        Failed {
            statement: None,
            error,
        }
    }
}

fn at<'a>(statement: &Statement<'a>) -> impl FnOnce(DieselError) -> Failed<'a> {
    let statement = statement.clone();
    move |error| Failed {
        statement: Some(statement),
        error,
    }
}

/// Whether a step failed waiting for a lock, so that trying again later may succeed:
/// `lock_not_available` (55P03, `lock_timeout`) or `deadlock_detected` (40P01).
///
/// Diesel reports neither SQLSTATE, only the message, so the message is matched; with a
/// translated `lc_messages` these are not recognised, and the step fails on its first
/// try (resumably) instead of being retried.
fn is_lock_failure(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(_, info) => {
            let message = info.message();
            message.starts_with("canceling statement due to lock timeout")
                || message.starts_with("deadlock detected")
                || message.starts_with("could not obtain lock")
        }
        _ => false,
    }
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct Estimate {
    #[diesel(sql_type = Nullable<BigInt>)]
    rows: Option<i64>,
}

#[derive(QueryableByName)]
struct IndexState {
    #[diesel(sql_type = Nullable<diesel::sql_types::Bool>)]
    valid: Option<bool>,
}

/// Whether index `name` (as written in SQL) exists and is valid; `None` when it does
/// not exist.
fn index_state(conn: &mut PgConnection, name: &str) -> diesel::QueryResult<Option<bool>> {
    let IndexState { valid } = sql_query(
        "SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)) AS valid",
    )
    .bind::<Text, _>(name)
    .get_result(conn)?;
    Ok(valid)
}

/// One step being run, with what its errors and progress reports need.
struct StepRun<'s> {
    run: &'s Run<'s>,
    step: &'s Step<'s>,
    label: String,
    number: usize,
    steps: usize,
    started: Instant,
}

impl Runner {
    /// Runs the steps of an online migration not yet done in this direction, recording
    /// each; the last step writes the ledger and clears the record.
    pub(crate) fn apply_online(
        &self,
        conn: &mut PgConnection,
        migration: &MigrationScript,
        action: Action,
    ) -> Result<RanMigration, RunError> {
        let started = Instant::now();
        let run = Run::new(migration, action);
        let steps = split(run.sql).map_err(|error| RunError::Steps {
            file: run.file.clone(),
            error,
        })?;
        progress::setup(conn)?;
        let record = progress::read(conn)?
            .into_iter()
            .find(|p| p.version == migration.version());
        let done = match record {
            None => 0,
            // A downgrade of a partly upgraded migration runs every down step: each is
            // written to be harmless when its up counterpart never ran (`IF EXISTS`).
            Some(p) if p.action != action && action == Action::Downgrade => 0,
            Some(p) if p.action == action && p.steps == steps.len() => p.step,
            Some(p) => {
                let help = if p.action != action {
                    "run `downgrade` to finish reverting it first".to_owned()
                } else {
                    format!(
                        "`{}` now has {} steps, not {}: restore the file as it was, or \
                         `downgrade` to revert what was done",
                        run.file,
                        steps.len(),
                        p.steps
                    )
                };
                return Err(RunError::PartlyApplied {
                    name: migration.name().to_owned(),
                    progress: Box::new(self.describe_progress(vec![p]).remove(0)),
                    help,
                });
            }
        };
        let Setting { value: saved } = sql_query("SELECT current_setting('lock_timeout') AS value")
            .get_result(conn)
            .map_err(RunError::database("cannot read `lock_timeout`"))?;
        conn.batch_execute(&format!(
            "SET lock_timeout = '{}ms'",
            self.statement_lock_timeout.as_millis()
        ))
        .map_err(RunError::database("cannot set `lock_timeout`"))?;
        let outcome = self.run_steps(conn, &run, &steps, done, started);
        // The caller's connection gets its own setting back, whatever happened.
        let restored = sql_query("SELECT set_config('lock_timeout', $1, false) AS value")
            .bind::<Text, _>(&saved)
            .get_result::<Setting>(conn);
        outcome?;
        restored.map_err(RunError::database("cannot restore `lock_timeout`"))?;
        Ok(RanMigration {
            version: migration.version().to_owned(),
            name: migration.name().to_owned(),
            action,
            duration: started.elapsed(),
        })
    }

    fn run_steps(
        &self,
        conn: &mut PgConnection,
        run: &Run<'_>,
        steps: &[Step<'_>],
        done: usize,
        started: Instant,
    ) -> Result<(), RunError> {
        if steps.is_empty() {
            return conn
                .transaction(|conn| self.finish(conn, run, started))
                .map_err(RunError::database("cannot write the ledger"));
        }
        for (i, step) in steps.iter().enumerate().skip(done) {
            let step_run = StepRun {
                run,
                step,
                label: step.label(),
                number: i + 1,
                steps: steps.len(),
                started: Instant::now(),
            };
            self.report(&step_run, ProgressEvent::Started, 0, None);
            let rows = match step.kind {
                StepKind::Transaction => self.run_transaction(conn, &step_run, started)?,
                StepKind::Single => self.run_single(conn, &step_run, started)?,
                StepKind::Repeat => self.run_repeat(conn, &step_run, started)?,
            };
            if let Some((rows, estimate)) = rows {
                self.report(&step_run, ProgressEvent::Done, rows, estimate);
            }
            test_hook(&format!("{}", i + 1));
        }
        Ok(())
    }

    /// Records step `number` as done, or for the last step writes the ledger and removes
    /// the record: the caller decides whether this shares the step's transaction.
    fn record(
        &self,
        conn: &mut PgConnection,
        step: &StepRun<'_>,
        started: Instant,
    ) -> diesel::QueryResult<()> {
        if step.number == step.steps {
            self.finish(conn, step.run, started)
        } else {
            conn.batch_execute(&progress::record_sql(
                step.run.migration.version(),
                step.run.action,
                step.number,
                step.steps,
            ))
        }
    }

    fn finish(
        &self,
        conn: &mut PgConnection,
        run: &Run<'_>,
        started: Instant,
    ) -> diesel::QueryResult<()> {
        let version = run.migration.version();
        conn.batch_execute(&progress::clear_sql(version))?;
        match run.action {
            Action::Downgrade => ledger::delete(conn, version),
            _ => ledger::insert(
                conn,
                version,
                run.migration.checksum(),
                Some(started.elapsed()),
            ),
        }
    }

    /// Writes the record after an autocommit step: with the ledger in one transaction
    /// when it is the last.
    fn record_after(
        &self,
        conn: &mut PgConnection,
        step: &StepRun<'_>,
        started: Instant,
    ) -> Result<(), RunError> {
        conn.transaction(|conn| self.record(conn, step, started))
            .map_err(RunError::database(
                "cannot record the step in `__watcher_schema_progress`",
            ))
    }

    fn run_transaction(
        &self,
        conn: &mut PgConnection,
        step: &StepRun<'_>,
        started: Instant,
    ) -> Result<Option<(u64, Option<u64>)>, RunError> {
        self.retrying(conn, step, |conn| {
            conn.transaction(|conn| {
                for statement in &step.step.statements {
                    self.log(step.run, statement);
                    conn.batch_execute(statement.text).map_err(at(statement))?;
                }
                self.record(conn, step, started)?;
                Ok(())
            })
        })?;
        Ok(Some((0, None)))
    }

    fn run_single(
        &self,
        conn: &mut PgConnection,
        step: &StepRun<'_>,
        started: Instant,
    ) -> Result<Option<(u64, Option<u64>)>, RunError> {
        let statement = &step.step.statements[0];
        let index = step.step.concurrent_index();
        if let Some(name) = index {
            let valid = index_state(conn, name)
                .map_err(RunError::database("cannot look the index up in `pg_index`"))?;
            if valid == Some(true) {
                // The build finished before an interruption kept it from being recorded.
                self.record_after(conn, step, started)?;
                let reason = format!("index {name} exists and is valid");
                self.report(step, ProgressEvent::Skipped { reason }, 0, None);
                return Ok(None);
            }
        }
        self.log(step.run, statement);
        let built = self.retrying(conn, step, |conn| {
            if let Some(name) = index {
                // Left by an interrupted build, or by the previous try's lock timeout.
                drop_invalid_index(conn, name)?;
            }
            conn.batch_execute(statement.text).map_err(at(statement))
        });
        if let (Err(RunError::MigrationFailed(failure)), Some(name)) = (&built, index) {
            let mut failure = failure.clone();
            if let Err(error) = self.retrying(conn, step, |conn| drop_invalid_index(conn, name)) {
                failure.message.push_str(&format!(
                    "\n  and the invalid index {name} the failed build left could not be \
                     dropped ({error}): drop it with `DROP INDEX CONCURRENTLY {name}`"
                ));
            }
            return Err(RunError::MigrationFailed(failure));
        }
        built?;
        self.record_after(conn, step, started)?;
        Ok(Some((0, None)))
    }

    fn run_repeat(
        &self,
        conn: &mut PgConnection,
        step: &StepRun<'_>,
        started: Instant,
    ) -> Result<Option<(u64, Option<u64>)>, RunError> {
        let statement = &step.step.statements[0];
        let estimate = match step.step.repeat_table() {
            Some(table) => sql_query(
                "SELECT (SELECT reltuples::int8 FROM pg_class WHERE oid = to_regclass($1)) AS rows",
            )
            .bind::<Text, _>(table)
            .get_result::<Estimate>(conn)
            .map_err(RunError::database(
                "cannot read the table's size from `pg_class`",
            ))?
            .rows
            // -1: never vacuumed or analyzed, size unknown.
            .and_then(|n| u64::try_from(n).ok()),
            None => None,
        };
        self.log(step.run, statement);
        let mut rows = 0u64;
        let mut batches = 0u64;
        let mut reported = Instant::now();
        loop {
            let affected = self.retrying(conn, step, |conn| {
                conn.transaction(|conn| {
                    sql_query(statement.text)
                        .execute(conn)
                        .map_err(at(statement))
                })
            })?;
            batches += 1;
            rows += affected as u64;
            test_hook(&format!("{}.{batches}", step.number));
            if affected == 0 {
                break;
            }
            if reported.elapsed() >= self.progress_every {
                self.report(step, ProgressEvent::Rows, rows, estimate);
                reported = Instant::now();
            }
        }
        self.record_after(conn, step, started)?;
        Ok(Some((rows, estimate)))
    }

    /// Runs `attempt` until it succeeds, retrying with exponential backoff while it fails
    /// waiting for a lock; any other failure, or the last try's, is the step's error.
    fn retrying<'a, T>(
        &self,
        conn: &mut PgConnection,
        step: &StepRun<'a>,
        mut attempt: impl FnMut(&mut PgConnection) -> Result<T, Failed<'a>>,
    ) -> Result<T, RunError> {
        let tries = self.lock_tries.max(1);
        let mut pause = self.retry_pause;
        let mut tried = 0;
        loop {
            tried += 1;
            let failed = match attempt(conn) {
                Ok(value) => return Ok(value),
                Err(failed) => failed,
            };
            let lock = is_lock_failure(&failed.error);
            if !lock || tried >= tries {
                let sent = failed
                    .statement
                    .as_ref()
                    .map_or((step.run.sql, 1), |s| (s.text, s.line));
                let mut error = step.run.failure(
                    &failed.error,
                    sent,
                    failed.statement.as_ref(),
                    Located::Alone,
                    false,
                );
                if let RunError::MigrationFailed(failure) = &mut error {
                    failure.step = Some(FailedStep {
                        number: step.number,
                        steps: step.steps,
                        description: step.label.clone(),
                        tries: tried,
                        lock_timeout: lock.then_some(self.statement_lock_timeout),
                    });
                }
                return Err(error);
            }
            let message = match &failed.error {
                DieselError::DatabaseError(_, info) => info.message().to_owned(),
                other => other.to_string(),
            };
            self.report(
                step,
                ProgressEvent::Retrying {
                    attempt: tried,
                    tries,
                    message,
                },
                0,
                None,
            );
            thread::sleep(pause);
            pause = (pause * 2).min(MAX_PAUSE);
        }
    }

    fn log(&self, run: &Run<'_>, statement: &Statement<'_>) {
        if let Some(log) = &self.log {
            log(&LoggedStatement {
                migration: run.migration.name(),
                file: &run.file,
                line: statement.line,
                sql: statement.text,
            });
        }
    }

    fn report(&self, step: &StepRun<'_>, event: ProgressEvent, rows: u64, estimate: Option<u64>) {
        if let Some(callback) = &self.progress {
            callback(&Progress {
                migration: step.run.migration.name(),
                action: step.run.action,
                step: step.number,
                steps: step.steps,
                description: &step.label,
                kind: step.step.kind,
                event,
                rows,
                estimated_rows: estimate,
                elapsed: step.started.elapsed(),
            });
        }
    }

    /// The progress records, each with the description of the step it resumes at.
    pub(crate) fn describe_progress(&self, mut records: Vec<InProgress>) -> Vec<InProgress> {
        for record in &mut records {
            let Some(m) = self
                .migrations
                .iter()
                .find(|m| m.version() == record.version)
            else {
                continue;
            };
            let sql = match record.action {
                Action::Downgrade => m.down().unwrap_or_default(),
                _ => m.up(),
            };
            if let Ok(steps) = split(sql) {
                if steps.len() == record.steps {
                    record.next = steps.get(record.step).map(Step::label);
                }
            }
        }
        records
    }
}

/// Drops index `name` if a build left it invalid.
fn drop_invalid_index<'a>(conn: &mut PgConnection, name: &str) -> Result<(), Failed<'a>> {
    if index_state(conn, name)? == Some(false) {
        conn.batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))?;
    }
    Ok(())
}

/// Tests kill the process at a chosen point to prove a run resumes: after step `k` is
/// recorded (`WATCHER_SCHEMA_TEST_ABORT_AFTER_STEP=k`) or after batch `b` of repeat step
/// `k` committed (`=k.b`). Compiled only with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
fn test_hook(point: &str) {
    if std::env::var("WATCHER_SCHEMA_TEST_ABORT_AFTER_STEP").is_ok_and(|p| p == point) {
        std::process::abort();
    }
}

#[cfg(not(feature = "test-hooks"))]
fn test_hook(_point: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_rows_rate_and_eta() {
        let p = Progress {
            migration: "2_online",
            action: Action::Upgrade,
            step: 2,
            steps: 7,
            description: "backfill t.c",
            kind: StepKind::Repeat,
            event: ProgressEvent::Rows,
            rows: 10_000,
            estimated_rows: Some(30_000),
            elapsed: Duration::from_secs(2),
        };
        assert_eq!(
            p.to_string(),
            "upgrade 2_online: step 2/7 (backfill t.c): 10000 rows of ~30000, 5000 rows/s, ETA 4 s"
        );
        let done = Progress {
            event: ProgressEvent::Done,
            ..p
        };
        assert_eq!(
            done.to_string(),
            "upgrade 2_online: step 2/7 (backfill t.c): done in 2.0 s, 10000 rows"
        );
    }
}
