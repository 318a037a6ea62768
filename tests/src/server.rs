//! The server test databases live on: `DATABASE_URL`'s, or a throwaway [`Cluster`].
//! Hands out fresh databases by name and URL, and drops them again.

use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::error::SqlState;
use postgres::{Client, NoTls};

use crate::url::{redact, ConnUrl};
use crate::{Cluster, HarnessError};

/// Prefix of every database the harness creates, so that leftovers are recognisable.
pub const DATABASE_PREFIX: &str = "watcher_test_";

/// A PostgreSQL server on which the harness may create and drop databases.
#[derive(Debug)]
pub struct Server {
    /// Where to connect to create and drop databases.
    admin_url: String,
    /// The server's URL, for re-pointing at each database.
    base: ConnUrl,
    /// Kept alive for as long as the server is in use.
    cluster: Option<Cluster>,
}

impl Server {
    /// `DATABASE_URL`'s server when that is set, else a new throwaway [`Cluster`].
    pub fn from_env() -> Result<Server, HarnessError> {
        match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Server::from_url(url.trim()),
            _ => Server::throwaway(),
        }
    }

    /// The server at `url`. Databases are created through the database the URL names,
    /// or through `postgres` when that one cannot be reached.
    pub fn from_url(url: &str) -> Result<Server, HarnessError> {
        let base = ConnUrl::parse(url)?;
        let mut candidates = vec![url.to_string()];
        if base.database() != Some("postgres") {
            candidates.push(base.with_database("postgres"));
        }
        let mut first_error = None;
        for candidate in candidates {
            match Client::connect(&candidate, NoTls) {
                Ok(_) => {
                    return Ok(Server {
                        admin_url: candidate,
                        base,
                        cluster: None,
                    })
                }
                Err(source) => {
                    first_error.get_or_insert(HarnessError::Connect {
                        url: redact(&candidate),
                        source,
                    });
                }
            }
        }
        Err(first_error.expect("at least one candidate"))
    }

    /// A new throwaway cluster, stopped and removed when the returned server is dropped
    /// or the process exits.
    pub fn throwaway() -> Result<Server, HarnessError> {
        Server::on_cluster(Cluster::start()?)
    }

    /// The server of `cluster`, which it keeps running. Test databases are reached at
    /// [`Cluster::url`]; the harness's own connections ([`Server::client_url`]) go over the
    /// Unix socket when the cluster takes TCP connections over TLS only.
    pub fn on_cluster(cluster: Cluster) -> Result<Server, HarnessError> {
        let base = ConnUrl::parse(&cluster.url("postgres"))?;
        let admin_url = match cluster.root_cert() {
            Some(_) => cluster.socket_conninfo("postgres"),
            None => cluster.url("postgres"),
        };
        Ok(Server {
            admin_url,
            base,
            cluster: Some(cluster),
        })
    }

    /// The throwaway cluster, when this server is one.
    pub fn cluster(&self) -> Option<&Cluster> {
        self.cluster.as_ref()
    }

    /// The URL of `database` on this server.
    pub fn url(&self, database: &str) -> String {
        self.base.with_database(database)
    }

    /// Where the harness's `postgres` client reaches `database`: [`Server::url`], or the
    /// cluster's Unix socket when TCP needs TLS (the harness's client has none).
    pub fn client_url(&self, database: &str) -> String {
        match &self.cluster {
            Some(cluster) if cluster.root_cert().is_some() => cluster.socket_conninfo(database),
            _ => self.url(database),
        }
    }

    /// Creates a database with a name no other test (in this or another process) uses,
    /// and returns that name.
    pub fn create_database(&self) -> Result<String, HarnessError> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let mut admin = self.admin()?;
        loop {
            let name = format!(
                "{DATABASE_PREFIX}{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            );
            let statement = format!("CREATE DATABASE {name}");
            match admin.batch_execute(&statement) {
                Ok(()) => return Ok(name),
                // Left behind by an earlier process with the same pid: take the next name.
                Err(e) if e.code() == Some(&SqlState::DUPLICATE_DATABASE) => continue,
                Err(source) => return Err(HarnessError::Sql { statement, source }),
            }
        }
    }

    /// Drops `database`, disconnecting whoever is still connected to it.
    pub fn drop_database(&self, database: &str) -> Result<(), HarnessError> {
        let statement = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            watcher_schema_core::sql::quote_ident(database)
        );
        self.admin()?
            .batch_execute(&statement)
            .map_err(|source| HarnessError::Sql { statement, source })
    }

    fn admin(&self) -> Result<Client, HarnessError> {
        Client::connect(&self.admin_url, NoTls).map_err(|source| HarnessError::Connect {
            url: redact(&self.admin_url),
            source,
        })
    }
}
