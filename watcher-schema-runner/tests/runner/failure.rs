use std::sync::{Arc, Mutex};

use watcher_schema_runner::{RunError, Target};

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
