//! The migration lock: a session-level advisory lock taken with a timeout, so that many
//! replicas booting at once migrate one at a time; released when the guard drops.

use std::ops::{Deref, DerefMut};
use std::thread;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};

use crate::error::{LockHolder, RunError};

/// The connection while it holds the lock; dropping it unlocks, on success and error alike.
pub(crate) struct LockGuard<'c> {
    conn: &'c mut PgConnection,
    key: i64,
}

impl<'c> LockGuard<'c> {
    /// Guards a lock the session already took (see `ledger::probe`).
    pub(crate) fn held(conn: &'c mut PgConnection, key: i64) -> Self {
        LockGuard { conn, key }
    }
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Takes the lock, polling `pg_try_advisory_lock` with backoff until `timeout`.
///
/// Polling rather than `pg_advisory_lock` under `lock_timeout`: the timeout then needs no
/// session setting to restore, and its expiry is not told apart from other errors by the
/// text of a message (Diesel does not expose SQLSTATE).
pub(crate) fn acquire(
    conn: &mut PgConnection,
    key: i64,
    timeout: Duration,
) -> Result<LockGuard<'_>, RunError> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(5);
    loop {
        let Locked { locked } = sql_query("SELECT pg_try_advisory_lock($1) AS locked")
            .bind::<BigInt, _>(key)
            .get_result(conn)
            .map_err(RunError::database("cannot take the migration lock"))?;
        if locked {
            return Ok(LockGuard { conn, key });
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(RunError::LockTimeout {
                key,
                timeout,
                holders: holders(conn, key).unwrap_or_default(),
            });
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

#[derive(QueryableByName)]
struct HolderRow {
    #[diesel(sql_type = Integer)]
    pid: i32,
    #[diesel(sql_type = Text)]
    application_name: String,
    #[diesel(sql_type = Text)]
    client: String,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Text)]
    query: String,
}

/// The sessions holding advisory lock `key` in this database. A bigint key is stored in
/// `pg_locks` as its high half in `classid`, its low half in `objid`, and `objsubid = 1`.
fn holders(conn: &mut PgConnection, key: i64) -> diesel::QueryResult<Vec<LockHolder>> {
    let rows: Vec<HolderRow> = sql_query(
        "SELECT a.pid, coalesce(a.application_name, '') AS application_name, \
                coalesce(host(a.client_addr), 'local') AS client, \
                coalesce(a.state, '') AS state, coalesce(a.query, '') AS query \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
           AND l.classid::int8 = ($1 >> 32) & 4294967295 \
           AND l.objid::int8 = $1 & 4294967295 \
         ORDER BY a.pid",
    )
    .bind::<BigInt, _>(key)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| LockHolder {
            pid: r.pid,
            application_name: r.application_name,
            client: r.client,
            state: r.state,
            query: r.query,
        })
        .collect())
}

impl Deref for LockGuard<'_> {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        self.conn
    }
}

impl DerefMut for LockGuard<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // Failing to unlock means the connection is broken, and a session's advisory locks
        // end with it, so there is nothing more to do here. A simple query (the key is an
        // integer literal) costs one round trip where a prepared one costs two.
        let _ = self
            .conn
            .batch_execute(&format!("SELECT pg_advisory_unlock({})", self.key));
    }
}
