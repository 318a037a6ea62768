//! The live check and the offline check agree, on real PostgreSQL: random schemas with random
//! edits, generated and applied, compare clean both against the database and against the
//! migrations' replayed head; a further random edit of the structs that no migration made is
//! reported by both, difference for difference, in the same words.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use watcher_schema_core::compare::{compare, Expected, Sides};
use watcher_schema_core::diff::diff;
use watcher_schema_core::head::render_schema;
use watcher_schema_core::model::Schema;
use watcher_schema_core::replay::replay;
use watcher_schema_core::sql::render;
use watcher_schema_tests::TestDb;

use crate::support::{catalog, db_error};
use watcher_schema_core::testing::strategy::{edited, schema};

const HEAD: &str = "20990101000000";

/// `from` created, then migrated to `to` by the generated SQL; `structs` is what the structs
/// say afterwards (`to`, edited without a migration).
/// Returns how many differences the unmigrated edit makes.
fn agree(from: &Schema, to: &Schema, structs: &Schema) -> Result<usize, TestCaseError> {
    let db = TestDb::new();
    let (create, up) = (render_schema(from), render(&diff(from, to)));
    for sql in [&create, &up] {
        db.client().batch_execute(sql).map_err(|e| {
            TestCaseError::fail(format!("PostgreSQL rejected: {}\n{sql}", db_error(&e)))
        })?;
    }
    // What `check --offline` holds the structs against: the migrations replayed.
    let mut head = Schema::default();
    replay(&mut head, &create, "create").map_err(|e| TestCaseError::fail(e.to_string()))?;
    replay(&mut head, &up, "up").map_err(|e| TestCaseError::fail(e.to_string()))?;
    // What the live `check` holds them against.
    let live = catalog(&db);
    let offline_sides = Sides::migrations(Some(HEAD));
    let live_sides = Sides::database();

    let offline = compare(&head, to, &Expected::Structs);
    let online = compare(&live, to, &Expected::Structs);
    prop_assert!(
        offline.is_equal() && online.is_equal(),
        "generated and applied, yet: offline {:?}, live {:?}\n--- up ---\n{up}",
        offline.messages(&offline_sides),
        online.messages(&live_sides)
    );

    let offline = compare(&head, structs, &Expected::Structs);
    let online = compare(&live, structs, &Expected::Structs);
    prop_assert_eq!(&offline.differences, &online.differences);
    let in_offline_words: Vec<String> = online
        .messages(&live_sides)
        .iter()
        .map(|m| m.replace(&live_sides.actual, &offline_sides.actual))
        .collect();
    prop_assert_eq!(offline.messages(&offline_sides), in_offline_words);
    Ok(offline.differences.len())
}

#[test]
fn live_and_offline_checks_agree_on_random_edits() {
    // Few cases, each on its own database, from a fixed seed: CI stays fast and repeatable.
    let config = Config {
        cases: 16,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(20251021195850),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let reported = Cell::new(0);
    let strategy = schema()
        .prop_flat_map(|from| (Just(from.clone()), edited(from)))
        .prop_flat_map(|(from, to)| (Just(from), Just(to.clone()), edited(to)));
    let result = runner.run(&strategy, |(from, to, structs)| {
        reported.set(reported.get() + agree(&from, &to, &structs)?);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The second half compared something: the edits left differences to report.
    assert!(reported.get() > 0, "no case had an unmigrated difference");
}
