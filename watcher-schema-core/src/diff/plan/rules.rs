//! One test per rule of the generator, from schemas written as SQL: the SQL it writes in
//! both directions, what it refuses and with which words. The tests crate runs the same
//! cases on populated tables.

use super::*;
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
    let same = |a: &Schema, b: &Schema| sorted_columns(a).describe_difference(&sorted_columns(b));
    assert_eq!(same(&there, &to), None, "up misses the structs");
    let mut back = there;
    for op in &plan.down {
        apply(&mut back, op).unwrap_or_else(|e| panic!("down: {e}"));
    }
    assert_eq!(same(&back, &from), None, "down misses the start");
    plan
}

fn sorted_columns(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    for table in schema.tables.values_mut() {
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    schema
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
    // Without a backfill it is planned, with a warning: the column may hold no NULL yet.
    let plan = planned(change, &Hints::default());
    assert_eq!(
        plan.warnings,
        [
            "`pipeline.code` becomes NOT NULL, which fails if a row holds NULL; add \
          `#[watcher(backfill = \"<sql expression>\")]` to fill those rows"
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
    assert_eq!(back.describe_difference(&base()), None);
}

#[test]
fn zz_scratch() {
    let online = || Hints::default().online();
    let cases: Vec<(&str, Hints)> = vec![
        (ADD_INPUT_HASH, online().backfill("pipeline", "input_hash", "left(md5(name), 20)")),
        (ADD_INPUT_HASH, online().backfill("pipeline", "input_hash", "'{}'")),
        ("ALTER TABLE pipeline ALTER COLUMN code SET NOT NULL;", online().backfill("pipeline", "code", "'none'")),
        (WIDER_INCLUDE, online()),
        ("CREATE INDEX ix_code ON pipeline (code);", online()),
        ("ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_key UNIQUE (code);", online()),
        (WIDER_KEY, online().allow(Destructive::ChangePrimaryKey { table: "closure".into() })),
        ("ALTER TABLE pipeline ADD CONSTRAINT pipeline_code_check CHECK (length(code) > 1);", online()),
        ("ALTER TABLE closure ADD CONSTRAINT closure_source_fkey FOREIGN KEY (source) REFERENCES pipeline (id);", online()),
        ("ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(50);", online()),
        ("ALTER TABLE closure ALTER COLUMN depth TYPE bigint;", online()),
        ("ALTER TABLE pipeline DROP COLUMN deprecated;", online().allow(drop_column("pipeline", "deprecated"))),
    ];
    for (change, hints) in cases {
        match plan(&base(), &changed(change), &hints) {
            Ok(p) => {
                let _ = planned(change, &hints);
                eprintln!("=== {change}\n{}--- down\n{}--- tx {} warn {:?}\n", render(&p.up), render(&p.down), p.run_in_transaction, p.warnings)
            }
            Err(e) => eprintln!("=== {change}\nREFUSED {e}\n"),
        }
    }
    panic!();
}
