use std::time::Duration;

use watcher_schema_runner::{RunError, DEFAULT_LOCK_KEY};

use crate::support::{self, connect, fixture, runner, TestDb};

#[test]
fn times_out_naming_the_session_that_holds_the_lock() {
    let db = TestDb::new();
    let mut holder = db.client();
    holder
        .batch_execute("SET application_name = 'stuck-migrator'")
        .unwrap();
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&DEFAULT_LOCK_KEY])
        .unwrap();
    let holder_pid: i32 = holder
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);

    let runner = runner(&fixture("basic")).lock_timeout(Duration::from_millis(300));
    let mut conn = connect(&db);
    let error = runner
        .run_pending(&mut conn)
        .expect_err("another session holds the lock");
    let message = error.to_string();
    match &error {
        RunError::LockTimeout {
            key,
            timeout,
            holders,
        } => {
            assert_eq!(*key, DEFAULT_LOCK_KEY);
            assert_eq!(*timeout, Duration::from_millis(300));
            assert_eq!(holders.len(), 1, "{holders:?}");
            assert_eq!(holders[0].pid, holder_pid);
            assert_eq!(holders[0].application_name, "stuck-migrator");
        }
        other => panic!("expected LockTimeout, got {other:?}"),
    }
    assert!(message.contains("0.3 s"), "{message}");
    assert!(message.contains(&format!("pid {holder_pid}")), "{message}");
    assert!(
        support::versions(&mut db.client()).is_empty(),
        "nothing ran"
    );

    holder
        .execute("SELECT pg_advisory_unlock($1)", &[&DEFAULT_LOCK_KEY])
        .unwrap();
    runner
        .run_pending(&mut conn)
        .expect("runs once the lock is free");
}

#[test]
fn waits_for_the_lock_and_then_finds_nothing_to_do() {
    let db = TestDb::new();
    let mut holder = db.client();
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&DEFAULT_LOCK_KEY])
        .unwrap();
    let url = db.url().to_owned();
    let waiter = std::thread::spawn(move || {
        let mut conn = watcher_schema_runner::Runner::connect(&url).unwrap();
        runner(&fixture("basic")).run_pending(&mut conn)
    });
    // While the waiter polls, another runner (on another key, so it is not blocked)
    // migrates everything: the waiter's early look at the ledger is now stale.
    std::thread::sleep(Duration::from_millis(100));
    let mut other = connect(&db);
    let other_runner = runner(&fixture("basic")).lock_key(DEFAULT_LOCK_KEY + 1);
    other_runner.run_pending(&mut other).unwrap();
    holder
        .execute("SELECT pg_advisory_unlock($1)", &[&DEFAULT_LOCK_KEY])
        .unwrap();
    let report = waiter.join().unwrap().expect("the waiter gets the lock");
    assert!(
        report.is_empty(),
        "the ledger is re-read under the lock, so nothing runs twice: {report}"
    );
}

#[test]
fn a_custom_lock_key_is_independent_of_the_default() {
    let db = TestDb::new();
    let mut holder = db.client();
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&DEFAULT_LOCK_KEY])
        .unwrap();
    runner(&fixture("basic"))
        .lock_key(-42)
        .lock_timeout(Duration::ZERO)
        .run_pending(&mut connect(&db))
        .expect("a different key is not blocked");
}
