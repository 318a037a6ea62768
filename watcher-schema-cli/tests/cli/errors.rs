//! Error paths: each prints a clear message and exits with its documented code.

use crate::support::{run, Project};

#[test]
fn no_database_url() {
    Project::new()
        .run(&["current"])
        .code(20)
        .stderr_has("error: no database URL")
        .stderr_has("help: pass `--database-url <URL>`");
}

#[test]
fn database_url_from_dotenv() {
    let p = Project::with_db();
    std::fs::write(
        p.path().join(".env"),
        format!("# local\nDATABASE_URL={}\n", p.db().url()),
    )
    .unwrap();
    let mut cmd = p.command(&["current"]);
    cmd.env_remove("DATABASE_URL");
    run(cmd).ok().stdout_has("base (nothing applied)");
}

#[test]
fn unreachable_server_hides_the_password() {
    // Port 1 on localhost: nothing listens there.
    let url = "postgres://watcher:hunter2secret@127.0.0.1:1/watcher";
    let run = Project::new().run(&["current", "--database-url", url]);
    run.code(21)
        .stderr_has("cannot connect to `postgres://watcher:***@127.0.0.1:1/watcher`");
    assert!(!run.stderr.contains("hunter2secret"), "{}", run.stderr);
    assert!(!run.stdout.contains("hunter2secret"), "{}", run.stdout);
}

#[test]
fn refused_credentials_are_their_own_error() {
    let p = Project::with_db();
    // A role that does not exist is refused at authentication, whatever the server's
    // pg_hba method; the password must not be echoed.
    let url = p
        .db()
        .url()
        .replacen("postgres://", "postgres://no_such_role:pw-Secret-123@", 1);
    let url = fix_userinfo(&url);
    let run = p.run(&["current", "--database-url", &url]);
    run.code(22)
        .stderr_has("refused the credentials")
        .stderr_has("help: check the user and password in --database-url");
    assert!(!run.stderr.contains("pw-Secret-123"), "{}", run.stderr);
}

/// `postgres://role:pw@user@host` → `postgres://role:pw@host` (the harness URL has a user).
fn fix_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let parts: Vec<&str> = rest.splitn(3, '@').collect();
    match parts.as_slice() {
        [cred, _old_user, host] => format!("{scheme}://{cred}@{host}"),
        _ => url.to_string(),
    }
}

#[test]
fn missing_database_is_unreachable() {
    let p = Project::with_db();
    let url = format!("{}_missing", p.db().url());
    p.run(&["current", "--database-url", &url])
        .code(21)
        .stderr_has("does not exist");
}

#[test]
fn unknown_and_ambiguous_revisions() {
    let p = Project::with_db();
    p.run(&["upgrade", "20990101000000"])
        .code(10)
        .stderr_has("error: unknown revision `20990101000000`");
    p.run(&["downgrade", "2025"])
        .code(10)
        .stderr_has("revision `2025` is ambiguous");
    p.run(&["show", "nonsense"]).code(10);
    p.run(&["stamp", "20990101"]).code(10);
}

#[test]
fn no_migrations_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Project::new().command(&["heads"]);
    cmd.current_dir(dir.path());
    run(cmd).code(11).stderr_has("no `migrations` directory in");
}

#[test]
fn invalid_chain_names_the_problem() {
    let p = Project::new();
    std::fs::remove_file(p.migrations().join("20250102000000_add_execution/down.sql")).unwrap();
    p.run(&["history"]).code(11).stderr_has("has no down.sql");
}

#[test]
fn edited_applied_migration_is_a_ledger_mismatch() {
    let p = Project::with_db();
    p.run(&["upgrade", "+1"]).ok();
    let up = p.migrations().join("20250101000000_initial/up.sql");
    let text = std::fs::read_to_string(&up).unwrap();
    std::fs::write(&up, format!("{text}\n-- edited\n")).unwrap();
    p.run(&["upgrade"])
        .code(24)
        .stderr_has("applied migrations have changed since they ran");
    p.run(&["history", "--verbose"])
        .ok()
        .stdout_has("changed: the ledger recorded");
    // `stamp` after review records the new checksum, and the runner proceeds.
    p.run(&["stamp", crate::support::V1]).ok();
    p.run(&["upgrade"]).ok();
}

#[test]
fn unknown_applied_migration_is_a_ledger_mismatch() {
    let p = Project::with_db();
    p.run(&["upgrade"]).ok();
    std::fs::remove_dir_all(p.migrations().join("20250103000000_add_pipeline_owner")).unwrap();
    p.run(&["upgrade"]).code(24).stderr_has("20250103000000");
    p.run(&["current"])
        .ok()
        .stdout_has("20250103000000 is applied but not in");
}

#[test]
fn failing_migration_names_file_and_line() {
    let p = Project::with_db();
    let up = p
        .migrations()
        .join("20250103000000_add_pipeline_owner/up.sql");
    std::fs::write(
        &up,
        "ALTER TABLE pipeline ADD COLUMN owner text;\nSELECT no_such_fn();\n",
    )
    .unwrap();
    p.run(&["upgrade"])
        .code(23)
        .stderr_has("20250103000000_add_pipeline_owner/up.sql:2")
        .stderr_has("no_such_fn");
    assert_eq!(p.ledger(), [crate::support::V1, crate::support::V2]);
}
