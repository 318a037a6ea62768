//! The online forms of docs/ONLINE.md on tables that hold rows: each rule goes up and down
//! keeping the values. Every step either waits for other sessions under a lock writers pass
//! (`CONCURRENTLY`, `VALIDATE`, `SKIP LOCKED` batches: while it waits, another session's
//! `UPDATE` under `lock_timeout = '1s'` goes through, where the plain form makes it time
//! out; facts from `pg_locks`), or takes its lock without scanning or rewriting the table
//! (`pg_stat_xact_user_tables`, `relfilenode`, PostgreSQL's own DEBUG1 word for
//! `SET NOT NULL`). The exact SQL of each rule is pinned by core's `diff::plan` tests.

use std::sync::mpsc;
use std::thread;

use watcher_schema_core::diff::{plan, Destructive, Hints};
use watcher_schema_core::replay::split_statements;
use watcher_schema_core::sql::render;
use watcher_schema_tests::TestDb;

use crate::generator_rules::{count, declared, downgrade, populated, upgrade, values, KEPT};
use crate::support::{db_error, execute};

fn online() -> Hints {
    Hints::default().online()
}

/// A change per online rule, with the hints that make it.
fn cases() -> Vec<(&'static str, Hints)> {
    vec![
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
    ]
}

#[test]
fn every_online_rule_goes_up_and_down_on_a_populated_table_keeping_values() {
    for (change, hints) in cases() {
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
    // Dropping it (the end of an index swap, or a down) waits the same way.
    let drop = while_waiting(&db, WRITER, "DROP INDEX CONCURRENTLY IF EXISTS ix_code");
    assert_eq!(drop.writer, Ok(()));
    assert!(
        drop.held.iter().all(|m| m != "AccessExclusiveLock"),
        "{:?}",
        drop.held
    );
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
        SELECT ctid FROM pipeline WHERE input_hash IS NULL AND (left(md5(name), 20)) IS NOT NULL
        LIMIT 1000 FOR UPDATE SKIP LOCKED))";
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

/// What one statement did to `pipeline` and `closure` inside its transaction: how many
/// sequential scans of them it started (`pg_stat_xact_user_tables`), and whether it wrote
/// a new file for either (a rewrite changes `relfilenode`).
fn scans_and_rewrites(db: &TestDb, statement: &str) -> (i64, bool) {
    let mut client = db.client();
    let mut tx = client.transaction().expect("begin");
    let files = "SELECT string_agg(relname || ':' || relfilenode, ',' ORDER BY relname)
                 FROM pg_class WHERE relname IN ('pipeline', 'closure')";
    let before: String = tx.query_one(files, &[]).expect("relfilenode").get(0);
    tx.batch_execute(statement)
        .unwrap_or_else(|e| panic!("{}\n{statement}", db_error(&e)));
    let scans: i64 = tx
        .query_one(
            "SELECT coalesce(sum(seq_scan), 0)::bigint FROM pg_stat_xact_user_tables
             WHERE relname IN ('pipeline', 'closure')",
            &[],
        )
        .expect("pg_stat_xact_user_tables")
        .get(0);
    let after: String = tx.query_one(files, &[]).expect("relfilenode").get(0);
    tx.commit().expect("commit");
    (scans, before != after)
}

/// Statements that wait on other sessions with a lock writers pass (`CONCURRENTLY`,
/// `VALIDATE`), are short batches (the other tests hold them to that), or only read (a
/// guard's `SELECT`, under the lock every query takes).
fn waits_without_blocking_writers(statement: &str) -> bool {
    statement.contains("CONCURRENTLY")
        || statement.contains("VALIDATE CONSTRAINT")
        || statement.starts_with("UPDATE")
        || statement.starts_with("DO $guard$")
}

/// Runs `sql` step by step; every statement that may take a lock blocking writers (all
/// but those of [`waits_without_blocking_writers`]) must scan no row and rewrite nothing,
/// so that lock is never held across a scan, unless the generator marked it as reviewed.
fn run_checking_each_lock(db: &TestDb, sql: &str) {
    for statement in split_statements(sql) {
        let text = statement.text;
        if matches!(text, "BEGIN" | "COMMIT") {
            continue;
        }
        if waits_without_blocking_writers(text) {
            db.client()
                .batch_execute(text)
                .unwrap_or_else(|e| panic!("{}\n{text}", db_error(&e)));
            continue;
        }
        // The generator marks the one blocking form it writes on purpose (a type changed
        // back on the way down) for lint, with a warning when it writes it.
        let reviewed = sql[..statement.offset]
            .trim_end()
            .lines()
            .last()
            .is_some_and(|line| line.starts_with("-- watcher-schema: allow"));
        let effect = scans_and_rewrites(db, text);
        assert!(reviewed || effect == (0, false), "{text}: {effect:?}");
    }
}

#[test]
fn no_online_step_holds_a_lock_that_blocks_writers_across_a_scan_or_a_rewrite() {
    for (change, hints) in cases() {
        let (db, from) = populated();
        let to = declared(&from, change);
        let plan = plan(&from, &to, &hints).unwrap_or_else(|e| panic!("refused: {e}"));
        run_checking_each_lock(&db, &render(&plan.up));
        run_checking_each_lock(&db, &render(&plan.down));
    }
}

#[test]
fn the_plain_forms_scan_or_rewrite_under_their_lock() {
    let (db, _) = populated();
    let plain = [
        "ALTER TABLE pipeline ADD COLUMN r double precision NOT NULL DEFAULT random()",
        "ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL",
        "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_check CHECK (length(name) > 1)",
        "ALTER TABLE closure ADD CONSTRAINT closure_target_fkey FOREIGN KEY (target) REFERENCES pipeline (id)",
        "CREATE INDEX ix_code ON pipeline (code)",
        "ALTER TABLE closure ALTER COLUMN depth TYPE bigint",
    ];
    execute(&db, "UPDATE pipeline SET code = 'x' WHERE code IS NULL");
    for statement in plain {
        let (scans, rewritten) = scans_and_rewrites(&db, statement);
        assert!(scans > 0 || rewritten, "{statement}: no scan, no rewrite");
    }
}

/// `SET NOT NULL` skips its scan because a valid `CHECK (c IS NOT NULL)` proves it:
/// PostgreSQL says so at DEBUG1.
#[test]
fn set_not_null_behind_a_valid_check_is_proven_without_a_scan() {
    let (db, _) = populated();
    execute(
        &db,
        "UPDATE pipeline SET code = 'x' WHERE code IS NULL;
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_not_null CHECK (code IS NOT NULL) NOT VALID;
         ALTER TABLE pipeline VALIDATE CONSTRAINT pipeline_code_not_null;",
    );
    let (tx, rx) = mpsc::channel();
    let mut config: postgres::Config = db.url().parse().expect("a URL");
    config.notice_callback(move |notice| {
        let _ = tx.send(notice.message().to_string());
    });
    let mut client = config.connect(postgres::NoTls).expect("connect");
    client
        .batch_execute(
            "SET client_min_messages = debug1;
             BEGIN;
             ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;
             ALTER TABLE pipeline DROP CONSTRAINT pipeline_code_not_null;
             COMMIT;",
        )
        .unwrap_or_else(|e| panic!("{}", db_error(&e)));
    // Notices arrive while the statements run; the callback keeps the sender alive.
    let notices: Vec<String> = rx.try_iter().collect();
    assert!(
        notices.iter().any(|n| n
            == "existing constraints on column \"pipeline.code\" are sufficient to prove that it \
                does not contain nulls"),
        "{notices:?}"
    );
}
