//! A hot standby is refused by name before anything is touched, and a read replica's boot
//! waits for the standby to replay the head: the harness's primary and its streaming
//! standby, shared by the process.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use postgres::{Client, NoTls};
use watcher_schema_runner::{RunError, Runner, StandbyProgress, StandbyWait, Target};

use crate::support::{self, fixture, runner};

#[test]
fn refuses_a_hot_standby_before_touching_anything() {
    let pair = watcher_schema_tests::replicated();
    let url = pair.standby.url("postgres");
    let mut conn = Runner::connect(&url).expect("diesel connects to the standby");

    let error = runner(&fixture("basic"))
        .run_pending(&mut conn)
        .expect_err("a standby cannot migrate");

    assert!(matches!(error, RunError::HotStandby), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the database is a hot standby (`pg_is_in_recovery()` is true): run migrations \
         against the primary"
    );
    // Nothing ran on the primary either (the standby replays whatever it does).
    let mut primary =
        Client::connect(&pair.primary.url("postgres"), NoTls).expect("connect to the primary");
    assert!(
        support::ledger(&mut primary).is_empty(),
        "no ledger created"
    );
    let tables: i64 = primary
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .expect("count tables")
        .get(0);
    assert_eq!(tables, 0, "no table created");
}

#[test]
fn a_service_on_the_standby_starts_once_the_standby_replayed_the_primarys_migrations() {
    let pair = watcher_schema_tests::replicated();
    let _replay = pair.exclusive();
    let db = pair.database();
    let basic = runner(&fixture("basic"));
    let head = basic.head().expect("a head").version().to_owned();

    // The service boots on the standby before the primary is migrated; its first progress
    // report says it found the standby behind and is waiting.
    let (progress_tx, progress) = mpsc::channel();
    let service = {
        let (runner, url) = (basic.clone(), db.standby_url());
        thread::spawn(move || {
            let wait = StandbyWait::new(Duration::from_secs(300)).on_progress(move |p| {
                let _ = progress_tx.send(p.clone());
            });
            runner.run_pending_or_wait_url(&url, &wait)
        })
    };
    let first: StandbyProgress = progress.recv().expect("the service reports it waits");
    assert_eq!(first.expected_head, head);
    assert_eq!(first.standby_head, None, "{first}");
    assert!(!first.replay_paused, "{first}");
    assert!(
        first.replay_lsn.is_some(),
        "a standby names its replay position"
    );
    assert!(
        first.to_string().starts_with(&format!(
            "waiting for the hot standby to replay migration {head} (its ledger is at \
                 no migration, WAL replayed to "
        )),
        "{first}"
    );

    // The primary's own boot migrates it; the standby replays that, and the service starts.
    let migrated = basic
        .run_pending_url(&db.primary_url())
        .expect("the primary migrates");
    assert_eq!(migrated.migrations.len(), 3, "{migrated}");
    let started = service
        .join()
        .expect("the service thread panicked")
        .expect("the service starts once the standby has the head");
    assert!(started.is_empty(), "nothing ran on the standby: {started}");

    let mut standby = Client::connect(&db.standby_url(), NoTls).expect("connect to the standby");
    assert_eq!(
        support::versions(&mut standby),
        ["20250101000001", "20250101000002", "20250101000003"],
        "the standby's ledger lists the head when the service starts"
    );
}

#[test]
fn a_service_on_a_standby_whose_replay_is_paused_times_out_naming_both_revisions() {
    let pair = watcher_schema_tests::replicated();
    let _replay = pair.exclusive();
    let db = pair.database();
    let basic = runner(&fixture("basic"));

    // The standby has the first migration, then stops replaying; the primary goes to head.
    basic
        .upgrade_to(
            &mut Runner::connect(&db.primary_url()).expect("connect to the primary"),
            &Target::Version("20250101000001".into()),
        )
        .expect("the primary takes the first migration");
    pair.wait_replayed();
    let paused = pair.pause_replay();
    basic
        .run_pending_url(&db.primary_url())
        .expect("the primary migrates to head");

    let mut conn = Runner::connect(&db.standby_url()).expect("connect to the standby");
    let wait = StandbyWait::new(Duration::from_secs(1)).on_progress(|_| {});
    let error = basic
        .run_pending_or_wait(&mut conn, &wait)
        .expect_err("a paused standby never reaches the head");
    let RunError::StandbyBehind(behind) = &error else {
        panic!("expected StandbyBehind, got {error:?}");
    };
    assert_eq!(behind.expected_head, "20250101000003");
    assert_eq!(behind.standby_head.as_deref(), Some("20250101000001"));
    assert!(behind.replay_paused, "{behind}");
    let message = error.to_string();
    assert!(
        message.starts_with("timed out after "),
        "the message says it timed out: {message}"
    );
    assert!(
        message.contains(
            "waiting for the hot standby to replay migration 20250101000003: its ledger is at \
             20250101000001 (WAL replayed to "
        ),
        "{message}"
    );
    assert!(
        message.ends_with(
            "help: WAL replay is paused on the standby (`pg_is_wal_replay_paused()`): resume \
             it with `SELECT pg_wal_replay_resume()`"
        ),
        "{message}"
    );

    // Resumed, the same boot finds the head.
    drop(paused);
    let report = basic
        .run_pending_or_wait(&mut conn, &StandbyWait::new(Duration::from_secs(300)))
        .expect("the resumed standby reaches the head");
    assert!(report.is_empty(), "{report}");
}

#[test]
fn on_the_primary_the_replica_boot_is_the_ordinary_run() {
    let db = support::TestDb::new();
    let basic = runner(&fixture("basic"));
    let report = basic
        .run_pending_or_wait_url(db.url(), &StandbyWait::new(Duration::ZERO))
        .expect("a primary migrates");
    assert_eq!(report.migrations.len(), 3, "{report}");
    assert_eq!(
        support::versions(&mut db.client()),
        ["20250101000001", "20250101000002", "20250101000003"]
    );
}
