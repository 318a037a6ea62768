//! The ledger: Diesel's `__diesel_schema_migrations`, extended with a checksum and a
//! duration per row, read and written by the runner under its lock.
//!
//! Why extend Diesel's table instead of keeping a side table: one row per migration is
//! then the single truth, written in the migration's own transaction, and whatever
//! Diesel's own CLI does to a row (`diesel migration revert` deletes it) takes the
//! checksum with it. Diesel only reads and writes `version`, and the added columns are
//! nullable, so `diesel migration list` and `run` keep working on the same table.

use std::time::{Duration, SystemTime};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};

use crate::error::RunError;
use crate::progress::PROGRESS_TABLE;

/// The ledger table (Diesel's).
pub const LEDGER_TABLE: &str = "__diesel_schema_migrations";

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// The migration's version.
    pub version: String,
    /// When it was applied (`run_on`, read as UTC, the time zone Diesel's sessions use).
    pub run_on: SystemTime,
    /// Checksum of `up.sql` when it ran; `None` for rows written by other tools.
    pub checksum: Option<String>,
    /// How long it took; `None` for stamped rows and rows written by other tools.
    pub duration: Option<Duration>,
}

/// What the runner must know about the session before it writes anything.
#[derive(QueryableByName)]
pub(crate) struct Session {
    #[diesel(sql_type = Bool)]
    pub(crate) in_recovery: bool,
    #[diesel(sql_type = Bool)]
    pub(crate) read_only: bool,
    /// Whether the migration lock was free and is now held.
    #[diesel(sql_type = Bool)]
    pub(crate) locked: bool,
    /// Whether the catalog listed the ledger when the statement started.
    #[diesel(sql_type = Bool)]
    pub(crate) has_ledger: bool,
    /// Whether the catalog listed the progress table when the statement started.
    #[diesel(sql_type = Bool)]
    pub(crate) has_progress: bool,
}

/// Inspects the session and, on a writable primary, tries the migration lock in the same
/// round trip; `CASE` guarantees the lock is not even tried on a standby or read-only
/// session. It also says whether the ledger and the progress table exist (two name
/// lookups in `pg_class`, which the ledger's read needs anyway), so that a first deploy
/// need not learn it from a failing read. The ledger is not read here: this statement's
/// snapshot predates the lock, so it could miss another runner's last commit; for the
/// same reason `has_ledger = false` is only a hint, which [`create`] confirms.
pub(crate) fn probe_session(conn: &mut PgConnection, lock_key: i64) -> Result<Session, RunError> {
    sql_query(format!(
        "SELECT pg_is_in_recovery() AS in_recovery, \
                current_setting('transaction_read_only') = 'on' AS read_only, \
                CASE WHEN pg_is_in_recovery() \
                       OR current_setting('transaction_read_only') = 'on' THEN false \
                     ELSE pg_try_advisory_lock({lock_key}) END AS locked, \
                to_regclass('{LEDGER_TABLE}') IS NOT NULL AS has_ledger, \
                to_regclass('{PROGRESS_TABLE}') IS NOT NULL AS has_progress"
    ))
    .get_result(conn)
    .map_err(RunError::database("cannot inspect the session"))
}

/// Creates the ledger, or adds the runner's columns to Diesel's own, in one round trip.
///
/// The statements are idempotent, and the runner's lock keeps two runners from racing
/// through them.
pub(crate) fn setup(conn: &mut PgConnection) -> Result<(), RunError> {
    conn.batch_execute(SETUP).map_err(RunError::database(
        "cannot create the ledger `__diesel_schema_migrations`",
    ))
}

/// The ledger's name and columns, after `CREATE TABLE [IF NOT EXISTS]`: Diesel's
/// (`diesel::migration::CREATE_MIGRATIONS_TABLE`) with the runner's columns in it, so a
/// first deploy needs no `ALTER TABLE` (whose catalog work costs it a few milliseconds).
macro_rules! ledger_table {
    () => {
        concat!(
            " __diesel_schema_migrations (\n",
            "    version VARCHAR(50) PRIMARY KEY NOT NULL,\n",
            "    run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n",
            "    checksum text,\n",
            "    duration_ms bigint\n",
            ");\n",
        )
    };
}

/// Creates the ledger where there was none, in one round trip: `CREATE TABLE` without
/// `IF NOT EXISTS`, so that success proves the ledger is new and empty. Called under the
/// lock when the probe saw no ledger; fails when one appeared since (Diesel's CLI takes no
/// lock, and the probe's catalog view may predate the lock), and the caller then reads it.
pub(crate) fn create(conn: &mut PgConnection) -> diesel::QueryResult<()> {
    conn.batch_execute(concat!("CREATE TABLE", ledger_table!()))
}

/// The ledger's setup, also at the start of the offline script: the ledger as [`create`]
/// makes it if there is none; the `ALTER` adds the runner's columns to a ledger Diesel's
/// CLI created, and does nothing otherwise.
pub(crate) const SETUP: &str = concat!(
    "CREATE TABLE IF NOT EXISTS",
    ledger_table!(),
    "ALTER TABLE __diesel_schema_migrations\n",
    "    ADD COLUMN IF NOT EXISTS checksum text,\n",
    "    ADD COLUMN IF NOT EXISTS duration_ms bigint;\n",
);

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    version: String,
    #[diesel(sql_type = BigInt)]
    run_on_us: i64,
    #[diesel(sql_type = Nullable<Text>)]
    checksum: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    duration_ms: Option<i64>,
}

/// The ledger in version order, as this runner keeps it (with checksum and duration).
///
/// Fails when there is no ledger or it lacks the runner's columns; callers then look at
/// the catalog ([`read_any`]) or set the ledger up ([`setup`]). Asking the catalog first
/// would cost every boot about a millisecond: a fresh backend's first `pg_attribute`
/// lookup loads catalog caches, and a no-op boot should cost little more than a connect.
pub(crate) fn read(conn: &mut PgConnection) -> diesel::QueryResult<Vec<AppliedMigration>> {
    load(conn, "checksum, duration_ms")
}

/// The ledger whatever its state: none yet is empty, Diesel's own has no checksums.
pub(crate) fn read_any(conn: &mut PgConnection) -> Result<Vec<AppliedMigration>, RunError> {
    if let Ok(rows) = read(conn) {
        return Ok(rows);
    }
    read_checked(conn)
}

/// [`read_any`] asking the catalog first: for a caller that reads again and again while
/// there may be no ledger yet (a standby's wait), where a failing query per read would
/// fill the server's log.
pub(crate) fn read_checked(conn: &mut PgConnection) -> Result<Vec<AppliedMigration>, RunError> {
    let Shape {
        has_ledger,
        has_columns,
    } = sql_query(
        "SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL AS has_ledger, \
                (SELECT count(*) FROM pg_attribute \
                  WHERE attrelid = to_regclass('__diesel_schema_migrations') \
                    AND attname IN ('checksum', 'duration_ms') AND NOT attisdropped) = 2 \
                  AS has_columns",
    )
    .get_result(conn)
    .map_err(RunError::database("cannot inspect the ledger"))?;
    let rows = match (has_ledger, has_columns) {
        (false, _) => Ok(Vec::new()),
        (true, true) => read(conn),
        (true, false) => load(conn, "NULL::text AS checksum, NULL::int8 AS duration_ms"),
    };
    rows.map_err(RunError::database(
        "cannot read the ledger `__diesel_schema_migrations`",
    ))
}

#[derive(QueryableByName)]
struct Shape {
    #[diesel(sql_type = Bool)]
    has_ledger: bool,
    #[diesel(sql_type = Bool)]
    has_columns: bool,
}

fn load(conn: &mut PgConnection, extra: &str) -> diesel::QueryResult<Vec<AppliedMigration>> {
    // Sorted here, not by `ORDER BY`: planning that makes a fresh backend load the primary
    // key index's catalog entries, a measurable part of a no-op boot.
    let mut rows: Vec<Row> = sql_query(format!(
        "SELECT version, (extract(epoch FROM run_on) * 1000000)::int8 AS run_on_us, {extra} \
         FROM __diesel_schema_migrations"
    ))
    .load(conn)?;
    rows.sort_unstable_by(|a, b| a.version.cmp(&b.version));
    Ok(rows
        .into_iter()
        .map(|row| AppliedMigration {
            version: row.version,
            run_on: epoch_micros(row.run_on_us),
            checksum: row.checksum,
            duration: row
                .duration_ms
                .map(|ms| Duration::from_millis(ms.max(0) as u64)),
        })
        .collect())
}

fn epoch_micros(us: i64) -> SystemTime {
    let magnitude = Duration::from_micros(us.unsigned_abs());
    if us >= 0 {
        SystemTime::UNIX_EPOCH + magnitude
    } else {
        SystemTime::UNIX_EPOCH - magnitude
    }
}

/// The ledger write of one migration, for the batch that runs its SQL: the row of an
/// upgrade (its duration measured by the server from the batch's arrival, which
/// `statement_timestamp()` is for every statement of a batch), or the deletion of a
/// downgrade's row.
pub(crate) fn record_sql(version: &str, checksum: Option<&str>) -> String {
    match checksum {
        Some(checksum) => format!(
            "INSERT INTO __diesel_schema_migrations (version, checksum, duration_ms) \
             VALUES ({}, {}, (extract(epoch FROM clock_timestamp() - statement_timestamp()) \
             * 1000)::int8);",
            escaped(version),
            escaped(checksum)
        ),
        None => format!(
            "DELETE FROM __diesel_schema_migrations WHERE version = {};",
            escaped(version)
        ),
    }
}

/// An escape string literal: means the same whatever `standard_conforming_strings` is.
fn escaped(value: &str) -> String {
    format!("E'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

pub(crate) fn insert(
    conn: &mut PgConnection,
    version: &str,
    checksum: &str,
    duration: Option<Duration>,
) -> diesel::QueryResult<()> {
    sql_query(
        "INSERT INTO __diesel_schema_migrations (version, checksum, duration_ms) \
         VALUES ($1, $2, $3)",
    )
    .bind::<Text, _>(version)
    .bind::<Text, _>(checksum)
    .bind::<Nullable<BigInt>, _>(duration.map(|d| d.as_millis().min(i64::MAX as u128) as i64))
    .execute(conn)
    .map(drop)
}

pub(crate) fn delete(conn: &mut PgConnection, version: &str) -> diesel::QueryResult<()> {
    sql_query("DELETE FROM __diesel_schema_migrations WHERE version = $1")
        .bind::<Text, _>(version)
        .execute(conn)
        .map(drop)
}

pub(crate) fn set_checksum(
    conn: &mut PgConnection,
    version: &str,
    checksum: &str,
) -> diesel::QueryResult<()> {
    sql_query("UPDATE __diesel_schema_migrations SET checksum = $2 WHERE version = $1")
        .bind::<Text, _>(version)
        .bind::<Text, _>(checksum)
        .execute(conn)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(sql: &str) -> String {
        sql.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_ledger_is_diesels_table_with_the_runners_columns_added() {
        // Diesel's statement minus its closing `);`, then our two columns.
        let diesel = words(diesel::migration::CREATE_MIGRATIONS_TABLE);
        let diesel = diesel
            .trim_end_matches(';')
            .trim_end_matches(')')
            .trim_end();
        let create = words(SETUP.split_inclusive(';').next().unwrap_or_default());
        assert_eq!(
            create,
            format!("{diesel}, checksum text, duration_ms bigint );")
        );
    }

    #[test]
    fn the_batch_writes_literals_that_mean_the_same_whatever_the_settings() {
        assert_eq!(escaped(r"it's a \ path"), r"E'it''s a \\ path'");
        assert_eq!(
            record_sql("1", None),
            "DELETE FROM __diesel_schema_migrations WHERE version = E'1';"
        );
        assert!(record_sql("1", Some("abc")).contains("VALUES (E'1', E'abc', "));
    }
}
