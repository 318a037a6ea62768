//! Online migrations (docs/ONLINE.md): steps, progress records, lock timeouts with retry,
//! resumption, and a failed `CREATE INDEX CONCURRENTLY` cleaned up. Kill -9 at every
//! step is tested through the CLI binary (`watcher-schema-cli/tests/cli/online.rs`).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use postgres::Client;
use watcher_schema_runner::{Action, ProgressEvent, RunError, Runner, Target, PROGRESS_TABLE};

use crate::support::{self, connect, fixture, runner, TempMigrations, TestDb};

const ONLINE: &str = "20250101000002_address_input_hash";

/// (step, event) as the progress callback saw them, with rows for repeat steps.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    step: usize,
    event: ProgressEvent,
    rows: u64,
}

fn recording(runner: Runner) -> (Runner, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let runner = runner.on_progress(move |p| {
        sink.lock().unwrap().push(Seen {
            step: p.step,
            event: p.event.clone(),
            rows: p.rows,
        })
    });
    (runner, seen)
}

/// The progress rows as (version, action, step, steps).
fn progress(client: &mut Client) -> Vec<(String, String, i32, i32)> {
    client
        .query(
            &format!("SELECT version::text, action, step, steps FROM {PROGRESS_TABLE}"),
            &[],
        )
        .expect("read the progress table")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

/// Rows, rows with the hash every row must end with, and invalid indexes.
fn data(client: &mut Client) -> (i64, i64, i64) {
    let row = client
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE input_hash = md5(name)), \
                    (SELECT count(*) FROM pg_index WHERE NOT indisvalid) \
             FROM address",
            &[],
        )
        .expect("count rows");
    (row.get(0), row.get(1), row.get(2))
}

/// The catalog after an uninterrupted run of the fixture, to compare others with.
fn uninterrupted_catalog() -> String {
    let db = TestDb::new();
    runner(&fixture("online"))
        .run_pending(&mut connect(&db))
        .expect("the online fixture runs");
    support::catalog(&mut db.client())
}

fn expect_step_failure(error: RunError) -> watcher_schema_runner::MigrationFailure {
    match error {
        RunError::MigrationFailed(failure) if failure.step.is_some() => *failure,
        other => panic!("expected an online step failure, got {other:?}"),
    }
}

/// `runner` that, as step `step` starts, sends `sql` (an open transaction holding a lock or
/// a snapshot) on `blocker`, another session the step then has to wait for.
fn blocked_at(
    runner: Runner,
    blocker: &Arc<Mutex<Client>>,
    step: usize,
    sql: &'static str,
) -> Runner {
    let hold = blocker.clone();
    runner.on_progress(move |p| {
        if p.step == step && p.event == ProgressEvent::Started {
            hold.lock().unwrap().batch_execute(sql).unwrap();
        }
    })
}

#[test]
fn runs_every_step_recording_each_and_leaves_no_record_when_done() {
    let db = TestDb::new();
    let (runner, seen) = recording(runner(&fixture("online")));
    let report = runner.run_pending(&mut connect(&db)).expect("runs");
    assert_eq!(report.migrations.len(), 2);

    let seen = seen.lock().unwrap();
    let done: Vec<(usize, u64)> = seen
        .iter()
        .filter(|s| s.event == ProgressEvent::Done)
        .map(|s| (s.step, s.rows))
        .collect();
    assert_eq!(
        done,
        [(1, 0), (2, 20_000), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0)],
        "every step once, the backfill counting every row: {seen:?}"
    );
    let mut client = db.client();
    assert_eq!(
        progress(&mut client),
        [],
        "the last step removed the record"
    );
    assert_eq!(
        support::versions(&mut client),
        ["20250101000001", "20250101000002"]
    );
    assert_eq!(data(&mut client), (20_000, 20_000, 0));
    let catalog = support::catalog(&mut client);
    assert!(
        catalog.contains("column address.input_hash #3 text null=NO"),
        "{catalog}"
    );
    assert!(
        catalog.contains("valid ix_address_input_hash true"),
        "{catalog}"
    );
    assert!(
        !catalog.contains("address_input_hash_not_null"),
        "{catalog}"
    );
}

#[test]
fn lock_timeout_exhausted_stops_resumably_and_the_next_run_resumes_at_that_step() {
    let db = TestDb::new();
    let blocker = Arc::new(Mutex::new(db.client()));
    // A writer's transaction starts as step 3 (ADD CONSTRAINT) is about to run.
    let runner = blocked_at(
        runner(&fixture("online"))
            .statement_lock_timeout(Duration::from_millis(50))
            .lock_tries(3)
            .retry_pause(Duration::from_millis(1)),
        &blocker,
        3,
        "BEGIN; LOCK TABLE address IN ROW EXCLUSIVE MODE",
    );
    let mut conn = connect(&db);
    let error = runner
        .run_pending(&mut conn)
        .expect_err("step 3 never gets its lock");
    let message = error.to_string();
    let failure = expect_step_failure(error);
    let step = failure.step.clone().unwrap();
    assert_eq!(
        (step.number, step.steps, step.tries),
        (3, 7, 3),
        "{message}"
    );
    assert_eq!(step.lock_timeout, Some(Duration::from_millis(50)));
    assert_eq!(failure.file, format!("{ONLINE}/up.sql"));
    assert_eq!(failure.line, Some(16), "{message}");
    for expected in [
        "in step 3/7 (check address.input_hash is set, not yet validated)",
        "gave up after 3 tries",
        "steps 1-2 are applied and recorded",
        "resume at step 3",
    ] {
        assert!(message.contains(expected), "`{expected}` in:\n{message}");
    }

    let mut client = db.client();
    assert_eq!(
        progress(&mut client),
        [("20250101000002".to_owned(), "upgrade".to_owned(), 2, 7)]
    );
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    assert_eq!(support::advisory_locks(&mut client), 0, "unlocked");
    let shown = runner.in_progress(&mut conn).unwrap();
    assert_eq!(
        shown[0].to_string(),
        "in progress, step 3/7: check address.input_hash is set, not yet validated"
    );

    blocker.lock().unwrap().batch_execute("COMMIT").unwrap();
    let (resumed, seen) = recording(support::runner(&fixture("online")));
    resumed.run_pending(&mut conn).expect("resumes");
    let first = seen.lock().unwrap()[0].clone();
    assert_eq!(
        (first.step, first.event),
        (3, ProgressEvent::Started),
        "resumed at step 3, not from the start"
    );
    assert_eq!(progress(&mut client), []);
    assert_eq!(data(&mut client), (20_000, 20_000, 0));
    support::assert_same_catalog(&uninterrupted_catalog(), &support::catalog(&mut client));
}

#[test]
fn backfill_skips_a_locked_row_and_writers_never_wait_on_the_migration() {
    let db = TestDb::new();
    let mut conn = connect(&db);
    runner(&fixture("online"))
        .upgrade_to(&mut conn, &Target::Relative(1))
        .unwrap();
    // The service holds row 1 in an open transaction from just before the backfill.
    let writer = Arc::new(Mutex::new(db.client()));
    let hold = writer.clone();
    let (events, received) = mpsc::channel();
    let runner = runner(&fixture("online"))
        .statement_lock_timeout(Duration::from_millis(100))
        .lock_tries(10_000)
        .retry_pause(Duration::from_millis(10))
        .on_progress(move |p| {
            if p.step == 2 && p.event == ProgressEvent::Started {
                hold.lock()
                    .unwrap()
                    .batch_execute(
                        "BEGIN; SET LOCAL lock_timeout = '1s'; \
                         UPDATE address SET name = name WHERE id = 1",
                    )
                    .unwrap();
            }
            let _ = events.send((p.step, p.event.clone(), p.rows));
        });
    let url = db.url().to_owned();
    let migrating = thread::spawn(move || {
        let mut conn = Runner::connect(&url).unwrap();
        runner.run_pending(&mut conn)
    });
    let wait_for = |wanted: &dyn Fn(&(usize, ProgressEvent, u64)) -> bool| loop {
        let event = received
            .recv()
            .expect("the runner reports until it is done");
        if wanted(&event) {
            return event;
        }
    };

    let backfilled = wait_for(&|e| e.0 == 2 && e.1 == ProgressEvent::Done);
    assert_eq!(
        backfilled.2, 19_999,
        "the backfill ran to its end while row 1 was locked, skipping it"
    );
    // Step 3 needs a lock the open transaction conflicts with: it times out and retries
    // instead of queueing everyone behind it.
    wait_for(&|e| e.0 == 3 && matches!(e.1, ProgressEvent::Retrying { .. }));
    let mut other_writer = db.client();
    other_writer
        .batch_execute("SET lock_timeout = '1s'; UPDATE address SET name = name WHERE id = 2")
        .expect("another writer gets its lock within 1 s while step 3 retries");
    writer
        .lock()
        .unwrap()
        .batch_execute("UPDATE address SET name = name WHERE id = 3; COMMIT")
        .expect("the open transaction keeps writing");

    migrating.join().unwrap().expect("the migration completes");
    let rest = wait_for(&|e| e.0 == 4 && e.1 == ProgressEvent::Done);
    assert_eq!(rest.2, 1, "the second backfill picked up the skipped row");
    let mut client = db.client();
    assert_eq!(data(&mut client), (20_000, 20_000, 0));
}

#[test]
fn a_failed_concurrent_index_build_leaves_no_invalid_index_and_resumes_after_the_fix() {
    let db = TestDb::new();
    let dir = TempMigrations::copy("online");
    // Every row gets the same hash: the unique index cannot be built.
    dir.edit(&format!("{ONLINE}/up.sql"), |sql| {
        sql.replace("md5(name)", "'same'")
    });
    let mut conn = connect(&db);
    let error = runner(&dir.path)
        .run_pending(&mut conn)
        .expect_err("duplicate hashes");
    let message = error.to_string();
    let failure = expect_step_failure(error);
    assert_eq!(failure.step.as_ref().unwrap().number, 6, "{message}");
    assert!(
        message.contains("could not create unique index"),
        "{message}"
    );

    let mut client = db.client();
    let leftover: bool = client
        .query_one(
            "SELECT to_regclass('ix_address_input_hash') IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!leftover, "the invalid index the build left was dropped");
    assert_eq!(progress(&mut client)[0].2, 5);

    client
        .batch_execute("UPDATE address SET input_hash = md5(name)")
        .unwrap();
    runner(&dir.path)
        .run_pending(&mut conn)
        .expect("the build succeeds once the data allows it");
    assert_eq!(data(&mut client), (20_000, 20_000, 0));
    assert_eq!(progress(&mut client), []);
}

#[test]
fn an_index_left_invalid_by_an_interrupted_build_is_dropped_and_a_valid_one_counts_as_built() {
    let db = TestDb::new();
    let mut conn = connect(&db);
    let mut client = db.client();
    runner(&fixture("online"))
        .upgrade_to(&mut conn, &Target::Relative(1))
        .unwrap();
    // What an interrupted step 6 leaves: steps 1-5 recorded, an invalid index (a failed
    // concurrent build) under the step's name.
    client
        .batch_execute(
            "ALTER TABLE address ADD COLUMN input_hash text; \
             UPDATE address SET input_hash = 'x' WHERE id <= 2;",
        )
        .unwrap();
    let _ = client.batch_execute(
        "CREATE UNIQUE INDEX CONCURRENTLY ix_address_input_hash ON address (input_hash)",
    );
    client
        .batch_execute(
            "UPDATE address SET input_hash = md5(name); \
             ALTER TABLE address ADD CONSTRAINT address_input_hash_not_null \
                 CHECK (input_hash IS NOT NULL);",
        )
        .unwrap();
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} (version varchar(50) PRIMARY KEY, \
             action text NOT NULL, step integer NOT NULL, steps integer NOT NULL, \
             updated_at timestamptz NOT NULL DEFAULT now()); \
             INSERT INTO {PROGRESS_TABLE} (version, action, step, steps) \
             VALUES ('20250101000002', 'upgrade', 5, 7)"
        ))
        .unwrap();
    assert_eq!(data(&mut client).2, 1, "an invalid index to start with");

    runner(&fixture("online"))
        .run_pending(&mut conn)
        .expect("drops the invalid index and builds it again");
    assert_eq!(data(&mut client), (20_000, 20_000, 0));

    // Now the reverse: the build finished but was not recorded; the step is skipped.
    runner(&fixture("online"))
        .downgrade_to(&mut conn, &Target::Relative(-1))
        .unwrap();
    runner(&fixture("online"))
        .upgrade_to(&mut conn, &Target::Relative(1))
        .unwrap();
    client
        .batch_execute(&format!(
            "DELETE FROM __diesel_schema_migrations WHERE version = '20250101000002'; \
             ALTER TABLE address ALTER COLUMN input_hash DROP NOT NULL; \
             ALTER TABLE address ADD CONSTRAINT address_input_hash_not_null \
                 CHECK (input_hash IS NOT NULL); \
             INSERT INTO {PROGRESS_TABLE} (version, action, step, steps) \
             VALUES ('20250101000002', 'upgrade', 5, 7)"
        ))
        .unwrap();
    let (resumed, seen) = recording(runner(&fixture("online")));
    resumed.run_pending(&mut conn).expect("resumes at step 6");
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|s| s.step == 6 && matches!(s.event, ProgressEvent::Skipped { .. })),
        "a valid index of that name counts as built"
    );
    support::assert_same_catalog(&uninterrupted_catalog(), &support::catalog(&mut client));
}

#[test]
fn downgrade_reverts_a_partly_applied_migration_and_clears_its_record() {
    let db = TestDb::new();
    let mut conn = connect(&db);
    let mut client = db.client();
    runner(&fixture("online"))
        .upgrade_to(&mut conn, &Target::Relative(1))
        .unwrap();
    let base = support::catalog(&mut client);
    let blocker = Arc::new(Mutex::new(db.client()));
    // An open writer transaction that the concurrent build must wait out.
    let error = blocked_at(
        runner(&fixture("online"))
            .statement_lock_timeout(Duration::from_millis(20))
            .lock_tries(1),
        &blocker,
        6,
        "BEGIN; SET LOCAL lock_timeout = '1s'; LOCK TABLE address IN SHARE ROW EXCLUSIVE MODE",
    )
    .run_pending(&mut conn)
    .expect_err("the index build cannot get its lock");
    assert_eq!(expect_step_failure(error).step.unwrap().number, 6);
    blocker.lock().unwrap().batch_execute("COMMIT").unwrap();
    assert_eq!(progress(&mut client)[0].2, 5);
    assert_eq!(data(&mut client).2, 0, "no invalid index left behind");

    let report = runner(&fixture("online"))
        .downgrade_to(&mut conn, &Target::Relative(-1))
        .expect("reverts the partly applied migration only");
    assert_eq!(report.migrations.len(), 1);
    assert_eq!(report.migrations[0].action, Action::Downgrade);
    assert_eq!(progress(&mut client), []);
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    support::assert_same_catalog(&base, &support::catalog(&mut client));
}

#[test]
fn rejects_an_online_file_that_cannot_be_cut_into_steps() {
    let db = TestDb::new();
    let dir = TempMigrations::copy("online");
    dir.edit(&format!("{ONLINE}/up.sql"), |sql| {
        sql.replacen("COMMIT;", "", 1)
    });
    let error = runner(&dir.path)
        .run_pending(&mut connect(&db))
        .expect_err("BEGIN without COMMIT");
    let message = error.to_string();
    assert!(matches!(error, RunError::Steps { .. }), "{error:?}");
    assert!(
        message.contains(&format!(
            "`{ONLINE}/up.sql` cannot be cut into online steps"
        )),
        "{message}"
    );
    assert!(
        message.contains("line 9: `-- watcher:repeat` inside `BEGIN`/`COMMIT`"),
        "{message}"
    );
}

#[derive(diesel::QueryableByName)]
struct Pid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

#[test]
fn a_connection_lost_mid_migration_resumes_at_the_step_it_was_in() {
    use diesel::RunQueryDsl;

    let db = TestDb::new();
    let mut conn = connect(&db);
    let Pid { pid } = diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result(&mut conn)
        .unwrap();
    let killer = Arc::new(Mutex::new(db.client()));
    let kill = killer.clone();
    let error = runner(&fixture("online"))
        .on_progress(move |p| {
            if p.step == 4 && p.event == ProgressEvent::Started {
                // Waits until the backend is gone.
                kill.lock()
                    .unwrap()
                    .execute("SELECT pg_terminate_backend($1, 10000)", &[&pid])
                    .unwrap();
            }
        })
        .run_pending(&mut conn)
        .expect_err("the connection is gone");
    assert!(
        error.to_string().contains("terminating connection"),
        "{error}"
    );

    let mut client = db.client();
    assert_eq!(progress(&mut client)[0].2, 3);
    let (resumed, seen) = recording(runner(&fixture("online")));
    resumed
        .run_pending(&mut connect(&db))
        .expect("a new connection resumes");
    assert_eq!(seen.lock().unwrap()[0].step, 4);
    assert_eq!(data(&mut client), (20_000, 20_000, 0));
    support::assert_same_catalog(&uninterrupted_catalog(), &support::catalog(&mut client));
}

#[test]
fn stamp_removes_the_record_of_a_migration_it_stamps() {
    let db = TestDb::new();
    let mut conn = connect(&db);
    let blocker = Arc::new(Mutex::new(db.client()));
    blocked_at(
        runner(&fixture("online"))
            .statement_lock_timeout(Duration::from_millis(20))
            .lock_tries(1),
        &blocker,
        7,
        "BEGIN; LOCK TABLE address IN ACCESS SHARE MODE",
    )
    .run_pending(&mut conn)
    .expect_err("step 7 cannot get its lock");
    blocker.lock().unwrap().batch_execute("COMMIT").unwrap();
    let mut client = db.client();
    assert_eq!(progress(&mut client)[0].2, 6);

    runner(&fixture("online"))
        .stamp(&mut conn, &Target::Head)
        .expect("stamps");
    assert_eq!(progress(&mut client), []);
    assert_eq!(
        support::versions(&mut client),
        ["20250101000001", "20250101000002"]
    );
}

#[test]
fn a_concurrent_build_timing_out_on_an_old_snapshot_leaves_no_invalid_index() {
    let db = TestDb::new();
    let mut conn = connect(&db);
    let blocker = Arc::new(Mutex::new(db.client()));
    // An open transaction with a snapshot: the build waits for it after creating its
    // (still invalid) index, and times out there.
    let error = blocked_at(
        runner(&fixture("online"))
            .statement_lock_timeout(Duration::from_millis(100))
            .lock_tries(2)
            .retry_pause(Duration::from_millis(1)),
        &blocker,
        6,
        "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1",
    )
    .run_pending(&mut conn)
    .expect_err("the build cannot wait out the old snapshot");
    let message = error.to_string();
    let step = expect_step_failure(error).step.unwrap();
    assert_eq!((step.number, step.tries), (6, 2), "{message}");
    assert!(step.lock_timeout.is_some(), "{message}");

    let mut client = db.client();
    let leftover: bool = client
        .query_one(
            "SELECT to_regclass('ix_address_input_hash') IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!leftover, "the invalid index was dropped: {message}");

    blocker.lock().unwrap().batch_execute("COMMIT").unwrap();
    runner(&fixture("online"))
        .run_pending(&mut conn)
        .expect("the build succeeds once the snapshot is gone");
    assert_eq!(data(&mut client), (20_000, 20_000, 0));
}

#[test]
fn a_boot_refuses_a_schema_left_half_reverted_by_an_interrupted_downgrade() {
    let db = TestDb::new();
    let mut conn = connect(&db);
    let mut client = db.client();
    runner(&fixture("online")).run_pending(&mut conn).unwrap();
    // The downgrade's second step cannot get its lock: step 1 (the index) is reverted,
    // the ledger still lists the migration as applied.
    let blocker = Arc::new(Mutex::new(db.client()));
    let error = blocked_at(
        runner(&fixture("online"))
            .statement_lock_timeout(Duration::from_millis(20))
            .lock_tries(1),
        &blocker,
        2,
        "BEGIN; LOCK TABLE address IN SHARE MODE",
    )
    .downgrade_to(&mut conn, &Target::Relative(-1))
    .expect_err("the column drop cannot get its lock");
    assert_eq!(expect_step_failure(error).step.unwrap().number, 2);
    blocker.lock().unwrap().batch_execute("COMMIT").unwrap();
    assert_eq!(
        progress(&mut client),
        [("20250101000002".to_string(), "downgrade".to_string(), 1, 2)]
    );
    assert_eq!(
        support::versions(&mut client).last().unwrap(),
        "20250101000002"
    );

    // Nothing is pending, yet the head's index is gone: a boot says so instead of
    // serving on it.
    match runner(&fixture("online")).run_pending(&mut conn) {
        Err(RunError::PartlyApplied { name, help, .. }) => {
            assert_eq!(name, ONLINE);
            assert!(
                help.contains("run `downgrade` to finish reverting it"),
                "{help}"
            );
        }
        other => panic!("expected the half-reverted migration to be refused, got {other:?}"),
    }
    runner(&fixture("online"))
        .downgrade_to(&mut conn, &Target::Relative(-1))
        .expect("the downgrade finishes");
    assert_eq!(progress(&mut client), []);
    runner(&fixture("online")).run_pending(&mut conn).unwrap();
}
