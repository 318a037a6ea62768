//! Watcher's real schema history (`migrations/` of the workspace), run by the schema crate's
//! embedded runner on real PostgreSQL: every version's catalog on the way up and down
//! ([`steps`]), and a populated database taken to head and back ([`populated`]).

mod populated;
mod steps;

use std::path::Path;

use diesel::{Connection, PgConnection};
use watcher_schema::{Action, Target};
use watcher_schema_core::chain::Chain;
use watcher_schema_core::model::Schema;
use watcher_schema_core::replay::replay;
use watcher_schema_tests::TestDb;

use crate::support::db_error;

/// The seed revision and the head, as the reference files name them.
pub const SEED: &str = "20251005124405";
pub const HEAD: &str = "20251021195850";

/// The six changes after the seed, in order (`shared/reference/README.md`).
pub const CHANGES: [&str; 6] = [
    "20251007183231",
    "20251008100712",
    "20251011103728",
    "20251018195622",
    "20251019142513",
    "20251021195850",
];

/// The reference schema at the head, as pg_dump printed it.
pub const HEAD_SQL: &str = include_str!("../../../data/watcher-20251021195850.sql");

/// The workspace's migration chain, read from disk.
pub fn chain() -> Chain {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    Chain::load(&dir).unwrap_or_else(|e| panic!("{e}"))
}

/// Every version of the chain, seed first.
pub fn versions() -> Vec<String> {
    chain().iter().map(|m| m.version.clone()).collect()
}

/// The model the chain's SQL builds up to `version`, by replay alone.
pub fn replayed(version: &str) -> Schema {
    chain()
        .schema_at(version)
        .unwrap_or_else(|e| panic!("the chain does not replay to {version}: {e}"))
}

/// The model of a pg_dump file.
pub fn reference(sql: &str, name: &str) -> Schema {
    let mut schema = Schema::default();
    replay(&mut schema, sql, name).unwrap_or_else(|e| panic!("{name} does not replay: {e}"));
    schema
}

pub use watcher_schema_core::testing::sorted_columns;

/// A Diesel connection for the runner.
pub fn connect(db: &TestDb) -> PgConnection {
    PgConnection::establish(db.url())
        .unwrap_or_else(|e| panic!("diesel could not connect to {}: {e}", db.name()))
}

/// Upgrades to `version` with the schema crate's runner; returns the versions it applied.
pub fn upgrade_to(conn: &mut PgConnection, version: &str) -> Vec<String> {
    let report = watcher_schema::runner()
        .and_then(|runner| runner.upgrade_to(conn, &Target::Version(version.into())))
        .unwrap_or_else(|e| panic!("upgrade to {version} failed: {e}"));
    assert!(report
        .migrations
        .iter()
        .all(|m| m.action == Action::Upgrade));
    report
        .migrations
        .iter()
        .map(|m| m.version.clone())
        .collect()
}

/// Reverts the newest applied migration; returns its version.
pub fn downgrade_one(conn: &mut PgConnection) -> String {
    let report = watcher_schema::runner()
        .and_then(|runner| runner.downgrade_to(conn, &Target::Relative(-1)))
        .unwrap_or_else(|e| panic!("downgrade -1 failed: {e}"));
    let [ran] = report.migrations.as_slice() else {
        panic!(
            "downgrade -1 reverted {} migrations",
            report.migrations.len()
        );
    };
    assert_eq!(ran.action, Action::Downgrade);
    ran.version.clone()
}

/// The first column of every row of `query`, as text.
pub fn texts(db: &TestDb, query: &str) -> Vec<String> {
    db.client()
        .query(query, &[])
        .unwrap_or_else(|e| panic!("{}\n--- query ---\n{query}", db_error(&e)))
        .iter()
        .map(|row| row.get::<_, String>(0))
        .collect()
}
