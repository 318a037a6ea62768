use std::sync::{Arc, Barrier};
use std::thread;

use diesel_migrations::{embed_migrations, EmbeddedMigrations};
use watcher_schema_runner::{Action, Runner};

use crate::support::{self, connect, fixture, runner, TestDb};

const BASIC: EmbeddedMigrations = embed_migrations!("tests/fixtures/basic");

#[test]
fn sixteen_replicas_booting_at_once_each_run_every_migration_once() {
    let db = TestDb::new();
    let runner = Runner::new(&BASIC).expect("embedded migrations read");
    let start = Arc::new(Barrier::new(16));
    let replicas: Vec<_> = (0..16)
        .map(|_| {
            let (runner, start, url) = (runner.clone(), start.clone(), db.url().to_owned());
            thread::spawn(move || {
                let mut conn = Runner::connect(&url).expect("replica connects");
                start.wait();
                runner.run_pending(&mut conn)
            })
        })
        .collect();
    let reports: Vec<_> = replicas
        .into_iter()
        .map(|r| r.join().expect("replica thread").expect("replica boots"))
        .collect();

    let mut upgrades: Vec<String> = reports
        .iter()
        .flat_map(|r| &r.migrations)
        .filter(|m| m.action == Action::Upgrade)
        .map(|m| m.version.clone())
        .collect();
    upgrades.sort();
    assert_eq!(
        upgrades,
        ["20250101000001", "20250101000002", "20250101000003"],
        "each migration runs once across all replicas"
    );
    let mut client = db.client();
    assert_eq!(
        support::versions(&mut client),
        ["20250101000001", "20250101000002", "20250101000003"]
    );
    let input_hash: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns \
             WHERE table_name = 'pipeline' AND column_name = 'input_hash'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(input_hash, 1);
    assert_eq!(
        support::advisory_locks(&mut client),
        0,
        "every replica unlocked"
    );
}

#[test]
fn embedded_and_directory_sources_read_the_same_migrations() {
    let embedded = Runner::new(&BASIC).expect("embedded migrations read");
    let from_dir = runner(&fixture("basic"));
    assert_eq!(embedded.migrations(), from_dir.migrations());
    let first = &from_dir.migrations()[0];
    assert_eq!(first.name(), "20250101000001_create_pipeline");
    assert!(first.up().starts_with("CREATE TYPE datetimegranularity"));
    assert!(first.down().is_some_and(|d| d.contains("DROP TYPE")));
}

#[test]
fn a_second_boot_runs_nothing_and_reports_nothing() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    let first = runner.run_pending(&mut conn).expect("first boot");
    assert_eq!(first.migrations.len(), 3);
    assert_eq!(first.to_string().lines().count(), 3);
    let second = runner.run_pending(&mut conn).expect("second boot");
    assert!(second.is_empty(), "nothing to run: {second}");
}

#[test]
fn runs_create_index_concurrently_outside_a_transaction() {
    let db = TestDb::new();
    let runner = runner(&fixture("concurrently"));
    assert!(!runner.migrations()[1].run_in_transaction());
    let mut conn = connect(&db);
    runner
        .run_pending(&mut conn)
        .expect("concurrent index migration runs");

    let mut client = db.client();
    let valid: Vec<(String, bool)> = client
        .query(
            "SELECT indexrelid::regclass::text, indisvalid FROM pg_index \
             WHERE indexrelid::regclass::text IN \
               ('ix_pipeline_created_at', 'ix_pipeline_type_group_name') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        valid,
        [
            ("ix_pipeline_created_at".to_owned(), true),
            ("ix_pipeline_type_group_name".to_owned(), true)
        ]
    );
    assert_eq!(support::versions(&mut client).len(), 2);

    runner
        .downgrade_to(&mut conn, &"-1".parse().unwrap())
        .expect("DROP INDEX CONCURRENTLY runs too");
    assert!(!support::catalog(&mut client).contains("ix_pipeline_created_at"));
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
}

#[test]
fn refuses_a_read_only_session_before_touching_anything() {
    let db = TestDb::new();
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE {} SET default_transaction_read_only = on",
            db.name()
        ))
        .unwrap();
    let error = runner(&fixture("basic"))
        .run_pending(&mut connect(&db))
        .expect_err("a read-only session cannot migrate");
    assert!(
        matches!(error, watcher_schema_runner::RunError::ReadOnly),
        "{error:?}"
    );
    assert!(error.to_string().contains("read-only"), "{error}");
    assert!(
        support::ledger(&mut db.client()).is_empty(),
        "no ledger was created"
    );
}

#[test]
fn redacts_the_password_when_it_cannot_connect() {
    let Err(error) = Runner::connect("postgres://app:s3cret@127.0.0.1:1/watcher") else {
        panic!("nothing listens on port 1");
    };
    let message = error.to_string();
    assert!(message.contains("app:***@127.0.0.1:1"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
}

#[test]
fn sixteen_boot_processes_started_together_each_run_every_migration_once() {
    let db = TestDb::new();
    let replicas: Vec<_> = (0..16)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_watcher-schema-boot"))
                .arg(fixture("basic"))
                .env("DATABASE_URL", db.url())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start a boot process")
        })
        .collect();
    let mut upgraded = Vec::new();
    for replica in replicas {
        let output = replica.wait_with_output().expect("boot process ends");
        assert!(
            output.status.success(),
            "a replica failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        upgraded.extend(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|line| {
                    line.strip_prefix("upgrade")
                        .map(|rest| rest.trim().to_owned())
                }),
        );
    }
    upgraded.sort();
    let names: Vec<&str> = upgraded
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "20250101000001_create_pipeline",
            "20250101000002_create_pipeline_execution",
            "20250101000003_add_pipeline_input_hash"
        ]
    );
    assert_eq!(support::versions(&mut db.client()).len(), 3);
}

#[test]
fn the_boot_process_exits_with_a_usage_error_without_a_database() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_watcher-schema-boot"))
        .arg(fixture("basic"))
        .env_remove("DATABASE_URL")
        .output()
        .expect("run the boot process");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_URL is not set"));
}
