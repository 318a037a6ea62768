//! The floor a no-op boot is measured against: a whole process that opens Diesel's
//! `PgConnection` to `DATABASE_URL`, runs `SELECT 1` and exits (see `bench/runner.sh`).
//!
//! `SELECT 1` goes as a simple query, one round trip, so the floor is as low as Diesel
//! allows and the ratio against it is an honest upper bound.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set")?;
    PgConnection::establish(&url)?.batch_execute("SELECT 1")?;
    Ok(())
}
