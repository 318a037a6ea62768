//! A `kill -9` of the CLI in the middle of a migration leaves the database unchanged, and
//! the next run completes.

use std::fs;
use std::process::Stdio;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::support::{run, Project, V1, V2, V3};

#[test]
fn kill_9_during_a_long_migration_leaves_nothing_behind() {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    let dir = p.migrations().join("20250201000000_slow");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("up.sql"),
        "CREATE TABLE slow (id integer);\nSELECT pg_sleep(3);\nALTER TABLE pipeline ADD COLUMN late text;\n",
    )
    .unwrap();
    fs::write(
        dir.join("down.sql"),
        "ALTER TABLE pipeline DROP COLUMN late;\nDROP TABLE slow;\n",
    )
    .unwrap();
    fs::write(
        dir.join("metadata.toml"),
        format!("run_in_transaction = true\ndown_revision = \"{V3}\"\n"),
    )
    .unwrap();

    let mut child = p
        .command(&["upgrade"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut client = p.db().client();
    let started = Instant::now();
    loop {
        let sleeping: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0);
        if sleeping > 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the migration never reached pg_sleep"
        );
        assert!(child.try_wait().unwrap().is_none(), "the CLI exited early");
        sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let slow: bool = client
        .query_one("SELECT to_regclass('slow') IS NULL", &[])
        .unwrap()
        .get(0);
    assert!(slow, "the killed migration's table is not visible");
    assert_eq!(p.ledger(), [V1, V2, V3]);

    // The orphaned session still holds the migration lock until its statement ends; the
    // next run waits for it, then applies the migration once.
    run(p.command(&["upgrade"]))
        .ok()
        .stdout_has("upgrade   20250201000000_slow");
    assert_eq!(p.ledger(), [V1, V2, V3, "20250201000000"]);
    let late: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns \
             WHERE table_name = 'pipeline' AND column_name = 'late'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(late, 1);
}
