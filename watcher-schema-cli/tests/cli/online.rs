//! Online migrations through the binary: `kill -9` between any two steps (and between two
//! batches of a backfill), then `upgrade` completes the migration as if nothing happened;
//! `current` and `history` show a partly applied migration; `upgrade --sql` runs in psql.

use std::process::Command;

use postgres::Client;

use crate::support::{run, Project};

/// The online fixture's migrations (20,000 addresses, then a seven-step online change).
const V1: &str = "20250101000001";
const V2: &str = "20250101000002";

/// Where the test hook aborts, in order: after each recorded step, and after the first
/// two batches of the first backfill (`step.batch`).
const ABORT_POINTS: [&str; 8] = ["1", "2.1", "2.2", "2", "3", "4", "5", "6"];

/// What the online migration leaves in the catalog, one fact a line.
fn catalog(client: &mut Client) -> String {
    let queries = [
        "SELECT 'column ' || column_name::text || ' ' || data_type::text || ' null=' \
                || is_nullable::text FROM information_schema.columns \
         WHERE table_name = 'address'",
        "SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE conrelid = 'address'::regclass",
        "SELECT 'index ' || indexrelid::regclass::text || ' valid=' || indisvalid::text \
                || ' ' || pg_get_indexdef(indexrelid) \
         FROM pg_index WHERE indrelid = 'address'::regclass",
    ];
    let mut lines: Vec<String> = queries
        .iter()
        .flat_map(|q| client.query(*q, &[]).unwrap())
        .map(|row| row.get::<_, String>(0))
        .collect();
    lines.sort();
    lines.join("\n")
}

/// Rows, and rows carrying the hash the migration computes.
fn rows(client: &mut Client) -> (i64, i64) {
    let row = client
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE input_hash = md5(name)) FROM address",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

fn progress(client: &mut Client) -> Option<i32> {
    client
        .query_opt("SELECT step FROM __watcher_schema_progress", &[])
        .unwrap()
        .map(|r| r.get(0))
}

/// `upgrade` killed at `point`: it dies by a signal, having printed the steps it did.
fn upgrade_killed_at(p: &Project, point: &str) {
    let out = p
        .command(&["upgrade"])
        .env("WATCHER_SCHEMA_TEST_ABORT_AFTER_STEP", point)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        None,
        "aborted at {point}, not exited:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `psql -f FILE URL`, without `-1`, as the script's header says.
fn psql(file: &std::path::Path, url: &str) -> Command {
    let mut cmd = Command::new("psql");
    cmd.args(["-X", "-q", "-f"]).arg(file).arg(url);
    cmd
}

#[test]
fn kill_9_at_every_step_then_upgrade_completes_as_an_uninterrupted_run() {
    let reference = Project::online();
    reference.run(&["upgrade"]).ok();
    let expected = catalog(&mut reference.db().client());
    assert!(
        expected.contains("index ix_address_input_hash valid=true"),
        "{expected}"
    );
    assert!(
        expected.contains("column input_hash text null=NO"),
        "{expected}"
    );

    for point in ABORT_POINTS {
        let p = Project::online();
        upgrade_killed_at(&p, point);
        let mut client = p.db().client();
        let done: i32 = point.split('.').next().unwrap().parse().unwrap();
        // Mid-backfill (`2.b`) only step 1 is recorded.
        let recorded = if point.contains('.') { done - 1 } else { done };
        assert_eq!(progress(&mut client), Some(recorded), "killed at {point}");
        assert_eq!(p.ledger(), [V1], "killed at {point}");
        p.run(&["current"])
            .ok()
            .stdout_has(&format!("in progress, step {}/7", recorded + 1));

        p.run(&["upgrade"])
            .ok()
            .stdout_has(&format!("upgrade   {V2}_address_input_hash"));
        assert_eq!(p.ledger(), [V1, V2], "killed at {point}");
        assert_eq!(progress(&mut client), None, "killed at {point}");
        assert_eq!(rows(&mut client), (20_000, 20_000), "killed at {point}");
        assert_eq!(catalog(&mut client), expected, "killed at {point}");
    }
}

#[test]
fn current_and_history_show_a_partly_applied_migration_and_downgrade_reverts_it() {
    let p = Project::online();
    upgrade_killed_at(&p, "3");
    p.run(&["current"]).ok().stdout_has(&format!(
        "{V2}_address_input_hash: in progress, step 4/7: backfill rows written or skipped meanwhile"
    ));
    p.run(&["history"])
        .ok()
        .stdout_has("in progress, step 4/7: backfill rows written or skipped meanwhile");
    let json = p.run(&["current", "--format", "json"]).ok().json();
    assert_eq!(json["in_progress"][0]["step"], 4, "{json}");

    p.run(&["downgrade", "-1"])
        .ok()
        .stdout_has(&format!("downgrade {V2}_address_input_hash"));
    let mut client = p.db().client();
    assert_eq!(progress(&mut client), None);
    assert_eq!(p.ledger(), [V1]);
    let left = catalog(&mut client);
    assert!(!left.contains("input_hash"), "{left}");
}

#[test]
fn progress_goes_to_stderr_one_line_per_event_when_not_a_terminal() {
    let p = Project::online();
    let run = p.run(&["upgrade"]);
    run.ok()
        .stderr_has(&format!(
            "upgrade {V2}_address_input_hash: step 2/7 (backfill address.input_hash): done in"
        ))
        .stderr_has(", 20000 rows")
        .stderr_has("step 7/7 (set address.input_hash NOT NULL): done");
    assert!(!run.stderr.contains('\r'), "no redrawing off a terminal");
}

#[test]
fn upgrade_sql_runs_in_psql_without_single_transaction_and_the_runner_agrees() {
    let p = Project::online();
    let script = p.run(&["upgrade", "--sql"]).ok().stdout.clone();
    for expected in [
        "NOT with `psql -1`",
        "SET lock_timeout = '2000ms';",
        "-- step 2/7: backfill address.input_hash (repeated batch)",
        "COMMIT;\n        EXIT WHEN affected = 0;",
        "\\if :watcher_invalid",
    ] {
        assert!(script.contains(expected), "`{expected}` in:\n{script}");
    }
    let reference = Project::online();
    reference.run(&["upgrade"]).ok();

    // Stop the script after step 3 (as an error would), then let the runner finish.
    let cut = script.find("-- step 4/7").expect("the script has a step 4");
    let file = p.path().join("upgrade.sql");
    std::fs::write(&file, &script[..cut]).unwrap();
    run(psql(&file, p.db().url())).ok();
    let mut client = p.db().client();
    assert_eq!(
        progress(&mut client),
        Some(3),
        "the script recorded its steps"
    );
    p.run(&["upgrade"]).ok();
    assert_eq!(p.ledger(), [V1, V2]);
    assert_eq!(rows(&mut client), (20_000, 20_000));
    assert_eq!(catalog(&mut client), catalog(&mut reference.db().client()));

    // The whole script from scratch gives the same.
    let whole = Project::online();
    std::fs::write(&file, &script).unwrap();
    run(psql(&file, whole.db().url())).ok();
    assert_eq!(whole.ledger(), [V1, V2]);
    assert_eq!(
        catalog(&mut whole.db().client()),
        catalog(&mut reference.db().client())
    );
    whole
        .run(&["upgrade"])
        .ok()
        .stdout_has("nothing to upgrade");
}

#[test]
fn kill_9_during_a_downgrade_then_downgrade_finishes_it() {
    let p = Project::online();
    p.run(&["upgrade"]).ok();
    let out = p
        .command(&["downgrade", "-1"])
        .env("WATCHER_SCHEMA_TEST_ABORT_AFTER_STEP", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), None, "aborted after down step 1");
    let mut client = p.db().client();
    assert_eq!(progress(&mut client), Some(1));
    assert_eq!(
        p.ledger(),
        [V1, V2],
        "the ledger row goes with the last step"
    );
    p.run(&["current"])
        .ok()
        .stdout_has("downgrade in progress, step 2/2: drop address.input_hash");

    p.run(&["downgrade", "-1"]).ok();
    assert_eq!(p.ledger(), [V1]);
    assert_eq!(progress(&mut client), None);
    assert!(!catalog(&mut client).contains("input_hash"));
    p.run(&["upgrade"]).ok();
    assert_eq!(rows(&mut client), (20_000, 20_000));
}
