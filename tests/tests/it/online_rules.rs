//! The online forms of docs/ONLINE.md on tables that hold rows: each rule goes up and down
//! keeping the values, and the steps that wait for other sessions do so without holding a
//! lock that blocks writers: while such a step waits, another session's `UPDATE` under
//! `lock_timeout = '1s'` goes through, where the plain form makes it time out. Facts come
//! from `pg_locks`. The exact SQL of each rule is pinned by core's `diff::plan` tests.

use std::sync::mpsc;
use std::thread;

use watcher_schema_core::diff::{Destructive, Hints};
use watcher_schema_tests::TestDb;

use crate::generator_rules::{count, declared, downgrade, populated, upgrade, values, KEPT};
use crate::support::db_error;

fn online() -> Hints {
    Hints::default().online()
}

#[test]
fn every_online_rule_goes_up_and_down_on_a_populated_table_keeping_values() {
    let cases: Vec<(&str, Hints)> = vec![
        (
            "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20) NOT NULL;",
            online().backfill("pipeline", "input_hash", "left(md5(name), 20)"),
        ),
        (
            "ALTER TABLE pipeline ADD COLUMN kind text NOT NULL;",
            online().backfill("pipeline", "kind", "'plain'"),
        ),
        (
            "ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;",
            online().backfill("pipeline", "code", "'none'"),
        ),
        ("CREATE INDEX ix_code ON pipeline (code);", online()),
        (
            "DROP INDEX ix_pipeline_name;
             CREATE INDEX ix_pipeline_name ON pipeline USING btree (name) INCLUDE (id, code);",
            online(),
        ),
        (
            "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_key UNIQUE (name);",
            online(),
        ),
        (
            "ALTER TABLE closure DROP CONSTRAINT closure_pkey;
             ALTER TABLE closure ADD CONSTRAINT closure_pkey PRIMARY KEY (source, target, depth);",
            online().allow(Destructive::ChangePrimaryKey {
                table: "closure".into(),
            }),
        ),
        (
            "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_check CHECK (length(name) > 1);",
            online(),
        ),
        (
            "ALTER TABLE closure ADD CONSTRAINT closure_target_fkey FOREIGN KEY (target) REFERENCES pipeline (id);",
            online(),
        ),
        (
            "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);",
            online(),
        ),
    ];
    for (change, hints) in cases {
        let (db, from) = populated();
        let (pipeline, closure) = (
            values(&db, "pipeline", KEPT),
            values(&db, "closure", "source, target, depth"),
        );
        let to = declared(&from, change);
        let plan = upgrade(&db, &from, &to, &hints);
        assert_eq!(values(&db, "pipeline", KEPT), pipeline, "{change}");
        assert_eq!(
            values(&db, "closure", "source, target, depth"),
            closure,
            "{change}"
        );
        if change.contains("input_hash") {
            assert_eq!(count(&db, "pipeline", "input_hash IS NULL"), 0);
        }
        downgrade(&db, &plan, &from);
        assert_eq!(
            values(&db, "closure", "source, target, depth"),
            closure,
            "{change}"
        );
        if !change.contains("SET NOT NULL") {
            assert_eq!(values(&db, "pipeline", KEPT), pipeline, "{change}");
        }
    }
}

/// What happened while `step` waited on a session that ran `blocker` in an open
/// transaction: the lock modes `step` held on `pipeline`, and how another session's
/// `UPDATE` of another row under `lock_timeout = '1s'` ended. Then the blocker commits and
/// `step` must finish.
struct WhileWaiting {
    held: Vec<String>,
    writer: Result<(), String>,
}

fn while_waiting(db: &TestDb, blocker: &str, step: &str) -> WhileWaiting {
    let mut holder = db.client();
    holder
        .batch_execute(&format!("BEGIN; {blocker}"))
        .unwrap_or_else(|e| panic!("{}", db_error(&e)));
    let (tx, rx) = mpsc::channel();
    let url = db.url().to_string();
    let step = step.to_string();
    let runner = thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        let pid: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .expect("pid")
            .get(0);
        tx.send(pid).expect("send");
        client.batch_execute(&step).map_err(|e| db_error(&e))
    });
    let pid = rx.recv().expect("the step's pid");
    let mut watcher = db.client();
    // Wait for the condition itself: the step has a lock request that is not granted.
    loop {
        let waiting: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted",
                &[&pid],
            )
            .expect("pg_locks")
            .get(0);
        if waiting > 0 {
            break;
        }
        assert!(
            !runner.is_finished(),
            "the step did not wait for the blocker"
        );
    }
    let held = watcher
        .query(
            "SELECT mode FROM pg_locks
             WHERE pid = $1 AND granted AND relation = 'pipeline'::regclass ORDER BY mode",
            &[&pid],
        )
        .expect("pg_locks")
        .iter()
        .map(|row| row.get(0))
        .collect();
    let writer = db
        .client()
        .batch_execute("SET lock_timeout = '1s'; UPDATE pipeline SET code = code WHERE id = 2")
        .map_err(|e| db_error(&e));
    holder.batch_execute("COMMIT").expect("commit");
    runner
        .join()
        .expect("the step's thread")
        .unwrap_or_else(|e| panic!("the step failed: {e}"));
    WhileWaiting { held, writer }
}

/// An open transaction that wrote a row of `pipeline`, as the service does all the time.
const WRITER: &str = "UPDATE pipeline SET code = code WHERE id = 1;";

#[test]
fn a_concurrent_index_build_lets_writers_through_while_it_waits() {
    let (db, _) = populated();
    let online = while_waiting(
        &db,
        WRITER,
        "CREATE INDEX CONCURRENTLY ix_code ON pipeline (code)",
    );
    assert_eq!(online.writer, Ok(()));
    assert_eq!(online.held, ["ShareUpdateExclusiveLock"]);
    // The plain form queues every writer behind its SHARE lock request.
    let (db, _) = populated();
    let plain = while_waiting(&db, WRITER, "CREATE INDEX ix_code ON pipeline (code)");
    let refused = plain
        .writer
        .expect_err("the writer waits behind CREATE INDEX");
    assert!(
        refused.contains("55P03") || refused.contains("lock timeout"),
        "{refused}"
    );
}

#[test]
fn validating_a_constraint_lets_writers_through_while_it_waits() {
    let (db, _) = populated();
    crate::support::execute(
        &db,
        "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_check CHECK (length(name) > 1) NOT VALID;",
    );
    // Anything that holds SHARE UPDATE EXCLUSIVE (autovacuum, an index build) delays it.
    let blocker = "LOCK TABLE pipeline IN SHARE UPDATE EXCLUSIVE MODE;";
    let online = while_waiting(
        &db,
        blocker,
        "ALTER TABLE pipeline VALIDATE CONSTRAINT pipeline_name_check",
    );
    assert_eq!(online.writer, Ok(()));
    assert!(
        online.held.iter().all(|m| m != "AccessExclusiveLock"),
        "{:?}",
        online.held
    );
    // Added valid at once, the check waits for ACCESS EXCLUSIVE and writers queue behind it.
    let (db, _) = populated();
    let plain = while_waiting(
        &db,
        blocker,
        "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_check2 CHECK (length(name) > 1)",
    );
    assert!(plain.writer.is_err(), "the writer waits behind ADD CHECK");
}

#[test]
fn a_batch_skips_rows_the_service_holds_and_the_next_batch_fills_them() {
    let (db, _) = populated();
    crate::support::execute(
        &db,
        "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20);",
    );
    let batch = "UPDATE pipeline SET input_hash = left(md5(name), 20) WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM pipeline WHERE input_hash IS NULL LIMIT 5000 FOR UPDATE SKIP LOCKED))";
    let mut service = db.client();
    service
        .batch_execute(&format!("BEGIN; {WRITER}"))
        .expect("the service's transaction");
    // Runs to the end at once: it never waits on the service's row.
    let filled = db.client().execute(batch, &[]).expect("a batch");
    assert_eq!(filled, 499);
    assert_eq!(count(&db, "pipeline", "input_hash IS NULL"), 1);
    service.batch_execute("COMMIT").expect("commit");
    assert_eq!(db.client().execute(batch, &[]).expect("a batch"), 1);
    assert_eq!(db.client().execute(batch, &[]).expect("a batch"), 0);
}
