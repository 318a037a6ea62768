//! `watcher-schema-boot DIR`: what a service does at boot, as a process of its own — bring
//! the database in `DATABASE_URL` to the head of the migrations in `DIR` and print the
//! report. For process-level tests and benchmarks; operators use the `watcher-schema` CLI.

use std::process::ExitCode;
use std::time::Duration;

use diesel_migrations::FileBasedMigrations;
use watcher_schema_runner::{RunError, Runner};

const USAGE: &str = "usage: watcher-schema-boot [--lock-timeout SECONDS] MIGRATIONS_DIR \
                     (database from DATABASE_URL)";

/// Exit status when the migrations ran, or nothing was pending.
const EXIT_OK: u8 = 0;
/// Exit status when the runner refused or a migration failed.
const EXIT_RUN_FAILED: u8 = 1;
/// Exit status for a wrong command line or environment.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Run(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_RUN_FAILED)
        }
    }
}

enum Failure {
    Usage(String),
    Run(RunError),
}

impl From<RunError> for Failure {
    fn from(error: RunError) -> Self {
        Failure::Run(error)
    }
}

fn run() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let mut timeout = None;
    let mut dir = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lock-timeout" => {
                let value = args.next().unwrap_or_default();
                let seconds: f64 = value.parse().map_err(|_| {
                    Failure::Usage(format!(
                        "`--lock-timeout {value}` is not a number of seconds"
                    ))
                })?;
                timeout = Some(Duration::try_from_secs_f64(seconds).map_err(|_| {
                    Failure::Usage(format!("`--lock-timeout {value}` is out of range"))
                })?);
            }
            _ if dir.is_none() && !arg.starts_with('-') => dir = Some(arg),
            _ => return Err(Failure::Usage(format!("unexpected argument `{arg}`"))),
        }
    }
    let dir = dir.ok_or_else(|| Failure::Usage("no migrations directory given".into()))?;
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| Failure::Usage("DATABASE_URL is not set".into()))?;
    let source = FileBasedMigrations::from_path(&dir)
        .map_err(|e| Failure::Usage(format!("cannot read migrations in `{dir}`: {e}")))?;
    let mut runner = Runner::new(&source)?;
    if let Some(timeout) = timeout {
        runner = runner.lock_timeout(timeout);
    }
    let report = runner.run_pending_url(&url)?;
    if !report.is_empty() {
        println!("{report}");
    }
    Ok(())
}
