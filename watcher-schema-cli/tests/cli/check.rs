//! `check` sees everything in one run: column order is not drift, a column added by hand is;
//! applied migrations edited or unknown here exit 24, named by `check`, `current` and
//! `history`; lint joins the same report; the exit code is the first of 24, 3, 4, 5.

use std::fs;

use crate::support::{Project, V2};

const LEDGER_MISMATCH: i32 = 24;
const DRIFT: i32 = 4;
const LINT: i32 = 5;

/// Replaces the first `from` in the project's struct source `file` with `to`.
fn edit(p: &Project, file: &str, from: &str, to: &str) {
    let path = p.path().join("watcher-schema/src").join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_field_added_mid_struct_is_clean_once_applied_and_a_hand_added_column_is_drift() {
    let p = Project::real_with_db();
    p.run(&["upgrade", "head"]).ok();
    edit(
        &p,
        "pipelines.rs",
        "    /// Free-form settings.\n    pub pipeline_metadata",
        "    /// Who to call.\n    pub contact: Option<String>,\n    \
         /// Free-form settings.\n    pub pipeline_metadata",
    );
    p.run(&[
        "revision",
        "--autogenerate",
        "-m",
        "add pipeline contact",
        "--rev-id",
        "20990101000000",
    ])
    .ok();
    p.run(&["upgrade", "head"]).ok();
    p.run(&["check", "--offline"]).ok();
    p.run(&["check"])
        .ok()
        .stdout_has("ok: the database is at head (20990101000000) and matches the structs");
    // The column is physically last: information in JSON, not a difference.
    let doc = p.run(&["check", "--format", "json"]).ok().json();
    assert_eq!(doc["exit_codes"], serde_json::json!([]));
    let order = doc["column_order"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["table"] == "pipeline")
        .unwrap_or_else(|| panic!("pipeline's order is reported: {doc:#}"));
    assert_eq!(
        order["actual"].as_array().unwrap().last().unwrap(),
        "contact"
    );
    p.run(&["check", "--verbose"]).ok().stdout_has(
        "info: columns of `pipeline` are ordered id, name, pipeline_type_id, watermark, \
         next_watermark, pipeline_metadata,",
    );

    p.db()
        .client()
        .batch_execute("ALTER TABLE pipeline ADD COLUMN pager text")
        .unwrap();
    p.run(&["check"])
        .code(DRIFT)
        .stdout_has("drift: column `pipeline.pager` is in the database but no field claims it")
        .stdout_has("although every migration is applied");
}

#[test]
fn an_edited_applied_migration_is_a_ledger_mismatch_named_everywhere() {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    let name = format!("{V2}_add_execution");
    let up = p.migrations().join(&name).join("up.sql");
    let text = fs::read_to_string(&up).unwrap();
    fs::write(
        &up,
        format!("{text}\nCREATE INDEX ix_late ON pipeline (paused);\n"),
    )
    .unwrap();

    p.run(&["check"])
        .code(LEDGER_MISMATCH)
        .stdout_has(&format!(
            "changed: {name} was applied, then its `up.sql` changed (checksum "
        ))
        .stdout_has("failed: the ledger disagrees with these migrations (1 changed after it ran, 0 unknown)");
    let doc = p
        .run(&["check", "--format", "json"])
        .code(LEDGER_MISMATCH)
        .json();
    assert_eq!(doc["changed_applied"][0]["migration"], name.as_str());
    // The structs never had the index, nor the database: no drift.
    assert_eq!(doc["exit_codes"], serde_json::json!([LEDGER_MISMATCH]));

    p.run(&["current"])
        .ok()
        .stdout_has(&format!("changed: {name} was applied"));
    let current = p.run(&["current", "--format", "json"]).ok().json();
    assert_eq!(current["changed_applied"], serde_json::json!([name]));
    p.run(&["history"]).ok().stdout_has("up.sql changed since");
    let history = p.run(&["history", "--format", "json"]).ok().json();
    let changed: Vec<bool> = history["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["changed"].as_bool().unwrap())
        .collect();
    assert_eq!(changed, [false, true, false]);
    // `upgrade` refuses it by name too.
    p.run(&["upgrade"]).code(LEDGER_MISMATCH).stderr_has(&name);
}

#[test]
fn an_unknown_applied_migration_and_drift_are_reported_in_one_run() {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    p.db()
        .client()
        .batch_execute(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('20990101000000');\
             ALTER TABLE pipeline ADD COLUMN pager text;",
        )
        .unwrap();
    let run = p.run(&["check"]);
    run.code(LEDGER_MISMATCH)
        .stdout_has("unknown: 20990101000000 is applied but not in the migrations")
        .stdout_has("drift: column `pipeline.pager` is in the database but no field claims it")
        .stdout_has("(0 changed after it ran, 1 unknown)");
    let doc = p
        .run(&["check", "--format", "json"])
        .code(LEDGER_MISMATCH)
        .json();
    assert_eq!(
        doc["exit_codes"],
        serde_json::json!([LEDGER_MISMATCH, DRIFT])
    );
    assert_eq!(
        doc["unknown_applied"],
        serde_json::json!(["20990101000000"])
    );
}

#[test]
fn lint_joins_the_live_report() {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    // A pending migration that drops a column the structs still have: pending (3), the
    // structs against the chain's head (4), and a lint warning failing under --strict (5).
    let dir = p.migrations().join("20250104000000_risky");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("up.sql"),
        "ALTER TABLE pipeline DROP COLUMN owner;\n",
    )
    .unwrap();
    fs::write(
        dir.join("down.sql"),
        "ALTER TABLE pipeline ADD COLUMN owner text;\n",
    )
    .unwrap();
    fs::write(
        dir.join("metadata.toml"),
        "run_in_transaction = true\ndown_revision = \"20250103000000\"\n",
    )
    .unwrap();
    let doc = p
        .run(&["check", "--lint", "--strict", "--format", "json"])
        .code(3)
        .json();
    assert_eq!(doc["exit_codes"], serde_json::json!([3, DRIFT, LINT]));
    assert_eq!(doc["lint"]["findings"][0]["rule"], "dropping-column");
    p.run(&["check", "--lint", "--strict"])
        .code(3)
        .stdout_has("warning[dropping-column]")
        .stdout_has("pending: 20250104000000")
        .stdout_has(
            "drift: column `pipeline.owner` is not in the migrations (head 20250104000000)",
        );
}

#[test]
fn pending_changes_are_not_drift_but_a_hand_made_change_beside_them_is() {
    let p = Project::with_db();
    p.run(&["upgrade", V2]).ok();
    // The structs' last change is pending: that is exit 3 alone, with no drift line and
    // no advice to generate a migration that exists.
    let out = p.run(&["check"]);
    out.code(3).stdout_has("pending: 20250103000000");
    assert!(!out.stdout.contains("drift:"), "{}", out.stdout);

    p.db()
        .client()
        .batch_execute("ALTER TABLE pipeline ADD COLUMN pager text")
        .unwrap();
    let doc = p.run(&["check", "--format", "json"]).code(3).json();
    assert_eq!(doc["exit_codes"], serde_json::json!([3, DRIFT]));
    assert_eq!(
        doc["differences"],
        serde_json::json!([{
            "message": "column `pipeline.pager` is in the database but not in its migrations (at 20250102000000)",
            "help": "the database was changed outside the migrations: undo that change, or write a migration that makes it",
        }])
    );
    p.run(&["check"])
        .code(3)
        .stdout_has("beyond the pending migrations, the database or the structs differ");
}
