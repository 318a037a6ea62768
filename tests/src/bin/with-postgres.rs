//! `with-postgres [--] CMD ARGS...`: runs CMD with `DATABASE_URL` pointing at a fresh database,
//! on `DATABASE_URL`'s server if set, else on a throwaway cluster that is removed afterwards.
//!
//! Exits with CMD's code (128 + N when a signal N ended it); 125 when no database could be
//! had, 126 when CMD could not be run, 127 when it was not found.

use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitCode};

use watcher_schema_tests::Server;

/// The harness itself failed (no PostgreSQL, bad `DATABASE_URL`).
const EXIT_HARNESS: u8 = 125;
/// CMD exists but could not be run.
const EXIT_CANNOT_RUN: u8 = 126;
/// CMD was not found.
const EXIT_NOT_FOUND: u8 = 127;

const USAGE: &str = "usage: with-postgres [--] CMD [ARGS...]\n\
    runs CMD with DATABASE_URL set to a fresh PostgreSQL database";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--") {
        args.remove(0);
    }
    let Some((program, program_args)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(EXIT_HARNESS);
    };
    if matches!(program.as_str(), "-h" | "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }

    let server = match Server::from_env() {
        Ok(server) => server,
        Err(e) => {
            eprintln!("with-postgres: {e}");
            return ExitCode::from(EXIT_HARNESS);
        }
    };
    let database = match server.create_database() {
        Ok(name) => name,
        Err(e) => {
            eprintln!("with-postgres: {e}");
            return ExitCode::from(EXIT_HARNESS);
        }
    };

    let status = Command::new(program)
        .args(program_args)
        .env("DATABASE_URL", server.url(&database))
        .status();

    if let Err(e) = server.drop_database(&database) {
        eprintln!("with-postgres: {e}");
    }
    // Dropping the server stops a throwaway cluster and removes its directory.
    drop(server);

    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            (None, Some(signal)) => ExitCode::from(128u8.saturating_add(signal as u8)),
            (None, None) => ExitCode::FAILURE,
        },
        Err(e) => {
            eprintln!("with-postgres: could not run `{program}`: {e}");
            if e.kind() == ErrorKind::NotFound {
                ExitCode::from(EXIT_NOT_FOUND)
            } else {
                ExitCode::from(EXIT_CANNOT_RUN)
            }
        }
    }
}
