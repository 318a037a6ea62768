//! Database URL → connections: Diesel's `PgConnection` for the runner, the `postgres` crate's
//! `Client` for catalog introspection; connection failures are classified by SQLSTATE.

use diesel::{Connection, PgConnection};
use postgres::error::SqlState;
use postgres::NoTls;

use crate::config::DatabaseUrl;
use crate::error::CliError;

/// A `postgres` client, for introspection and the few direct queries the CLI makes.
pub fn connect_client(url: &DatabaseUrl) -> Result<postgres::Client, CliError> {
    postgres::Client::connect(url.expose(), NoTls).map_err(|e| classify(url, &e))
}

/// A Diesel connection, for the runner.
pub fn connect_diesel(url: &DatabaseUrl) -> Result<PgConnection, CliError> {
    PgConnection::establish(url.expose()).map_err(|diesel_err| {
        // libpq reports failures as text only; ask the wire-protocol client for the
        // SQLSTATE rather than matching libpq's (localised) messages.
        match postgres::Client::connect(url.expose(), NoTls) {
            Err(e) => classify(url, &e),
            Ok(_) => CliError::Unreachable {
                url: url.to_string(),
                message: url.scrub(diesel_err.to_string().trim()),
            },
        }
    })
}

/// Wrong credentials, missing database and an unreachable server each get their own error.
fn classify(url: &DatabaseUrl, e: &postgres::Error) -> CliError {
    let message = url.scrub(&db_message(e));
    let auth = [
        SqlState::INVALID_PASSWORD,
        SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
    ];
    match e.code() {
        Some(code) if auth.contains(code) => CliError::AuthFailed {
            url: url.to_string(),
            from: url.source(),
            message,
        },
        _ => CliError::Unreachable {
            url: url.to_string(),
            message,
        },
    }
}

/// The server's own message when there is one (`postgres::Error`'s `Display` says only
/// "db error"), else the client's.
pub fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}
