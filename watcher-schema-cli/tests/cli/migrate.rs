//! `upgrade`, `downgrade`, `current`, `history`, `stamp` against a real database.

use crate::support::{Project, V1, V2, V3};

#[test]
fn upgrade_head_applies_every_migration_with_one_line_each() {
    let p = Project::with_db();
    let run = p.run(&["upgrade", "head"]);
    run.ok()
        .stdout_has("upgrade   20250101000000_initial  ")
        .stdout_has("upgrade   20250102000000_add_execution  ")
        .stdout_has("upgrade   20250103000000_add_pipeline_owner  ")
        .stdout_has("3 migrations in ");
    assert_eq!(p.ledger(), [V1, V2, V3]);
    assert_eq!(p.tables(), ["pipeline", "pipeline_execution"]);
    p.run(&["upgrade"])
        .ok()
        .stdout_has("nothing to upgrade: the database is already there");
}

#[test]
fn upgrade_to_a_revision_prefix_and_by_steps() {
    let p = Project::with_db();
    p.run(&["upgrade", "+1"]).ok();
    assert_eq!(p.ledger(), [V1]);
    p.run(&["upgrade", "202501020"]).ok();
    assert_eq!(p.ledger(), [V1, V2]);
    p.run(&["upgrade", "+2"])
        .code(14)
        .stderr_has("target `+2`: only 1 migrations are pending");
    assert_eq!(p.ledger(), [V1, V2]);
}

#[test]
fn downgrade_by_steps_to_a_revision_and_to_base() {
    let p = Project::with_db();
    p.run(&["upgrade", "head"]).ok();
    p.run(&["downgrade", "-1"])
        .ok()
        .stdout_has("downgrade 20250103000000_add_pipeline_owner  ");
    assert_eq!(p.ledger(), [V1, V2]);
    p.run(&["upgrade", "head"]).ok();
    p.run(&["downgrade", V1])
        .ok()
        .stdout_has("downgrade 20250103000000_add_pipeline_owner")
        .stdout_has("downgrade 20250102000000_add_execution");
    assert_eq!(p.ledger(), [V1]);
    p.run(&["downgrade", "base"]).ok();
    assert!(p.ledger().is_empty());
    assert!(p.tables().is_empty());
    let enums: i64 = p
        .db()
        .client()
        .query_one(
            "SELECT count(*) FROM pg_type WHERE typname = 'run_status'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(enums, 0, "the enum type is dropped on downgrade");
}

#[test]
fn current_reports_base_then_revision_then_head() {
    let p = Project::with_db();
    p.run(&["current"])
        .ok()
        .stdout_has("base (nothing applied)")
        .stdout_has("3 pending: 20250101000000_initial, 20250102000000_add_execution");
    p.run(&["upgrade", "+2"]).ok();
    let run = p.run(&["current"]);
    run.ok().stdout_has("20250102000000_add_execution\n");
    run.stdout_has("1 pending: 20250103000000_add_pipeline_owner");
    p.run(&["upgrade"]).ok();
    p.run(&["current"])
        .ok()
        .stdout_has("20250103000000_add_pipeline_owner (head)");
}

#[test]
fn current_as_json() {
    let p = Project::with_db();
    p.run(&["upgrade", "+1"]).ok();
    let doc = p.run(&["current", "--format", "json"]).ok().json();
    assert_eq!(doc["current"], V1);
    assert_eq!(doc["head"], V3);
    assert_eq!(doc["at_head"], false);
    assert_eq!(doc["pending"], serde_json::json!([V2, V3]));
    assert_eq!(doc["unknown_applied"], serde_json::json!([]));
}

#[test]
fn history_marks_applied_migrations_with_time_and_duration() {
    let p = Project::with_db();
    p.run(&["upgrade", "+2"]).ok();
    let run = p.run(&["history"]);
    run.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("* 20250101000000_initial"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains(" applied 20"), "{}", lines[0]);
    assert!(lines[0].contains(" UTC  "), "{}", lines[0]);
    assert!(
        lines[0].ends_with("ms") || lines[0].ends_with('s'),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("  20250103000000_add_pipeline_owner"),
        "{}",
        lines[2]
    );
    assert!(lines[2].contains("pending"), "{}", lines[2]);
    assert!(lines[2].ends_with("(head)"), "{}", lines[2]);

    let verbose = p.run(&["history", "--verbose"]);
    verbose
        .ok()
        .stdout_has("    parent: 20250101000000")
        .stdout_has("    run in transaction: yes")
        .stdout_has("    checksum: ");

    let doc = p.run(&["history", "--format", "json"]).ok().json();
    let entries = doc["migrations"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["applied"], true);
    assert!(entries[0]["applied_at"].as_str().unwrap().ends_with('Z'));
    assert!(entries[0]["duration_ms"].is_u64());
    assert_eq!(entries[0]["checksum"], entries[0]["recorded_checksum"]);
    assert_eq!(entries[2]["applied"], false);
    assert_eq!(entries[2]["head"], true);
    assert_eq!(entries[1]["parent"], V1);
}

#[test]
fn history_without_a_database_lists_the_chain() {
    let p = Project::new();
    let run = p.run(&["history"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "20250101000000_initial\n20250102000000_add_execution\n20250103000000_add_pipeline_owner (head)\n"
    );
}

#[test]
fn heads_and_show() {
    let p = Project::new();
    p.run(&["heads"])
        .ok()
        .stdout_has("20250103000000_add_pipeline_owner (head)");
    let doc = p.run(&["heads", "--format", "json"]).ok().json();
    assert_eq!(doc["heads"][0]["version"], V3);
    assert_eq!(doc["heads"].as_array().unwrap().len(), 1);
    p.run(&["show", "20250103"])
        .ok()
        .stdout_has("Revision: 20250103000000 (head)")
        .stdout_has("Parent: 20250102000000")
        .stdout_has("ALTER TABLE pipeline ADD COLUMN owner text;")
        .stdout_has("ALTER TABLE pipeline DROP COLUMN owner;");
}

#[test]
fn stamp_records_without_running_sql() {
    let p = Project::with_db();
    p.run(&["stamp", V2])
        .ok()
        .stdout_has("stamp     20250101000000_initial")
        .stdout_has("stamp     20250102000000_add_execution");
    assert_eq!(p.ledger(), [V1, V2]);
    assert!(p.tables().is_empty(), "stamp runs no SQL");
    p.run(&["stamp", "base"]).ok();
    assert!(p.ledger().is_empty());
    p.run(&["stamp", "head"]).ok();
    assert_eq!(p.ledger(), [V1, V2, V3]);
}

#[test]
fn sql_prints_a_script_that_psql_applies() {
    let p = Project::with_db();
    let run = p.run(&["upgrade", "head", "--sql"]);
    run.ok()
        .stdout_has("CREATE TABLE pipeline_execution")
        .stdout_has("INSERT INTO __diesel_schema_migrations");
    assert!(p.ledger().is_empty(), "--sql touches no database");
    let script = p.path().join("upgrade.sql");
    std::fs::write(&script, &run.stdout).unwrap();
    let psql = std::process::Command::new("psql")
        .args(["-q", "-1", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&script)
        .arg(p.db().url())
        .output()
        .expect("psql runs");
    assert!(
        psql.status.success(),
        "{}",
        String::from_utf8_lossy(&psql.stderr)
    );
    assert_eq!(p.ledger(), [V1, V2, V3]);
    assert_eq!(p.tables(), ["pipeline", "pipeline_execution"]);
    // The runner agrees: nothing left to do, checksums match.
    p.run(&["upgrade"]).ok().stdout_has("nothing to upgrade");

    let down = p.run(&["downgrade", "-1", "--sql"]);
    down.ok()
        .stdout_has("ALTER TABLE pipeline DROP COLUMN owner;")
        .stdout_has("DELETE FROM __diesel_schema_migrations");
    let range = p.run(&["upgrade", &format!("{V1}:{V2}"), "--sql"]);
    range.ok().stdout_has("CREATE TABLE pipeline_execution");
    assert!(!range.stdout.contains("CREATE TABLE pipeline ("));
}

#[test]
fn backup_runs_pg_dump_before_upgrading() {
    let p = Project::with_db();
    let dir = p.path().join("backups");
    p.run(&["upgrade", "--backup", dir.to_str().unwrap()])
        .ok()
        .stdout_has("backup ");
    let dumps: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(dumps.len(), 1);
    let dump = dumps[0].as_ref().unwrap().path();
    assert!(dump.to_str().unwrap().ends_with("-before-upgrade.dump"));
    assert!(std::fs::metadata(&dump).unwrap().len() > 0);
}

#[test]
fn failed_backup_stops_before_migrating() {
    let p = Project::with_db();
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = p.command(&["upgrade", "--backup", "backups"]);
    // No pg_dump on PATH.
    cmd.env("PATH", empty.path());
    crate::support::run(cmd)
        .code(25)
        .stderr_has("failed, nothing was migrated: cannot run `pg_dump`")
        .stderr_has("help: install the PostgreSQL client tools");
    assert!(p.ledger().is_empty());
}

#[test]
fn downgrade_backup_names_the_direction() {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    p.run(&["downgrade", "-1", "--backup", "backups"])
        .ok()
        .stdout_has("-before-downgrade.dump");
    assert_eq!(p.ledger(), [V1, V2]);
}

#[test]
fn sql_needs_no_database() {
    let p = Project::new();
    p.run(&["upgrade", "--sql"])
        .ok()
        .stdout_has("-- watcher-schema offline script: upgrade from base to head, 3 migrations");
    p.run(&["downgrade", "base", "--sql"])
        .ok()
        .stdout_has("DROP TYPE runstatus;");
    p.run(&["upgrade", "--sql", "--backup", "x"]).code(2);
}

#[test]
fn history_shows_stamped_rows() {
    let p = Project::with_db();
    p.run(&["stamp", V1]).ok();
    p.run(&["history"]).ok().stdout_has("UTC  stamped");
}
