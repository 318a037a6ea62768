//! `merge`: two heads after a git merge become one linear chain again.

use std::fs;

use crate::support::{Project, V3};

/// Adds a migration by hand with `parent`, as a branch in git would have.
fn add(p: &Project, dir: &str, parent: &str, up: &str, down: &str) {
    let path = p.migrations().join(dir);
    fs::create_dir(&path).unwrap();
    fs::write(path.join("up.sql"), up).unwrap();
    fs::write(path.join("down.sql"), down).unwrap();
    fs::write(
        path.join("metadata.toml"),
        format!("run_in_transaction = true\ndown_revision = \"{parent}\"\n"),
    )
    .unwrap();
}

/// Two branches from the fixture's head: A adds `pipeline.a`, B adds `pipeline.b` then
/// `pipeline.c`.
fn forked() -> Project {
    let p = Project::with_db();
    add(
        &p,
        "20250104000000_add_a",
        V3,
        "ALTER TABLE pipeline ADD COLUMN a text;\n",
        "ALTER TABLE pipeline DROP COLUMN a;\n",
    );
    add(
        &p,
        "20250105000000_add_b",
        V3,
        "ALTER TABLE pipeline ADD COLUMN b text;\n",
        "ALTER TABLE pipeline DROP COLUMN b;\n",
    );
    add(
        &p,
        "20250106000000_add_c",
        "20250105000000",
        "ALTER TABLE pipeline ADD COLUMN c text;\n",
        "ALTER TABLE pipeline DROP COLUMN c;\n",
    );
    p
}

fn dir_names(p: &Project) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(p.migrations())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn heads_lists_both_branches_and_the_chain_refuses_to_run() {
    let p = forked();
    p.run(&["heads"])
        .ok()
        .stdout_has("20250104000000_add_a (head)")
        .stdout_has("20250106000000_add_c (head)")
        .stdout_has("run `watcher-schema merge`");
    p.run(&["upgrade"])
        .code(11)
        .stderr_has("20250104000000_add_a");
}

#[test]
fn rebases_the_later_branch_onto_the_earlier() {
    let p = forked();
    let run = p.run(&["merge"]);
    run.ok()
        .stdout_has("rebase 20250105000000_add_b -> ")
        .stdout_has("rebase 20250106000000_add_c -> ")
        .stdout_has("2 migrations now follow 20250104000000");
    let names = dir_names(&p);
    assert_eq!(names.len(), 6, "{names:?}");
    assert_eq!(names[3], "20250104000000_add_a");
    assert!(
        names[4].ends_with("_add_b") && names[5].ends_with("_add_c"),
        "{names:?}"
    );
    let meta = fs::read_to_string(p.migrations().join(&names[4]).join("metadata.toml")).unwrap();
    assert!(
        meta.contains("down_revision = \"20250104000000\""),
        "{meta}"
    );
    let up = fs::read_to_string(p.migrations().join(&names[5]).join("up.sql")).unwrap();
    assert_eq!(
        up, "ALTER TABLE pipeline ADD COLUMN c text;\n",
        "SQL is kept as reviewed"
    );
    p.run(&["heads", "--format", "json"]).ok();
    p.run(&["upgrade"]).ok();
    assert_eq!(p.ledger().len(), 6);
    p.run(&["merge"])
        .ok()
        .stdout_has("nothing to merge: the chain is linear");
}

#[test]
fn onto_chooses_the_head_that_stays() {
    let p = forked();
    p.run(&["merge", "--onto", "20250106"])
        .ok()
        .stdout_has("rebase 20250104000000_add_a -> ")
        .stdout_has("1 migration now follows 20250106000000");
    let names = dir_names(&p);
    assert!(names[5].ends_with("_add_a"), "{names:?}");
}

#[test]
fn a_conflicting_branch_leaves_the_directory_unchanged() {
    let p = Project::with_db();
    add(
        &p,
        "20250104000000_add_a",
        V3,
        "ALTER TABLE pipeline ADD COLUMN a text;\n",
        "ALTER TABLE pipeline DROP COLUMN a;\n",
    );
    add(
        &p,
        "20250105000000_add_a_too",
        V3,
        "ALTER TABLE pipeline ADD COLUMN a integer;\n",
        "ALTER TABLE pipeline DROP COLUMN a;\n",
    );
    let before = dir_names(&p);
    p.run(&["merge"])
        .code(11)
        .stderr_has("merge failed, the migrations directory is unchanged")
        .stderr_has("already exists");
    assert_eq!(dir_names(&p), before);
    p.run(&["merge", "--onto", "2099"])
        .code(10)
        .stderr_has("`2099` is not one of the heads");
}
