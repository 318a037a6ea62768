//! A squashed chain embedded in a binary (`tests/fixtures/squashed`: `watcher-schema squash
//! --to 20250101000002` of `basic`) booting on databases the old chain migrated: at the
//! squash point or past it they are recognised and their ledger folded once, however many
//! replicas boot; part of the squash is refused untouched; a fresh database applies it.

use std::sync::{Arc, Barrier};
use std::thread;

use diesel_migrations::{embed_migrations, EmbeddedMigrations};
use watcher_schema_core::chain::checksum;
use watcher_schema_runner::{RunError, Runner, Target};

use crate::support::{assert_same_catalog, catalog, connect, fixture, ledger, runner, TestDb};

const SQUASHED: EmbeddedMigrations = embed_migrations!("tests/fixtures/squashed");

fn squashed() -> Runner {
    Runner::new(&SQUASHED).expect("embedded migrations read")
}

/// A database the old chain (`basic`) migrated up to `target`.
fn migrated_by_the_old_chain(target: &Target) -> TestDb {
    let db = TestDb::new();
    runner(&fixture("basic"))
        .upgrade_to(&mut connect(&db), target)
        .expect("the old chain applies");
    db
}

#[test]
fn the_squash_lists_the_old_migrations_as_they_are() {
    let old = runner(&fixture("basic"));
    let new = squashed();
    let listed: Vec<(String, String)> = new.migrations()[0]
        .replaced()
        .iter()
        .map(|r| (r.version.clone(), r.checksum.clone()))
        .collect();
    let expected: Vec<(String, String)> = old.migrations()[..2]
        .iter()
        .map(|m| (m.version().to_owned(), checksum(m.up())))
        .collect();
    assert_eq!(
        listed, expected,
        "tests/fixtures/squashed is stale: squash a copy of tests/fixtures/basic again"
    );
}

#[test]
fn replicas_booting_on_an_old_ledger_fold_it_once_and_run_the_rest() {
    let fresh = TestDb::new();
    let report = squashed().run_pending(&mut connect(&fresh)).unwrap();
    assert_eq!(report.migrations.len(), 2, "{report}");

    let db = migrated_by_the_old_chain(&Target::Version("20250101000002".into()));
    // Read-only: already at the squash, one migration pending, nothing written.
    let new = squashed();
    let applied: Vec<String> = new
        .applied(&mut connect(&db))
        .unwrap()
        .into_iter()
        .map(|r| r.version)
        .collect();
    assert_eq!(applied, ["20250101000002"]);
    let pending: Vec<String> = new
        .pending(&mut connect(&db))
        .unwrap()
        .iter()
        .map(|m| m.version().to_owned())
        .collect();
    assert_eq!(pending, ["20250101000003"]);
    assert_eq!(ledger(&mut db.client()).len(), 2);

    let start = Arc::new(Barrier::new(8));
    let replicas: Vec<_> = (0..8)
        .map(|_| {
            let (runner, start, url) = (new.clone(), start.clone(), db.url().to_owned());
            thread::spawn(move || {
                let mut conn = Runner::connect(&url).expect("replica connects");
                start.wait();
                runner.run_pending(&mut conn)
            })
        })
        .collect();
    let ran: usize = replicas
        .into_iter()
        .map(|r| r.join().expect("replica thread").expect("replica boots"))
        .map(|report| report.migrations.len())
        .sum();
    assert_eq!(ran, 1, "the migration after the squash ran once");
    assert_eq!(ledger(&mut db.client()), ledger(&mut fresh.client()));
    assert_same_catalog(&catalog(&mut fresh.client()), &catalog(&mut db.client()));
}

#[test]
fn part_of_a_squash_is_refused_and_left_as_it_was() {
    let db = migrated_by_the_old_chain(&Target::Version("20250101000001".into()));
    let before = ledger(&mut db.client());
    let err = squashed().run_pending(&mut connect(&db)).unwrap_err();
    assert!(
        matches!(&err, RunError::PartlySquashed { squash, applied, last }
            if squash == "20250101000002_squashed"
                && applied == &["20250101000001"]
                && last == "20250101000002"),
        "{err}"
    );
    assert_eq!(ledger(&mut db.client()), before);
}

#[test]
fn a_database_past_the_squash_downgrades_through_it() {
    let db = migrated_by_the_old_chain(&Target::Head);
    let new = squashed();
    let report = new.run_pending(&mut connect(&db)).unwrap();
    assert!(report.migrations.is_empty(), "{report}");
    let versions: Vec<String> = ledger(&mut db.client()).into_iter().map(|r| r.0).collect();
    assert_eq!(versions, ["20250101000002", "20250101000003"]);
    new.downgrade_to(&mut connect(&db), &Target::Base).unwrap();
    assert!(ledger(&mut db.client()).is_empty());
    assert_eq!(catalog(&mut db.client()), "");
}
