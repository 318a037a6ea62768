//! What tests of a read replica need on the [`Replicated`] pair: a database of their own
//! on the primary that the standby has replayed, a wait for the standby to catch up (on
//! its replay position, not on time), and WAL replay paused for as long as a guard lives.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use postgres::{Client, NoTls};

use crate::{Replicated, DATABASE_PREFIX};

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Replicated {
    /// A new database on the primary, replayed onto the standby before it is returned
    /// (each test its own, so the shared `postgres` databases stay untouched); dropped on
    /// both with the value.
    ///
    /// # Panics
    ///
    /// When the primary refuses, or the standby does not replay it within a minute.
    pub fn database(&'static self) -> ReplicatedDb {
        let name = format!(
            "{DATABASE_PREFIX}replica_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        self.primary_client()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create `{name}` on the primary: {e}"));
        self.wait_replayed();
        ReplicatedDb { pair: self, name }
    }

    /// Blocks until the standby has replayed everything the primary has written so far:
    /// polls `pg_last_wal_replay_lsn()` against the primary's WAL insert position (with
    /// `synchronous_commit` off the write position can still be before a commit record).
    ///
    /// # Panics
    ///
    /// When the standby has not got there within a minute.
    pub fn wait_replayed(&self) {
        let lsn: String = self
            .primary_client()
            .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
            .expect("read the primary's WAL position")
            .get(0);
        let mut standby = self.standby_client();
        let replayed = (0..1200).any(|_| {
            let done: bool = standby
                .query_one(
                    "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn",
                    &[&lsn],
                )
                .expect("read the standby's replay position")
                .get(0);
            if !done {
                thread::sleep(Duration::from_millis(50));
            }
            done
        });
        assert!(
            replayed,
            "the standby never replayed the primary's WAL up to {lsn}"
        );
    }

    /// Pauses WAL replay on the standby (`pg_wal_replay_pause()`) until the guard drops.
    /// Hold [`Replicated::exclusive`] meanwhile: other tests of the process share the
    /// standby.
    pub fn pause_replay(&'static self) -> ReplayPaused {
        self.standby_client()
            .batch_execute("SELECT pg_wal_replay_pause()")
            .expect("pause replay on the standby");
        ReplayPaused { pair: self }
    }

    /// Serialises the tests of one process that pause replay or wait for it: a paused
    /// standby would stall another test's wait.
    pub fn exclusive(&self) -> MutexGuard<'static, ()> {
        static REPLAY: Mutex<()> = Mutex::new(());
        REPLAY.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn primary_client(&self) -> Client {
        connect(&self.primary.url("postgres"))
    }

    fn standby_client(&self) -> Client {
        connect(&self.standby.url("postgres"))
    }
}

fn connect(url: &str) -> Client {
    Client::connect(url, NoTls).unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

/// A database on the primary and, replayed, on the standby; see [`Replicated::database`].
#[derive(Debug)]
pub struct ReplicatedDb {
    pair: &'static Replicated,
    name: String,
}

impl ReplicatedDb {
    /// Its URL on the primary.
    pub fn primary_url(&self) -> String {
        self.pair.primary.url(&self.name)
    }

    /// Its URL on the standby (read-only, `pg_is_in_recovery()`).
    pub fn standby_url(&self) -> String {
        self.pair.standby.url(&self.name)
    }
}

impl Drop for ReplicatedDb {
    fn drop(&mut self) {
        // The drop replays onto the standby, ending its sessions there too.
        if let Ok(mut primary) = Client::connect(&self.pair.primary.url("postgres"), NoTls) {
            let _ = primary.batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name));
        }
    }
}

/// WAL replay paused on the standby; resumed when dropped.
#[derive(Debug)]
pub struct ReplayPaused {
    pair: &'static Replicated,
}

impl Drop for ReplayPaused {
    fn drop(&mut self) {
        if let Ok(mut standby) = Client::connect(&self.pair.standby.url("postgres"), NoTls) {
            let _ = standby.batch_execute("SELECT pg_wal_replay_resume()");
        }
    }
}
