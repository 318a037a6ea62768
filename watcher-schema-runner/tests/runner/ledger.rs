use std::fs;
use std::sync::{Arc, Mutex};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::{Connection, PgConnection};
use watcher_schema_runner::{Action, RunError, Target};

use crate::support::{self, connect, fixture, runner, TempMigrations, TestDb};

#[test]
fn records_checksum_and_duration_in_diesels_ledger() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    runner.run_pending(&mut conn).unwrap();

    let applied = runner.applied(&mut conn).unwrap();
    assert_eq!(applied.len(), 3);
    for (row, m) in applied.iter().zip(runner.migrations()) {
        assert_eq!(row.version, m.version());
        assert_eq!(row.checksum.as_deref(), Some(m.checksum()));
        assert!(row.duration.is_some());
    }
    let mut client = db.client();
    let ledger = support::ledger(&mut client);
    assert_eq!(
        ledger[0].1.as_deref(),
        Some(runner.migrations()[0].checksum())
    );
    // Diesel's own columns are untouched: version is still varchar(50), run_on set.
    let diesel_shape: Vec<(String, String)> = client
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_name = '__diesel_schema_migrations' ORDER BY ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let names: Vec<&str> = diesel_shape.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["version", "run_on", "checksum", "duration_ms"]);
    assert!(runner.pending(&mut conn).unwrap().is_empty());
}

/// The ledger's columns (name, type, nullability, default) and constraints, from the catalog.
fn ledger_shape(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "SELECT column_name || ' ' || data_type || coalesce('(' || character_maximum_length \
                    || ')', '') || ' null=' || is_nullable || ' default=' \
                    || coalesce(column_default, '-') \
             FROM information_schema.columns \
             WHERE table_name = '__diesel_schema_migrations' \
             UNION ALL \
             SELECT 'constraint ' || pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE conrelid = '__diesel_schema_migrations'::regclass \
             ORDER BY 1",
            &[],
        )
        .expect("read the ledger's shape")
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[test]
fn a_new_ledger_has_the_shape_of_diesels_with_the_runners_columns_added() {
    let runner = runner(&fixture("basic"));
    // Created by the runner on an empty database, in one statement.
    let fresh = TestDb::new();
    runner.run_pending(&mut connect(&fresh)).unwrap();
    // Created by Diesel's own statement, then extended by the runner.
    let adopted = TestDb::new();
    adopted
        .client()
        .batch_execute(diesel::migration::CREATE_MIGRATIONS_TABLE)
        .unwrap();
    runner.run_pending(&mut connect(&adopted)).unwrap();

    let shape = ledger_shape(&mut fresh.client());
    assert_eq!(shape, ledger_shape(&mut adopted.client()));
    assert_eq!(
        shape,
        [
            "checksum text null=YES default=-",
            "constraint PRIMARY KEY (version)",
            "duration_ms bigint null=YES default=-",
            "run_on timestamp without time zone null=NO default=CURRENT_TIMESTAMP",
            "version character varying(50) null=NO default=-",
        ]
    );
}

#[test]
fn refuses_to_run_when_an_applied_migration_was_edited() {
    let db = TestDb::new();
    let dir = TempMigrations::copy("basic");
    let mut conn = connect(&db);
    runner(&dir.path)
        .upgrade_to(&mut conn, &Target::Relative(2))
        .unwrap();
    let edited = "20250101000001_create_pipeline/up.sql";
    dir.edit(edited, |sql| sql.replace("varchar(150)", "varchar(200)"));

    // Read-only, as `check` asks: the edited migration is named, with both checksums.
    let reader = runner(&dir.path);
    let changed = reader.changed(&reader.applied(&mut conn).unwrap());
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].name, "20250101000001_create_pipeline");
    assert_ne!(changed[0].recorded, changed[0].current);

    let error = runner(&dir.path)
        .run_pending(&mut conn)
        .expect_err("an applied migration changed");
    let message = error.to_string();
    match &error {
        RunError::Changed { migrations } => {
            assert_eq!(migrations.len(), 1);
            assert_eq!(migrations[0].name, "20250101000001_create_pipeline");
        }
        other => panic!("expected Changed, got {other:?}"),
    }
    assert!(message.contains(edited), "{message}");
    assert!(message.contains("stamp"), "{message}");
    let mut client = db.client();
    assert_eq!(
        support::versions(&mut client).len(),
        2,
        "the pending one did not run"
    );

    // After review, stamping the current version accepts the edited file.
    let stamp = runner(&dir.path)
        .stamp(&mut conn, &"20250101000002".parse().unwrap())
        .unwrap();
    assert_eq!(stamp.migrations.len(), 1);
    assert_eq!(stamp.migrations[0].action, Action::Stamp);
    runner(&dir.path)
        .run_pending(&mut conn)
        .expect("runs after the stamp");
    assert_eq!(support::versions(&mut client).len(), 3);
}

#[test]
fn line_endings_do_not_count_as_an_edit() {
    let db = TestDb::new();
    let dir = TempMigrations::copy("basic");
    let mut conn = connect(&db);
    runner(&dir.path).run_pending(&mut conn).unwrap();
    let file = dir.file("20250101000001_create_pipeline/up.sql");
    let crlf = fs::read_to_string(&file).unwrap().replace('\n', "\r\n");
    fs::write(&file, crlf).unwrap();
    runner(&dir.path)
        .run_pending(&mut conn)
        .expect("CRLF line endings are the same migration");
}

#[test]
fn refuses_a_database_newer_than_the_binary() {
    let db = TestDb::new();
    let mut conn = connect(&db);
    runner(&fixture("basic")).run_pending(&mut conn).unwrap();
    let dir = TempMigrations::copy("basic");
    fs::remove_dir_all(dir.file("20250101000003_add_pipeline_input_hash")).unwrap();
    let older = runner(&dir.path);

    for error in [
        older.run_pending(&mut conn).unwrap_err(),
        older.downgrade_to(&mut conn, &Target::Base).unwrap_err(),
        older.stamp(&mut conn, &Target::Head).unwrap_err(),
    ] {
        match &error {
            RunError::UnknownApplied {
                versions,
                known_head,
            } => {
                assert_eq!(versions, &["20250101000003"]);
                assert_eq!(known_head.as_deref(), Some("20250101000002"));
            }
            other => panic!("expected UnknownApplied, got {other:?}"),
        }
        assert!(error.to_string().contains("does not know"), "{error}");
    }
    assert_eq!(
        support::versions(&mut db.client()).len(),
        3,
        "nothing was undone"
    );
}

#[test]
fn adopts_rows_written_by_diesels_cli_and_fills_their_checksum() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let first = &runner.migrations()[0];
    let mut client = db.client();
    // What `diesel migration run` leaves: its table without our columns, a bare row.
    client
        .batch_execute(diesel::migration::CREATE_MIGRATIONS_TABLE)
        .unwrap();
    client.batch_execute(first.up()).unwrap();
    client
        .execute(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ($1)",
            &[&first.version()],
        )
        .unwrap();
    let mut conn = connect(&db);
    assert_eq!(runner.applied(&mut conn).unwrap()[0].checksum, None);

    let report = runner.run_pending(&mut conn).unwrap();
    assert_eq!(report.migrations.len(), 2);
    assert_eq!(
        support::ledger(&mut client)[0],
        (
            first.version().to_owned(),
            Some(first.checksum().to_owned())
        )
    );
}

#[test]
fn stamps_forwards_and_backwards_without_running_sql() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    let mut client = db.client();

    let report = runner
        .stamp(&mut conn, &"20250101000002".parse().unwrap())
        .unwrap();
    assert_eq!(report.to_string().lines().count(), 2);
    assert_eq!(
        support::versions(&mut client),
        ["20250101000001", "20250101000002"]
    );
    assert_eq!(support::catalog(&mut client), "", "no migration SQL ran");

    let report = runner.stamp(&mut conn, &Target::Base).unwrap();
    assert!(report
        .migrations
        .iter()
        .all(|m| m.action == Action::Unstamp));
    assert!(support::versions(&mut client).is_empty());
}

#[test]
fn when_the_ledger_cannot_be_read_the_first_error_is_reported() {
    // Diesel's ledger without the checksum, and a `duration_ms` of the wrong type that the
    // setup (`ADD COLUMN IF NOT EXISTS`) leaves alone: the first read fails on the missing
    // column, the setup adds it, the second read fails on the wrong type.
    let db = TestDb::new();
    db.client()
        .batch_execute(
            "CREATE TABLE __diesel_schema_migrations (\
                 version varchar(50) PRIMARY KEY, \
                 run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, \
                 duration_ms text); \
             INSERT INTO __diesel_schema_migrations (version, duration_ms) \
             VALUES ('20250101000001', 'slow')",
        )
        .unwrap();
    let error = runner(&fixture("basic"))
        .run_pending(&mut connect(&db))
        .expect_err("the ledger cannot be read");
    let message = error.to_string();
    assert!(
        matches!(error, RunError::Ledger { .. }),
        "expected a ledger error, got {error:?}"
    );
    assert!(
        message.starts_with(
            "cannot read the ledger `__diesel_schema_migrations`: column \"checksum\" does not exist"
        ),
        "{message}"
    );
    assert!(
        message.contains("then: reading it again after setting it up failed"),
        "{message}"
    );
}

/// `revision -m` without `--autogenerate` writes files of comments only; PostgreSQL calls
/// such a batch an empty query, which must not fail the upgrade or the downgrade.
#[test]
fn a_migration_of_comments_only_is_applied_and_reverted() {
    let db = TestDb::new();
    for in_transaction in [true, false] {
        let runner = watcher_schema_runner::Runner::from_scripts(vec![
            watcher_schema_runner::MigrationScript::new(
                "20250101000000_placeholder",
                "-- placeholder\n-- written by `watcher-schema revision`\n",
                Some("-- placeholder\n".into()),
                in_transaction,
            ),
        ])
        .unwrap();
        let mut conn = connect(&db);
        let report = runner.run_pending(&mut conn).unwrap();
        assert_eq!(
            report.migrations.len(),
            1,
            "in_transaction = {in_transaction}"
        );
        assert_eq!(runner.applied(&mut conn).unwrap().len(), 1);
        runner.downgrade_to(&mut conn, &Target::Base).unwrap();
        assert!(runner.applied(&mut conn).unwrap().is_empty());
    }
}

/// What each statement sent on `conn` from now on is, in order (a name for each kind the
/// runner sends), and whether any failed.
fn record_statements(conn: &mut PgConnection) -> Arc<Mutex<Vec<(String, bool)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let record = move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::FinishQuery { query, error, .. } = event {
            let sql = query.to_string();
            let kind = if sql.starts_with("SELECT pg_is_in_recovery()") {
                "probe".to_owned()
            } else if sql.starts_with("CREATE TABLE __diesel_schema_migrations") {
                "create the ledger".to_owned()
            } else if sql.starts_with("BEGIN;\n")
                && sql.contains("INSERT INTO __diesel_schema_migrations")
            {
                "migration and its row".to_owned()
            } else if sql.starts_with("SELECT version,") {
                "read the ledger".to_owned()
            } else if sql.starts_with("SELECT pg_advisory_unlock(") {
                "unlock".to_owned()
            } else {
                sql
            };
            sink.lock().unwrap().push((kind, error.is_some()));
        }
    };
    let instrumentation: Box<dyn Instrumentation> = Box::new(record);
    conn.set_instrumentation(instrumentation);
    seen
}

#[test]
fn a_first_deploy_sends_each_migration_with_its_row_in_one_batch_then_commit_and_nothing_fails() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    let seen = record_statements(&mut conn);
    runner.run_pending(&mut conn).unwrap();
    let seen = seen.lock().unwrap().clone();
    let kinds: Vec<&str> = seen.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "probe",
            "create the ledger",
            "migration and its row",
            "COMMIT",
            "migration and its row",
            "COMMIT",
            "migration and its row",
            "COMMIT",
            "unlock",
        ]
    );
    assert!(seen.iter().all(|(_, failed)| !failed), "{seen:?}");
    // Each row as the statement-by-statement path writes it: checksum and duration.
    let applied = runner.applied(&mut conn).unwrap();
    assert_eq!(applied.len(), 3);
    for (row, m) in applied.iter().zip(runner.migrations()) {
        assert_eq!(row.checksum.as_deref(), Some(m.checksum()));
        assert!(row.duration.is_some(), "{row:?}");
    }

    // A boot with nothing to do: the probe, the read, the unlock.
    let mut conn = connect(&db);
    let seen = record_statements(&mut conn);
    assert!(runner.run_pending(&mut conn).unwrap().is_empty());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("probe".to_owned(), false),
            ("read the ledger".to_owned(), false),
            ("unlock".to_owned(), false),
        ]
    );
}

#[test]
fn a_ledger_created_by_diesels_cli_is_read_not_created_again() {
    // The probe sees the ledger: no `CREATE`; the read fails on the missing columns, the
    // setup adds them, and the rows Diesel wrote are kept.
    let db = TestDb::new();
    db.client()
        .batch_execute(diesel::migration::CREATE_MIGRATIONS_TABLE)
        .unwrap();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    let seen = record_statements(&mut conn);
    runner.run_pending(&mut conn).unwrap();
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().all(|(kind, _)| kind != "create the ledger"),
        "{seen:?}"
    );
    assert_eq!(support::versions(&mut db.client()).len(), 3);
}
