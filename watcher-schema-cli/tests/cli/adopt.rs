//! `stamp --from-alembic`: adopting a database the Python service built with Alembic.

use crate::support::{Project, V1, V2, V3};

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
        .stderr_has(
            "column `pipeline.owner` is in revision 20250103000000 but not in the database",
        );
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
