//! Prints what a no-op boot costs next to a bare connect plus `SELECT 1`.
//!
//! `cargo run --release -p watcher-schema-runner --example noop_boot -- DATABASE_URL [MIGRATIONS_DIR]`
//! migrates the database once, then times both, interleaved, and prints mean figures.
//! This is a figure printer, not a test: nothing is asserted.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel_migrations::FileBasedMigrations;
use watcher_schema_runner::Runner;

const ROUNDS: u32 = 200;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: noop_boot DATABASE_URL [MIGRATIONS_DIR]")?;
    let dir = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic").into());
    let runner = Runner::new(&FileBasedMigrations::from_path(&dir)?)?;
    let first = runner.run_pending_url(&url)?;
    println!(
        "initial run ({} migrations, {:?})",
        first.migrations.len(),
        first.total
    );

    let (mut bare, mut boot) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        Runner::connect(&url)?.batch_execute("SELECT 1")?;
        bare += start.elapsed();

        let start = Instant::now();
        let report = runner.run_pending_url(&url)?;
        boot += start.elapsed();
        assert!(report.is_empty(), "a no-op boot ran migrations: {report}");
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / f64::from(ROUNDS);
    println!("connect + SELECT 1: {:.3} ms", ms(bare));
    println!(
        "no-op boot:         {:.3} ms ({:.2}x)",
        ms(boot),
        ms(boot) / ms(bare)
    );
    Ok(())
}
