//! A wrong password and a hot standby, on the harness's password-protected primary and its
//! standby (one pair per test process): each has its own message and documented exit code.

use postgres::{Client, NoTls};
use watcher_schema_tests::replicated;

use crate::support::Project;

const WRONG_PASSWORD: &str = "wrong-Secret-123";

/// The primary's URL with `WRONG_PASSWORD` in place of the real one.
fn wrong_password_url() -> String {
    let primary = &replicated().primary;
    let password = primary.password().expect("the primary requires a password");
    let url = primary.url("postgres");
    let wrong = url.replacen(&format!(":{password}@"), &format!(":{WRONG_PASSWORD}@"), 1);
    assert_ne!(wrong, url, "the password was replaced in {url}");
    wrong
}

#[test]
fn a_wrong_password_is_an_auth_failure_that_hides_the_password() {
    let url = wrong_password_url();
    let p = Project::new();
    let current = p.run(&["current", "--database-url", &url]);
    let mut upgrade = p.command(&["upgrade", "head"]);
    upgrade.env("DATABASE_URL", &url);
    let upgrade = crate::support::run(upgrade);

    for run in [&current, &upgrade] {
        run.code(22)
            .stderr_has("refused the credentials")
            .stderr_has("postgres:***@127.0.0.1")
            .stderr_has("help: check the user and password");
        for stream in [&run.stdout, &run.stderr] {
            assert!(!stream.contains(WRONG_PASSWORD), "{stream}");
        }
    }
}

#[test]
fn upgrading_a_hot_standby_is_refused_by_name() {
    let pair = replicated();
    let p = Project::new();
    let run = p.run(&[
        "upgrade",
        "head",
        "--database-url",
        &pair.standby.url("postgres"),
    ]);
    run.code(23)
        .stderr_has("the database is a hot standby")
        .stderr_has("run migrations against the primary");
    let password = pair.primary.password().expect("a password");
    assert!(!run.stderr.contains(password), "{}", run.stderr);

    // Nothing reached the primary, whose changes the standby would replay.
    let mut primary =
        Client::connect(&pair.primary.url("postgres"), NoTls).expect("connect to the primary");
    let ledger: bool = primary
        .query_one(
            "SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL",
            &[],
        )
        .expect("probe the ledger")
        .get(0);
    assert!(!ledger, "no ledger was created");
}
