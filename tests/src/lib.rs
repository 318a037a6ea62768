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
            tls: false,
        })?;
        let standby = Cluster::standby_of(&primary)?;
        Ok(Replicated { primary, standby })
    });
    pair.as_ref()
        .unwrap_or_else(|e| panic!("no primary and standby for this test: {e}"))
}

/// The superuser's password on the [`tls_only`] cluster.
pub const TLS_PASSWORD: &str = "watcher-tls-pw";

/// The process's one TLS-only server, started on first use: a cluster with a self-signed
/// certificate ([`Cluster::root_cert`]) whose `pg_hba.conf` takes TCP connections over TLS
/// only (`hostssl`), with password [`TLS_PASSWORD`]. [`TestDb::on`] makes databases on it;
/// their [`TestDb::url`] needs `sslmode` added to connect with TLS.
///
/// # Panics
///
/// When the cluster cannot be started (no local server binaries, no `openssl`).
pub fn tls_only() -> &'static Server {
    static TLS: OnceLock<Result<Server, HarnessError>> = OnceLock::new();
    TLS.get_or_init(|| {
        Server::on_cluster(Cluster::start_with(ClusterOptions {
            password: Some(TLS_PASSWORD.to_string()),
            tls: true,
        })?)
    })
    .as_ref()
    .unwrap_or_else(|e| panic!("no TLS-only cluster for this test: {e}"))
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
        TestDb::on(server().unwrap_or_else(|e| panic!("no test database: {e}")))
    }

    /// A new database on `server` (such as [`tls_only`]).
    ///
    /// # Panics
    ///
    /// When the database cannot be created.
    pub fn on(server: &'static Server) -> TestDb {
        let name = server
            .create_database()
            .unwrap_or_else(|e| panic!("no test database: {e}"));
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

    /// A new connection to the database, for test-side facts (over the Unix socket on
    /// a TLS-only server).
    ///
    /// # Panics
    ///
    /// When the server refuses the connection.
    pub fn client(&self) -> Client {
        Client::connect(&self.server.client_url(&self.name), NoTls)
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
