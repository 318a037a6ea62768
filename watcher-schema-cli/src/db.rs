//! Database URL → a connection: Diesel's `PgConnection`, which is libpq, for every command
//! and the runner alike; a failed connect becomes the [`CliError`] that says what to fix.
//!
//! libpq does everything a `postgres://` URL or `key=value` string can ask for: `sslmode`
//! (`disable` to `verify-full`), `sslrootcert`/`sslcert`/`sslkey`, the `PG*` environment,
//! `.pgpass`/`PGPASSFILE` and `service=`. Why one stack and why libpq: docs/ARCHITECTURE.md.

use diesel::{Connection, PgConnection};

use crate::config::DatabaseUrl;
use crate::error::CliError;

/// A connection to the database at `url`, for the runner and the CLI's own queries.
pub fn connect(url: &DatabaseUrl) -> Result<PgConnection, CliError> {
    PgConnection::establish(url.expose()).map_err(|e| classify(url, &e.to_string()))
}

/// What a failed connect means, from libpq's message.
///
/// libpq reports a failed connect as text only, with no SQLSTATE. Its own messages are
/// English in a process that never calls `setlocale` (Rust programs do not); the server's
/// are in the server's `lc_messages`. So the known English phrases pick the kind, and
/// anything else is reported as unreachable with libpq's words, which is never wrong.
fn classify(url: &DatabaseUrl, libpq: &str) -> CliError {
    let message = url.scrub(libpq.trim());
    match Failure::of(libpq) {
        Failure::Credentials => CliError::AuthFailed {
            url: url.to_string(),
            from: url.source(),
            message,
        },
        Failure::TlsRequired => CliError::Unreachable {
            url: url.to_string(),
            message: format!(
                "the server requires TLS here: no line of its `pg_hba.conf` accepts this host, \
                 user and database without encryption ({message})\nhelp: connect with \
                 `sslmode=require`, or `sslmode=verify-full` with `sslrootcert=<CA file>`, in {} \
                 or `PGSSLMODE`; if that is refused too, the server does not accept this user \
                 from here at all",
                url.source()
            ),
        },
        Failure::ServerWithoutTls => CliError::Unreachable {
            url: url.to_string(),
            message: format!(
                "{message}\nhelp: the server does not offer TLS; use `sslmode=prefer` or \
                 `disable`, or turn on `ssl` in the server's configuration"
            ),
        },
        Failure::Certificate => CliError::Unreachable {
            url: url.to_string(),
            message: format!(
                "{message}\nhelp: the server's certificate was not accepted; name the CA that \
                 signed it with `sslrootcert=<file>`, and connect by the host name it was \
                 issued for"
            ),
        },
        Failure::Other => CliError::Unreachable {
            url: url.to_string(),
            message,
        },
    }
}

/// The kinds of failed connect that have their own error or help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Wrong password, no password, or no such role.
    Credentials,
    /// The server turned away a connection without TLS, and only such (`hostssl` in
    /// `pg_hba.conf`): PostgreSQL's "no pg_hba.conf entry ..., no encryption".
    TlsRequired,
    /// `sslmode=require` or stricter against a server without TLS.
    ServerWithoutTls,
    /// The server's certificate failed verification (`verify-ca`, `verify-full`).
    Certificate,
    /// Unreachable, missing database, anything else: libpq's words say which.
    Other,
}

impl Failure {
    fn of(libpq: &str) -> Failure {
        let has = |phrase: &str| libpq.contains(phrase);
        if has("password authentication failed")
            || has("no password supplied")
            || (has("role \"") && has("\" does not exist"))
            || has("SCRAM authentication")
        {
            Failure::Credentials
        } else if has("no pg_hba.conf entry") && has("no encryption") && !has("SSL encryption") {
            Failure::TlsRequired
        } else if has("server does not support SSL") {
            Failure::ServerWithoutTls
        } else if has("certificate verify failed")
            || has("does not match host name")
            || has("root certificate file")
        {
            Failure::Certificate
        } else {
            Failure::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // libpq 15's and PostgreSQL 15's messages, as `PgConnection::establish` returns them.
    #[test]
    fn classifies_libpq_messages() {
        let cases = [
            (
                "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password \
                 authentication failed for user \"postgres\"",
                Failure::Credentials,
            ),
            (
                "connection to server at \"127.0.0.1\", port 5432 failed: fe_sendauth: no \
                 password supplied",
                Failure::Credentials,
            ),
            (
                "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  role \
                 \"nobody_here\" does not exist",
                Failure::Credentials,
            ),
            (
                "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  no \
                 pg_hba.conf entry for host \"127.0.0.1\", user \"postgres\", database \"w\", \
                 no encryption",
                Failure::TlsRequired,
            ),
            (
                "connection to server at \"127.0.0.1\", port 5432 failed: server does not \
                 support SSL, but SSL was required",
                Failure::ServerWithoutTls,
            ),
            (
                "connection to server at \"localhost\" (127.0.0.1), port 5432 failed: server \
                 certificate for \"127.0.0.1\" does not match host name \"localhost\"",
                Failure::Certificate,
            ),
            (
                "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \
                 \"w_missing\" does not exist",
                Failure::Other,
            ),
            (
                "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\
                 \tIs the server running on that host and accepting TCP/IP connections?",
                Failure::Other,
            ),
        ];
        for (message, kind) in cases {
            assert_eq!(Failure::of(message), kind, "{message}");
        }
    }
}
