//! A hot standby is refused by name before anything is touched: the harness's primary and
//! its streaming standby, shared by the process.

use postgres::{Client, NoTls};
use watcher_schema_runner::{RunError, Runner};

use crate::support::{self, fixture, runner};

#[test]
fn refuses_a_hot_standby_before_touching_anything() {
    let pair = watcher_schema_tests::replicated();
    let url = pair.standby.url("postgres");
    let mut conn = Runner::connect(&url).expect("diesel connects to the standby");

    let error = runner(&fixture("basic"))
        .run_pending(&mut conn)
        .expect_err("a standby cannot migrate");

    assert!(matches!(error, RunError::HotStandby), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the database is a hot standby (`pg_is_in_recovery()` is true): run migrations \
         against the primary"
    );
    // Nothing ran on the primary either (the standby replays whatever it does).
    let mut primary =
        Client::connect(&pair.primary.url("postgres"), NoTls).expect("connect to the primary");
    assert!(
        support::ledger(&mut primary).is_empty(),
        "no ledger created"
    );
    let tables: i64 = primary
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .expect("count tables")
        .get(0);
    assert_eq!(tables, 0, "no table created");
}
