//! One test per rule of the generator, from schemas written as SQL: the SQL it writes in
//! both directions, what it refuses and with which words. The tests crate runs the same
//! cases on populated tables.

use super::*;
use crate::compare::{compare, describe_difference, Expected, Sides};
use crate::replay::replay;
use crate::sql::render;

/// The starting point of every case.
const BASE: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE pipeline (
  id serial NOT NULL,
  name varchar(150) NOT NULL,
  mood mood,
  full_load boolean,
  deprecated boolean NOT NULL DEFAULT false,
  code varchar(20),
  CONSTRAINT pipeline_pkey PRIMARY KEY (id)
);
CREATE INDEX ix_pipeline_name ON pipeline USING btree (name) INCLUDE (id);
CREATE TABLE closure (
  source integer NOT NULL,
  target integer NOT NULL,
  depth integer NOT NULL,
  CONSTRAINT closure_pkey PRIMARY KEY (source, target)
);
";

/// [`BASE`] with `change` replayed on top: the schema the structs declare.
fn changed(change: &str) -> Schema {
    let mut schema = base();
    replay(&mut schema, change, "change").unwrap_or_else(|e| panic!("{e}"));
    schema
}

fn base() -> Schema {
    let mut schema = Schema::default();
    replay(&mut schema, BASE, "base").unwrap_or_else(|e| panic!("{e}"));
    schema
}

/// The plan from [`BASE`] to `change`, which must succeed and must lead there and back
/// (column order aside: a column added to a kept table is physically last).
#[track_caller]
fn planned(change: &str, hints: &Hints) -> Plan {
    let (from, to) = (base(), changed(change));
    let plan = plan(&from, &to, hints).unwrap_or_else(|e| panic!("refused: {e}"));
    let mut there = from.clone();
    for op in &plan.up {
        apply(&mut there, op).unwrap_or_else(|e| panic!("up: {e}"));
    }
    // Column order aside: the one comparison's differences.
    let same = |a: &Schema, b: &Schema| {
        let sides = Sides {
            actual: "`-`".into(),
            expected: Expected::Schema("`+`".into()),
        };
        let found = compare(a, b, &sides.expected).messages(&sides);
        (!found.is_empty()).then(|| found.join("\n"))
    };
    assert_eq!(same(&there, &to), None, "up misses the structs");
    let mut back = there;
    for op in &plan.down {
        apply(&mut back, op).unwrap_or_else(|e| panic!("down: {e}"));
    }
    assert_eq!(same(&back, &from), None, "down misses the start");
    plan
}

#[track_caller]
fn refused(change: &str, hints: &Hints) -> Vec<String> {
    match plan(&base(), &changed(change), hints) {
        Ok(plan) => panic!("planned: {}", render(&plan.up)),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

fn drop_column(table: &str, column: &str) -> Destructive {
    Destructive::DropColumn {
        table: table.into(),
        column: column.into(),
    }
}

const ADD_INPUT_HASH: &str = "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20) NOT NULL;";

#[test]
fn not_null_column_without_default_is_added_nullable_filled_then_set_not_null() {
    let hints = Hints::default().backfill("pipeline", "input_hash", "left(md5(name), 20)");
    let plan = planned(ADD_INPUT_HASH, &hints);
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20);\n\n\
         UPDATE pipeline SET input_hash = left(md5(name), 20) WHERE input_hash IS NULL;\n\n\
         ALTER TABLE pipeline ALTER COLUMN input_hash SET NOT NULL;\n"
    );
    assert_eq!(
        render(&plan.down),
        "-- drops column `pipeline.input_hash` added by the upgrade, with its values\n\
         ALTER TABLE pipeline DROP COLUMN input_hash;\n"
    );
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert!(plan.run_in_transaction);
}

#[test]
fn refuses_not_null_column_without_backfill_showing_the_attribute() {
    assert_eq!(
        refused(ADD_INPUT_HASH, &Hints::default()),
        ["column `pipeline.input_hash` is NOT NULL without a default, and existing rows of \
          `pipeline` have no value for it\n\
          help: add `#[watcher(backfill = \"<sql expression>\")]` to the field, or give it a default"]
    );
    // A default fills existing rows by itself.
    let plan = planned(
        "ALTER TABLE pipeline ADD COLUMN active boolean NOT NULL DEFAULT true;",
        &Hints::default(),
    );
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE pipeline ADD COLUMN active boolean NOT NULL DEFAULT true;\n"
    );
}

#[test]
fn existing_column_set_not_null_is_filled_first() {
    let change = "ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;";
    let hints = Hints::default().backfill("pipeline", "code", "'none'");
    let plan = planned(change, &hints);
    assert_eq!(
        render(&plan.up),
        "UPDATE pipeline SET code = 'none' WHERE code IS NULL;\n\n\
         ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;\n"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TABLE pipeline ALTER COLUMN code DROP NOT NULL;\n"
    );
    // Without a backfill or a default it is refused: a row holding NULL would fail it.
    assert_eq!(
        refused(change, &Hints::default()),
        [
            "column `pipeline.code` becomes NOT NULL, and rows of `pipeline` that hold NULL have \
          no value for it: `SET NOT NULL` would fail on the first one\n\
          help: add `#[watcher(backfill = \"<sql expression>\")]` to the field (e.g. \
          `backfill = \"''\"`), or give it a default, which fills those rows"
        ]
    );
}

#[test]
fn refuses_dropping_a_column_until_confirmed_in_code_or_by_flag() {
    let change = "ALTER TABLE pipeline DROP COLUMN full_load;";
    assert_eq!(
        refused(change, &Hints::default()),
        ["dropping column `pipeline.full_load` loses its values\n\
          help: if that is intended, confirm it with \
          `#[watcher_table(allow_destructive(drop_column(full_load)))]` on the struct of \
          `pipeline`, or for the whole migration with `--allow-destructive`"]
    );
    let confirmed = planned(
        change,
        &Hints::default().allow(drop_column("pipeline", "full_load")),
    );
    let flagged = planned(
        change,
        &Hints {
            allow_destructive: true,
            ..Hints::default()
        },
    );
    assert_eq!(confirmed, flagged);
    assert_eq!(
        render(&confirmed.up),
        "-- destructive: dropping column `pipeline.full_load` loses its values\n\
         ALTER TABLE pipeline DROP COLUMN full_load;\n"
    );
    assert_eq!(
        render(&confirmed.down),
        "-- restores column `pipeline.full_load` dropped by the upgrade: its old values cannot \
         come back\n\
         ALTER TABLE pipeline ADD COLUMN full_load boolean;\n"
    );
}

#[test]
fn a_dropped_not_null_column_comes_back_filled_on_the_way_down() {
    let hints = Hints::default().allow(drop_column("pipeline", "deprecated"));
    let plan = planned("ALTER TABLE pipeline DROP COLUMN deprecated;", &hints);
    assert_eq!(
        render(&plan.down),
        "-- restores column `pipeline.deprecated` dropped by the upgrade: its old values cannot \
         come back\n\
         ALTER TABLE pipeline ADD COLUMN deprecated boolean NOT NULL DEFAULT false;\n"
    );
    // Without a default, rows get a typed zero between ADD and SET NOT NULL; the index
    // PostgreSQL dropped with the column comes back too.
    let plan = planned(
        "ALTER TABLE pipeline DROP COLUMN name;",
        &Hints::default().allow(drop_column("pipeline", "name")),
    );
    assert_eq!(
        render(&plan.down),
        "-- restores column `pipeline.name` dropped by the upgrade, with '' in existing rows: \
         its old values cannot come back\n\
         ALTER TABLE pipeline ADD COLUMN name varchar(150);\n\n\
         UPDATE pipeline SET name = '' WHERE name IS NULL;\n\n\
         ALTER TABLE pipeline ALTER COLUMN name SET NOT NULL;\n\n\
         CREATE INDEX ix_pipeline_name ON pipeline (name) INCLUDE (id);\n"
    );
}

#[test]
fn refuses_dropping_a_table_with_the_flag_as_the_only_consent() {
    let change = "DROP TABLE closure;";
    assert_eq!(
        refused(change, &Hints::default()),
        ["dropping table `closure` loses every row in it\n\
          help: if that is intended, confirm it with `--allow-destructive`"]
    );
    let plan = planned(
        change,
        &Hints {
            allow_destructive: true,
            ..Hints::default()
        },
    );
    assert_eq!(
        render(&plan.up),
        "-- destructive: dropping table `closure` loses every row in it\nDROP TABLE closure;\n"
    );
    assert!(render(&plan.down).starts_with(
        "-- restores table `closure` dropped by the upgrade, empty: its rows cannot come back\n\
         CREATE TABLE closure ("
    ));
}

#[test]
fn a_confirmation_that_confirms_nothing_is_a_warning() {
    let hints = Hints::default()
        .allow(drop_column("pipeline", "full_load"))
        .allow(Destructive::ChangePrimaryKey {
            table: "closure".into(),
        });
    let plan = planned("ALTER TABLE pipeline DROP COLUMN full_load;", &hints);
    assert_eq!(
        plan.warnings,
        [
            "`#[watcher_table(allow_destructive(change_primary_key))]` on the struct of `closure` \
          confirms no change of this migration; remove it, so that it cannot confirm a later \
          one unread"
        ]
    );
}

#[test]
fn type_change_alters_in_place_with_a_cast_where_postgres_has_none() {
    let change = "ALTER TABLE pipeline ALTER COLUMN code TYPE integer USING code::integer;";
    let change_type = Destructive::ChangeType {
        table: "pipeline".into(),
        column: "code".into(),
    };
    assert_eq!(
        refused(change, &Hints::default()),
        [
            "changing `pipeline.code` from `varchar(20)` to `integer` can reject or alter its \
          values\n\
          help: if that is intended, confirm it with \
          `#[watcher_table(allow_destructive(change_type(code)))]` on the struct of `pipeline`, \
          or for the whole migration with `--allow-destructive`"
        ]
    );
    let plan = planned(change, &Hints::default().allow(change_type));
    assert_eq!(
        render(&plan.up),
        "-- destructive: changing `pipeline.code` from `varchar(20)` to `integer` can reject or \
         alter its values\n\
         ALTER TABLE pipeline ALTER COLUMN code TYPE integer USING code::integer;\n"
    );
    assert_eq!(
        render(&plan.down),
        "-- `pipeline.code` returns to `varchar(20)`: values the upgrade altered cannot come back\n\
         ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(20);\n"
    );
}

#[test]
fn widening_a_type_needs_no_consent_and_narrowing_back_says_it_may_fail() {
    let plan = planned(
        "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);",
        &Hints::default(),
    );
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);\n"
    );
    // No USING: the assignment cast rejects a value too long instead of cutting it.
    assert_eq!(
        render(&plan.down),
        "-- `pipeline.code` narrows back to `varchar(20)`, which fails on values that do not fit\n\
         ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(20);\n"
    );
}

#[test]
fn renamed_from_gives_rename_not_drop_and_add() {
    let change = "ALTER TABLE pipeline RENAME COLUMN full_load TO is_full;";
    let plan = planned(
        change,
        &Hints::default().rename_column("pipeline", "full_load", "is_full"),
    );
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE pipeline RENAME COLUMN full_load TO is_full;\n"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TABLE pipeline RENAME COLUMN is_full TO full_load;\n"
    );
    let plan = planned(
        "ALTER TABLE closure RENAME TO lineage_closure;",
        &Hints::default().rename_table("closure", "lineage_closure"),
    );
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE closure RENAME TO lineage_closure;\n"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TABLE lineage_closure RENAME TO closure;\n"
    );
}

#[test]
fn a_likely_rename_gets_a_hint() {
    assert_eq!(
        refused(
            "ALTER TABLE pipeline RENAME COLUMN full_load TO is_full;",
            &Hints::default()
        ),
        ["dropping column `pipeline.full_load` loses its values\n\
          help: if that is intended, confirm it with \
          `#[watcher_table(allow_destructive(drop_column(full_load)))]` on the struct of \
          `pipeline`, or for the whole migration with `--allow-destructive`\n\
          help: if `pipeline.full_load` was renamed to `is_full`, add \
          `#[watcher(renamed_from = \"full_load\")]` to the field `is_full`"]
    );
    // Confirmed as a drop, it is still worth a word.
    let plan = planned(
        "ALTER TABLE pipeline RENAME COLUMN full_load TO is_full;",
        &Hints::default().allow(drop_column("pipeline", "full_load")),
    );
    assert_eq!(
        plan.warnings,
        ["`pipeline.full_load` is dropped and `pipeline.is_full` added with the same type; if it \
          is a rename, add `#[watcher(renamed_from = \"full_load\")]` to the field `is_full`"]
    );
}

const WIDER_INCLUDE: &str = "DROP INDEX ix_pipeline_name;
CREATE INDEX ix_pipeline_name ON pipeline USING btree (name) INCLUDE (id, code);";

#[test]
fn a_changed_index_is_dropped_and_recreated_under_its_name() {
    let plan = planned(WIDER_INCLUDE, &Hints::default());
    assert_eq!(
        render(&plan.up),
        "DROP INDEX ix_pipeline_name;\n\n\
         CREATE INDEX ix_pipeline_name ON pipeline (name) INCLUDE (id, code);\n"
    );
    assert_eq!(
        render(&plan.down),
        "DROP INDEX ix_pipeline_name;\n\n\
         CREATE INDEX ix_pipeline_name ON pipeline (name) INCLUDE (id);\n"
    );
    assert!(plan.run_in_transaction);
    let predicate = planned(
        "DROP INDEX ix_pipeline_name;
         CREATE INDEX ix_pipeline_name ON pipeline USING btree (name) INCLUDE (id) WHERE code IS NOT NULL;",
        &Hints::default(),
    );
    assert_eq!(
        render(&predicate.up),
        "DROP INDEX ix_pipeline_name;\n\n\
         CREATE INDEX ix_pipeline_name ON pipeline (name) INCLUDE (id) WHERE code IS NOT NULL;\n"
    );
}

#[test]
fn concurrently_builds_indexes_outside_a_transaction() {
    let hints = Hints {
        concurrent_indexes: true,
        ..Hints::default()
    };
    let plan = planned(WIDER_INCLUDE, &hints);
    assert_eq!(
        render(&plan.up),
        "DROP INDEX CONCURRENTLY ix_pipeline_name;\n\n\
         CREATE INDEX CONCURRENTLY ix_pipeline_name ON pipeline (name) INCLUDE (id, code);\n"
    );
    assert_eq!(
        render(&plan.down),
        "DROP INDEX CONCURRENTLY ix_pipeline_name;\n\n\
         CREATE INDEX CONCURRENTLY ix_pipeline_name ON pipeline (name) INCLUDE (id);\n"
    );
    assert!(!plan.run_in_transaction);
    assert_eq!(
        plan.warnings,
        [
            "indexes of existing tables are built and dropped CONCURRENTLY, so the migration runs \
          outside a transaction"
        ]
    );
    // A new table is empty: its indexes are built plainly, inside the transaction.
    let plan = planned(
        "CREATE TABLE t (id integer NOT NULL, CONSTRAINT t_pkey PRIMARY KEY (id));
         CREATE INDEX ix_t ON t USING btree (id);",
        &hints,
    );
    assert!(plan.run_in_transaction);
    assert!(render(&plan.up).contains("CREATE INDEX ix_t ON t (id);"));
}

#[test]
fn a_new_enum_is_created_before_use_and_dropped_on_the_way_down() {
    let plan = planned(
        "CREATE TYPE color AS ENUM ('red', 'blue');
         ALTER TABLE pipeline ADD COLUMN color color;",
        &Hints::default(),
    );
    assert_eq!(
        render(&plan.up),
        "CREATE TYPE color AS ENUM (\n  'red',\n  'blue'\n);\n\n\
         ALTER TABLE pipeline ADD COLUMN color color;\n"
    );
    assert_eq!(
        render(&plan.down),
        "-- drops column `pipeline.color` added by the upgrade, with its values\n\
         ALTER TABLE pipeline DROP COLUMN color;\n\n\
         DROP TYPE color;\n"
    );
}

#[test]
fn an_added_label_is_used_only_outside_the_transaction_that_adds_it() {
    let plan = planned(
        "ALTER TYPE mood ADD VALUE 'angry' AFTER 'sad';",
        &Hints::default(),
    );
    assert_eq!(
        render(&plan.up),
        "ALTER TYPE mood ADD VALUE 'angry' AFTER 'sad';\n"
    );
    // Adding alone runs in a transaction (PostgreSQL 12 and later allow it).
    assert!(plan.run_in_transaction);
    // Its removal on the way down is a type swap, and says what it may hit.
    assert_eq!(
        render(&plan.down),
        "-- removes label 'angry' from enum `mood`, added by the upgrade: fails on rows that hold it\n\
         ALTER TYPE mood RENAME TO mood__old;\n\n\
         CREATE TYPE mood AS ENUM (\n  'sad',\n  'ok',\n  'happy'\n);\n\n\
         ALTER TABLE pipeline ALTER COLUMN mood TYPE mood USING mood::text::mood;\n\n\
         DROP TYPE mood__old;\n"
    );
    let used = planned(
        "ALTER TYPE mood ADD VALUE 'angry' AFTER 'sad';
         ALTER TABLE pipeline ALTER COLUMN mood SET DEFAULT 'angry';",
        &Hints::default(),
    );
    assert!(!used.run_in_transaction);
    assert_eq!(
        used.warnings,
        [
            "enum `mood` gains label 'angry' and this migration uses it; PostgreSQL cannot use a \
          label in the transaction that adds it, so the migration runs outside a transaction"
        ]
    );
}

const WITHOUT_OK: &str = "ALTER TYPE mood RENAME TO mood__old;
CREATE TYPE mood AS ENUM ('happy', 'sad');
ALTER TABLE pipeline ALTER COLUMN mood TYPE mood USING mood::text::mood;
DROP TYPE mood__old;";

#[test]
fn removing_or_reordering_labels_swaps_the_type_with_a_cast() {
    assert_eq!(
        refused(WITHOUT_OK, &Hints::default()),
        [
            "removing label 'ok' from enum `mood` fails on rows that hold it\n\
          help: if that is intended, confirm it with \
          `#[watcher_enum(allow_destructive(remove_label(\"ok\")))]` on the enum of `mood`, or \
          for the whole migration with `--allow-destructive`"
        ]
    );
    let hints = Hints::default().allow(Destructive::RemoveEnumLabel {
        name: "mood".into(),
        label: "ok".into(),
    });
    let plan = planned(WITHOUT_OK, &hints);
    let swap = |labels: &str| {
        format!(
            "ALTER TYPE mood RENAME TO mood__old;\n\n\
             CREATE TYPE mood AS ENUM (\n{labels}\n);\n\n\
             ALTER TABLE pipeline ALTER COLUMN mood TYPE mood USING mood::text::mood;\n\n\
             DROP TYPE mood__old;\n"
        )
    };
    assert_eq!(
        render(&plan.up),
        format!(
            "-- destructive: removing label 'ok' from enum `mood` fails on rows that hold it\n{}",
            swap("  'happy',\n  'sad'")
        )
    );
    assert_eq!(render(&plan.down), swap("  'sad',\n  'ok',\n  'happy'"));
}

const WIDER_KEY: &str = "ALTER TABLE closure DROP CONSTRAINT closure_pkey;
ALTER TABLE closure ADD CONSTRAINT closure_pkey PRIMARY KEY (source, target, depth);";

#[test]
fn changing_a_primary_key_needs_consent_and_says_what_the_way_back_risks() {
    assert_eq!(
        refused(WIDER_KEY, &Hints::default()),
        ["changing the primary key of `closure` from (source, target) to (source, target, depth) \
          drops the old key's guarantee and fails on duplicate rows\n\
          help: if that is intended, confirm it with \
          `#[watcher_table(allow_destructive(change_primary_key))]` on the struct of `closure`, \
          or for the whole migration with `--allow-destructive`"]
    );
    let hints = Hints::default().allow(Destructive::ChangePrimaryKey {
        table: "closure".into(),
    });
    let plan = planned(WIDER_KEY, &hints);
    assert_eq!(
        render(&plan.up),
        "-- destructive: changing the primary key of `closure` from (source, target) to (source, \
         target, depth) drops the old key's guarantee and fails on duplicate rows\n\
         ALTER TABLE closure DROP CONSTRAINT closure_pkey;\n\n\
         ALTER TABLE closure ADD CONSTRAINT closure_pkey PRIMARY KEY (source, target, depth);\n"
    );
    assert_eq!(
        render(&plan.down),
        "-- restores the primary key (source, target) of `closure`: fails if rows written since \
         the upgrade share a key\n\
         ALTER TABLE closure DROP CONSTRAINT closure_pkey;\n\n\
         ALTER TABLE closure ADD CONSTRAINT closure_pkey PRIMARY KEY (source, target);\n"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let problems = refused(
        "ALTER TABLE pipeline DROP COLUMN full_load;
         ALTER TABLE pipeline ADD COLUMN input_hash varchar(20) NOT NULL;",
        &Hints::default(),
    );
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].starts_with("dropping column `pipeline.full_load`"));
    assert!(problems[1].starts_with("column `pipeline.input_hash` is NOT NULL"));
}

#[test]
fn a_renamed_table_keeps_its_key_and_renames_the_default_names() {
    // The structs of a renamed table derive `lineage_closure_pkey`; PostgreSQL's RENAME TO
    // keeps `closure_pkey`. Renaming the constraint keeps the key (and needs no consent).
    let to = {
        let mut schema = Schema::default();
        replay(
            &mut schema,
            &BASE.replace("closure", "lineage_closure"),
            "to",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        schema
    };
    let hints = Hints::default().rename_table("closure", "lineage_closure");
    let plan = plan(&base(), &to, &hints).unwrap_or_else(|e| panic!("refused: {e}"));
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE closure RENAME TO lineage_closure;\n\n\
         ALTER TABLE lineage_closure RENAME CONSTRAINT closure_pkey TO lineage_closure_pkey;\n"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TABLE lineage_closure RENAME CONSTRAINT lineage_closure_pkey TO closure_pkey;\n\n\
         ALTER TABLE lineage_closure RENAME TO closure;\n"
    );
    let mut back = to;
    for op in &plan.down {
        apply(&mut back, op).unwrap_or_else(|e| panic!("down: {e}"));
    }
    assert_eq!(describe_difference(&back, &base()), None);
}

/// The hints of `revision --autogenerate` without `--offline-ddl`.
fn online() -> Hints {
    Hints::default().online()
}

/// The batched fill of `table.column` with `fill`, as the online plan writes it.
fn batch(table: &str, column: &str, fill: &str) -> String {
    format!(
        "-- watcher:repeat\n\
         UPDATE {table} SET {column} = {fill} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table} \
         WHERE {column} IS NULL AND ({fill}) IS NOT NULL LIMIT 1000 FOR UPDATE SKIP LOCKED));\n"
    )
}

#[test]
fn online_constant_fill_is_a_catalog_default_dropped_afterwards() {
    let hints = online().backfill("pipeline", "input_hash", "'none'");
    let plan = planned(ADD_INPUT_HASH, &hints);
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20) NOT NULL DEFAULT 'none';\n\n\
         ALTER TABLE pipeline ALTER COLUMN input_hash DROP DEFAULT;\n"
    );
    assert_eq!(
        render(&plan.down),
        "-- drops column `pipeline.input_hash` added by the upgrade, with its values\n\
         ALTER TABLE pipeline DROP COLUMN IF EXISTS input_hash;\n"
    );
    // Both are catalog changes: the migration stays one transaction.
    assert!(plan.run_in_transaction);
    assert_eq!(plan.offline, None);
}

#[test]
fn online_computed_fill_runs_in_batches_behind_a_not_valid_check() {
    let fill = "left(md5(name), 20)";
    let hints = online().backfill("pipeline", "input_hash", fill);
    let plan = planned(ADD_INPUT_HASH, &hints);
    let batch = batch("pipeline", "input_hash", fill);
    assert_eq!(
        render(&plan.up),
        format!(
            "-- step: add column pipeline.input_hash\n\
             BEGIN;\n\
             ALTER TABLE pipeline ADD COLUMN input_hash varchar(20);\n\
             COMMIT;\n\n\
             -- step: fill pipeline.input_hash in batches\n{batch}\n\
             -- step: add check pipeline_input_hash_not_null to pipeline, NOT VALID\n\
             BEGIN;\n\
             ALTER TABLE pipeline ADD CONSTRAINT pipeline_input_hash_not_null CHECK (input_hash IS NOT NULL) NOT VALID;\n\
             COMMIT;\n\n\
             -- step: fill pipeline.input_hash in batches\n{batch}\n\
             -- step: validate pipeline_input_hash_not_null\n\
             ALTER TABLE pipeline VALIDATE CONSTRAINT pipeline_input_hash_not_null;\n\n\
             -- step: set pipeline.input_hash NOT NULL; drop constraint pipeline_input_hash_not_null of pipeline\n\
             BEGIN;\n\
             ALTER TABLE pipeline ALTER COLUMN input_hash SET NOT NULL;\n\
             ALTER TABLE pipeline DROP CONSTRAINT pipeline_input_hash_not_null;\n\
             COMMIT;\n"
        )
    );
    assert_eq!(
        render(&plan.down),
        "-- drops column `pipeline.input_hash` added by the upgrade, with its values\n\
         -- step: drop column pipeline.input_hash\n\
         ALTER TABLE pipeline DROP COLUMN IF EXISTS input_hash;\n"
    );
    assert!(!plan.run_in_transaction);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn online_tightening_checks_not_valid_then_sets_not_null_without_a_scan() {
    let change = "ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;";
    // Without a fill, the first row holding NULL would fail it: refused.
    assert_eq!(refused(change, &online()).len(), 1);
    // A column that has a default is filled with it where it holds NULL.
    let defaulted = "ALTER TABLE pipeline ALTER COLUMN code SET DEFAULT 'none'; \
                     ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;";
    let up = render(&planned(defaulted, &online()).up);
    assert_eq!(up.matches("-- watcher:repeat").count(), 2, "{up}");
    assert!(up.contains(&batch("pipeline", "code", "'none'")), "{up}");
    // Filled by the backfill, the batches come first and again after the check.
    let plan = planned(change, &online().backfill("pipeline", "code", "'none'"));
    let up = render(&plan.up);
    assert!(up.contains(
        "-- step: add check pipeline_code_not_null to pipeline, NOT VALID\n\
         BEGIN;\n\
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_not_null CHECK (code IS NOT NULL) NOT VALID;\n\
         COMMIT;\n\n"
    ));
    assert!(up.ends_with(
        "-- step: validate pipeline_code_not_null\n\
         ALTER TABLE pipeline VALIDATE CONSTRAINT pipeline_code_not_null;\n\n\
         -- step: set pipeline.code NOT NULL; drop constraint pipeline_code_not_null of pipeline\n\
         BEGIN;\n\
         ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;\n\
         ALTER TABLE pipeline DROP CONSTRAINT pipeline_code_not_null;\n\
         COMMIT;\n"
    ));
    assert!(up.starts_with(&format!(
        "-- step: fill pipeline.code in batches\n{}",
        batch("pipeline", "code", "'none'")
    )));
    assert_eq!(up.matches("-- watcher:repeat").count(), 2);
}

#[test]
fn online_indexes_are_built_and_dropped_concurrently() {
    let plan = planned("CREATE INDEX ix_code ON pipeline (code);", &online());
    assert_eq!(
        render(&plan.up),
        "-- step: build index ix_code\nCREATE INDEX CONCURRENTLY ix_code ON pipeline (code);\n"
    );
    assert_eq!(
        render(&plan.down),
        "-- step: drop index ix_code\nDROP INDEX CONCURRENTLY IF EXISTS ix_code;\n"
    );
    assert!(!plan.run_in_transaction);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn online_changed_index_is_built_beside_the_old_one_and_swapped_by_rename() {
    let plan = planned(WIDER_INCLUDE, &online());
    let swap = |include: &str| {
        format!(
            "-- step: drop index ix_pipeline_name_new\n\
             DROP INDEX CONCURRENTLY IF EXISTS ix_pipeline_name_new;\n\n\
             -- step: drop index ix_pipeline_name_old\n\
             DROP INDEX CONCURRENTLY IF EXISTS ix_pipeline_name_old;\n\n\
             -- step: build index ix_pipeline_name_new\n\
             CREATE INDEX CONCURRENTLY ix_pipeline_name_new ON pipeline (name) INCLUDE ({include});\n\n\
             -- step: swap ix_pipeline_name_new in as ix_pipeline_name\n\
             BEGIN;\n\
             ALTER INDEX ix_pipeline_name RENAME TO ix_pipeline_name_old;\n\
             ALTER INDEX ix_pipeline_name_new RENAME TO ix_pipeline_name;\n\
             COMMIT;\n\n\
             -- step: drop index ix_pipeline_name_old\n\
             DROP INDEX CONCURRENTLY IF EXISTS ix_pipeline_name_old;\n"
        )
    };
    assert_eq!(render(&plan.up), swap("id, code"));
    assert_eq!(render(&plan.down), swap("id"));
}

#[test]
fn online_unique_constraint_takes_over_an_index_built_concurrently() {
    let plan = planned(
        "ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_key UNIQUE (code);",
        &online(),
    );
    assert_eq!(
        render(&plan.up),
        "-- step: stop before anything changes if rows of pipeline share a new unique key\n\
         DO $guard$\n\
         BEGIN\n  \
           IF EXISTS (SELECT 1 FROM pipeline WHERE code IS NOT NULL GROUP BY code HAVING count(*) > 1) THEN\n    \
             RAISE EXCEPTION 'cannot upgrade: unique constraint `pipeline_code_key` makes (code) of \
             `pipeline` unique, and rows of `pipeline` share a key; nothing was changed. Find them \
             with `SELECT code, count(*) FROM pipeline WHERE code IS NOT NULL GROUP BY code HAVING \
             count(*) > 1`, then delete or merge the duplicates, or give them distinct values, and \
             run the upgrade again (guide: `watcher_schema::guide::evolving`)';\n  \
           END IF;\n\
         END\n\
         $guard$;\n\n\
         -- step: drop index pipeline_code_key_new\n\
         DROP INDEX CONCURRENTLY IF EXISTS pipeline_code_key_new;\n\n\
         -- step: build index pipeline_code_key_new\n\
         CREATE UNIQUE INDEX CONCURRENTLY pipeline_code_key_new ON pipeline (code);\n\n\
         -- step: make pipeline_code_key_new the unique constraint pipeline_code_key of pipeline\n\
         BEGIN;\n\
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_key UNIQUE USING INDEX pipeline_code_key_new;\n\
         COMMIT;\n"
    );
    assert_eq!(
        render(&plan.down),
        "-- step: drop constraint pipeline_code_key of pipeline\n\
         ALTER TABLE pipeline DROP CONSTRAINT IF EXISTS pipeline_code_key;\n\n\
         -- step: drop index pipeline_code_key_new\n\
         DROP INDEX CONCURRENTLY IF EXISTS pipeline_code_key_new;\n"
    );
}

#[test]
fn online_primary_key_change_swaps_keys_in_one_short_transaction() {
    let hints = online().allow(Destructive::ChangePrimaryKey {
        table: "closure".into(),
    });
    let plan = planned(WIDER_KEY, &hints);
    let swap = |columns: &str, if_exists: &str| {
        format!(
            "-- step: drop index closure_pkey_new\n\
             DROP INDEX CONCURRENTLY IF EXISTS closure_pkey_new;\n\n\
             -- step: build index closure_pkey_new\n\
             CREATE UNIQUE INDEX CONCURRENTLY closure_pkey_new ON closure ({columns});\n\n\
             -- step: drop constraint closure_pkey of closure; make closure_pkey_new the primary key closure_pkey of closure\n\
             BEGIN;\n\
             ALTER TABLE closure DROP CONSTRAINT {if_exists}closure_pkey;\n\
             ALTER TABLE closure ADD CONSTRAINT closure_pkey PRIMARY KEY USING INDEX closure_pkey_new;\n\
             COMMIT;\n"
        )
    };
    assert_eq!(
        render(&plan.up),
        format!(
            "-- destructive: changing the primary key of `closure` from (source, target) to \
             (source, target, depth) drops the old key's guarantee and fails on duplicate rows\n{}",
            swap("source, target, depth", "")
        )
    );
    assert_eq!(
        render(&plan.down),
        format!(
            "-- restores the primary key (source, target) of `closure`: fails if rows written \
             since the upgrade share a key\n{}",
            swap("source, target", "IF EXISTS ")
        )
    );
}

#[test]
fn online_checks_and_foreign_keys_are_added_not_valid_then_validated() {
    let plan = planned(
        "ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_check CHECK (length(code) > 1);
         ALTER TABLE closure ADD CONSTRAINT closure_source_fkey FOREIGN KEY (source) REFERENCES pipeline (id);",
        &online(),
    );
    assert_eq!(
        render(&plan.up),
        "-- step: stop before anything changes if rows of pipeline break a new check\n\
         DO $guard$\n\
         BEGIN\n  \
           IF EXISTS (SELECT 1 FROM pipeline WHERE NOT (length(code) > 1)) THEN\n    \
             RAISE EXCEPTION 'cannot upgrade: check `pipeline_code_check` of `pipeline` asks for \
             `length(code) > 1`, and rows of `pipeline` break it; nothing was changed. Find them \
             with `SELECT * FROM pipeline WHERE NOT (length(code) > 1)`, then repair or delete \
             those rows, and run the upgrade again (guide: `watcher_schema::guide::evolving`)';\n  \
           END IF;\n\
         END\n\
         $guard$;\n\n\
         -- step: stop before anything changes if rows of closure refer to no row\n\
         DO $guard$\n\
         BEGIN\n  \
           IF EXISTS (SELECT 1 FROM closure AS c WHERE c.source IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pipeline AS p WHERE p.id = c.source)) THEN\n    \
             RAISE EXCEPTION 'cannot upgrade: foreign key `closure_source_fkey` makes `closure` \
             (source) refer to `pipeline` (id), and rows of `closure` refer to no row; nothing was \
             changed. Find them with `SELECT c.* FROM closure AS c WHERE c.source IS NOT NULL AND \
             NOT EXISTS (SELECT 1 FROM pipeline AS p WHERE p.id = c.source)`, then delete those \
             rows, point them at existing rows, or set the key to NULL, and run the upgrade again \
             (guide: `watcher_schema::guide::evolving`)';\n  \
           END IF;\n\
         END\n\
         $guard$;\n\n\
         -- step: add check pipeline_code_check to pipeline, NOT VALID\n\
         BEGIN;\n\
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_check CHECK (length(code) > 1) NOT VALID;\n\
         COMMIT;\n\n\
         -- step: validate pipeline_code_check\n\
         ALTER TABLE pipeline VALIDATE CONSTRAINT pipeline_code_check;\n\n\
         -- step: add foreign key closure_source_fkey to closure, NOT VALID\n\
         BEGIN;\n\
         ALTER TABLE closure ADD CONSTRAINT closure_source_fkey FOREIGN KEY (source) REFERENCES pipeline (id) NOT VALID;\n\
         COMMIT;\n\n\
         -- step: validate closure_source_fkey\n\
         ALTER TABLE closure VALIDATE CONSTRAINT closure_source_fkey;\n"
    );
    assert!(render(&plan.down)
        .contains("ALTER TABLE closure DROP CONSTRAINT IF EXISTS closure_source_fkey;"));
}

#[test]
fn online_refuses_a_rewriting_type_change_naming_the_escape() {
    let change = "ALTER TABLE closure ALTER COLUMN depth TYPE bigint;";
    assert_eq!(
        refused(change, &online()),
        [
            "changing `closure.depth` from `integer` to `bigint` rewrites every row of `closure` \
          under a lock that blocks its readers and writers until it ends\n\
          help: on a big table, change it in steps over several migrations: add a column of \
          type `bigint`, keep it in step with a trigger, fill it in batches, then swap the \
          names in one short transaction\n\
          help: on a small table, write this migration in the plain blocking form: \
          `#[watcher_table(online = false)]` on the struct of `closure`, or \
          `revision --autogenerate --offline-ddl`"
        ]
    );
    // `online = false` on the struct writes the plain form, says why, and asks to be removed.
    let mut hints = online();
    hints.offline_tables.insert("closure".into());
    let plan = planned(change, &hints);
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE closure ALTER COLUMN depth TYPE bigint;\n"
    );
    assert_eq!(
        plan.offline.as_deref(),
        Some("`#[watcher_table(online = false)]` on the struct of `closure`")
    );
    assert_eq!(
        plan.warnings,
        ["`#[watcher_table(online = false)]` on the struct of `closure` writes this migration in \
          the plain form, which blocks writers of tables with rows while it runs; remove it once \
          the migration is generated, so that later ones are online again"]
    );
}

#[test]
fn online_widening_a_varchar_stays_one_statement() {
    let plan = planned(
        "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);",
        &online(),
    );
    assert_eq!(
        render(&plan.up),
        "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);\n"
    );
    assert!(plan.run_in_transaction);
    // Narrowing back scans the table: the way down says so, and tells lint it is reviewed.
    assert_eq!(
        render(&plan.down),
        "-- `pipeline.code` narrows back to `varchar(20)`, which fails on values that do not fit\n\
         -- watcher-schema: allow changing-column-type, dropping-enum-label\n\
         ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(20);\n"
    );
    assert_eq!(
        plan.warnings,
        [
            "the downgrade changes `pipeline.code` back to `varchar(20)` in place, which scans or \
          rewrites `pipeline` under a lock that blocks its readers and writers"
        ]
    );
}

#[test]
fn online_forms_are_for_existing_tables_only() {
    let plan = planned(
        "CREATE TABLE t (id integer NOT NULL, code text, CONSTRAINT t_pkey PRIMARY KEY (id),
           CONSTRAINT t_code_check CHECK (code <> ''));
         CREATE INDEX ix_t ON t USING btree (code);",
        &online(),
    );
    assert!(plan.run_in_transaction);
    let up = render(&plan.up);
    assert!(up.contains("CREATE INDEX ix_t ON t (code);"), "{up}");
    assert!(
        !up.contains("NOT VALID") && !up.contains("-- step:"),
        "{up}"
    );
}

/// Every online rule's SQL, up and down, as lint sees it: only the losses the user
/// confirmed (dropped columns and keys) remain, as warnings; no blocking form.
#[test]
fn online_forms_pass_lint() {
    use crate::chain::Migration;
    use crate::lint::{lint_migration, rule};
    let cases: Vec<(&str, Hints)> = vec![
        (
            ADD_INPUT_HASH,
            online().backfill("pipeline", "input_hash", "left(md5(name), 20)"),
        ),
        (
            ADD_INPUT_HASH,
            online().backfill("pipeline", "input_hash", "'none'"),
        ),
        (
            "ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;",
            online().backfill("pipeline", "code", "'none'"),
        ),
        ("CREATE INDEX ix_code ON pipeline (code);", online()),
        (WIDER_INCLUDE, online()),
        (
            "ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_key UNIQUE (code);",
            online(),
        ),
        (
            WIDER_KEY,
            online().allow(Destructive::ChangePrimaryKey {
                table: "closure".into(),
            }),
        ),
        (
            "ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_check CHECK (length(code) > 1);
             ALTER TABLE closure ADD CONSTRAINT closure_source_fkey FOREIGN KEY (source) REFERENCES pipeline (id);",
            online(),
        ),
        (
            "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);",
            online(),
        ),
        (
            "ALTER TYPE mood ADD VALUE 'angry' AFTER 'sad';",
            online(),
        ),
        (
            "ALTER TABLE pipeline DROP COLUMN name;",
            online().allow(drop_column("pipeline", "name")),
        ),
        // The way back of a key column opens with a guard: behind it the table is empty,
        // so the column comes back NOT NULL at once.
        (
            "ALTER TABLE closure DROP COLUMN target;",
            online()
                .allow(drop_column("closure", "target"))
                .allow(Destructive::ChangePrimaryKey {
                    table: "closure".into(),
                }),
        ),
    ];
    for (change, hints) in cases {
        let plan = planned(change, &hints);
        let migration = Migration {
            version: "20250102000000".into(),
            name: "change".into(),
            dir: "migrations/20250102000000_change".into(),
            parent: Some("20250101000000".into()),
            up_sql: render(&plan.up),
            down_sql: render(&plan.down),
            run_in_transaction: plan.run_in_transaction,
        };
        let findings = lint_migration(&base(), &migration).unwrap_or_else(|e| panic!("{e}"));
        let unexpected: Vec<String> = findings
            .iter()
            .filter(|f| ![rule::DROPPING_COLUMN, rule::MODIFYING_CONSTRAINT].contains(&f.rule))
            .map(ToString::to_string)
            .collect();
        assert!(
            unexpected.is_empty(),
            "{change}\n{}\n--- up\n{}--- down\n{}",
            unexpected.join("\n"),
            migration.up_sql,
            migration.down_sql
        );
    }
}

#[test]
fn online_refuses_a_column_whose_default_differs_per_row() {
    let change = "ALTER TABLE pipeline ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();";
    assert_eq!(
        refused(change, &online()),
        [
            "adding `pipeline.token` with the volatile default `gen_random_uuid()` \
          (`gen_random_uuid()` differs per row) rewrites every row of `pipeline` under a lock \
          that blocks its readers and writers until it ends\n\
          help: on a big table, add it in steps over several migrations: nullable without a \
          default, then the default (it applies to new rows only), then \
          `#[watcher(backfill = \"...\")]` with NOT NULL to fill the rows in batches\n\
          help: on a small table, write this migration in the plain blocking form: \
          `#[watcher_table(online = false)]` on the struct of `pipeline`, or \
          `revision --autogenerate --offline-ddl`"
        ]
    );
    // `now()` is the same for every row: stored once, nothing to refuse.
    let plan = planned(
        "ALTER TABLE pipeline ADD COLUMN seen timestamptz NOT NULL DEFAULT now();",
        &online(),
    );
    assert!(plan.run_in_transaction);
}

#[test]
fn retiring_an_enum_type_for_one_with_every_label_needs_no_consent() {
    // `mood` gives way to `feeling`, which has every label of `mood` and one more.
    let change = "CREATE TYPE feeling AS ENUM ('sad', 'ok', 'happy', 'elated');
        ALTER TABLE pipeline ALTER COLUMN mood TYPE feeling USING mood::text::feeling;
        DROP TYPE mood;";
    let plan = planned(change, &Hints::default());
    assert_eq!(plan.warnings, Vec::<String>::new());
    let up = render(&plan.up);
    assert!(!up.contains("destructive"), "{up}");
    assert!(
        up.contains(
            "ALTER TABLE pipeline ALTER COLUMN mood TYPE feeling USING mood::text::feeling;"
        ),
        "{up}"
    );
    // The way back is the narrowing one: it names the direction it goes.
    let down = render(&plan.down);
    assert!(
        down.contains(
            "-- `pipeline.mood` narrows back to `mood`, which fails on values that do not fit"
        ),
        "{down}"
    );
    assert!(!down.contains("values the upgrade altered"), "{down}");

    // A type missing a label of the old one still needs consent.
    let lossy = "CREATE TYPE feeling AS ENUM ('ok', 'happy');
        ALTER TABLE pipeline ALTER COLUMN mood TYPE feeling USING mood::text::feeling;
        DROP TYPE mood;";
    let problems = refused(lossy, &Hints::default());
    assert!(
        problems[0].starts_with("changing `pipeline.mood` from `mood` to `feeling`"),
        "{problems:?}"
    );
}

#[test]
fn two_columns_renamed_at_once_each_get_their_hint() {
    // Two booleans renamed in one edit pair up in column order; a varchar beside them too.
    let problems = refused(
        "ALTER TABLE pipeline RENAME COLUMN full_load TO is_full;
         ALTER TABLE pipeline RENAME COLUMN deprecated TO is_deprecated;
         ALTER TABLE pipeline RENAME COLUMN code TO ref_code;",
        &Hints::default(),
    );
    let hints: Vec<&str> = problems
        .iter()
        .filter_map(|p| p.lines().find(|l| l.contains("was renamed to")))
        .collect();
    assert_eq!(
        hints,
        [
            "help: if `pipeline.full_load` was renamed to `is_full`, add \
             `#[watcher(renamed_from = \"full_load\")]` to the field `is_full`",
            "help: if `pipeline.deprecated` was renamed to `is_deprecated`, add \
             `#[watcher(renamed_from = \"deprecated\")]` to the field `is_deprecated`",
            "help: if `pipeline.code` was renamed to `ref_code`, add \
             `#[watcher(renamed_from = \"code\")]` to the field `ref_code`",
        ]
    );
}

#[test]
fn a_unique_column_loosened_is_not_tightened_back_with_one_default_in_every_row() {
    let from = changed(
        "ALTER TABLE pipeline ALTER COLUMN code SET DEFAULT 'none';
         ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_key UNIQUE (code);",
    );
    let mut to = from.clone();
    replay(
        &mut to,
        "ALTER TABLE pipeline ALTER COLUMN code DROP NOT NULL;",
        "loosen",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Rows that gained NULL would all get 'none' on the way down: a duplicate key. The
    // down stops first instead, and the warning names the attribute that gives a fill.
    let guarded = plan(&from, &to, &Hints::default()).unwrap_or_else(|e| panic!("{e}"));
    let down = render(&guarded.down);
    assert!(down.starts_with("DO $guard$"), "{down}");
    assert!(!down.contains("SET code = 'none'"), "{down}");
    assert!(
        guarded.warnings[0].contains(
            "`#[watcher_table(down_backfill(code = \"'code-' || id\"))]` on the struct of `pipeline`"
        ),
        "{:?}",
        guarded.warnings
    );
    let filled = plan(
        &from,
        &to,
        &Hints::default().down_backfill("pipeline", "code", "'code-' || id"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(filled.warnings, Vec::<String>::new());
    assert!(
        render(&filled.down).contains("'code-' || id"),
        "{}",
        render(&filled.down)
    );
}

/// The `IF EXISTS (...)` test of every guard `ops` open with.
fn guard_tests(ops: &[Op]) -> Vec<String> {
    ops.iter()
        .filter_map(|op| match op {
            Op::RefuseIfRows { table, rows, .. } => {
                Some(crate::sql::select_rows(table, rows, true))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_unique_key_foreign_key_or_check_the_rows_may_break_is_tested_first_in_both_forms() {
    let change = "CREATE UNIQUE INDEX ix_pipeline_code ON pipeline (lower(code)) WHERE NOT deprecated;
         ALTER TABLE closure ADD CONSTRAINT closure_target_fkey FOREIGN KEY (target) REFERENCES pipeline (id);
         ALTER TABLE closure ADD CONSTRAINT closure_depth_check CHECK (depth >= 0);";
    let expected = [
        "SELECT 1 FROM closure WHERE NOT (depth >= 0)",
        "SELECT 1 FROM (SELECT lower(code) AS k1 FROM pipeline WHERE (lower(code)) IS NOT NULL \
         AND (NOT deprecated)) AS d GROUP BY k1 HAVING count(*) > 1",
        "SELECT 1 FROM closure AS c WHERE c.target IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pipeline AS p WHERE p.id = c.target)",
    ];
    for hints in [Hints::default(), online()] {
        let plan = planned(change, &hints);
        assert_eq!(guard_tests(&plan.up), expected);
        // They come before anything that changes the schema.
        let first_change = plan
            .up
            .iter()
            .position(|op| !matches!(op, Op::Comment(_) | Op::RefuseIfRows { .. }));
        let last_guard = plan
            .up
            .iter()
            .rposition(|op| matches!(op, Op::RefuseIfRows { .. }));
        assert!(last_guard < first_change, "{}", render(&plan.up));
        // The way back drops them: nothing to test.
        assert_eq!(guard_tests(&plan.down), Vec::<String>::new());
    }
    assert!(render(&planned(change, &Hints::default()).up).starts_with(
        "DO $guard$\nBEGIN\n  IF EXISTS (SELECT 1 FROM closure WHERE NOT (depth >= 0)) THEN\n    \
         RAISE EXCEPTION 'cannot upgrade: check `closure_depth_check` of `closure` asks for"
    ));
}

#[test]
fn no_test_where_the_rows_already_satisfy_the_constraint_or_are_new() {
    // A key holding the primary key's columns cannot be broken by the rows.
    let plan = planned(
        "ALTER TABLE pipeline ADD CONSTRAINT pipeline_id_code_key UNIQUE (id, code);",
        &Hints::default(),
    );
    assert_eq!(guard_tests(&plan.up), Vec::<String>::new());
    // A column added by the same migration holds NULL in every row: no shared key.
    let plan = planned(
        "ALTER TABLE pipeline ADD COLUMN slug text;
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug);",
        &Hints::default(),
    );
    assert_eq!(guard_tests(&plan.up), Vec::<String>::new());
    // A new table is empty.
    let plan = planned(
        "CREATE TABLE tag (id integer NOT NULL, name text NOT NULL, CONSTRAINT tag_name_key UNIQUE (name));",
        &Hints::default(),
    );
    assert_eq!(guard_tests(&plan.up), Vec::<String>::new());
}

#[test]
fn a_test_names_tables_and_columns_as_they_are_before_the_renames() {
    let plan = planned(
        "ALTER TABLE closure RENAME TO lineage;
         ALTER TABLE lineage RENAME CONSTRAINT closure_pkey TO lineage_pkey;
         ALTER TABLE lineage ADD CONSTRAINT lineage_target_fkey FOREIGN KEY (target) REFERENCES pipeline (id);
         ALTER TABLE pipeline RENAME COLUMN code TO slug;
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug);",
        &Hints::default()
            .rename_table("closure", "lineage")
            .rename_column("pipeline", "code", "slug"),
    );
    assert_eq!(
        guard_tests(&plan.up),
        [
            "SELECT 1 FROM pipeline WHERE code IS NOT NULL GROUP BY code HAVING count(*) > 1",
            "SELECT 1 FROM closure AS c WHERE c.target IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pipeline AS p WHERE p.id = c.target)",
        ]
    );
    assert!(matches!(plan.up[0], Op::RefuseIfRows { .. }));
}

#[test]
fn a_down_that_restores_a_unique_key_tests_the_rows_written_since() {
    let (from, to) = (
        changed("ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_key UNIQUE (code);"),
        base(),
    );
    let plan = plan(&from, &to, &Hints::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(guard_tests(&plan.up), Vec::<String>::new());
    assert_eq!(
        guard_tests(&plan.down),
        ["SELECT 1 FROM pipeline WHERE code IS NOT NULL GROUP BY code HAVING count(*) > 1"]
    );
    assert!(render(&plan.down)
        .contains("RAISE EXCEPTION 'cannot downgrade: unique constraint `pipeline_code_key`"));
}

#[test]
fn renamed_enum_labels_and_types_are_renamed_in_place() {
    let change = "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';";
    assert_eq!(
        refused(change, &Hints::default()),
        [
            "removing label 'sad' from enum `mood` fails on rows that hold it\n\
          help: if that is intended, confirm it with \
          `#[watcher_enum(allow_destructive(remove_label(\"sad\")))]` on the enum of `mood`, or \
          for the whole migration with `--allow-destructive`\n\
          help: if label 'sad' of `mood` was renamed to 'blue', add \
          `#[watcher(renamed_from = \"sad\")]` to its variant: the rows holding it keep it \
          under the new name"
        ]
    );
    let plan = planned(
        change,
        &Hints::default().rename_label("mood", "sad", "blue"),
    );
    assert_eq!(
        render(&plan.up),
        "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';\n"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TYPE mood RENAME VALUE 'blue' TO 'sad';\n"
    );
    assert!(plan.run_in_transaction);

    // The type and a label at once: the label is renamed under the type's new name.
    let change = "ALTER TYPE mood RENAME TO feeling;
        ALTER TYPE feeling RENAME VALUE 'ok' TO 'fine';";
    let hints = Hints::default()
        .rename_enum("mood", "feeling")
        .rename_label("feeling", "ok", "fine");
    let plan = planned(change, &hints);
    assert_eq!(
        render(&plan.up),
        "ALTER TYPE mood RENAME TO feeling;\n\nALTER TYPE feeling RENAME VALUE 'ok' TO 'fine';\n"
    );
    assert_eq!(
        render(&plan.down),
        "ALTER TYPE feeling RENAME VALUE 'fine' TO 'ok';\n\nALTER TYPE feeling RENAME TO mood;\n"
    );
    // A hint that cannot apply says why.
    assert_eq!(
        refused(change, &Hints::default().rename_enum("mood", "pipeline"))[0],
        "`pipeline` cannot be renamed from `mood`: no enum `pipeline` is declared\n\
         help: remove the `renamed_from` attribute, or the declaration of `mood`"
    );
}

#[test]
fn a_check_or_unique_key_over_an_added_column_is_tested_with_what_it_will_hold() {
    // Added with one constant in every row, under a unique key: two rows collide.
    let plan = planned(
        "ALTER TABLE pipeline ADD COLUMN slug text NOT NULL DEFAULT 'x';
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug);",
        &Hints::default(),
    );
    assert_eq!(
        guard_tests(&plan.up),
        [
            "SELECT 1 FROM (SELECT ('x') AS k1 FROM pipeline WHERE (('x')) IS NOT NULL) AS d \
          GROUP BY k1 HAVING count(*) > 1"
        ]
    );
    // Added nullable under a check that wants a value: every row breaks it.
    let plan = planned(
        "ALTER TABLE pipeline ADD COLUMN owner text;
         ALTER TABLE pipeline ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL);",
        &Hints::default(),
    );
    assert_eq!(
        guard_tests(&plan.up),
        ["SELECT 1 FROM pipeline WHERE NOT ((NULL) IS NOT NULL)"]
    );
    // Filled from other columns, online: the check is asked of the fill, before any step.
    let plan = planned(
        "ALTER TABLE pipeline ADD COLUMN tag varchar(20) NOT NULL;
         ALTER TABLE pipeline ADD CONSTRAINT ck_tag CHECK (length(tag) > 3);",
        &online().backfill("pipeline", "tag", "left(name, 20)"),
    );
    assert_eq!(
        guard_tests(&plan.up),
        ["SELECT 1 FROM pipeline WHERE NOT (length((left(name, 20))) > 3)"]
    );
    let first = plan.up.iter().find(|op| !matches!(op, Op::Comment(_)));
    assert!(
        matches!(first, Some(Op::RefuseIfRows { .. })),
        "{}",
        render(&plan.up)
    );
}

#[test]
fn a_down_using_converts_the_way_back_and_an_unused_one_is_a_warning() {
    let change = "ALTER TABLE pipeline ALTER COLUMN code TYPE integer USING code::integer;";
    let hints = Hints::default()
        .allow(Destructive::ChangeType {
            table: "pipeline".into(),
            column: "code".into(),
        })
        .down_using("pipeline", "code", "lpad(code::text, 4, '0')");
    let plan = planned(change, &hints);
    assert!(
        render(&plan.down).contains(
            "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(20) USING lpad(code::text, 4, '0');"
        ),
        "{}",
        render(&plan.down)
    );
    let plan = planned(
        "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);",
        &Hints::default().down_using("pipeline", "name", "name"),
    );
    assert_eq!(
        plan.warnings,
        [
            "`down_using` on `pipeline.name` converts nothing in this migration (its down changes \
          no type of `pipeline.name`); remove it, so that it cannot convert a later one unread"
        ]
    );
}
