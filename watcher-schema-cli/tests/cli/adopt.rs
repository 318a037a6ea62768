//! `stamp --from-alembic`: adopting a database the Python service built with Alembic.

use crate::support::{workspace, Project, V1, V2, V3};

/// Builds the schema of `versions` by hand (as Alembic did) and records `alembic` in
/// `alembic_version`, without any watcher-schema ledger.
fn alembic_database(p: &Project, versions: &[&str], alembic: &str) {
    let mut client = p.db().client();
    for entry in std::fs::read_dir(p.migrations()).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        if versions.iter().any(|v| name.starts_with(v)) {
            let up = std::fs::read_to_string(dir.join("up.sql")).unwrap();
            client.batch_execute(&up).unwrap();
        }
    }
    client
        .batch_execute(&format!(
            "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);\
             INSERT INTO alembic_version VALUES ('{alembic}');"
        ))
        .unwrap();
}

#[test]
fn adopts_a_matching_alembic_database_then_upgrades() {
    let p = Project::with_db();
    alembic_database(&p, &[V1, V2], V2);
    p.run(&["stamp", "--from-alembic"])
        .ok()
        .stdout_has("adopt `alembic_version` says 20250102000000, and the database matches it")
        .stdout_has("stamp     20250101000000_initial")
        .stdout_has("stamp     20250102000000_add_execution");
    assert_eq!(p.ledger(), [V1, V2]);
    p.run(&["upgrade", "head"])
        .ok()
        .stdout_has("upgrade   20250103000000_add_pipeline_owner");
    assert_eq!(p.ledger(), [V1, V2, V3]);
    p.run(&["check"]).ok();
}

#[test]
fn refuses_a_database_that_does_not_match_its_alembic_revision() {
    let p = Project::with_db();
    // Says V3, but `pipeline.owner` was never added.
    alembic_database(&p, &[V1, V2], V3);
    p.run(&["stamp", "--from-alembic"])
        .code(24)
        .stderr_has("the database does not match revision 20250103000000")
        .stderr_has("column `pipeline.owner` is not in the database");
    assert!(p.ledger().is_empty());
}

#[test]
fn refuses_without_alembic_version_or_with_an_unknown_revision() {
    let p = Project::with_db();
    p.run(&["stamp", "--from-alembic"])
        .code(24)
        .stderr_has("no `alembic_version` table");
    let q = Project::with_db();
    alembic_database(&q, &[V1], "ae1027a6acf");
    q.run(&["stamp", "--from-alembic"])
        .code(10)
        .stderr_has("unknown revision `ae1027a6acf`");
    q.run(&["stamp", "head", "--from-alembic"]).code(2);
}

/// Watcher's database as its Alembic head left it: the reference dump at 20251021195850
/// (whose columns are in the Python models' order, not the order migrations add them), with
/// that revision in `alembic_version`.
fn alembic_head_database(p: &Project) -> &'static str {
    const HEAD: &str = "20251021195850";
    let path = workspace().join(format!("tests/data/watcher-{HEAD}.sql"));
    let sql = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    p.db()
        .client()
        .batch_execute(&format!(
            "{sql};\nCREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);\n\
             INSERT INTO alembic_version VALUES ('{HEAD}');"
        ))
        .unwrap_or_else(|e| panic!("the reference dump does not load: {e}"));
    HEAD
}

#[test]
fn adopts_the_database_alembic_built_at_its_head() {
    let p = Project::real_with_db();
    let head = alembic_head_database(&p);
    p.run(&["stamp", "--from-alembic"])
        .ok()
        .stdout_has(&format!(
            "adopt `alembic_version` says {head}, and the database matches it"
        ));
    assert_eq!(p.ledger().last().map(String::as_str), Some(head));
    let doc = p.run(&["check", "--format", "json"]).ok().json();
    assert_eq!(doc["differences"], serde_json::json!([]));
    // Only the order differs, and it is information, not drift.
    let reordered: Vec<&str> = doc["column_order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["table"].as_str().unwrap())
        .collect();
    assert!(reordered.contains(&"address"), "{reordered:?}");
    p.run(&["upgrade", "head"])
        .ok()
        .stdout_has("nothing to upgrade: the database is already there");
    p.run(&["check"]).ok();
}
