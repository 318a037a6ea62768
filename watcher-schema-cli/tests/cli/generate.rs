//! `revision` (empty and --autogenerate) and `check` (offline and live).

use std::fs;

use crate::support::{Project, V3};

/// Edits a fixture struct source file in place.
fn edit(p: &Project, file: &str, from: &str, to: &str) {
    let path = p.path().join("watcher-schema/src").join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} lacks {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn read(p: &Project, rel: &str) -> String {
    fs::read_to_string(p.migrations().join(rel)).unwrap()
}

#[test]
fn offline_check_passes_when_structs_match_the_chain() {
    Project::new()
        .run(&["check", "--offline"])
        .ok()
        .stdout_has("ok: the structs match the migrations (head 20250103000000)");
}

#[test]
fn offline_check_names_each_difference() {
    let p = Project::new();
    edit(&p, "lib.rs", "max_length = 150", "max_length = 200");
    edit(&p, "lib.rs", "    pub owner: Option<String>,\n", "");
    let run = p.run(&["check", "--offline"]);
    run.code(4)
        .stdout_has(
            "drift: column `pipeline.name` is `varchar(150)` in the migrations \
             (head 20250103000000) but `varchar(200)` in the struct\n       \
             help: run `watcher-schema revision --autogenerate -m \"alter pipeline.name\"`",
        )
        .stdout_has(
            "drift: column `pipeline.owner` is in the migrations (head 20250103000000) \
             but no field claims it",
        );
    let doc = p
        .run(&["check", "--offline", "--format", "json"])
        .code(4)
        .json();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["mode"], "offline");
    assert_eq!(doc["differences"].as_array().unwrap().len(), 2);
    assert!(doc["differences"][0]["help"]
        .as_str()
        .unwrap()
        .starts_with("run `watcher-schema revision --autogenerate"));
}

#[test]
fn struct_errors_point_at_file_line_and_column() {
    let p = Project::new();
    edit(&p, "lib.rs", "max_length = 150", "max_lenght = 150");
    edit(
        &p,
        "execution.rs",
        "#[watcher(primary_key, serial)]",
        "#[watcher(primary_key, serail)]",
    );
    let run = p.run(&["check", "--offline"]);
    run.code(12)
        .stderr_has("error: unknown key `max_lenght`")
        .stderr_has("  --> watcher-schema/src/lib.rs:19:15\n")
        .stderr_has("19 |     #[watcher(max_lenght = 150)]\n   |               ^^^^^^^^^^\n")
        .stderr_has("error: unknown key `serail`")
        .stderr_has("  --> watcher-schema/src/execution.rs:")
        .stderr_has("error: the struct sources have 2 errors");
}

#[test]
fn revision_writes_an_empty_migration_after_head() {
    let p = Project::new();
    p.run(&[
        "revision",
        "-m",
        "Seed reference data",
        "--rev-id",
        "20250201000000",
    ])
    .ok()
    .stdout_has("created migrations/20250201000000_seed_reference_data");
    let dir = "20250201000000_seed_reference_data";
    assert!(read(&p, &format!("{dir}/up.sql")).starts_with("-- Seed reference data\n"));
    assert!(read(&p, &format!("{dir}/down.sql")).contains("revert"));
    let meta = read(&p, &format!("{dir}/metadata.toml"));
    assert!(meta.contains("run_in_transaction = true"), "{meta}");
    assert!(
        meta.contains(&format!("down_revision = \"{V3}\"")),
        "{meta}"
    );
    p.run(&["heads"]).ok().stdout_has(dir);
    // A version that is not after head is refused, naming the head.
    p.run(&["revision", "-m", "late", "--rev-id", "20240101000000"])
        .code(11)
        .stderr_has("20250201000000");
    p.run(&["revision", "-m", "!!!"])
        .code(2)
        .stderr_has("cannot name a migration");
}

#[test]
fn autogenerate_writes_sql_that_replays_to_the_structs_and_runs() {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    edit(&p, "lib.rs", "max_length = 150", "max_length = 200");
    edit(
        &p,
        "lib.rs",
        "    pub owner: Option<String>,\n",
        "    pub owner: Option<String>,\n    pub description: Option<String>,\n",
    );
    p.run(&["check"])
        .code(4)
        .stdout_has("drift: column `pipeline.description` is not in the database");
    p.run(&[
        "revision",
        "--autogenerate",
        "-m",
        "describe pipelines",
        "--rev-id",
        "20250201000000",
    ])
    .ok()
    .stdout_has("created migrations/20250201000000_describe_pipelines");
    let up = read(&p, "20250201000000_describe_pipelines/up.sql");
    assert!(
        up.contains("ALTER TABLE pipeline ALTER COLUMN name TYPE varchar(200);"),
        "{up}"
    );
    assert!(
        up.contains("ALTER TABLE pipeline ADD COLUMN description text;"),
        "{up}"
    );
    let down = read(&p, "20250201000000_describe_pipelines/down.sql");
    assert!(down.contains("DROP COLUMN IF EXISTS description"), "{down}");
    p.run(&["check", "--offline"]).ok();
    p.run(&["check"])
        .code(3)
        .stdout_has("pending: 20250201000000");
    p.run(&["upgrade"]).ok();
    p.run(&["check"])
        .ok()
        .stdout_has("ok: the database is at head (20250201000000)");
    p.run(&["downgrade", "-1"]).ok();
    // Regenerating from the same input writes the same bytes.
    fs::remove_dir_all(p.migrations().join("20250201000000_describe_pipelines")).unwrap();
    p.run(&[
        "revision",
        "--autogenerate",
        "-m",
        "describe pipelines",
        "--rev-id",
        "20250201000000",
    ])
    .ok();
    assert_eq!(read(&p, "20250201000000_describe_pipelines/up.sql"), up);
    assert_eq!(read(&p, "20250201000000_describe_pipelines/down.sql"), down);
}

#[test]
fn autogenerate_accepts_a_new_field_declared_before_others() {
    // The new column is physically last; its field sits mid-struct. That is not drift.
    let p = Project::new();
    edit(
        &p,
        "lib.rs",
        "    pub name: String,\n",
        "    pub name: String,\n    pub description: Option<String>,\n",
    );
    p.run(&[
        "revision",
        "--autogenerate",
        "-m",
        "describe pipelines",
        "--rev-id",
        "20250201000000",
    ])
    .ok();
    let up = read(&p, "20250201000000_describe_pipelines/up.sql");
    assert!(
        up.contains("ALTER TABLE pipeline ADD COLUMN description text;"),
        "{up}"
    );
    p.run(&["check", "--offline"]).ok();
}

#[test]
fn autogenerate_refuses_destructive_changes_without_consent() {
    let p = Project::new();
    edit(&p, "lib.rs", "    pub owner: Option<String>,\n", "");
    p.run(&["revision", "--autogenerate", "-m", "drop owner"])
        .code(13)
        .stderr_has("error: dropping column `pipeline.owner` loses its values")
        .stderr_has("or for the whole migration with `--allow-destructive`")
        .stderr_has("nothing was written");
    assert_eq!(fs::read_dir(p.migrations()).unwrap().count(), 3);
    p.run(&[
        "revision",
        "--autogenerate",
        "--allow-destructive",
        "-m",
        "drop owner",
        "--rev-id",
        "20250201000000",
    ])
    .ok();
    let up = read(&p, "20250201000000_drop_owner/up.sql");
    assert!(
        up.contains("ALTER TABLE pipeline DROP COLUMN owner;"),
        "{up}"
    );
    let down = read(&p, "20250201000000_drop_owner/down.sql");
    assert!(down.contains("cannot come back"), "{down}");
}

#[test]
fn autogenerate_with_no_changes_writes_nothing() {
    let p = Project::new();
    p.run(&["revision", "--autogenerate", "-m", "nothing"])
        .ok()
        .stdout_has("no changes: the structs match the migrations");
    assert_eq!(fs::read_dir(p.migrations()).unwrap().count(), 3);
}

#[test]
fn live_check_reports_pending_then_ok_then_hand_made_drift() {
    let p = Project::with_db();
    let doc = p.run(&["check", "--format", "json"]).code(3).json();
    assert_eq!(doc["pending"].as_array().unwrap().len(), 3);
    assert_eq!(doc["mode"], "live");
    p.run(&["upgrade"]).ok();
    p.run(&["check"]).ok();
    p.db()
        .client()
        .batch_execute("ALTER TABLE pipeline ADD COLUMN sneaky integer")
        .unwrap();
    p.run(&["check"])
        .code(4)
        .stdout_has("drift: column `pipeline.sneaky` is in the database but no field claims it")
        .stdout_has("although every migration is applied");
}
