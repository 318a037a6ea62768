//! The generator's safety rules (issue 5 §2) on tables that hold rows: each plan's SQL runs
//! on real PostgreSQL the way the runner runs it (in one transaction, or statement by
//! statement when the plan says it cannot), lands on the schema the structs declare,
//! keeps the values it promises to keep, and fails loudly rather than lose data silently.
//! The exact SQL of each rule is pinned by core's `diff::plan` tests.

use watcher_schema_core::diff::{plan, Destructive, Hints, Plan};
use watcher_schema_core::model::Schema;
use watcher_schema_core::replay::replay;
use watcher_schema_core::sql::render;
use watcher_schema_tests::TestDb;

use crate::support::{catalog, db_error, execute, run_migration, shape_differences};

/// Two tables and an enum, with 500 pipelines and a closure over them.
const FIXTURE: &str = "
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
ALTER TABLE closure ADD CONSTRAINT closure_source_fkey FOREIGN KEY (source) REFERENCES pipeline (id);
INSERT INTO pipeline (name, mood, full_load, deprecated, code)
SELECT format('pipeline_%s', g), (ARRAY['sad', 'happy'])[1 + g % 2]::mood,
       CASE WHEN g % 4 = 0 THEN NULL ELSE g % 3 = 0 END, g % 5 = 0, (g * 7)::text
FROM generate_series(1, 500) AS g;
INSERT INTO closure (source, target, depth)
SELECT g, g, 0 FROM generate_series(1, 500) AS g
UNION ALL
SELECT g, g + 1, 1 FROM generate_series(1, 499) AS g;
";

/// A database holding [`FIXTURE`], and its catalog as a model.
pub(crate) fn populated() -> (TestDb, Schema) {
    let db = TestDb::new();
    execute(&db, FIXTURE);
    let from = catalog(&db);
    (db, from)
}

/// `from` with `change` replayed on top: the schema the edited structs declare.
pub(crate) fn declared(from: &Schema, change: &str) -> Schema {
    let mut to = from.clone();
    replay(&mut to, change, "change").unwrap_or_else(|e| panic!("{e}"));
    to
}

/// Runs a rendered script as the runner would: in one transaction, or step by step.
pub(crate) fn run(db: &TestDb, sql: &str, in_transaction: bool) -> Result<(), String> {
    run_migration(&mut db.client(), sql, in_transaction)
}

/// The SQLSTATE `sql` fails with in one transaction (which rolls back).
fn fails_with(db: &TestDb, sql: &str) -> String {
    let mut client = db.client();
    let mut tx = client.transaction().expect("begin");
    let err = tx
        .batch_execute(sql)
        .expect_err("PostgreSQL accepted the SQL on a populated table");
    err.code()
        .map_or_else(|| err.to_string(), |c| c.code().to_string())
}

/// Assert two models equal, column order aside (an added column is physically last).
#[track_caller]
pub(crate) fn assert_shape(what: &str, expected: &Schema, db: &TestDb) {
    let found = shape_differences(what, expected, "the catalog", &catalog(db));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Plans `from` → `to`, runs up, checks the catalog, and returns the plan.
#[track_caller]
pub(crate) fn upgrade(db: &TestDb, from: &Schema, to: &Schema, hints: &Hints) -> Plan {
    let plan = plan(from, to, hints).unwrap_or_else(|e| panic!("refused: {e}"));
    run(db, &render(&plan.up), plan.run_in_transaction).unwrap_or_else(|e| panic!("up: {e}"));
    assert_shape("the declared schema", to, db);
    plan
}

/// Runs the plan's down and checks the catalog is back at `from`.
#[track_caller]
pub(crate) fn downgrade(db: &TestDb, plan: &Plan, from: &Schema) {
    run(db, &render(&plan.down), plan.run_in_transaction).unwrap_or_else(|e| panic!("down: {e}"));
    assert_shape("the starting schema", from, db);
}

/// `"<rows> <md5>"` of the given columns of `table`, independent of row and column order.
pub(crate) fn values(db: &TestDb, table: &str, columns: &str) -> String {
    db.client()
        .query_one(
            &format!(
                "SELECT count(*) || ' ' || md5(string_agg(r, ',' ORDER BY r))
                 FROM (SELECT ROW({columns})::text AS r FROM {table}) AS rows"
            ),
            &[],
        )
        .unwrap_or_else(|e| panic!("{}", db_error(&e)))
        .get(0)
}

/// How many rows of `table` satisfy `condition`.
pub(crate) fn count(db: &TestDb, table: &str, condition: &str) -> i64 {
    db.client()
        .query_one(
            &format!("SELECT count(*) FROM {table} WHERE {condition}"),
            &[],
        )
        .unwrap_or_else(|e| panic!("{}", db_error(&e)))
        .get(0)
}

pub(crate) const KEPT: &str = "id, name, mood, full_load, deprecated, code";

fn allow(change: Destructive) -> Hints {
    Hints::default().allow(change)
}

fn drop_column(column: &str) -> Destructive {
    Destructive::DropColumn {
        table: "pipeline".into(),
        column: column.into(),
    }
}

#[test]
fn a_not_null_column_is_added_to_a_populated_table_through_its_backfill() {
    let (db, from) = populated();
    let change = "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20) NOT NULL;";
    // What a naive generator writes fails on the first row.
    assert_eq!(fails_with(&db, change), "23502");
    let to = declared(&from, change);
    assert!(plan(&from, &to, &Hints::default()).is_err());

    let before = values(&db, "pipeline", KEPT);
    let hints = Hints::default().backfill("pipeline", "input_hash", "left(md5(name), 20)");
    let plan = upgrade(&db, &from, &to, &hints);
    assert_eq!(
        count(&db, "pipeline", "input_hash = left(md5(name), 20)"),
        500
    );
    assert_eq!(values(&db, "pipeline", KEPT), before);
    downgrade(&db, &plan, &from);
    assert_eq!(values(&db, "pipeline", KEPT), before);
}

#[test]
fn a_confirmed_drop_runs_and_the_way_back_restores_the_column_without_its_values() {
    let (db, from) = populated();
    let before = values(&db, "pipeline", "id, name, mood, deprecated, code");
    let to = declared(&from, "ALTER TABLE pipeline DROP COLUMN full_load;");
    assert!(plan(&from, &to, &Hints::default()).is_err());
    let plan = upgrade(&db, &from, &to, &allow(drop_column("full_load")));
    downgrade(&db, &plan, &from);
    assert_eq!(count(&db, "pipeline", "full_load IS NULL"), 500);
    assert_eq!(
        values(&db, "pipeline", "id, name, mood, deprecated, code"),
        before
    );
}

#[test]
fn a_dropped_not_null_column_comes_back_filled_on_a_populated_table() {
    let (db, from) = populated();
    // With a default: every row gets it.
    let to = declared(&from, "ALTER TABLE pipeline DROP COLUMN deprecated;");
    let plan = upgrade(&db, &from, &to, &allow(drop_column("deprecated")));
    downgrade(&db, &plan, &from);
    assert_eq!(count(&db, "pipeline", "deprecated = false"), 500);
    // Without one: a typed zero, and the index PostgreSQL dropped with it comes back.
    let to = declared(&from, "ALTER TABLE pipeline DROP COLUMN name;");
    let plan = upgrade(&db, &from, &to, &allow(drop_column("name")));
    downgrade(&db, &plan, &from);
    assert_eq!(count(&db, "pipeline", "name = ''"), 500);
}

#[test]
fn a_type_change_converts_values_in_place() {
    let (db, from) = populated();
    let before = values(&db, "pipeline", KEPT);
    let to = declared(
        &from,
        "ALTER TABLE pipeline ALTER COLUMN code TYPE integer USING code::integer;",
    );
    let change = Destructive::ChangeType {
        table: "pipeline".into(),
        column: "code".into(),
    };
    let plan = upgrade(&db, &from, &to, &allow(change));
    assert!(render(&plan.up).contains("USING code::integer"));
    assert_eq!(count(&db, "pipeline", "code = id * 7"), 500);
    downgrade(&db, &plan, &from);
    assert_eq!(values(&db, "pipeline", KEPT), before);
}

#[test]
fn a_narrowing_that_does_not_fit_fails_instead_of_cutting_values() {
    let (db, from) = populated();
    let before = values(&db, "pipeline", KEPT);
    let to = declared(
        &from,
        "ALTER TABLE pipeline ALTER COLUMN code TYPE varchar(3);",
    );
    let change = Destructive::ChangeType {
        table: "pipeline".into(),
        column: "code".into(),
    };
    let plan = plan(&from, &to, &allow(change)).unwrap_or_else(|e| panic!("{e}"));
    // `(g * 7)::text` reaches four digits: PostgreSQL rejects them, and rolls back.
    assert_eq!(fails_with(&db, &render(&plan.up)), "22001");
    assert_eq!(values(&db, "pipeline", KEPT), before);
    assert_shape("the unchanged schema", &from, &db);
}

#[test]
fn renames_keep_values_and_keys() {
    let (db, from) = populated();
    let before = values(&db, "pipeline", KEPT);
    let to = declared(
        &from,
        "ALTER TABLE pipeline RENAME COLUMN full_load TO is_full;
         ALTER TABLE closure RENAME TO lineage_closure;
         ALTER TABLE lineage_closure RENAME CONSTRAINT closure_pkey TO lineage_closure_pkey;
         ALTER TABLE lineage_closure RENAME CONSTRAINT closure_source_fkey TO lineage_closure_source_fkey;",
    );
    let hints = Hints::default()
        .rename_column("pipeline", "full_load", "is_full")
        .rename_table("closure", "lineage_closure");
    let plan = upgrade(&db, &from, &to, &hints);
    let up = render(&plan.up);
    assert!(!up.contains("DROP"), "{up}");
    assert_eq!(
        values(&db, "pipeline", "id, name, mood, is_full, deprecated, code"),
        before
    );
    assert_eq!(count(&db, "lineage_closure", "true"), 999);
    downgrade(&db, &plan, &from);
    assert_eq!(values(&db, "pipeline", KEPT), before);
}

const WIDER_INCLUDE: &str = "DROP INDEX ix_pipeline_name;
CREATE INDEX ix_pipeline_name ON pipeline USING btree (name) INCLUDE (id, code);";

#[test]
fn a_changed_index_is_rebuilt_under_its_name_also_concurrently() {
    for concurrently in [false, true] {
        let (db, from) = populated();
        let to = declared(&from, WIDER_INCLUDE);
        let hints = Hints {
            concurrent_indexes: concurrently,
            ..Hints::default()
        };
        let plan = upgrade(&db, &from, &to, &hints);
        assert_eq!(plan.run_in_transaction, !concurrently);
        assert_eq!(
            count(
                &db,
                "pg_index",
                "indexrelid = 'ix_pipeline_name'::regclass AND indisvalid"
            ),
            1
        );
        downgrade(&db, &plan, &from);
    }
}

fn removal_hints() -> Hints {
    allow(Destructive::RemoveEnumLabel {
        name: "mood".into(),
        label: "sad".into(),
    })
}

#[test]
fn enum_labels_are_added_outside_a_transaction_when_used_and_removed_by_a_type_swap() {
    let (db, from) = populated();
    let before = values(&db, "pipeline", KEPT);
    // A new label used by the same migration: PostgreSQL needs it committed first.
    let to = declared(
        &from,
        "ALTER TYPE mood ADD VALUE 'angry' AFTER 'sad';
         ALTER TABLE pipeline ALTER COLUMN mood SET DEFAULT 'angry';",
    );
    let added = plan(&from, &to, &Hints::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!added.run_in_transaction);
    assert_eq!(fails_with(&db, &render(&added.up)), "55P04");
    run(&db, &render(&added.up), false).unwrap_or_else(|e| panic!("up: {e}"));
    assert_shape("the declared schema", &to, &db);
    // The way back swaps the type; no row holds the label, so the cast succeeds.
    downgrade(&db, &added, &from);
    assert_eq!(values(&db, "pipeline", KEPT), before);

    // Removing a label rows hold fails loudly and changes nothing.
    let to = declared(
        &from,
        "ALTER TYPE mood RENAME TO mood__old;
         CREATE TYPE mood AS ENUM ('ok', 'happy');
         ALTER TABLE pipeline ALTER COLUMN mood TYPE mood USING mood::text::mood;
         DROP TYPE mood__old;",
    );
    let removal = plan(&from, &to, &removal_hints()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fails_with(&db, &render(&removal.up)), "22P02");
    assert_eq!(values(&db, "pipeline", KEPT), before);
    // Once no row holds it, the swap keeps every other value.
    execute(&db, "UPDATE pipeline SET mood = 'ok' WHERE mood = 'sad'");
    let kept = values(&db, "pipeline", KEPT);
    let removed = upgrade(&db, &from, &to, &removal_hints());
    assert_eq!(values(&db, "pipeline", KEPT), kept);
    downgrade(&db, &removed, &from);
    assert_eq!(values(&db, "pipeline", KEPT), kept);
}

#[test]
fn a_new_enum_type_is_created_before_its_column_and_dropped_after_it() {
    let (db, from) = populated();
    let to = declared(
        &from,
        "CREATE TYPE color AS ENUM ('red', 'blue');
         ALTER TABLE pipeline ADD COLUMN color color NOT NULL DEFAULT 'red';",
    );
    let plan = upgrade(&db, &from, &to, &Hints::default());
    assert_eq!(count(&db, "pipeline", "color = 'red'"), 500);
    downgrade(&db, &plan, &from);
    assert_eq!(count(&db, "pg_type", "typname = 'color'"), 0);
}

#[test]
fn a_widened_primary_key_goes_up_and_back_on_a_populated_table() {
    let (db, from) = populated();
    let before = values(&db, "closure", "source, target, depth");
    let to = declared(
        &from,
        "ALTER TABLE closure DROP CONSTRAINT closure_pkey;
         ALTER TABLE closure ADD CONSTRAINT closure_pkey PRIMARY KEY (source, target, depth);",
    );
    assert!(plan(&from, &to, &Hints::default()).is_err());
    let change = Destructive::ChangePrimaryKey {
        table: "closure".into(),
    };
    let plan = upgrade(&db, &from, &to, &allow(change));
    downgrade(&db, &plan, &from);
    assert_eq!(values(&db, "closure", "source, target, depth"), before);
}

/// A nullable column made NOT NULL (`Option<String>` → `String`) on a table whose rows hold
/// NULL: without a fill the plan is refused naming the attribute (the bare `SET NOT NULL`
/// it wrote before failed on the first such row); the column's default fills them.
#[test]
fn tightening_a_column_with_nulls_is_refused_without_a_fill_and_uses_the_default() {
    let (db, from) = populated();
    assert!(count(&db, "pipeline", "full_load IS NULL") > 0);
    let bare = declared(
        &from,
        "ALTER TABLE pipeline ALTER COLUMN full_load SET NOT NULL;",
    );
    let refusal = plan(&from, &bare, &Hints::default()).expect_err("rows hold NULL");
    assert!(
        refusal.to_string().contains("#[watcher(backfill = "),
        "{refusal}"
    );
    let to = declared(
        &from,
        "ALTER TABLE pipeline ALTER COLUMN full_load SET DEFAULT false; \
         ALTER TABLE pipeline ALTER COLUMN full_load SET NOT NULL;",
    );
    let before = values(&db, "pipeline", "id, name, mood, deprecated, code");
    let plan = upgrade(&db, &from, &to, &Hints::default());
    assert_eq!(count(&db, "pipeline", "full_load IS NULL"), 0);
    assert_eq!(count(&db, "pipeline", "NOT full_load"), 125 + 250);
    downgrade(&db, &plan, &from);
    assert_eq!(
        values(&db, "pipeline", "id, name, mood, deprecated, code"),
        before
    );
}

/// integer → bigint on a serial key widens the sequence in place (`ALTER SEQUENCE ... AS
/// bigint`): the next id is the one the sequence would have handed out, not max(id) + 1,
/// so the ids of deleted rows never come back; the foreign keys on it are left alone.
#[test]
fn a_serial_key_widened_to_bigint_keeps_its_sequence_value() {
    let (db, from) = populated();
    // Ids 496..500 are gone (the closure rows pointing at them first).
    execute(
        &db,
        "DELETE FROM closure WHERE source > 495 OR target > 495; \
         DELETE FROM pipeline WHERE id > 495;",
    );
    let to = declared(&from, "ALTER TABLE pipeline ALTER COLUMN id TYPE bigint;");
    let plan = upgrade(&db, &from, &to, &Hints::default());
    assert!(render(&plan.up).contains("ALTER SEQUENCE pipeline_id_seq AS bigint"));
    // The foreign key on the key stays: integer still compares with bigint, and PostgreSQL
    // carries the key across the type change itself (before, it was dropped and re-added).
    for sql in [render(&plan.up), render(&plan.down)] {
        assert!(!sql.contains("closure_source_fkey"), "{sql}");
    }
    assert_eq!(
        fails_with(&db, "INSERT INTO closure VALUES (496, 1, 0)"),
        "23503",
        "the foreign key still holds"
    );
    let mut client = db.client();
    let next: i64 = client
        .query_one(
            "INSERT INTO pipeline (name) VALUES ('after') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(next, 501, "the sequence restarted instead of going on");
    client
        .batch_execute("DELETE FROM pipeline WHERE name = 'after'")
        .unwrap();
    downgrade(&db, &plan, &from);
    let next: i32 = client
        .query_one(
            "INSERT INTO pipeline (name) VALUES ('back') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(next, 502);
}

/// A type change whose values need a conversion the generator cannot guess takes it from
/// `#[watcher(using = "...")]`: `'oui'`/`'non'` text becomes a boolean, on a table with rows.
#[test]
fn a_type_change_converts_values_with_the_using_attribute() {
    let (db, from) = populated();
    execute(
        &db,
        "UPDATE pipeline SET code = CASE WHEN id % 2 = 0 THEN 'oui' ELSE 'non' END;",
    );
    let to = declared(
        &from,
        "ALTER TABLE pipeline ALTER COLUMN code TYPE boolean USING code = 'oui';",
    );
    let change = Destructive::ChangeType {
        table: "pipeline".into(),
        column: "code".into(),
    };
    // The generator's own cast, `code::boolean`, fails on 'oui': the attribute's is used.
    assert_eq!(
        fails_with(
            &db,
            "ALTER TABLE pipeline ALTER COLUMN code TYPE boolean USING code::boolean"
        ),
        "22P02"
    );
    let hints = allow(change).using("pipeline", "code", "code = 'oui'");
    let plan = upgrade(&db, &from, &to, &hints);
    assert!(
        render(&plan.up).contains("USING code = 'oui'"),
        "{}",
        render(&plan.up)
    );
    assert_eq!(count(&db, "pipeline", "code"), 250);
    assert_eq!(count(&db, "pipeline", "NOT code"), 250);
}

/// The way back of a dropped NOT NULL unique column cannot fill the rows the table holds
/// with one value: it stops first, with what to do, and changes nothing (before, it filled
/// `''` and failed on the second row); on an empty table it restores the column.
#[test]
fn a_down_that_cannot_restore_a_unique_column_stops_before_touching_anything() {
    let (db, _) = populated();
    execute(
        &db,
        "ALTER TABLE pipeline ADD COLUMN slug text; \
         UPDATE pipeline SET slug = 's' || id; \
         ALTER TABLE pipeline ALTER COLUMN slug SET NOT NULL; \
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug);",
    );
    let from = catalog(&db);
    let to = declared(&from, "ALTER TABLE pipeline DROP COLUMN slug;");
    let plan = upgrade(&db, &from, &to, &allow(drop_column("slug")));
    let down = render(&plan.down);
    assert!(
        down.starts_with("DO $guard$"),
        "the guard runs first: {down}"
    );
    let error = run(&db, &down, plan.run_in_transaction).expect_err("the guard stops it");
    assert!(
        error.starts_with(
            "P0001: cannot downgrade: column `pipeline.slug` comes back NOT NULL and unique"
        ),
        "{error}"
    );
    assert_shape("the schema the upgrade left", &to, &db);
    execute(&db, "DELETE FROM closure; DELETE FROM pipeline;");
    downgrade(&db, &plan, &from);
}

/// Retiring enum `mood` for `feeling`, which has every label of it, loses nothing: it needs
/// no confirmation (before, it asked for one), every row keeps its label, and the way back
/// works while rows hold only labels `mood` has.
#[test]
fn an_enum_type_retired_for_a_larger_one_keeps_every_value_both_ways() {
    let (db, from) = populated();
    let to = declared(
        &from,
        "CREATE TYPE feeling AS ENUM ('sad', 'ok', 'happy', 'elated');
         ALTER TABLE pipeline ALTER COLUMN mood TYPE feeling USING mood::text::feeling;
         DROP TYPE mood;",
    );
    let before = values(&db, "pipeline", "id, mood::text");
    let plan = upgrade(&db, &from, &to, &Hints::default());
    assert!(
        !render(&plan.up).contains("destructive"),
        "{}",
        render(&plan.up)
    );
    assert_eq!(values(&db, "pipeline", "id, mood::text"), before);
    assert_eq!(count(&db, "pipeline", "mood = 'happy'"), 250);
    downgrade(&db, &plan, &from);
    assert_eq!(values(&db, "pipeline", "id, mood::text"), before);
}

/// Two columns renamed in one edit: the refusal hints at both renames (before, neither got
/// a hint, and confirming the drops lost both columns' values); with the two
/// `renamed_from` the values stay, both ways.
#[test]
fn two_columns_renamed_at_once_are_hinted_and_keep_their_values() {
    let (db, from) = populated();
    let to = declared(
        &from,
        "ALTER TABLE pipeline RENAME COLUMN full_load TO is_full;
         ALTER TABLE pipeline RENAME COLUMN deprecated TO is_deprecated;",
    );
    let refusal = plan(&from, &to, &Hints::default())
        .expect_err("two drops without consent")
        .to_string();
    for (old, new) in [("full_load", "is_full"), ("deprecated", "is_deprecated")] {
        assert!(
            refusal.contains(&format!(
                "help: if `pipeline.{old}` was renamed to `{new}`, add \
                 `#[watcher(renamed_from = \"{old}\")]` to the field `{new}`"
            )),
            "{refusal}"
        );
    }
    let before = values(&db, "pipeline", "id, full_load, deprecated");
    let hints = Hints::default()
        .rename_column("pipeline", "full_load", "is_full")
        .rename_column("pipeline", "deprecated", "is_deprecated");
    let plan = upgrade(&db, &from, &to, &hints);
    assert_eq!(
        values(&db, "pipeline", "id, is_full, is_deprecated"),
        before
    );
    downgrade(&db, &plan, &from);
    assert_eq!(values(&db, "pipeline", "id, full_load, deprecated"), before);
}

/// `down_backfill` gives the way back the fill no generator can guess: a dropped unique
/// column comes back with `'s' || id` in every row, and a dropped foreign-key column with
/// the id of a row it may reference. Without it both downs stop at their guard first (the
/// foreign-key column used to come back filled with 0, and its key then failed).
#[test]
fn down_backfill_restores_dropped_unique_and_foreign_key_columns_on_rows() {
    let (db, _) = populated();
    execute(
        &db,
        "ALTER TABLE pipeline ADD COLUMN slug text; \
         UPDATE pipeline SET slug = 'old' || id; \
         ALTER TABLE pipeline ALTER COLUMN slug SET NOT NULL; \
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug); \
         ALTER TABLE closure ADD COLUMN owner_id integer; \
         UPDATE closure SET owner_id = target; \
         ALTER TABLE closure ALTER COLUMN owner_id SET NOT NULL; \
         ALTER TABLE closure ADD CONSTRAINT closure_owner_id_fkey \
           FOREIGN KEY (owner_id) REFERENCES pipeline (id);",
    );
    let from = catalog(&db);
    let to = declared(
        &from,
        "ALTER TABLE pipeline DROP COLUMN slug; ALTER TABLE closure DROP COLUMN owner_id;",
    );
    let consent = Hints::default()
        .allow(drop_column("slug"))
        .allow(Destructive::DropColumn {
            table: "closure".into(),
            column: "owner_id".into(),
        });

    // Without a fill: warned at generation, and the down stops before it changes anything.
    let guarded = plan(&from, &to, &consent).unwrap_or_else(|e| panic!("{e}"));
    for (column, attribute) in [
        (
            "pipeline.slug",
            "`#[watcher_table(down_backfill(slug = \"'slug-' || id\"))]` on the struct of `pipeline`",
        ),
        (
            "closure.owner_id",
            "`#[watcher_table(down_backfill(owner_id = \"<sql expression>\"))]` on the struct of `closure`",
        ),
    ] {
        assert!(
            guarded
                .warnings
                .iter()
                .any(|w| w.contains(column) && w.contains(attribute)),
            "{column}: {:#?}",
            guarded.warnings
        );
    }
    let closure_before = values(&db, "closure", "source, target, depth");
    run(&db, &render(&guarded.up), guarded.run_in_transaction).unwrap();
    let error = run(&db, &render(&guarded.down), guarded.run_in_transaction)
        .expect_err("the guard stops it");
    assert!(
        error.starts_with("P0001: cannot downgrade") && error.contains("down_backfill("),
        "{error}"
    );
    assert_shape("the schema the upgrade left", &to, &db);

    // With the fills: the way back restores both columns, under their constraints.
    let hints = consent
        .down_backfill("pipeline", "slug", "'s' || id")
        .down_backfill("closure", "owner_id", "source");
    // Left in place after its migration, a fill is pointed out, like a confirmation.
    let later = plan(&to, &to, &hints).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        later.warnings.iter().any(|w| w
            .starts_with("`down_backfill(slug = ...)` on the struct of `pipeline` fills nothing")),
        "{:#?}",
        later.warnings
    );
    let plan = plan(&from, &to, &hints).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        plan.warnings
            .iter()
            .all(|w| !w.contains("comes back NOT NULL")),
        "{:#?}",
        plan.warnings
    );
    downgrade(&db, &plan, &from);
    assert_eq!(count(&db, "pipeline", "slug = 's' || id"), 500);
    assert_eq!(count(&db, "closure", "owner_id = source"), 999);
    assert_eq!(
        values(&db, "closure", "source, target, depth"),
        closure_before
    );
}

/// A check or unique key over a column the migration adds is asked of what the column
/// will hold, before any step: one constant under a unique key, or NULL under a check
/// that wants a value, stops the online upgrade at its guard with the table untouched
/// (before, `ADD COLUMN` committed and the key's build or `VALIDATE` failed after it); a
/// fill that differs per row and satisfies the check goes through.
#[test]
fn constraints_over_an_added_column_are_tested_with_its_value_before_anything_runs() {
    let (db, from) = populated();
    for (change, hints, message) in [
        (
            "ALTER TABLE pipeline ADD COLUMN slug text NOT NULL DEFAULT 'x';
             ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug);",
            Hints::default().online(),
            "cannot upgrade: unique constraint `pipeline_slug_key` makes (slug) of `pipeline` unique",
        ),
        (
            "ALTER TABLE pipeline ADD COLUMN owner text;
             ALTER TABLE pipeline ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL);",
            Hints::default().online(),
            "cannot upgrade: check `ck_owner` of `pipeline` asks for `owner IS NOT NULL`",
        ),
    ] {
        let to = declared(&from, change);
        let plan = plan(&from, &to, &hints).unwrap_or_else(|e| panic!("{e}"));
        assert!(!plan.run_in_transaction, "the online form runs step by step");
        let error = run(&db, &render(&plan.up), plan.run_in_transaction)
            .expect_err("the guard stops it");
        // Raised by the guard (P0001), not a failure of its query.
        assert!(error.starts_with(&format!("P0001: {message}")), "{error}");
        assert_shape("the schema before the upgrade", &from, &db);
    }
    let to = declared(
        &from,
        "ALTER TABLE pipeline ADD COLUMN slug text NOT NULL;
         ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug);
         ALTER TABLE pipeline ADD CONSTRAINT ck_slug CHECK (length(slug) > 3);",
    );
    let hints = Hints::default()
        .online()
        .backfill("pipeline", "slug", "'slug-' || id");
    let plan = upgrade(&db, &from, &to, &hints);
    assert_eq!(count(&db, "pipeline", "slug = 'slug-' || id"), 500);
    downgrade(&db, &plan, &from);
}
