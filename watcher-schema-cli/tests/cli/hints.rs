//! `revision --autogenerate` reads the history keys of the structs: `backfill`,
//! `renamed_from`, `allow_destructive(...)` and `online = false`, and the migrations it
//! writes work on a database that holds rows.

use std::fs;

use crate::support::Project;

const V4: &str = "20250201000000";

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

fn generate(p: &Project, message: &str) -> crate::support::Run {
    p.run(&["revision", "--autogenerate", "-m", message, "--rev-id", V4])
}

/// Two pipelines in a database at the fixture's head.
fn populated() -> Project {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    p.db()
        .client()
        .batch_execute(
            "INSERT INTO pipeline (name, owner) VALUES ('orders', 'ana'), ('invoices', NULL)",
        )
        .unwrap();
    p
}

#[test]
fn backfill_fills_existing_rows_of_a_new_not_null_column() {
    let p = populated();
    let field = "    pub owner: Option<String>,\n";
    edit(
        &p,
        "lib.rs",
        field,
        &format!("{field}    #[watcher(max_length = 20)]\n    pub input_hash: String,\n"),
    );
    generate(&p, "add input_hash")
        .code(13)
        .stderr_has(
            "error: column `pipeline.input_hash` is NOT NULL without a default, and existing \
             rows of `pipeline` have no value for it\n",
        )
        .stderr_has("add `#[watcher(backfill = \"<sql expression>\")]` to the field");

    edit(
        &p,
        "lib.rs",
        "#[watcher(max_length = 20)]",
        "#[watcher(max_length = 20, backfill = \"left(md5(name), 20)\")]",
    );
    generate(&p, "add input_hash").ok();
    // The online form (docs/ONLINE.md): batches, a NOT VALID check, then SET NOT NULL.
    let up = read(&p, &format!("{V4}_add_input_hash/up.sql"));
    assert!(
        up.contains(
            "-- step: fill pipeline.input_hash in batches\n\
             -- watcher:repeat\n\
             UPDATE pipeline SET input_hash = left(md5(name), 20) WHERE ctid = ANY (ARRAY(SELECT \
             ctid FROM pipeline WHERE input_hash IS NULL AND (left(md5(name), 20)) IS NOT NULL LIMIT \
             1000 FOR UPDATE SKIP LOCKED));\n"
        ),
        "{up}"
    );
    assert!(
        up.ends_with(
            "BEGIN;\n\
             ALTER TABLE pipeline ALTER COLUMN input_hash SET NOT NULL;\n\
             ALTER TABLE pipeline DROP CONSTRAINT pipeline_input_hash_not_null;\n\
             COMMIT;\n"
        ),
        "{up}"
    );
    assert!(read(&p, &format!("{V4}_add_input_hash/metadata.toml"))
        .contains("run_in_transaction = false"));
    p.run(&["check", "--offline", "--lint", "--strict"]).ok();
    p.run(&["upgrade"]).ok();
    let rows = p
        .db()
        .client()
        .query("SELECT input_hash = left(md5(name), 20) FROM pipeline", &[])
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|row| row.get::<_, bool>(0)));
    p.run(&["downgrade", "-1"]).ok();
}

#[test]
fn renamed_from_renames_and_keeps_the_values() {
    let p = populated();
    edit(
        &p,
        "lib.rs",
        "    pub owner: Option<String>,\n",
        "    #[watcher(renamed_from = \"owner\")]\n    pub maintainer: Option<String>,\n",
    );
    generate(&p, "rename owner").ok();
    let up = read(&p, &format!("{V4}_rename_owner/up.sql"));
    assert!(
        up.ends_with("ALTER TABLE pipeline RENAME COLUMN owner TO maintainer;\n"),
        "{up}"
    );
    p.run(&["upgrade"]).ok();
    let owners: Vec<Option<String>> = p
        .db()
        .client()
        .query("SELECT maintainer FROM pipeline ORDER BY name", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(owners, [None, Some("ana".to_string())]);
    p.run(&["downgrade", "-1"]).ok();
}

#[test]
fn allow_destructive_in_code_confirms_exactly_what_it_names() {
    let p = Project::new();
    edit(&p, "lib.rs", "    pub owner: Option<String>,\n", "");
    generate(&p, "drop owner").code(13).stderr_has(
        "help: if that is intended, confirm it with \
         `#[watcher_table(allow_destructive(drop_column(owner)))]` on the struct of `pipeline`, \
         or for the whole migration with `--allow-destructive`",
    );
    // Confirming another column does not confirm this one.
    edit(
        &p,
        "lib.rs",
        "name = \"pipeline\",",
        "name = \"pipeline\",\n    allow_destructive(drop_column(paused_at)),",
    );
    generate(&p, "drop owner")
        .code(13)
        .stderr_has("error: dropping column `pipeline.owner` loses its values");
    edit(&p, "lib.rs", "drop_column(paused_at)", "drop_column(owner)");
    generate(&p, "drop owner").ok();
    let up = read(&p, &format!("{V4}_drop_owner/up.sql"));
    assert!(
        up.ends_with(
            "-- destructive: dropping column `pipeline.owner` loses its values\n\
             ALTER TABLE pipeline DROP COLUMN owner;\n"
        ),
        "{up}"
    );
    // Left in place, the confirmation confirms nothing more, and the generator says so.
    edit(
        &p,
        "lib.rs",
        "    pub paused: bool,\n",
        "    pub paused: bool,\n    pub note: Option<String>,\n",
    );
    p.run(&[
        "revision",
        "--autogenerate",
        "-m",
        "add note",
        "--rev-id",
        "20250202000000",
    ])
    .ok()
    .stderr_has(
        "warning: `#[watcher_table(allow_destructive(drop_column(owner)))]` on the struct of \
             `pipeline` confirms no change of this migration; remove it",
    );
}

#[test]
fn online_false_in_code_or_offline_ddl_writes_the_plain_form_marked_offline() {
    let p = populated();
    let field = "    pub owner: Option<String>,\n";
    edit(
        &p,
        "lib.rs",
        field,
        &format!(
            "{field}    #[watcher(max_length = 20, backfill = \"left(md5(name), 20)\")]\n    \
             pub input_hash: String,\n"
        ),
    );
    edit(
        &p,
        "lib.rs",
        "name = \"pipeline\",",
        "name = \"pipeline\",\n    online = false,",
    );
    let attribute = "`#[watcher_table(online = false)]` on the struct of `pipeline`";
    generate(&p, "add input_hash").ok().stderr_has(&format!(
        "warning: {attribute} writes this migration in the plain form"
    ));
    let dir = format!("{V4}_add_input_hash");
    let up = read(&p, &format!("{dir}/up.sql"));
    assert!(
        up.ends_with(&format!(
            "-- watcher:offline: plain blocking DDL, as {attribute} asks\n\n\
             ALTER TABLE pipeline ADD COLUMN input_hash varchar(20);\n\n\
             UPDATE pipeline SET input_hash = left(md5(name), 20) WHERE input_hash IS NULL;\n\n\
             ALTER TABLE pipeline ALTER COLUMN input_hash SET NOT NULL;\n"
        )),
        "{up}"
    );
    assert!(read(&p, &format!("{dir}/metadata.toml")).contains("run_in_transaction = true"));
    // Marked offline, the blocking statements are warnings: lint passes.
    p.run(&["check", "--offline", "--lint"])
        .ok()
        .stdout_has("warning[setting-not-null]");
    p.run(&["upgrade"]).ok();
    p.run(&["downgrade", "-1"]).ok();

    // The flag does the same for one migration, and says so.
    fs::remove_dir_all(p.migrations().join(&dir)).unwrap();
    edit(&p, "lib.rs", "\n    online = false,", "");
    p.run(&[
        "revision",
        "--autogenerate",
        "--offline-ddl",
        "-m",
        "add input_hash",
        "--rev-id",
        V4,
    ])
    .ok();
    let up = read(&p, &format!("{dir}/up.sql"));
    assert!(
        up.contains("-- watcher:offline: plain blocking DDL, as `--offline-ddl` asks\n"),
        "{up}"
    );
    assert!(up.contains("WHERE input_hash IS NULL;\n"), "{up}");
}

/// A unique key over values rows share: the generated online migration opens with a guard,
/// so `upgrade` stops at its first step with the fix, records no progress and leaves no
/// index behind; once the duplicates are repaired the same migration applies and reverts.
#[test]
fn a_unique_key_over_duplicates_stops_the_upgrade_before_anything_changes() {
    let p = populated();
    p.db()
        .client()
        .batch_execute("UPDATE pipeline SET owner = 'ana'")
        .unwrap();
    edit(
        &p,
        "lib.rs",
        "unique_index(name = \"ix_pipeline_name\", columns(name))",
        "unique_index(name = \"ix_pipeline_name\", columns(name)),\n    unique(columns(owner))",
    );
    generate(&p, "make owner unique").ok();
    p.run(&["check", "--offline", "--lint", "--strict"]).ok();
    let ledger = p.ledger();
    p.run(&["upgrade"]).code(23).stderr_has(
        "cannot upgrade: unique constraint `pipeline_owner_key` makes (owner) of `pipeline` \
             unique, and rows of `pipeline` share a key; nothing was changed. Find them with \
             `SELECT owner, count(*) FROM pipeline WHERE owner IS NOT NULL GROUP BY owner HAVING \
             count(*) > 1`",
    );
    assert_eq!(p.ledger(), ledger);
    let mut client = p.db().client();
    let left: i64 = client
        .query_one(
            "SELECT (SELECT count(*) FROM pg_class WHERE relname LIKE 'pipeline_owner_key%') \
                  + (SELECT count(*) FROM __watcher_schema_progress)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "an index or a progress record was left");
    client
        .batch_execute("UPDATE pipeline SET owner = NULL WHERE name = 'invoices'")
        .unwrap();
    p.run(&["upgrade"]).ok();
    p.run(&["downgrade", "-1"]).ok();
    p.run(&["upgrade"]).ok();
}
