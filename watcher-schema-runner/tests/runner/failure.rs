use std::sync::{Arc, Mutex};

use watcher_schema_runner::{Located, RunError, Target};

use crate::support::{self, connect, runner, TempMigrations, TestDb};

const FAILING: &str = "20250101000002_add_address/up.sql";

fn expect_failure(error: RunError) -> watcher_schema_runner::MigrationFailure {
    match error {
        RunError::MigrationFailed(failure) => *failure,
        other => panic!("expected a migration failure, got {other:?}"),
    }
}

#[test]
fn a_migration_failing_halfway_leaves_the_catalog_as_it_was() {
    let db = TestDb::new();
    let dir = TempMigrations::copy("failing");
    let mut conn = connect(&db);
    let mut client = db.client();
    runner(&dir.path)
        .upgrade_to(&mut conn, &Target::Relative(1))
        .expect("the first migration is fine");
    let before = support::catalog(&mut client);
    let types_before: i64 = client
        .query_one("SELECT count(*) FROM pipeline_type", &[])
        .unwrap()
        .get(0);

    let error = runner(&dir.path)
        .run_pending(&mut conn)
        .expect_err("the second migration references a missing table");
    let message = error.to_string();
    let failure = expect_failure(error);

    assert_eq!(failure.version, "20250101000002");
    assert_eq!(failure.file, FAILING);
    assert_eq!(failure.line, Some(6), "{message}");
    assert!(
        failure
            .statement
            .as_deref()
            .is_some_and(|s| s.contains("REFERENCES adress")),
        "{failure:?}"
    );
    assert!(
        failure.message.contains("\"adress\" does not exist"),
        "{message}"
    );
    assert!(failure.in_transaction);
    // DDL errors carry no position; only one statement names `adress`, and the message
    // says that is how it was found.
    assert_eq!(failure.located, Located::Naming(vec!["adress".into()]));
    assert!(
        message.contains("the only statement naming `adress`"),
        "{message}"
    );
    assert!(message.contains(&format!("{FAILING}:6")), "{message}");
    assert!(message.contains("rolled back"), "{message}");

    support::assert_same_catalog(&before, &support::catalog(&mut client));
    let types_after: i64 = client
        .query_one("SELECT count(*) FROM pipeline_type", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        types_before, types_after,
        "the good INSERT before it was rolled back"
    );
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    assert_eq!(
        support::advisory_locks(&mut client),
        0,
        "unlocked after the error"
    );

    dir.edit(FAILING, |sql| sql.replace("adress", "address"));
    let report = runner(&dir.path)
        .run_pending(&mut conn)
        .expect("the fixed migration runs");
    assert_eq!(report.migrations.len(), 1);
    assert_eq!(
        support::versions(&mut client),
        ["20250101000001", "20250101000002"]
    );
}

#[test]
fn statement_logging_runs_one_statement_at_a_time_and_names_the_same_line() {
    let db = TestDb::new();
    let dir = TempMigrations::copy("failing");
    let logged = Arc::new(Mutex::new(Vec::new()));
    let sink = logged.clone();
    let runner = runner(&dir.path).log_statements(move |s| {
        sink.lock().unwrap().push(format!("{}:{}", s.file, s.line));
    });
    let error = runner
        .run_pending(&mut connect(&db))
        .expect_err("the second migration fails");
    let failure = expect_failure(error);
    assert_eq!((failure.file.as_str(), failure.line), (FAILING, Some(6)));

    let logged = logged.lock().unwrap();
    assert_eq!(
        logged.last().map(String::as_str),
        Some(&*format!("{FAILING}:6")),
        "the last statement logged is the one that failed: {logged:?}"
    );
    assert!(logged.contains(&"20250101000001_create_pipeline/up.sql:3".to_owned()));
    let mut client = db.client();
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    assert!(!support::catalog(&mut client).contains("relation r address"));
}

#[test]
fn a_non_transactional_migration_failing_says_what_stays_applied() {
    let db = TestDb::new();
    let dir = TempMigrations::copy("concurrently");
    dir.edit("20250101000002_index_pipeline_created_at/up.sql", |sql| {
        sql.replace("(group_name)", "(no_such_column)")
    });
    let error = runner(&dir.path)
        .run_pending(&mut connect(&db))
        .expect_err("the second index names a missing column");
    let message = error.to_string();
    let failure = expect_failure(error);
    assert!(!failure.in_transaction);
    assert_eq!(failure.line, Some(2), "{message}");
    assert!(message.contains("run_in_transaction = false"), "{message}");

    let mut client = db.client();
    assert!(
        support::catalog(&mut client).contains("index CREATE INDEX ix_pipeline_created_at"),
        "the first statement stays applied, as the error says"
    );
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
}

/// The last value of the sequence `side_effect`, which a failed migration bumps: `nextval`
/// is not rolled back, so it counts how often the migration's SQL ran.
fn runs(client: &mut postgres::Client) -> i64 {
    client
        .query_one(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM side_effect",
            &[],
        )
        .unwrap()
        .get(0)
}

/// Runs the `failing` fixture with `up` as the second migration's `up.sql`, against a
/// database with the sequence `side_effect`, and returns the failure and the sequence.
fn fail_with(up: &str) -> (watcher_schema_runner::MigrationFailure, String, i64) {
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute("CREATE SEQUENCE side_effect").unwrap();
    let dir = TempMigrations::copy("failing");
    dir.edit(FAILING, |_| up.to_owned());
    let error = runner(&dir.path)
        .run_pending(&mut connect(&db))
        .expect_err("the second migration fails");
    let message = error.to_string();
    let failure = expect_failure(error);
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    (failure, message, runs(&mut client))
}

#[test]
fn a_failed_migration_runs_once_and_the_error_position_names_the_statement() {
    let (failure, message, runs) = fail_with(
        "SELECT nextval('side_effect');\n\
         CREATE TABLE address (\n    id serial PRIMARY KEY\n);\n\
         INSERT INTO adress (id)\n    VALUES (1);\n",
    );
    assert_eq!(runs, 1, "the migration ran {runs} times");
    assert_eq!(failure.located, Located::Position);
    assert_eq!(failure.line, Some(5), "{message}");
    assert_eq!(
        failure.statement.as_deref(),
        Some("INSERT INTO adress (id)\n    VALUES (1)")
    );
    assert!(message.contains(&format!("{FAILING}:5")), "{message}");
}

#[test]
fn an_error_without_position_runs_once_and_says_the_statement_is_not_known() {
    let (failure, message, runs) =
        fail_with("SELECT nextval('side_effect');\nCREATE TABLE t (id integer);\nSELECT 1 / 0;\n");
    assert_eq!(runs, 1, "the migration ran {runs} times");
    assert_eq!(failure.located, Located::Unknown);
    assert_eq!((failure.line, failure.statement.as_deref()), (None, None));
    assert!(failure.message.contains("division by zero"), "{message}");
    assert!(
        message.contains(&format!("`{FAILING}`: division by zero")),
        "{message}"
    );
    assert!(
        message.contains("the migration was not run again to find it"),
        "{message}"
    );
}

#[test]
fn a_file_of_one_statement_names_it_without_a_position() {
    let (failure, message, runs) =
        fail_with("-- backfill\nSELECT 1 / (nextval('side_effect') - 1);\n");
    assert_eq!(runs, 1, "the migration ran {runs} times");
    assert_eq!(failure.located, Located::OnlyStatement);
    assert_eq!(failure.line, Some(2), "{message}");
    assert!(message.contains(&format!("{FAILING}:2")), "{message}");
}

#[test]
fn a_failing_ledger_write_rolls_back_its_migration_and_says_so() {
    // The migration writes its own row, so the runner's write of it fails: the error is
    // the ledger's, the migration is rolled back with it, and the session is left idle
    // and unlocked.
    let db = TestDb::new();
    let mut client = db.client();
    let dir = TempMigrations::copy("failing");
    dir.edit(FAILING, |_| {
        "CREATE TABLE address (id serial PRIMARY KEY);\n\
         INSERT INTO __diesel_schema_migrations (version) VALUES ('20250101000002');\n"
            .to_owned()
    });
    let mut conn = connect(&db);
    let error = runner(&dir.path)
        .run_pending(&mut conn)
        .expect_err("the ledger row exists already");
    let message = error.to_string();
    assert!(message.starts_with("cannot write the ledger"), "{message}");
    assert!(message.contains("duplicate key"), "{message}");
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    let address: bool = client
        .query_one("SELECT to_regclass('address') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    assert!(!address, "the migration was rolled back with its row");
    assert_eq!(support::advisory_locks(&mut client), 0, "unlocked");
    let idle: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state <> 'idle'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        idle, 0,
        "the runner's session is out of the failed transaction"
    );
}

/// The basic fixture's middle and last migrations.
const MIDDLE: &str = "20250101000002_create_pipeline_execution/up.sql";
const LAST: &str = "20250101000003_add_pipeline_input_hash/up.sql";

#[test]
fn a_deferred_constraint_failing_at_commit_stops_the_run_at_its_own_migration() {
    let db = TestDb::new();
    let mut client = db.client();
    let dir = TempMigrations::copy("basic");
    dir.edit(MIDDLE, |_| {
        "CREATE TABLE parent (id integer PRIMARY KEY);\n\
         CREATE TABLE child (parent_id integer REFERENCES parent (id) \
         DEFERRABLE INITIALLY DEFERRED);\n\
         INSERT INTO child VALUES (1);\n"
            .to_owned()
    });
    let mut conn = connect(&db);
    let error = runner(&dir.path)
        .run_pending(&mut conn)
        .expect_err("the deferred foreign key fails at COMMIT");
    let message = error.to_string();
    let failure = expect_failure(error);
    assert_eq!(failure.version, "20250101000002", "{message}");
    assert!(
        failure.message.contains("violates foreign key constraint"),
        "{message}"
    );
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    let exists = |client: &mut postgres::Client, sql: &str| -> bool {
        client.query_one(sql, &[]).unwrap().get(0)
    };
    assert!(!exists(
        &mut client,
        "SELECT to_regclass('child') IS NOT NULL"
    ));
    assert!(
        !exists(
            &mut client,
            "SELECT EXISTS (SELECT FROM information_schema.columns \
             WHERE table_name = 'pipeline' AND column_name = 'input_hash')"
        ),
        "the last migration was rolled back too"
    );
    assert_eq!(support::advisory_locks(&mut client), 0, "unlocked");
}

#[test]
fn a_batch_that_does_not_parse_keeps_the_migration_before_it() {
    // Nothing of a batch that does not parse runs, and a parse error inside an open
    // transaction block would abort it: this is why the migration before it is committed
    // on its own, not by a `COMMIT` at the start of this batch.
    let db = TestDb::new();
    let mut client = db.client();
    let dir = TempMigrations::copy("basic");
    dir.edit(LAST, |_| "-- typo\nSELEC 1;\n".to_owned());
    let error = runner(&dir.path)
        .run_pending(&mut connect(&db))
        .expect_err("the last migration does not parse");
    let message = error.to_string();
    let failure = expect_failure(error);
    assert_eq!(failure.version, "20250101000003", "{message}");
    assert_eq!(failure.located, Located::Position);
    assert_eq!(failure.line, Some(2), "{message}");
    assert_eq!(failure.statement.as_deref(), Some("SELEC 1"));
    assert_eq!(
        support::versions(&mut client),
        ["20250101000001", "20250101000002"]
    );
    assert_eq!(support::advisory_locks(&mut client), 0, "unlocked");
}
