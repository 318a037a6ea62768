use std::process::Command;

use watcher_schema_runner::Target;

use crate::support::{self, connect, fixture, runner, TempMigrations, TestDb};

/// Runs `script` with `psql -1 -f`, as the `--sql` output is meant to be used.
fn psql_single_transaction(db: &TestDb, script: &str) {
    let dir = TempMigrations::copy("basic");
    let file = dir.file("offline.sql");
    std::fs::write(&file, script).unwrap();
    let output = Command::new("psql")
        .args(["-X", "-q", "-1", "-f"])
        .arg(&file)
        .arg(db.url())
        .output()
        .expect("psql is installed (/usr/bin/psql)");
    assert!(
        output.status.success(),
        "psql -1 -f failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn offline_script_through_psql_gives_the_same_ledger_and_catalog() {
    for set in ["basic", "concurrently"] {
        let runner = runner(&fixture(set));
        let online = TestDb::new();
        runner.run_pending(&mut connect(&online)).unwrap();

        let offline = TestDb::new();
        let script = runner.offline_script(&Target::Base, &Target::Head).unwrap();
        psql_single_transaction(&offline, &script);

        let (mut a, mut b) = (online.client(), offline.client());
        assert_eq!(support::ledger(&mut a), support::ledger(&mut b), "{set}");
        support::assert_same_catalog(&support::catalog(&mut a), &support::catalog(&mut b));

        // The runner accepts what the script recorded.
        assert!(runner
            .run_pending(&mut connect(&offline))
            .unwrap()
            .is_empty());
    }
}

#[test]
fn offline_downgrade_script_reverts_and_unrecords() {
    let runner = runner(&fixture("basic"));
    let db = TestDb::new();
    let mut conn = connect(&db);
    let mut client = db.client();
    runner
        .upgrade_to(&mut conn, &"+1".parse().unwrap())
        .unwrap();
    let at_first = support::catalog(&mut client);
    runner.run_pending(&mut conn).unwrap();

    let script = runner
        .offline_script(&Target::Head, &"20250101000001".parse().unwrap())
        .unwrap();
    assert!(script.contains("DELETE FROM __diesel_schema_migrations"));
    assert!(!script.contains("INSERT INTO __diesel_schema_migrations"));
    psql_single_transaction(&db, &script);

    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    support::assert_same_catalog(&at_first, &support::catalog(&mut client));
}

#[test]
fn offline_script_stops_at_a_failing_migration_keeping_the_ones_before() {
    let dir = TempMigrations::copy("failing");
    let runner = runner(&dir.path);
    let db = TestDb::new();
    let script = runner.offline_script(&Target::Base, &Target::Head).unwrap();
    let file = dir.file("offline.sql");
    std::fs::write(&file, &script).unwrap();
    let status = Command::new("psql")
        .args(["-X", "-q", "-1", "-f"])
        .arg(&file)
        .arg(db.url())
        .output()
        .unwrap()
        .status;
    assert!(!status.success(), "ON_ERROR_STOP makes psql fail");
    let mut client = db.client();
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    assert!(!support::catalog(&mut client).contains("relation r address"));
}
