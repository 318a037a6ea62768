//! `check --lint`: findings with file:line:column, why and help; exit codes with and
//! without `--strict`; JSON; `allow` comments; and the generator's warnings. Lint is part of
//! `check`'s one report, so these run `check --offline --lint` with the fixture structs kept
//! in step with the migration they add: the findings, and no drift.

use std::fs;

use crate::support::{Project, V3};

const LINT_FAILED: i32 = 5;

/// Adds a migration after the fixture chain's head (`V3`).
fn add_migration(p: &Project, up: &str, down: &str, run_in_transaction: bool) {
    let dir = p.migrations().join("20250104000000_risky");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("up.sql"), up).unwrap();
    fs::write(dir.join("down.sql"), down).unwrap();
    fs::write(
        dir.join("metadata.toml"),
        format!("run_in_transaction = {run_in_transaction}\ndown_revision = \"{V3}\"\n"),
    )
    .unwrap();
}

/// Edits the fixture structs: `table_keys` added to `pipeline`'s attribute, then each
/// `(from, to)` replaced in the source.
fn structs_say(p: &Project, table_keys: &str, edits: &[(&str, &str)]) {
    let lib = p.path().join("watcher-schema/src/lib.rs");
    let mut text = fs::read_to_string(&lib).unwrap();
    let anchor = "unique_index(name = \"ix_pipeline_name\", columns(name))";
    text = text.replacen(anchor, &format!("{anchor},\n    {table_keys}"), 1);
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture structs have no {from:?}");
        text = text.replacen(from, to, 1);
    }
    fs::write(&lib, text).unwrap();
}

/// What [`RISKY_UP`] does, in the structs.
fn structs_say_risky(p: &Project) {
    structs_say(
        p,
        "index(name = \"ix_pipeline_owner\", columns(owner))",
        &[("pub owner: Option<String>,", "pub owner: String,")],
    );
}

const RISKY_UP: &str = "-- owners are required now
ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;
CREATE INDEX ix_pipeline_owner ON pipeline (owner);
";

const RISKY_DOWN: &str = "DROP INDEX ix_pipeline_owner;
ALTER TABLE pipeline ALTER COLUMN owner DROP NOT NULL;
";

#[test]
fn a_clean_chain_passes() {
    Project::new()
        .run(&["check", "--offline", "--lint"])
        .ok()
        .stdout_has("ok: no risky statements in 3 migrations");
}

/// [`RISKY_UP`] and [`RISKY_DOWN`] marked as written in the blocking form on purpose.
fn offline(sql: &str) -> String {
    format!("-- watcher:offline: the table holds a few hundred rows\n{sql}")
}

#[test]
fn blocking_forms_fail_in_up_and_down_naming_the_safe_form() {
    let p = Project::new();
    add_migration(&p, RISKY_UP, RISKY_DOWN, true);
    structs_say_risky(&p);
    let run = p.run(&["check", "--offline", "--lint"]);
    run.code(LINT_FAILED)
        .stdout_has(
            "migrations/20250104000000_risky/up.sql:2:41: error[setting-not-null]: `SET NOT NULL` \
             on `pipeline.owner` scans every row of `pipeline` under an ACCESS EXCLUSIVE lock",
        )
        .stdout_has(
            "migrations/20250104000000_risky/up.sql:3:8: error[non-concurrent-index]: `CREATE \
             INDEX` of `ix_pipeline_owner` blocks writes to `pipeline` until the index is built",
        )
        .stdout_has(
            "migrations/20250104000000_risky/down.sql:1:12: error[non-concurrent-index]: `DROP \
             INDEX` of `ix_pipeline_owner` locks `pipeline` against reads and writes",
        )
        .stdout_has("help: `DROP INDEX CONCURRENTLY`")
        .stdout_has("failed: 3 errors and 0 warnings in 4 migrations");
}

#[test]
fn warnings_print_with_position_why_and_help_and_pass() {
    let p = Project::new();
    add_migration(&p, &offline(RISKY_UP), &offline(RISKY_DOWN), true);
    structs_say_risky(&p);
    let run = p.run(&["check", "--offline", "--lint"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "migrations/20250104000000_risky/up.sql:3:41: warning[setting-not-null]: `SET NOT NULL` \
         on `pipeline.owner` scans every row of `pipeline` under an ACCESS EXCLUSIVE lock\n  \
         why: PostgreSQL checks each existing row while it holds the ACCESS EXCLUSIVE lock that \
         blocks every read and write of the table; on a large table that is an outage\n  \
         help: add `CHECK (owner IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it in a step of \
         its own, then `SET NOT NULL` (PostgreSQL uses the valid check and skips the scan) and \
         drop the check; `revision --autogenerate` writes these steps\n\
         \n\
         migrations/20250104000000_risky/up.sql:4:8: warning[non-concurrent-index]: `CREATE \
         INDEX` of `ix_pipeline_owner` blocks writes to `pipeline` until the index is built\n  \
         why: a plain `CREATE INDEX` holds a SHARE lock for the whole build: every insert, \
         update and delete on the table waits\n  \
         help: `CREATE INDEX CONCURRENTLY`, in a migration of its own with \
         `run_in_transaction = false` in metadata.toml (`revision --autogenerate` writes both)\n\
         \n\
         migrations/20250104000000_risky/down.sql:2:12: warning[non-concurrent-index]: `DROP \
         INDEX` of `ix_pipeline_owner` locks `pipeline` against reads and writes\n  \
         why: a plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the table: it waits for the \
         queries running on it and blocks every new one meanwhile\n  \
         help: `DROP INDEX CONCURRENTLY`, in a migration of its own with `run_in_transaction = \
         false` in metadata.toml\n\
         \n\
         ok: no errors, 3 warnings in 4 migrations\n\
         help: review each warning; once reviewed, silence it with `-- watcher-schema: allow \
         <rule>` on the line above its statement\n\
         ok: the structs match the migrations (head 20250104000000)\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn strict_fails_on_warnings() {
    let p = Project::new();
    add_migration(&p, &offline(RISKY_UP), &offline(RISKY_DOWN), true);
    structs_say_risky(&p);
    p.run(&["check", "--offline", "--lint", "--strict"])
        .code(LINT_FAILED)
        .stdout_has("warning[setting-not-null]")
        .stdout_has("failed: 3 warnings in 4 migrations (--strict)");
}

#[test]
fn errors_fail_without_strict() {
    let p = Project::new();
    add_migration(
        &p,
        "CREATE INDEX CONCURRENTLY ix_pipeline_owner ON pipeline (owner);\n",
        "DROP INDEX CONCURRENTLY ix_pipeline_owner;\n",
        true,
    );
    structs_say(
        &p,
        "index(name = \"ix_pipeline_owner\", columns(owner))",
        &[],
    );
    p.run(&["check", "--offline", "--lint"])
        .code(LINT_FAILED)
        .stdout_has(
            "migrations/20250104000000_risky/up.sql:1:14: error[concurrently-in-transaction]: \
             `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block",
        )
        .stdout_has(
            "migrations/20250104000000_risky/down.sql:1:12: error[concurrently-in-transaction]: \
             `DROP INDEX CONCURRENTLY`",
        )
        .stdout_has("failed: 2 errors and 0 warnings in 4 migrations");
}

#[test]
fn json_lists_every_finding() {
    let p = Project::new();
    add_migration(
        &p,
        "ALTER TABLE pipeline DROP COLUMN paused;\nCREATE UNIQUE INDEX CONCURRENTLY ix ON pipeline (owner);\n",
        "DROP INDEX ix;\nALTER TABLE pipeline ADD COLUMN paused boolean NOT NULL DEFAULT false;\n",
        true,
    );
    structs_say(
        &p,
        "unique_index(name = \"ix\", columns(owner))",
        &[(
            "    #[watcher(default = \"false\")]\n    pub paused: bool,\n",
            "",
        )],
    );
    let doc = p
        .run(&["check", "--offline", "--lint", "--format", "json"])
        .code(LINT_FAILED)
        .json();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["mode"], "offline");
    assert_eq!(doc["exit_codes"], serde_json::json!([LINT_FAILED]));
    let doc = &doc["lint"];
    assert_eq!(doc["strict"], false);
    assert_eq!(doc["migrations"], 4);
    assert_eq!(
        (doc["errors"].as_u64(), doc["warnings"].as_u64()),
        (Some(2), Some(1))
    );
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    let first = &findings[0];
    assert_eq!(first["rule"], "dropping-column");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["path"], "migrations/20250104000000_risky/up.sql");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(1), Some(34))
    );
    assert_eq!(
        first["message"],
        "dropping column `pipeline.paused` deletes its values"
    );
    assert!(first["why"]
        .as_str()
        .unwrap()
        .starts_with("the values cannot come back"));
    assert!(first["help"]
        .as_str()
        .unwrap()
        .starts_with("first deploy code"));
    assert_eq!(findings[1]["rule"], "concurrently-in-transaction");
    assert_eq!(findings[1]["severity"], "error");
    assert_eq!(findings[2]["rule"], "non-concurrent-index");
    assert_eq!(
        findings[2]["path"],
        "migrations/20250104000000_risky/down.sql"
    );
    assert_eq!(findings[2]["severity"], "error");
}

#[test]
fn allow_comments_silence_reviewed_statements() {
    let p = Project::new();
    let up = "-- watcher-schema: allow setting-not-null
ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;
-- the table holds a few hundred rows
-- watcher-schema: allow non-concurrent-index
CREATE INDEX ix_pipeline_owner ON pipeline (owner);
";
    let down = format!("-- watcher-schema: allow non-concurrent-index\n{RISKY_DOWN}");
    add_migration(&p, up, &down, true);
    structs_say_risky(&p);
    p.run(&["check", "--offline", "--lint", "--strict"])
        .ok()
        .stdout_has("ok: no risky statements in 4 migrations");
}

#[test]
fn offline_lint_needs_no_database() {
    let p = Project::new();
    p.run(&[
        "check",
        "--offline",
        "--lint",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
    ])
    .ok()
    .stdout_has("ok: no risky statements in 3 migrations")
    .stdout_has("ok: the structs match the migrations (head 20250103000000)");
}

#[test]
fn strict_needs_lint() {
    Project::new()
        .run(&["check", "--strict"])
        .code(2)
        .stderr_has("the following required arguments were not provided:\n  --lint");
}

#[test]
fn a_migration_that_does_not_replay_is_an_invalid_chain() {
    let p = Project::new();
    add_migration(
        &p,
        "\nALTER TABLE nope DROP COLUMN a;\n",
        "SELECT 1;\n",
        true,
    );
    p.run(&["check", "--offline", "--lint"])
        .code(11)
        .stderr_has(
            "error: cannot replay migration 20250104000000_risky: \
             migrations/20250104000000_risky/up.sql:2:13: table `nope` does not exist",
        );
}

#[test]
fn autogenerate_prints_the_lint_warnings_of_what_it_wrote() {
    let p = Project::new();
    let lib = p.path().join("watcher-schema/src/lib.rs");
    let text = fs::read_to_string(&lib).unwrap();
    fs::write(
        &lib,
        text.replacen("    pub owner: Option<String>,\n", "", 1),
    )
    .unwrap();
    let run = p.run(&[
        "revision",
        "--autogenerate",
        "--allow-destructive",
        "-m",
        "drop owner",
        "--rev-id",
        "20250201000000",
    ]);
    run.ok();
    let up = fs::read_to_string(p.migrations().join("20250201000000_drop_owner/up.sql")).unwrap();
    let line = up
        .lines()
        .position(|l| l.contains("DROP COLUMN owner"))
        .expect("up.sql drops the column")
        + 1;
    run.stderr_has(&format!(
        "migrations/20250201000000_drop_owner/up.sql:{line}:34: warning[dropping-column]: \
         dropping column `pipeline.owner` deletes its values\n  why: "
    ));
    // The new migration is part of the chain that `check --lint` reads from now on.
    p.run(&["check", "--offline", "--lint"])
        .ok()
        .stdout_has("ok: no errors, 1 warning in 4 migrations");
}
