use proptest::prelude::*;

use super::*;
use crate::compare::describe_difference;
use crate::diff::tests::{col, migrate, not_null, schema, table, with_index};
use crate::model::{PrimaryKey, Table};
use crate::sql::render;
use crate::testing::{after_migration, assert_schema_eq, strategy};

/// Up reaches `to` (renamed columns keep their place), down restores `from`.
fn assert_plan_round_trip(from: &Schema, to: &Schema, plan: &Plan) {
    let upgraded = migrate(from, &plan.up);
    let expected_up = after_migration(&upgraded, to);
    assert_schema_eq(&upgraded, &expected_up);
    let downgraded = migrate(&upgraded, &plan.down);
    assert_schema_eq(&downgraded, &after_migration(&downgraded, from));
}

fn problems(result: Result<Plan, PlanError>) -> Vec<String> {
    match result {
        Ok(plan) => panic!("expected problems, got {plan:#?}"),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

fn allow_all() -> Hints {
    Hints {
        allow_destructive: true,
        ..Hints::default()
    }
}

fn pipeline(extra: Vec<Column>) -> Schema {
    let mut columns = vec![not_null("name", SqlType::Varchar(Some(150)))];
    columns.extend(extra);
    schema(&[], vec![table("pipeline", columns)])
}

#[test]
fn not_null_column_on_an_existing_table_is_added_filled_then_set_not_null() {
    let from = pipeline(vec![]);
    let to = pipeline(vec![not_null("input_hash", SqlType::Varchar(Some(20)))]);
    let hints = Hints::default().backfill("pipeline", "input_hash", "left(md5(name), 20)");
    let plan = plan(&from, &to, &hints).expect("a backfill is given");
    assert_eq!(
        render(&plan.up),
        "\
ALTER TABLE pipeline ADD COLUMN input_hash varchar(20);

UPDATE pipeline SET input_hash = left(md5(name), 20) WHERE input_hash IS NULL;

ALTER TABLE pipeline ALTER COLUMN input_hash SET NOT NULL;
"
    );
    assert_eq!(
        render(&plan.down),
        "\
-- drops column `pipeline.input_hash` added by the upgrade, with its values
ALTER TABLE pipeline DROP COLUMN input_hash;
"
    );
    assert!(plan.run_in_transaction);
    assert_eq!(plan.warnings, Vec::<String>::new());
    assert_plan_round_trip(&from, &to, &plan);
}

#[test]
fn not_null_column_without_backfill_is_refused_with_the_attribute_to_add() {
    let from = pipeline(vec![]);
    let to = pipeline(vec![not_null("input_hash", SqlType::Varchar(Some(20)))]);
    assert_eq!(
        problems(plan(&from, &to, &Hints::default())),
        ["column `pipeline.input_hash` is NOT NULL without a default, and existing rows of \
          `pipeline` have no value for it\n\
          help: add `#[watcher(backfill = \"<sql expression>\")]` to the field, or give it a default"]
    );
}

#[test]
fn not_null_column_with_a_default_or_on_a_new_table_needs_no_backfill() {
    let mut flag = not_null("active", SqlType::Boolean);
    flag.default = Some(Expr::new("true"));
    let from = pipeline(vec![]);
    let to = pipeline(vec![flag.clone()]);
    let plan = plan(&from, &to, &Hints::default()).expect("the default fills the rows");
    assert_eq!(
        plan.up,
        [Op::AddColumn {
            table: "pipeline".into(),
            column: flag,
        }]
    );
    let to = schema(
        &[],
        vec![table("fresh", vec![not_null("n", SqlType::Integer)])],
    );
    assert!(super::plan(&Schema::default(), &to, &Hints::default()).is_ok());
}

#[test]
fn dropping_a_column_is_refused_unless_confirmed() {
    let from = pipeline(vec![col("full_load", SqlType::Boolean)]);
    let to = pipeline(vec![]);
    assert_eq!(
        problems(plan(&from, &to, &Hints::default())),
        ["dropping column `pipeline.full_load` loses its values\n\
          help: if that is intended, confirm it with \
          `#[watcher_table(allow_destructive(drop_column(full_load)))]` on the struct of `pipeline`, or for the \
          whole migration with `--allow-destructive`"]
    );
    let hints = Hints::default().allow(Destructive::DropColumn {
        table: "pipeline".into(),
        column: "full_load".into(),
    });
    let plan = plan(&from, &to, &hints).expect("confirmed");
    assert_eq!(
        render(&plan.up),
        "\
-- destructive: dropping column `pipeline.full_load` loses its values
ALTER TABLE pipeline DROP COLUMN full_load;
"
    );
    assert_eq!(
        render(&plan.down),
        "\
-- restores column `pipeline.full_load` dropped by the upgrade: its old values cannot come back
ALTER TABLE pipeline ADD COLUMN full_load boolean;
"
    );
    assert_plan_round_trip(&from, &to, &plan);
}

#[test]
fn a_dropped_not_null_column_comes_back_filled_with_its_default_or_a_zero() {
    let mut deprecated = not_null("deprecated", SqlType::Boolean);
    deprecated.default = Some(Expr::new("false"));
    let from = pipeline(vec![deprecated, not_null("kind", SqlType::Integer)]);
    let to = pipeline(vec![col("address_metadata", SqlType::Jsonb)]);
    let plan = plan(&from, &to, &allow_all()).expect("confirmed");
    assert_eq!(
        render(&plan.down),
        "\
-- restores column `pipeline.deprecated` dropped by the upgrade: its old values cannot come back
ALTER TABLE pipeline ADD COLUMN deprecated boolean NOT NULL DEFAULT false;

-- restores column `pipeline.kind` dropped by the upgrade, with 0 in existing rows: its old values cannot come back
ALTER TABLE pipeline ADD COLUMN kind integer;

UPDATE pipeline SET kind = 0 WHERE kind IS NULL;

ALTER TABLE pipeline ALTER COLUMN kind SET NOT NULL;

-- drops column `pipeline.address_metadata` added by the upgrade, with its values
ALTER TABLE pipeline DROP COLUMN address_metadata;
"
    );
    assert_plan_round_trip(&from, &to, &plan);
}

#[test]
fn dropping_a_table_is_refused_unless_confirmed_and_comes_back_empty() {
    let from = schema(&[], vec![table("legacy", vec![]), table("kept", vec![])]);
    let to = schema(&[], vec![table("kept", vec![])]);
    assert_eq!(
        problems(plan(&from, &to, &Hints::default())),
        ["dropping table `legacy` loses every row in it\n\
          help: if that is intended, confirm it with `--allow-destructive`"]
    );
    let plan = plan(&from, &to, &allow_all()).expect("confirmed");
    assert_eq!(
        render(&plan.up),
        "-- destructive: dropping table `legacy` loses every row in it\nDROP TABLE legacy;\n"
    );
    assert!(render(&plan.down).starts_with(
        "-- restores table `legacy` dropped by the upgrade, empty: its rows cannot come back\n\
         CREATE TABLE legacy (\n"
    ));
    assert_plan_round_trip(&from, &to, &plan);
}

#[test]
fn narrowing_a_type_is_refused_and_widening_is_not() {
    let with = |ty| pipeline(vec![col("code", ty)]);
    let (narrow, wide) = (
        with(SqlType::Varchar(Some(20))),
        with(SqlType::Varchar(Some(50))),
    );
    let widened = plan(&narrow, &wide, &Hints::default()).expect("widening keeps every value");
    assert_eq!(
        render(&widened.down),
        "\
-- `pipeline.code` narrows back to `varchar(20)`, which fails on values that do not fit
ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(20);
"
    );
    assert_eq!(
        problems(plan(&wide, &narrow, &Hints::default())),
        [
            "changing `pipeline.code` from `varchar(50)` to `varchar(20)` can reject or alter its \
          values\nhelp: if that is intended, confirm it with \
          `#[watcher_table(allow_destructive(change_type(code)))]` on the struct of `pipeline`, or for the \
          whole migration with `--allow-destructive`"
        ]
    );
    let plan =
        plan(&with(SqlType::Text), &with(SqlType::Integer), &allow_all()).expect("confirmed");
    assert_eq!(
        render(&plan.up),
        "\
-- destructive: changing `pipeline.code` from `text` to `integer` can reject or alter its values
ALTER TABLE pipeline ALTER COLUMN code TYPE integer USING code::integer;
"
    );
    assert_eq!(
        render(&plan.down),
        "\
-- `pipeline.code` returns to `text`: values the upgrade altered cannot come back
ALTER TABLE pipeline ALTER COLUMN code TYPE text;
"
    );
}

#[test]
fn changing_a_primary_key_is_refused_unless_confirmed() {
    let closure = |key: &[&str]| {
        let mut t = Table::new("address_lineage_closure");
        t.columns = ["source_address_id", "target_address_id", "depth"]
            .map(|c| not_null(c, SqlType::Integer))
            .to_vec();
        t.primary_key = Some(PrimaryKey {
            name: "address_lineage_closure_pkey".into(),
            columns: key.iter().map(|c| c.to_string()).collect(),
        });
        schema(&[], vec![t])
    };
    let from = closure(&["source_address_id", "target_address_id"]);
    let to = closure(&["source_address_id", "target_address_id", "depth"]);
    assert_eq!(
        problems(plan(&from, &to, &Hints::default())),
        [
            "changing the primary key of `address_lineage_closure` from (source_address_id, \
          target_address_id) to (source_address_id, target_address_id, depth) drops the old \
          key's guarantee and fails on duplicate rows\n\
          help: if that is intended, confirm it with \
          `#[watcher_table(allow_destructive(change_primary_key))]` on the struct of \
          `address_lineage_closure`, or for the \
          whole migration with `--allow-destructive`"
        ]
    );
    let hints = Hints::default().allow(Destructive::ChangePrimaryKey {
        table: "address_lineage_closure".into(),
    });
    let plan = plan(&from, &to, &hints).expect("confirmed");
    assert_eq!(
        render(&plan.up),
        "\
-- destructive: changing the primary key of `address_lineage_closure` from (source_address_id, target_address_id) to (source_address_id, target_address_id, depth) drops the old key's guarantee and fails on duplicate rows
ALTER TABLE address_lineage_closure DROP CONSTRAINT address_lineage_closure_pkey;

ALTER TABLE address_lineage_closure ADD CONSTRAINT address_lineage_closure_pkey PRIMARY KEY (source_address_id, target_address_id, depth);
"
    );
    assert_plan_round_trip(&from, &to, &plan);
}

#[test]
fn removing_an_enum_label_is_refused_unless_confirmed() {
    let mood = |labels: &'static [&'static str]| {
        schema(
            &[("mood", labels)],
            vec![table("t", vec![col("m", SqlType::Enum("mood".into()))])],
        )
    };
    let (from, to) = (mood(&["happy", "sad", "meh"]), mood(&["happy", "meh"]));
    assert_eq!(
        problems(plan(&from, &to, &Hints::default())),
        [
            "removing label 'sad' from enum `mood` fails on rows that hold it\n\
          help: if that is intended, confirm it with \
          `#[watcher_enum(allow_destructive(remove_label(\"sad\")))]` on the enum of `mood`, or for the \
          whole migration with `--allow-destructive`"
        ]
    );
    let plan = plan(&from, &to, &allow_all()).expect("confirmed");
    assert_eq!(
        render(&plan.up),
        "\
-- destructive: removing label 'sad' from enum `mood` fails on rows that hold it
ALTER TYPE mood RENAME TO mood__old;

CREATE TYPE mood AS ENUM (
  'happy',
  'meh'
);

ALTER TABLE t ALTER COLUMN m TYPE mood USING m::text::mood;

DROP TYPE mood__old;
"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TYPE mood ADD VALUE 'sad' AFTER 'happy';\n"
    );
    assert_plan_round_trip(&from, &to, &plan);
}

#[test]
fn a_column_rename_hint_renames_instead_of_drop_and_add() {
    let from = pipeline(vec![
        not_null("hash", SqlType::Varchar(Some(20))),
        col("z", SqlType::Text),
    ]);
    let to = pipeline(vec![
        not_null("input_hash", SqlType::Varchar(Some(20))),
        col("z", SqlType::Text),
    ]);
    let hints = Hints::default().rename_column("pipeline", "hash", "input_hash");
    let plan = plan(&from, &to, &hints).expect("a rename loses nothing");
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE pipeline RENAME COLUMN hash TO input_hash;\n"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TABLE pipeline RENAME COLUMN input_hash TO hash;\n"
    );
    let upgraded = migrate(&from, &plan.up);
    assert_schema_eq(&upgraded, &to);
    assert_schema_eq(&migrate(&upgraded, &plan.down), &from);
    // Once the migration exists, the hint describes the past and changes nothing.
    assert_eq!(super::plan(&to, &to, &hints).expect("stale hint").up, []);
}

#[test]
fn a_table_rename_hint_renames_the_table_and_then_its_columns() {
    let from = schema(&[], vec![table("job", vec![col("title", SqlType::Text)])]);
    let to = schema(
        &[],
        vec![table("pipeline", vec![col("name", SqlType::Text)])],
    );
    let hints = Hints::default()
        .rename_table("job", "pipeline")
        .rename_column("pipeline", "title", "name");
    let plan = plan(&from, &to, &hints).expect("renames lose nothing");
    // PostgreSQL keeps the old key and sequence names on a renamed table; the struct
    // names the new defaults, so those are renamed too.
    assert_eq!(
        render(&plan.up),
        "\
ALTER TABLE job RENAME TO pipeline;

ALTER TABLE pipeline RENAME COLUMN title TO name;

ALTER TABLE pipeline RENAME CONSTRAINT job_pkey TO pipeline_pkey;

ALTER SEQUENCE job_id_seq RENAME TO pipeline_id_seq;
"
    );
    let upgraded = migrate(&from, &plan.up);
    assert_schema_eq(&upgraded, &to);
    assert_schema_eq(&migrate(&upgraded, &plan.down), &from);
}

#[test]
fn rename_hints_that_cannot_apply_are_problems() {
    let from = pipeline(vec![col("a", SqlType::Text), col("b", SqlType::Text)]);
    let to = pipeline(vec![col("a", SqlType::Text), col("b", SqlType::Text)]);
    let hints = Hints::default().rename_column("pipeline", "a", "b");
    assert_eq!(
        problems(plan(&from, &to, &hints)),
        ["`pipeline.b` cannot be renamed from `pipeline.a`: column `pipeline.a` is still declared\n\
          help: remove the `renamed_from` attribute, or the declaration of `pipeline.a`"]
    );
}

#[test]
fn a_likely_rename_without_a_hint_says_how_to_declare_it() {
    let from = pipeline(vec![not_null("hash", SqlType::Varchar(Some(20)))]);
    let to = pipeline(vec![not_null("input_hash", SqlType::Varchar(Some(20)))]);
    assert_eq!(
        problems(plan(&from, &to, &Hints::default())),
        [
            "dropping column `pipeline.hash` loses its values\n\
             help: if that is intended, confirm it with \
             `#[watcher_table(allow_destructive(drop_column(hash)))]` on the struct of `pipeline`, or for the \
             whole migration with `--allow-destructive`\n\
             help: if `pipeline.hash` was renamed to `input_hash`, add \
             `#[watcher(renamed_from = \"hash\")]` to the field `input_hash`",
            "column `pipeline.input_hash` is NOT NULL without a default, and existing rows of \
             `pipeline` have no value for it\n\
             help: add `#[watcher(backfill = \"<sql expression>\")]` to the field, or give it a default\n\
             help: if it is `pipeline.hash` renamed, add `#[watcher(renamed_from = \"hash\")]` instead",
        ]
    );
    let hints = allow_all().backfill("pipeline", "input_hash", "''");
    let plan = plan(&from, &to, &hints).expect("confirmed");
    assert_eq!(
        plan.warnings,
        [
            "`pipeline.hash` is dropped and `pipeline.input_hash` added with the same type; if it \
          is a rename, add `#[watcher(renamed_from = \"hash\")]` to the field `input_hash`"
        ]
    );
}

#[test]
fn a_likely_table_rename_says_how_to_declare_it() {
    let from = schema(&[], vec![table("job", vec![col("name", SqlType::Text)])]);
    let to = schema(
        &[],
        vec![table("pipeline", vec![col("name", SqlType::Text)])],
    );
    let found = problems(plan(&from, &to, &Hints::default()));
    assert_eq!(
        found,
        ["dropping table `job` loses every row in it\n\
          help: if that is intended, confirm it with `--allow-destructive`\n\
          help: if table `job` was renamed to `pipeline`, add `renamed_from = \"job\"` to the \
          `#[watcher_table]` of `pipeline`"]
    );
}

#[test]
fn every_problem_is_listed_at_once() {
    let from = schema(
        &[],
        vec![
            table("a", vec![col("x", SqlType::Text)]),
            table("gone", vec![]),
        ],
    );
    let to = schema(
        &[],
        vec![table(
            "a",
            vec![
                not_null("y", SqlType::Integer),
                not_null("z", SqlType::Date),
            ],
        )],
    );
    let error = plan(&from, &to, &Hints::default()).expect_err("three problems");
    let kinds: Vec<&str> = error
        .problems
        .iter()
        .map(|p| match p {
            Problem::MissingBackfill { column, .. }
            | Problem::MissingTighteningFill { column, .. } => column.as_str(),
            Problem::Destructive { change, .. } => match change {
                Destructive::DropTable { table } => table.as_str(),
                Destructive::DropColumn { column, .. } => column.as_str(),
                other => panic!("unexpected {other:?}"),
            },
            Problem::InvalidRename { .. } => "rename",
            Problem::RewritingTypeChange { .. } | Problem::RewritingAdd { .. } => "rewrite",
        })
        .collect();
    assert_eq!(kinds, ["x", "gone", "y", "z"]);
    assert_eq!(error.to_string().matches("\n\n").count(), 3);
}

#[test]
fn setting_not_null_on_an_existing_column_uses_the_backfill_or_the_default_or_refuses() {
    let from = pipeline(vec![col("owner", SqlType::Text)]);
    let to = pipeline(vec![not_null("owner", SqlType::Text)]);
    assert_eq!(
        problems(plan(&from, &to, &Hints::default())),
        [
            "column `pipeline.owner` becomes NOT NULL, and rows of `pipeline` that hold NULL have \
          no value for it: `SET NOT NULL` would fail on the first one\n\
          help: add `#[watcher(backfill = \"<sql expression>\")]` to the field (e.g. \
          `backfill = \"''\"`), or give it a default, which fills those rows"
        ]
    );
    let hints = Hints::default().backfill("pipeline", "owner", "'nobody'");
    let plan_filled = plan(&from, &to, &hints).expect("filled");
    assert_eq!(
        render(&plan_filled.up),
        "\
UPDATE pipeline SET owner = 'nobody' WHERE owner IS NULL;

ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;
"
    );
    // The struct's default fills the rows that hold NULL when no backfill is given.
    let mut with_default = not_null("owner", SqlType::Text);
    with_default.default = Some(Expr::new("'unknown'"));
    let to = pipeline(vec![with_default]);
    let plan_defaulted = plan(&from, &to, &Hints::default()).expect("filled by the default");
    assert!(
        render(&plan_defaulted.up)
            .contains("UPDATE pipeline SET owner = 'unknown' WHERE owner IS NULL;"),
        "{}",
        render(&plan_defaulted.up)
    );
}

#[test]
fn the_way_back_fills_nulls_before_setting_not_null_again() {
    let from = pipeline(vec![not_null("owner", SqlType::Text)]);
    let to = pipeline(vec![col("owner", SqlType::Text)]);
    let plan = plan(&from, &to, &Hints::default()).expect("nothing destructive");
    assert_eq!(
        render(&plan.down),
        "\
-- rows that hold NULL in `pipeline.owner` get ''
UPDATE pipeline SET owner = '' WHERE owner IS NULL;

ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;
"
    );
}

#[test]
fn concurrent_indexes_run_outside_a_transaction() {
    let base = || {
        table(
            "pipeline",
            vec![col("a", SqlType::Text), col("b", SqlType::Text)],
        )
    };
    let from = schema(&[], vec![with_index(base(), "ix_a", &["a"], &[])]);
    let mut to = schema(&[], vec![with_index(base(), "ix_a", &["a"], &["b"])]);
    let fresh = with_index(
        table("fresh", vec![col("a", SqlType::Text)]),
        "ix_fresh_a",
        &["a"],
        &[],
    );
    to.tables.insert("fresh".into(), fresh);
    let hints = Hints {
        concurrent_indexes: true,
        ..Hints::default()
    };
    let plan = plan(&from, &to, &hints).expect("indexes are safe");
    assert!(!plan.run_in_transaction);
    let sql = render(&plan.up);
    assert!(sql.contains("DROP INDEX CONCURRENTLY ix_a;"), "{sql}");
    assert!(
        sql.contains("CREATE INDEX CONCURRENTLY ix_a ON pipeline (a) INCLUDE (b);"),
        "{sql}"
    );
    // A new table is empty: its indexes are built at once.
    assert!(
        sql.contains("CREATE INDEX ix_fresh_a ON fresh (a);"),
        "{sql}"
    );
    assert!(render(&plan.down).contains("CREATE INDEX CONCURRENTLY ix_a ON pipeline (a);"));
    assert_eq!(
        plan.warnings,
        [
            "indexes of existing tables are built and dropped CONCURRENTLY, so the migration runs \
          outside a transaction"
        ]
    );
    assert!(
        super::plan(&from, &to, &Hints::default())
            .expect("plain")
            .run_in_transaction
    );
}

#[test]
fn a_new_enum_label_used_in_the_same_migration_runs_outside_a_transaction() {
    let with = |labels: &'static [&'static str], default: Option<&str>| {
        let mut c = not_null("part", SqlType::Enum("datepartenum".into()));
        c.default = default.map(Expr::new);
        schema(&[("datepartenum", labels)], vec![table("t", vec![c])])
    };
    let from = with(&["DAY"], None);
    let to = with(&["DAY", "WEEK"], Some("'WEEK'::datepartenum"));
    let plan = plan(&from, &to, &Hints::default()).expect("nothing destructive");
    assert!(!plan.run_in_transaction);
    assert_eq!(
        plan.warnings,
        [
            "enum `datepartenum` gains label 'WEEK' and this migration uses it; PostgreSQL cannot \
          use a label in the transaction that adds it, so the migration runs outside a transaction"
        ]
    );
    let unused = super::plan(&from, &with(&["DAY", "WEEK"], None), &Hints::default());
    assert!(unused.expect("nothing destructive").run_in_transaction);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_confirmed_plan_goes_up_and_back_down((a, b) in strategy::schema_pair()) {
        let mut hints = allow_all();
        for t in b.tables.values() {
            for c in &t.columns {
                hints.backfills.insert((t.name.clone(), c.name.clone()), Expr::new("NULL"));
            }
        }
        let plan = plan(&a, &b, &hints).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let upgraded = migrate(&a, &plan.up);
        prop_assert_eq!(describe_difference(&upgraded, &after_migration(&a, &b)), None);
        let downgraded = migrate(&upgraded, &plan.down);
        prop_assert_eq!(describe_difference(&downgraded, &after_migration(&upgraded, &a)), None);
        // The SQL says the same: fills, comments and `setval` selects leave the shape alone.
        let mut replayed = a.clone();
        crate::replay::replay(&mut replayed, &render(&plan.up), "up.sql")
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(describe_difference(&replayed, &upgraded), None);
        crate::replay::replay(&mut replayed, &render(&plan.down), "down.sql")
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(describe_difference(&replayed, &downgraded), None);
    }
}

/// Watcher's real history after the seed (`shared/reference/README.md`), as struct edits
/// would state it: each step's plan, its exact SQL, and replay landing on both sides.
mod history {
    use super::*;
    use crate::model::{Column, Schema, SqlType};
    use crate::replay::replay;

    const REFERENCE: &str = include_str!("../../../../tests/data/watcher-20251005124405.sql");

    fn seed() -> Schema {
        let mut s = Schema::default();
        replay(&mut s, REFERENCE, "watcher-20251005124405.sql").expect("the reference replays");
        s
    }

    fn edit(from: &Schema, change: impl FnOnce(&mut Schema)) -> Schema {
        let mut to = from.clone();
        change(&mut to);
        to
    }

    fn table<'s>(s: &'s mut Schema, name: &str) -> &'s mut crate::model::Table {
        s.tables.get_mut(name).expect("a reference table")
    }

    /// Plans `from` → `to`, checks both directions by replaying their SQL, and returns it.
    fn step(from: &Schema, to: &Schema, hints: &Hints) -> (String, String) {
        let plan = plan(from, to, hints).unwrap_or_else(|e| panic!("{e}"));
        assert!(plan.run_in_transaction);
        let (up, down) = (render(&plan.up), render(&plan.down));
        let mut s = from.clone();
        replay(&mut s, &up, "up.sql").unwrap_or_else(|e| panic!("{e}\n{up}"));
        assert_schema_eq(&s, &after_migration(from, to));
        replay(&mut s, &down, "down.sql").unwrap_or_else(|e| panic!("{e}\n{down}"));
        assert_schema_eq(&s, &after_migration(&s, from));
        (up, down)
    }

    #[test]
    fn the_six_changes_after_the_seed() {
        let s0 = seed();

        // 20251007183231: `pipeline_execution.full_load` is dropped.
        let s1 = edit(&s0, |s| {
            table(s, "pipeline_execution")
                .columns
                .retain(|c| c.name != "full_load");
        });
        assert_eq!(
            problems(plan(&s0, &s1, &Hints::default())),
            [
                "dropping column `pipeline_execution.full_load` loses its values\n\
              help: if that is intended, confirm it with \
              `#[watcher_table(allow_destructive(drop_column(full_load)))]` on the struct of \
              `pipeline_execution`, or for the \
              whole migration with `--allow-destructive`"
            ]
        );
        let allow = Hints::default().allow(Destructive::DropColumn {
            table: "pipeline_execution".into(),
            column: "full_load".into(),
        });
        assert_eq!(
            step(&s0, &s1, &allow),
            (
                "\
-- destructive: dropping column `pipeline_execution.full_load` loses its values
ALTER TABLE pipeline_execution DROP COLUMN full_load;
"
                .to_string(),
                "\
-- restores column `pipeline_execution.full_load` dropped by the upgrade: its old values cannot come back
ALTER TABLE pipeline_execution ADD COLUMN full_load boolean;
"
                .to_string()
            )
        );

        // 20251008100712: `pipeline.input_hash varchar(20) NOT NULL`, filled from the name.
        let input_hash = Column {
            nullable: false,
            ..Column::new("input_hash", SqlType::Varchar(Some(20)))
        };
        let s2 = edit(&s1, |s| {
            table(s, "pipeline").columns.push(input_hash.clone())
        });
        let fill = Hints::default().backfill("pipeline", "input_hash", "left(md5(name), 20)");
        assert_eq!(
            step(&s1, &s2, &fill).0,
            "\
ALTER TABLE pipeline ADD COLUMN input_hash varchar(20);

UPDATE pipeline SET input_hash = left(md5(name), 20) WHERE input_hash IS NULL;

ALTER TABLE pipeline ALTER COLUMN input_hash SET NOT NULL;
"
        );

        // 20251011103728: the same on `address`.
        let s3 = edit(&s2, |s| {
            table(s, "address").columns.push(input_hash.clone())
        });
        let fill = Hints::default().backfill("address", "input_hash", "left(md5(name), 20)");
        assert_eq!(
            step(&s2, &s3, &fill).1,
            "\
-- drops column `address.input_hash` added by the upgrade, with its values
ALTER TABLE address DROP COLUMN input_hash;
"
        );

        // 20251018195622: `address_lineage_closure.lineage_path integer[] NOT NULL`, and both
        // depth indexes gain it at the end of their INCLUDE lists.
        let s4 = edit(&s3, |s| {
            let t = table(s, "address_lineage_closure");
            t.columns.push(Column {
                nullable: false,
                ..Column::new("lineage_path", SqlType::Array(Box::new(SqlType::Integer)))
            });
            for ix in t.indexes.values_mut() {
                ix.include.push("lineage_path".into());
            }
        });
        let fill = Hints::default().backfill(
            "address_lineage_closure",
            "lineage_path",
            "ARRAY[source_address_id, target_address_id]",
        );
        assert_eq!(
            step(&s3, &s4, &fill).0,
            "\
DROP INDEX ix_address_lineage_closure_depth_source_include;

DROP INDEX ix_address_lineage_closure_depth_target_include;

ALTER TABLE address_lineage_closure ADD COLUMN lineage_path integer[];

UPDATE address_lineage_closure SET lineage_path = ARRAY[source_address_id, target_address_id] WHERE lineage_path IS NULL;

ALTER TABLE address_lineage_closure ALTER COLUMN lineage_path SET NOT NULL;

CREATE INDEX ix_address_lineage_closure_depth_source_include ON address_lineage_closure (source_address_id, depth) INCLUDE (target_address_id, lineage_path);

CREATE INDEX ix_address_lineage_closure_depth_target_include ON address_lineage_closure (target_address_id, depth) INCLUDE (source_address_id, lineage_path);
"
        );

        // 20251019142513: `address.deprecated` goes, `address.address_metadata jsonb` comes.
        let s5 = edit(&s4, |s| {
            let t = table(s, "address");
            t.columns.retain(|c| c.name != "deprecated");
            t.columns
                .push(Column::new("address_metadata", SqlType::Jsonb));
        });
        let allow = Hints::default().allow(Destructive::DropColumn {
            table: "address".into(),
            column: "deprecated".into(),
        });
        assert_eq!(
            step(&s4, &s5, &allow),
            (
                "\
ALTER TABLE address ADD COLUMN address_metadata jsonb;

-- destructive: dropping column `address.deprecated` loses its values
ALTER TABLE address DROP COLUMN deprecated;
"
                .to_string(),
                "\
-- restores column `address.deprecated` dropped by the upgrade: its old values cannot come back
ALTER TABLE address ADD COLUMN deprecated boolean NOT NULL DEFAULT false;

-- drops column `address.address_metadata` added by the upgrade, with its values
ALTER TABLE address DROP COLUMN address_metadata;
"
                .to_string()
            )
        );

        // 20251021195850: the closure's primary key gains `depth`.
        let s6 = edit(&s5, |s| {
            let pk = table(s, "address_lineage_closure")
                .primary_key
                .as_mut()
                .expect("a key");
            pk.columns.push("depth".into());
        });
        let allow = Hints::default().allow(Destructive::ChangePrimaryKey {
            table: "address_lineage_closure".into(),
        });
        assert_eq!(
            step(&s5, &s6, &allow).1,
            "\
-- restores the primary key (source_address_id, target_address_id) of `address_lineage_closure`: fails if rows written since the upgrade share a key
ALTER TABLE address_lineage_closure DROP CONSTRAINT address_lineage_closure_pkey;

ALTER TABLE address_lineage_closure ADD CONSTRAINT address_lineage_closure_pkey PRIMARY KEY (source_address_id, target_address_id);
"
        );
    }
}

/// A dropped NOT NULL unique column whose default is one value for every row (a constant,
/// `CURRENT_TIMESTAMP`) cannot come back filled with it on a table of two rows: the way back
/// opens with the guard, as without a default. A default that differs per row still fills.
#[test]
fn a_unique_column_comes_back_through_its_default_only_when_it_differs_per_row() {
    let down_of = |default: &str| {
        let mut t = table(
            "pipeline",
            vec![Column {
                default: Some(Expr::new(default)),
                ..not_null("at", SqlType::Timestamptz)
            }],
        );
        t.uniques.insert(
            "pipeline_at_key".into(),
            crate::model::Unique {
                name: "pipeline_at_key".into(),
                columns: vec!["at".into()],
            },
        );
        let from = schema(&[], vec![t]);
        let to = pipeline_without_at(&from);
        let plan = plan(&from, &to, &allow_all()).expect("confirmed");
        assert_plan_round_trip(&from, &to, &plan);
        render(&plan.down)
    };
    let down = down_of("CURRENT_TIMESTAMP");
    assert!(down.starts_with("DO $guard$"), "{down}");
    assert!(down.contains("comes back NOT NULL and unique"), "{down}");
    let down = down_of("clock_timestamp()");
    assert!(!down.contains("$guard$"), "{down}");
    assert!(down.contains("DEFAULT clock_timestamp()"), "{down}");
}

fn pipeline_without_at(from: &Schema) -> Schema {
    let mut to = from.clone();
    let t = to.tables.get_mut("pipeline").expect("pipeline");
    t.columns.retain(|c| c.name != "at");
    t.uniques.clear();
    to
}

/// A dropped column under a check (`c IS NOT NULL` on a nullable column) comes back NULL in
/// every row, which the re-added check rejects: the way back opens with a guard asking the
/// check of the rows with the column as it comes back, instead of failing at the check.
#[test]
fn a_column_dropped_with_its_check_comes_back_behind_a_guard() {
    let mut t = table("pipeline", vec![col("at", SqlType::Timestamptz)]);
    t.checks.insert(
        "ck_pipeline_at".into(),
        crate::model::Check {
            name: "ck_pipeline_at".into(),
            expr: Expr::new("at IS NOT NULL"),
        },
    );
    let from = schema(&[], vec![t]);
    let mut to = pipeline_without_at(&from);
    to.tables
        .get_mut("pipeline")
        .expect("pipeline")
        .checks
        .clear();
    let plan = plan(&from, &to, &allow_all()).expect("confirmed");
    assert_plan_round_trip(&from, &to, &plan);
    let down = render(&plan.down);
    assert!(down.starts_with("DO $guard$"), "{down}");
    // The check is asked of the rows with the column as it comes back.
    assert!(
        down.contains("IF EXISTS (SELECT 1 FROM pipeline WHERE NOT ((NULL) IS NOT NULL))"),
        "{down}"
    );
    assert!(
        down.contains("check `ck_pipeline_at` of `pipeline` asks for `at IS NOT NULL`"),
        "{down}"
    );
    assert!(down.contains("down_backfill("), "{down}");
    assert!(Expr::new("(at > 0) OR x").mentions_column("at"));
    assert!(!Expr::new("at_x > 0 AND 'at' = y").mentions_column("at"));
}

/// A dropped nullable column under a unique index, with a constant default, came back as
/// `ADD COLUMN c integer DEFAULT 0`: PostgreSQL writes 0 into every row and the unique
/// index fails on the second. It comes back NULL, its default set after.
#[test]
fn a_nullable_unique_column_comes_back_null_and_gets_its_default_after() {
    let mut t = table(
        "pipeline",
        vec![Column {
            default: Some(Expr::new("0")),
            ..col("rank", SqlType::Integer)
        }],
    );
    t.indexes.insert(
        "ix_rank".into(),
        crate::model::Index {
            name: "ix_rank".into(),
            unique: true,
            method: "btree".into(),
            columns: vec!["rank".into()],
            include: vec![],
            predicate: None,
        },
    );
    let from = schema(&[], vec![t]);
    let mut to = from.clone();
    let p = to.tables.get_mut("pipeline").expect("pipeline");
    p.columns.retain(|c| c.name != "rank");
    p.indexes.clear();
    let plan = plan(&from, &to, &allow_all()).expect("confirmed");
    assert_plan_round_trip(&from, &to, &plan);
    let down = render(&plan.down);
    assert!(
        down.contains(
            "ALTER TABLE pipeline ADD COLUMN rank integer;\n\n\
             ALTER TABLE pipeline ALTER COLUMN rank SET DEFAULT 0;"
        ),
        "{down}"
    );
}
