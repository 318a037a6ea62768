//! A throwaway PostgreSQL for tests: one fresh database per test, on `DATABASE_URL`'s server
//! or on a cluster started once per test process from the local server binaries.
//!
//! ```no_run
//! use watcher_schema_tests::TestDb;
//!
//! let db = TestDb::new();
//! let mut client = db.client();
//! client.batch_execute("CREATE TABLE t (id integer)").unwrap();
//! // `db.url()` is a postgres:// URL that Diesel's `PgConnection` accepts too.
//! // Dropping `db` drops the database.
//! ```
//!
//! Without `DATABASE_URL`, the cluster is found via `initdb` on `PATH` or under
//! `/usr/lib/postgresql/*/bin`, runs as `nobody` when the tests run as root, and is
//! stopped and deleted when the test process exits. Without either, [`TestDb::new`]
//! panics with what to install.
#![warn(missing_docs)]

mod cluster;
mod error;
mod replica;
mod server;
mod url;

use std::sync::OnceLock;

use postgres::{Client, NoTls};

pub use cluster::{find_binaries, Cluster, ClusterOptions};
pub use error::HarnessError;
pub use replica::{ReplayPaused, ReplicatedDb};
pub use server::{Server, DATABASE_PREFIX};

/// The process's one server, started on first use.
fn server() -> Result<&'static Server, &'static HarnessError> {
    static SERVER: OnceLock<Result<Server, HarnessError>> = OnceLock::new();
    SERVER.get_or_init(Server::from_env).as_ref()
}

/// A password-protected primary and its hot standby, for the tests of what happens on a
/// standby or with a wrong password. Always started from the local server binaries, also
/// when `DATABASE_URL` is set: a standby needs a primary the harness controls.
#[derive(Debug)]
pub struct Replicated {
    /// The primary: TCP connections need [`Cluster::password`].
    pub primary: Cluster,
    /// Its hot standby (`pg_is_in_recovery()` is true), same roles and password.
    pub standby: Cluster,
}

/// The process's one [`Replicated`] pair, started on first use (a few seconds).
///
/// # Panics
///
/// When the pair cannot be started (no local server binaries, a failed
/// `pg_basebackup`), with the reason and the fix.
pub fn replicated() -> &'static Replicated {
    static PAIR: OnceLock<Result<Replicated, HarnessError>> = OnceLock::new();
    let pair = PAIR.get_or_init(|| {
        let primary = Cluster::start_with(ClusterOptions {
            password: Some("watcher-primary-pw".to_string()),
        })?;
        let standby = Cluster::standby_of(&primary)?;
        Ok(Replicated { primary, standby })
    });
    pair.as_ref()
        .unwrap_or_else(|e| panic!("no primary and standby for this test: {e}"))
}

/// A fresh, empty database for one test; dropped with `DROP DATABASE ... WITH (FORCE)`
/// when this value is dropped.
#[derive(Debug)]
pub struct TestDb {
    server: &'static Server,
    name: String,
    url: String,
}

impl TestDb {
    /// A new database on the process's server.
    ///
    /// # Panics
    ///
    /// When no server can be had (no `DATABASE_URL` and no PostgreSQL binaries, a bad
    /// `DATABASE_URL`, a cluster that does not start), with the reason and the fix.
    pub fn new() -> TestDb {
        let fail = |e: &HarnessError| -> ! { panic!("no test database: {e}") };
        let server = server().unwrap_or_else(|e| fail(e));
        let name = server.create_database().unwrap_or_else(|e| fail(&e));
        TestDb {
            server,
            url: server.url(&name),
            name,
        }
    }

    /// `postgres://user@host:port/name`: accepted by the `postgres` crate and by libpq
    /// (Diesel's `PgConnection`, `psql`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to the database.
    ///
    /// # Panics
    ///
    /// When the server refuses the connection.
    pub fn client(&self) -> Client {
        Client::connect(&self.url, NoTls)
            .unwrap_or_else(|e| panic!("could not connect to test database `{}`: {e}", self.name))
    }
}

impl Default for TestDb {
    fn default() -> TestDb {
        TestDb::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Err(e) = self.server.drop_database(&self.name) {
            // A second panic while unwinding would abort the whole test run.
            if std::thread::panicking() {
                eprintln!("could not drop test database `{}`: {e}", self.name);
            } else {
                panic!("could not drop test database `{}`: {e}", self.name);
            }
        }
    }
}
