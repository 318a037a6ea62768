//! Why the harness could not provide a database, each case with the fix for it.
//! Returned by [`Server`](crate::Server) and [`Cluster`](crate::Cluster); `TestDb` panics with it.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why no database could be had.
#[derive(Debug)]
pub enum HarnessError {
    /// Neither `DATABASE_URL` nor PostgreSQL server binaries were found.
    NoPostgres {
        /// The directories searched for `initdb`.
        searched: Vec<PathBuf>,
    },
    /// A test needs a cluster of its own (a hot standby, password authentication) and no
    /// PostgreSQL server binaries were found; `DATABASE_URL` cannot stand in for them.
    OwnClusterNeedsBinaries {
        /// The directories searched for `initdb`.
        searched: Vec<PathBuf>,
    },
    /// A cluster started as a hot standby is not in recovery.
    NotAStandby {
        /// Its URL, password hidden.
        url: String,
        /// The end of its server log.
        log: String,
    },
    /// `DATABASE_URL` is not a `postgres://` URL.
    BadUrl {
        /// The URL, password hidden.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The server did not accept a connection.
    Connect {
        /// The URL tried, password hidden.
        url: String,
        /// The client's error.
        source: postgres::Error,
    },
    /// A statement on the server failed.
    Sql {
        /// The statement.
        statement: String,
        /// The server's error.
        source: postgres::Error,
    },
    /// A PostgreSQL program (`initdb`, `pg_ctl`) failed.
    Program {
        /// The program.
        program: PathBuf,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// The end of what it (or the server log) printed.
        output: String,
    },
    /// A file-system or process operation failed.
    Io {
        /// What was being done.
        action: String,
        /// The error.
        source: io::Error,
    },
}

impl HarnessError {
    pub(crate) fn io(action: impl Into<String>) -> impl FnOnce(io::Error) -> HarnessError {
        let action = action.into();
        move |source| HarnessError::Io { action, source }
    }
}

impl fmt::Display for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HarnessError::NoPostgres { searched } => {
                write!(
                    f,
                    "no PostgreSQL for tests: DATABASE_URL is not set and no `initdb` was found \
                     (searched {})",
                    display_dirs(searched)
                )?;
                write!(
                    f,
                    "\n  help: install the PostgreSQL server binaries (`apt-get install postgresql`), \
                     or set DATABASE_URL=postgres://user:password@host:port/postgres to a server \
                     where that user may create databases"
                )
            }
            HarnessError::OwnClusterNeedsBinaries { searched } => write!(
                f,
                "this test starts a PostgreSQL cluster of its own (hot standby or password \
                 authentication), which DATABASE_URL cannot stand in for, and no `initdb` was \
                 found (searched {})\n  help: install the PostgreSQL server binaries \
                 (`apt-get install postgresql`) or put their directory (e.g. \
                 /usr/lib/postgresql/15/bin) on PATH",
                display_dirs(searched)
            ),
            HarnessError::NotAStandby { url, log } => write!(
                f,
                "the standby at `{url}` is not in recovery (`pg_is_in_recovery()` is false); \
                 its log ends:\n{}",
                log.trim_end()
            ),
            HarnessError::BadUrl { url, reason } => write!(
                f,
                "DATABASE_URL `{url}` is not usable: {reason}\n  help: set it to a URL like \
                 postgres://user:password@localhost:5432/postgres, or unset it to use a throwaway cluster"
            ),
            HarnessError::Connect { url, source } => write!(
                f,
                "could not connect to PostgreSQL at `{url}`: {}\n  help: check that the server \
                 is running and DATABASE_URL is right, or unset DATABASE_URL to use a throwaway cluster",
                error_text(source)
            ),
            HarnessError::Sql { statement, source } => {
                write!(f, "`{statement}` failed: {}", error_text(source))
            }
            HarnessError::Program {
                program,
                status,
                output,
            } => write!(
                f,
                "`{}` failed ({status}):\n{}",
                program.display(),
                output.trim_end()
            ),
            HarnessError::Io { action, source } => write!(f, "could not {action}: {source}"),
        }
    }
}

impl std::error::Error for HarnessError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HarnessError::Connect { source, .. } | HarnessError::Sql { source, .. } => Some(source),
            HarnessError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `a, b, c`.
fn display_dirs(dirs: &[PathBuf]) -> String {
    let dirs: Vec<String> = dirs.iter().map(|p| p.display().to_string()).collect();
    dirs.join(", ")
}

/// The server's own message when there is one (`postgres::Error`'s `Display` says only
/// "db error"), else the client's.
fn error_text(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(inner) = source {
                text.push_str(": ");
                text.push_str(&inner.to_string());
                source = inner.source();
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_postgres_says_what_to_install() {
        let err = HarnessError::NoPostgres {
            searched: vec![
                PathBuf::from("PATH"),
                PathBuf::from("/usr/lib/postgresql/*/bin"),
            ],
        };
        assert_eq!(
            err.to_string(),
            "no PostgreSQL for tests: DATABASE_URL is not set and no `initdb` was found \
             (searched PATH, /usr/lib/postgresql/*/bin)\n  help: install the PostgreSQL server \
             binaries (`apt-get install postgresql`), or set \
             DATABASE_URL=postgres://user:password@host:port/postgres to a server where that \
             user may create databases"
        );
    }

    #[test]
    fn own_cluster_without_binaries_says_database_url_cannot_help() {
        let err = HarnessError::OwnClusterNeedsBinaries {
            searched: vec![PathBuf::from("PATH")],
        };
        let text = err.to_string();
        assert!(
            text.starts_with(
                "this test starts a PostgreSQL cluster of its own (hot standby or password \
                 authentication), which DATABASE_URL cannot stand in for, and no `initdb` was \
                 found (searched PATH)"
            ),
            "{text}"
        );
        assert!(
            text.contains("\n  help: install the PostgreSQL server binaries"),
            "{text}"
        );
    }
}
