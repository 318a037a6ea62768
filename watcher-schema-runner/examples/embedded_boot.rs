//! What a service does at boot, as a whole process: the migrations in `migrations/` are
//! embedded at compile time, exactly as `watcher_schema::runner()` has them, and brought to head
//! on `DATABASE_URL`. `bench/runner.sh` times it on an up-to-date database (a no-op boot).

use std::process::ExitCode;

use diesel_migrations::{embed_migrations, EmbeddedMigrations};
use watcher_schema_runner::Runner;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

fn main() -> ExitCode {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!("error: DATABASE_URL is not set");
        return ExitCode::from(2);
    };
    match Runner::new(&MIGRATIONS).and_then(|runner| runner.run_pending_url(&url)) {
        Ok(report) => {
            if !report.is_empty() {
                println!("{report}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
