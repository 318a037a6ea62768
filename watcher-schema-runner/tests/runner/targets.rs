use watcher_schema_runner::{Action, RunError, Target};

use crate::support::{self, connect, fixture, runner, TestDb};

fn t(s: &str) -> Target {
    s.parse().unwrap()
}

#[test]
fn upgrades_and_downgrades_to_every_kind_of_target() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    let mut client = db.client();
    let empty = support::catalog(&mut client);

    runner.upgrade_to(&mut conn, &t("+1")).unwrap();
    assert_eq!(support::versions(&mut client), ["20250101000001"]);
    let at_first = support::catalog(&mut client);

    let report = runner.upgrade_to(&mut conn, &t("20250101000003")).unwrap();
    assert_eq!(report.migrations.len(), 2);
    assert_eq!(support::versions(&mut client).len(), 3);
    let at_head = support::catalog(&mut client);

    let report = runner.downgrade_to(&mut conn, &t("-1")).unwrap();
    assert_eq!(report.migrations[0].action, Action::Downgrade);
    assert_eq!(report.migrations[0].version, "20250101000003");
    assert_eq!(support::versions(&mut client).len(), 2);

    runner
        .downgrade_to(&mut conn, &t("20250101000001"))
        .unwrap();
    support::assert_same_catalog(&at_first, &support::catalog(&mut client));

    runner.run_pending(&mut conn).unwrap();
    support::assert_same_catalog(&at_head, &support::catalog(&mut client));

    let report = runner.downgrade_to(&mut conn, &Target::Base).unwrap();
    let order: Vec<&str> = report
        .migrations
        .iter()
        .map(|m| m.version.as_str())
        .collect();
    assert_eq!(
        order,
        ["20250101000003", "20250101000002", "20250101000001"]
    );
    support::assert_same_catalog(&empty, &support::catalog(&mut client));
    assert!(support::versions(&mut client).is_empty());
}

#[test]
fn every_migration_survives_upgrade_downgrade_upgrade() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    let mut client = db.client();
    for m in runner.migrations() {
        runner.upgrade_to(&mut conn, &t("+1")).unwrap();
        let up = support::catalog(&mut client);
        runner.downgrade_to(&mut conn, &t("-1")).unwrap();
        runner.upgrade_to(&mut conn, &t("+1")).unwrap();
        assert_eq!(
            support::versions(&mut client).last().map(String::as_str),
            Some(m.version())
        );
        support::assert_same_catalog(&up, &support::catalog(&mut client));
    }
}

#[test]
fn rejects_targets_that_go_the_wrong_way_or_too_far() {
    let db = TestDb::new();
    let runner = runner(&fixture("basic"));
    let mut conn = connect(&db);
    runner.upgrade_to(&mut conn, &t("+2")).unwrap();
    let cases = [
        runner.upgrade_to(&mut conn, &t("+2")).unwrap_err(),
        runner
            .upgrade_to(&mut conn, &t("20250101000001"))
            .unwrap_err(),
        runner.downgrade_to(&mut conn, &t("-3")).unwrap_err(),
        runner
            .downgrade_to(&mut conn, &t("20250101000003"))
            .unwrap_err(),
        runner
            .upgrade_to(&mut conn, &t("20990101000000"))
            .unwrap_err(),
    ];
    for error in cases {
        assert!(matches!(error, RunError::Target { .. }), "{error:?}");
    }
    assert_eq!(
        support::versions(&mut db.client()).len(),
        2,
        "nothing changed"
    );
}
