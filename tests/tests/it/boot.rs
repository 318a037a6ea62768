//! Sixteen replicas of a service booting at once on one empty database, each through
//! `watcher_schema::run_pending_url` with the real embedded migrations: all succeed, each
//! migration runs once, and the catalog is the chain's head and its reference dump. And a
//! read replica's service, booting on the hot standby, waits for the primary's.

use std::path::Path;
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::Duration;

use watcher_schema::{Action, StandbyProgress, StandbyWait};
use watcher_schema_core::chain::{checksum, Chain};
use watcher_schema_core::model::Schema;

use watcher_schema_tests::TestDb;

use crate::history::{chain, reference, sorted_columns, SEED};
use crate::support::{assert_same, catalog, db_error};

const REPLICAS: usize = 16;

#[test]
fn sixteen_threads_booting_at_once_run_each_embedded_migration_once() {
    let chain = chain();
    let embedded: Vec<String> = watcher_schema::runner()
        .unwrap_or_else(|e| panic!("the embedded migrations do not read: {e}"))
        .migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let names: Vec<String> = chain.iter().map(|m| m.dir_name()).collect();
    assert_eq!(embedded, names, "MIGRATIONS embeds the chain on disk");

    let db = TestDb::new();
    let start = Arc::new(Barrier::new(REPLICAS));
    let replicas: Vec<_> = (0..REPLICAS)
        .map(|_| {
            let (start, url) = (Arc::clone(&start), db.url().to_owned());
            thread::spawn(move || {
                start.wait();
                watcher_schema::run_pending_url(&url)
            })
        })
        .collect();
    let mut upgraded: Vec<String> = Vec::new();
    for replica in replicas {
        let report = replica
            .join()
            .expect("a replica thread panicked")
            .unwrap_or_else(|e| panic!("a replica failed to boot: {e}"));
        for m in &report.migrations {
            assert_eq!(m.action, Action::Upgrade, "{report}");
            upgraded.push(m.name.clone());
        }
    }
    upgraded.sort();
    assert_eq!(
        upgraded, names,
        "each migration ran once across all replicas"
    );

    let ledger: Vec<(String, Option<String>)> = db
        .client()
        .query(
            "SELECT version, checksum FROM __diesel_schema_migrations ORDER BY version",
            &[],
        )
        .unwrap_or_else(|e| panic!("cannot read the ledger: {}", db_error(&e)))
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let expected: Vec<(String, Option<String>)> = chain
        .iter()
        .map(|m| (m.version.clone(), Some(checksum(&m.up_sql))))
        .collect();
    assert_eq!(ledger, expected, "the ledger has each version once");

    let live = catalog(&db);
    let head = chain
        .schema_at_head()
        .unwrap_or_else(|e| panic!("the real chain does not replay: {e}"));
    assert_same("the chain's head", &head, &live);
    if let Some((version, reference)) = reference_at_head(&chain) {
        let name = format!("the reference dump at {version}");
        if version == SEED {
            assert_same(&name, &reference, &live);
        } else {
            // A column added by a later migration is physically last, wherever pg_dump has it.
            assert_same(
                &format!("{name} (column order aside)"),
                &sorted_columns(&reference),
                &sorted_columns(&live),
            );
        }
    }
}

/// The head's version and the model of its reference dump, when `tests/data` has one.
fn reference_at_head(chain: &Chain) -> Option<(String, Schema)> {
    let version = chain.head()?.version.clone();
    let name = format!("watcher-{version}.sql");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(&name);
    match std::fs::read_to_string(&path) {
        Ok(sql) => Some((version, reference(&sql, &name))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// A read replica's service boots on the hot standby before the primary's service has
/// migrated: it reports that it waits for the embedded head, and starts, running nothing,
/// once the standby has replayed the primary's migrations.
#[test]
fn a_replica_on_the_standby_starts_once_the_primarys_boot_has_replayed() {
    let chain = chain();
    let head = chain.head().expect("the chain has a head").version.clone();
    let pair = watcher_schema_tests::replicated();
    let _replay = pair.exclusive();
    let db = pair.database();

    let (progress_tx, progress) = mpsc::channel();
    let replica = {
        let url = db.standby_url();
        thread::spawn(move || {
            let wait = StandbyWait::new(Duration::from_secs(300))
                .on_progress(move |p| drop(progress_tx.send(p.clone())));
            watcher_schema::run_pending_or_wait_url(&url, &wait)
        })
    };
    let first: StandbyProgress = progress.recv().expect("the replica reports that it waits");
    assert_eq!(first.expected_head, head, "{first}");
    assert_eq!(first.standby_head, None, "{first}");

    let primary =
        watcher_schema::run_pending_or_wait_url(&db.primary_url(), &StandbyWait::default())
            .unwrap_or_else(|e| panic!("the primary's service fails to boot: {e}"));
    assert_eq!(primary.migrations.len(), chain.len(), "{primary}");
    let started = replica
        .join()
        .expect("the replica thread panicked")
        .unwrap_or_else(|e| panic!("the replica does not start: {e}"));
    assert!(started.is_empty(), "nothing ran on the standby: {started}");

    let mut standby = postgres::Client::connect(&db.standby_url(), postgres::NoTls)
        .expect("connect to the standby");
    let versions: Vec<String> = standby
        .query(
            "SELECT version::text FROM __diesel_schema_migrations ORDER BY version",
            &[],
        )
        .unwrap_or_else(|e| panic!("cannot read the standby's ledger: {}", db_error(&e)))
        .iter()
        .map(|row| row.get(0))
        .collect();
    let expected: Vec<String> = chain.iter().map(|m| m.version.clone()).collect();
    assert_eq!(
        versions, expected,
        "the standby has the whole chain when the replica starts"
    );
}
