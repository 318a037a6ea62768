//! Unit tests of lint: each rule on an existing table (it fires, with its words and
//! position) and on what the migration creates (it does not), `allow` comments, the state
//! carried along a chain, and the printed form.

use std::path::PathBuf;

use super::*;
use crate::replay::replay;

/// The schema the migrations under test run on.
const BASE: &str = "
CREATE TYPE runstatus AS ENUM ('running', 'succeeded', 'failed');
CREATE TABLE pipeline (
    id serial PRIMARY KEY,
    name varchar(150) NOT NULL,
    owner text,
    retries integer,
    CONSTRAINT pipeline_name_key UNIQUE (name),
    CONSTRAINT ck_pipeline_name CHECK (name <> '')
);
CREATE TABLE pipeline_execution (
    id bigserial PRIMARY KEY,
    pipeline_id integer NOT NULL REFERENCES pipeline (id),
    status runstatus NOT NULL,
    full_load boolean
);
CREATE INDEX ix_pipeline_execution_pipeline_id ON pipeline_execution (pipeline_id);
CREATE TABLE tag (name text NOT NULL);
";

fn base() -> Schema {
    let mut schema = Schema::default();
    replay(&mut schema, BASE, "base.sql").unwrap_or_else(|e| panic!("{e}"));
    schema
}

fn migration(version: &str, up: &str, down: &str, run_in_transaction: bool) -> Migration {
    Migration {
        version: version.into(),
        name: "change".into(),
        dir: PathBuf::from(format!("migrations/{version}_change")),
        parent: None,
        up_sql: up.into(),
        down_sql: down.into(),
        run_in_transaction,
    }
}

/// The findings of `up` (run in a transaction) against [`BASE`].
fn lint(up: &str) -> Vec<Finding> {
    lint_with(up, "", true)
}

fn lint_with(up: &str, down: &str, run_in_transaction: bool) -> Vec<Finding> {
    let m = migration("20250102000000", up, down, run_in_transaction);
    lint_migration(&base(), &m).unwrap_or_else(|e| panic!("{e}"))
}

/// The one finding of `up`, failing with all of them otherwise.
#[track_caller]
fn one(up: &str) -> Finding {
    let findings = lint(up);
    match <[Finding; 1]>::try_from(findings) {
        Ok([finding]) => finding,
        Err(findings) => panic!(
            "expected one finding, got {}:\n{}",
            findings.len(),
            show(&findings)
        ),
    }
}

/// `up` has no findings.
#[track_caller]
fn clean(up: &str) {
    let findings = lint(up);
    assert!(
        findings.is_empty(),
        "expected no findings:\n{}",
        show(&findings)
    );
}

fn show(findings: &[Finding]) -> String {
    findings.iter().map(|f| format!("{f}\n")).collect()
}

/// `(rule, line, column, message)` of each finding.
fn summary(findings: &[Finding]) -> Vec<(&str, usize, usize, &str)> {
    findings
        .iter()
        .map(|f| (f.rule, f.line, f.column, f.message.as_str()))
        .collect()
}

/// 1-based line and column of the first `needle` in `sql`.
fn pos_of(sql: &str, needle: &str) -> (usize, usize) {
    let offset = sql
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {sql:?}"));
    let before = &sql[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

#[track_caller]
fn assert_at(finding: &Finding, sql: &str, needle: &str) {
    assert_eq!(
        (finding.line, finding.column),
        pos_of(sql, needle),
        "finding should point at {needle:?}: {finding}"
    );
}

mod dropping {
    use super::*;

    #[test]
    fn dropping_a_column_of_an_existing_table() {
        let f = one("ALTER TABLE pipeline DROP COLUMN owner;");
        assert_eq!(f.rule, rule::DROPPING_COLUMN);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!((f.line, f.column), (1, 34));
        assert_eq!(
            f.message,
            "dropping column `pipeline.owner` deletes its values"
        );
        assert!(f
            .why
            .contains("a down migration restores the column, not its data"));
        assert!(f
            .safer
            .starts_with("first deploy code that neither reads nor writes"));
    }

    #[test]
    fn dropping_a_column_the_migration_added_is_fine() {
        clean(
            "ALTER TABLE pipeline ADD COLUMN scratch text;\n\
             ALTER TABLE pipeline DROP COLUMN scratch;",
        );
        clean("CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;");
    }

    #[test]
    fn dropping_an_existing_table() {
        let up = "\n  DROP TABLE tag;";
        let f = one(up);
        assert_eq!(f.rule, rule::DROPPING_TABLE);
        assert_at(&f, up, "tag");
        assert_eq!(
            f.message,
            "dropping table `tag` deletes it and every row in it"
        );
    }

    #[test]
    fn dropping_a_table_the_migration_created_is_fine() {
        clean("CREATE TABLE scratch (a int);\nDROP TABLE scratch;");
    }

    #[test]
    fn dropping_a_referenced_table_drops_the_foreign_keys_into_it() {
        let up = "DROP TABLE pipeline CASCADE;";
        let findings = lint(up);
        assert_eq!(
            summary(&findings),
            [
                (
                    rule::DROPPING_TABLE,
                    1,
                    12,
                    "dropping table `pipeline` deletes it and every row in it"
                ),
                (
                    rule::MODIFYING_CONSTRAINT,
                    1,
                    12,
                    "dropping foreign key `pipeline_execution_pipeline_id_fkey` of \
                     `pipeline_execution` stops PostgreSQL enforcing it"
                ),
            ]
        );
    }

    #[test]
    fn dropping_tables_together_reports_no_keys_between_them() {
        let findings = lint("DROP TABLE pipeline_execution, pipeline;");
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, [rule::DROPPING_TABLE, rule::DROPPING_TABLE]);
    }
}

mod column_type {
    use super::*;

    #[test]
    fn widening_that_rewrites_the_table() {
        let up = "ALTER TABLE pipeline ALTER COLUMN retries TYPE bigint;";
        let f = one(up);
        assert_eq!(f.rule, rule::CHANGING_COLUMN_TYPE);
        assert_at(&f, up, "TYPE");
        assert_eq!(
            f.message,
            "changing `pipeline.retries` from `integer` to `bigint` rewrites `pipeline`"
        );
        assert!(f
            .why
            .contains("rewrites the table and rebuilds its indexes"));
        assert!(!f.why.contains("fail"));
    }

    #[test]
    fn narrowing_may_fail_or_change_values() {
        let f = one("ALTER TABLE pipeline ALTER name TYPE varchar(20);");
        assert_eq!(f.rule, rule::CHANGING_COLUMN_TYPE);
        assert_eq!((f.line, f.column), (1, 33));
        assert_eq!(
            f.message,
            "changing `pipeline.name` from `varchar(150)` to `varchar(20)` may fail on or \
             change existing values, and rewrites `pipeline`"
        );
        assert!(f.why.starts_with("values the new type cannot hold"));
    }

    #[test]
    fn binary_coercible_changes_do_not_rewrite() {
        clean("ALTER TABLE pipeline ALTER COLUMN name TYPE varchar(200);");
        clean("ALTER TABLE pipeline ALTER COLUMN name TYPE text;");
        clean("ALTER TABLE pipeline ALTER COLUMN owner TYPE varchar;");
        clean("ALTER TABLE pipeline ALTER COLUMN name SET DATA TYPE varchar(150) USING name;");
    }

    #[test]
    fn a_using_expression_rewrites_even_the_same_type() {
        let f = one("ALTER TABLE pipeline ALTER COLUMN owner TYPE text USING lower(owner);");
        assert_eq!(f.rule, rule::CHANGING_COLUMN_TYPE);
        assert!(f.message.contains("from `text` to `text`"), "{f}");
    }

    #[test]
    fn changing_a_column_the_migration_added_is_fine() {
        clean(
            "ALTER TABLE pipeline ADD COLUMN level integer;\n\
             ALTER TABLE pipeline ALTER COLUMN level TYPE bigint;",
        );
    }

    const SWAP: &str = "ALTER TYPE runstatus RENAME TO runstatus__old;
CREATE TYPE runstatus AS ENUM ({labels});
ALTER TABLE pipeline_execution
    ALTER COLUMN status TYPE runstatus USING status::text::runstatus;
DROP TYPE runstatus__old;";

    #[test]
    fn an_enum_type_swap_that_drops_labels() {
        let up = SWAP.replace("{labels}", "'running', 'succeeded'");
        let f = one(&up);
        assert_eq!(f.rule, rule::DROPPING_ENUM_LABEL);
        assert_eq!((f.line, f.column), (4, 25));
        assert_eq!(
            f.message,
            "moving `pipeline_execution.status` from enum `runstatus__old` to `runstatus` \
             drops the label 'failed'"
        );
        assert!(f
            .safer
            .starts_with("first move the rows off the dropped labels"));
    }

    #[test]
    fn an_enum_type_swap_that_keeps_every_label_still_rewrites() {
        let up = SWAP.replace("{labels}", "'failed', 'running', 'succeeded', 'skipped'");
        let f = one(&up);
        assert_eq!(f.rule, rule::CHANGING_COLUMN_TYPE);
        // Every value fits (the plan asks no consent for it either): a rewrite, not a loss.
        assert_eq!(
            f.message,
            "changing `pipeline_execution.status` from `runstatus__old` to `runstatus` \
             rewrites `pipeline_execution`"
        );
    }
}

mod constraints {
    use super::*;

    #[test]
    fn adding_a_primary_key_to_an_existing_table() {
        let up = "ALTER TABLE tag ADD CONSTRAINT tag_pkey PRIMARY KEY (name);";
        let f = one(up);
        assert_eq!(f.rule, rule::MODIFYING_CONSTRAINT);
        assert_at(&f, up, "CONSTRAINT");
        assert_eq!(
            f.message,
            "adding primary key `tag_pkey` to `tag` builds its index under an ACCESS EXCLUSIVE \
             lock"
        );
    }

    #[test]
    fn adding_a_unique_constraint_suggests_a_concurrent_unique_index() {
        let f = one("ALTER TABLE pipeline ADD UNIQUE (owner, retries);");
        assert_eq!(f.rule, rule::MODIFYING_CONSTRAINT);
        assert_eq!((f.line, f.column), (1, 26));
        assert_eq!(
            f.message,
            "adding unique constraint `pipeline_owner_retries_key` to `pipeline` builds its \
             index under an ACCESS EXCLUSIVE lock"
        );
        assert!(f
            .safer
            .contains("`CREATE UNIQUE INDEX CONCURRENTLY ... ON pipeline (owner, retries)`"));
    }

    #[test]
    fn dropping_each_kind_of_constraint() {
        let up = "ALTER TABLE pipeline_execution DROP CONSTRAINT pipeline_execution_pkey;
ALTER TABLE pipeline DROP CONSTRAINT pipeline_name_key;
ALTER TABLE pipeline_execution DROP CONSTRAINT pipeline_execution_pipeline_id_fkey;
ALTER TABLE pipeline DROP CONSTRAINT ck_pipeline_name;";
        let findings = lint(up);
        assert_eq!(
            summary(&findings),
            [
                (
                    rule::MODIFYING_CONSTRAINT,
                    1,
                    48,
                    "dropping primary key `pipeline_execution_pkey` of `pipeline_execution` \
                     stops PostgreSQL enforcing it"
                ),
                (
                    rule::MODIFYING_CONSTRAINT,
                    2,
                    38,
                    "dropping unique constraint `pipeline_name_key` of `pipeline` stops \
                     PostgreSQL enforcing it"
                ),
                (
                    rule::MODIFYING_CONSTRAINT,
                    3,
                    48,
                    "dropping foreign key `pipeline_execution_pipeline_id_fkey` of \
                     `pipeline_execution` stops PostgreSQL enforcing it"
                ),
                (
                    rule::MODIFYING_CONSTRAINT,
                    4,
                    38,
                    "dropping check `ck_pipeline_name` of `pipeline` stops PostgreSQL enforcing \
                     it"
                ),
            ]
        );
        assert!(findings[0].why.contains("`ON CONFLICT`"));
        assert!(findings[2].why.starts_with("rows pointing at missing rows"));
    }

    #[test]
    fn constraints_of_new_tables_are_fine() {
        clean(
            "CREATE TABLE t (a int NOT NULL, b int);
ALTER TABLE t ADD PRIMARY KEY (a);
ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE (b);
ALTER TABLE t ADD CONSTRAINT t_b_fkey FOREIGN KEY (b) REFERENCES pipeline (id);
ALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 0);
ALTER TABLE t DROP CONSTRAINT t_b_key;",
        );
    }

    #[test]
    fn a_foreign_key_without_not_valid() {
        let up = "ALTER TABLE pipeline_execution\n    ADD CONSTRAINT fk_owner FOREIGN KEY (pipeline_id) REFERENCES pipeline (id);";
        let f = one(up);
        assert_eq!(f.rule, rule::FOREIGN_KEY_WITHOUT_NOT_VALID);
        assert_eq!((f.line, f.column), (2, 9));
        assert_eq!(
            f.message,
            "adding foreign key `fk_owner` to `pipeline_execution` checks every row of \
             `pipeline_execution` while it blocks writes to `pipeline_execution` and `pipeline`"
        );
        assert!(f.why.contains("SHARE ROW EXCLUSIVE lock on both tables"));
        assert_eq!(
            f.safer,
            "add it with `NOT VALID` (new rows are checked at once), then `ALTER TABLE \
             pipeline_execution VALIDATE CONSTRAINT fk_owner` in a step of its own (after the \
             add commits), which checks the old rows without blocking writes; `revision \
             --autogenerate` writes both"
        );
    }

    #[test]
    fn a_column_added_with_references_checks_every_row_too() {
        let up = "ALTER TABLE tag ADD COLUMN pipeline_id integer REFERENCES pipeline;";
        let f = one(up);
        assert_eq!(f.rule, rule::FOREIGN_KEY_WITHOUT_NOT_VALID);
        assert_at(&f, up, "REFERENCES");
        assert!(f
            .message
            .starts_with("adding foreign key `tag_pipeline_id_fkey` to `tag`"));
    }

    #[test]
    fn not_valid_foreign_keys_and_checks_are_fine() {
        clean(
            "ALTER TABLE pipeline_execution ADD CONSTRAINT fk_p FOREIGN KEY (pipeline_id) \
             REFERENCES pipeline (id) NOT VALID, ADD CONSTRAINT ck_r CHECK (id > 0) NOT VALID;",
        );
    }

    #[test]
    fn a_check_without_not_valid() {
        let up = "ALTER TABLE pipeline ADD CONSTRAINT ck_retries CHECK (retries >= 0), \
                  ADD CONSTRAINT ck_owner CHECK (owner <> '') NOT VALID;";
        let f = one(up);
        assert_eq!(f.rule, rule::CHECK_WITHOUT_NOT_VALID);
        assert_eq!((f.line, f.column), (1, 26));
        assert_eq!(
            f.message,
            "adding check `ck_retries` to `pipeline` scans every row of `pipeline` under an \
             ACCESS EXCLUSIVE lock"
        );
        assert!(f.safer.contains("VALIDATE CONSTRAINT ck_retries"));
    }

    #[test]
    fn validating_in_the_transaction_that_added_not_valid() {
        let up = "ALTER TABLE pipeline ADD CONSTRAINT ck_retries CHECK (retries >= 0) NOT VALID;\n\
                  ALTER TABLE pipeline VALIDATE CONSTRAINT ck_retries;";
        let f = one(up);
        assert_eq!(f.rule, rule::CHECK_WITHOUT_NOT_VALID);
        assert_eq!((f.line, f.column), (2, 22));
        assert_eq!(
            f.message,
            "`VALIDATE CONSTRAINT ck_retries` runs in the transaction that added it `NOT VALID`, \
             so the lock the add took is held while every row is checked"
        );

        let up = "ALTER TABLE pipeline_execution ADD CONSTRAINT fk_p FOREIGN KEY (pipeline_id) \
                  REFERENCES pipeline (id) NOT VALID;\n\
                  ALTER TABLE ONLY public.pipeline_execution VALIDATE CONSTRAINT fk_p;";
        assert_eq!(one(up).rule, rule::FOREIGN_KEY_WITHOUT_NOT_VALID);
    }

    #[test]
    fn validating_outside_a_transaction_is_fine() {
        let up = "ALTER TABLE pipeline ADD CONSTRAINT ck_retries CHECK (retries >= 0) NOT VALID;\n\
                  ALTER TABLE pipeline VALIDATE CONSTRAINT ck_retries;";
        assert!(lint_with(up, "", false).is_empty());
    }
}

mod indexes {
    use super::*;

    #[test]
    fn creating_an_index_on_an_existing_table() {
        let up = "CREATE UNIQUE INDEX ix_pipeline_owner ON pipeline (owner);";
        let f = one(up);
        assert_eq!(f.rule, rule::NON_CONCURRENT_INDEX);
        assert_eq!((f.line, f.column), (1, 15));
        assert_eq!(
            f.message,
            "`CREATE UNIQUE INDEX` of `ix_pipeline_owner` blocks writes to `pipeline` until the \
             index is built"
        );
        assert!(f
            .safer
            .starts_with("`CREATE UNIQUE INDEX CONCURRENTLY`, in a migration"));
    }

    #[test]
    fn dropping_an_existing_index() {
        let up = "DROP INDEX ix_pipeline_execution_pipeline_id;";
        let f = one(up);
        assert_eq!(f.rule, rule::NON_CONCURRENT_INDEX);
        assert_at(&f, up, "ix_");
        assert_eq!(
            f.message,
            "`DROP INDEX` of `ix_pipeline_execution_pipeline_id` locks `pipeline_execution` \
             against reads and writes"
        );
    }

    #[test]
    fn concurrent_indexes_and_indexes_of_new_tables_are_fine() {
        let up = "CREATE INDEX CONCURRENTLY ix_owner ON pipeline (owner);\n\
                  DROP INDEX CONCURRENTLY ix_pipeline_execution_pipeline_id;";
        assert!(lint_with(up, "", false).is_empty());
        clean("CREATE TABLE t (a int);\nCREATE INDEX ix_t_a ON t (a);\nDROP INDEX ix_t_a;");
    }
}

#[test]
fn an_index_created_by_the_migration_may_be_dropped_plainly() {
    let findings = lint("CREATE INDEX ix_p ON pipeline (owner);\nDROP INDEX ix_p;");
    assert_eq!(
        summary(&findings)
            .iter()
            .map(|s| (s.0, s.1))
            .collect::<Vec<_>>(),
        [(rule::NON_CONCURRENT_INDEX, 1)]
    );
}

mod not_null {
    use super::*;

    #[test]
    fn setting_not_null_on_an_existing_column() {
        let up = "ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;";
        let f = one(up);
        assert_eq!(f.rule, rule::SETTING_NOT_NULL);
        assert_eq!((f.line, f.column), (1, 41));
        assert_eq!(
            f.message,
            "`SET NOT NULL` on `pipeline.owner` scans every row of `pipeline` under an ACCESS \
             EXCLUSIVE lock"
        );
        assert_eq!(
            f.safer,
            "add `CHECK (owner IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it in a step of \
             its own, then `SET NOT NULL` (PostgreSQL uses the valid check and skips the scan) \
             and drop the check; `revision --autogenerate` writes these steps"
        );
    }

    #[test]
    fn the_generators_backfill_of_a_new_column_still_scans() {
        let up = "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20);
UPDATE pipeline SET input_hash = '' WHERE input_hash IS NULL;
ALTER TABLE pipeline ALTER COLUMN input_hash SET NOT NULL;";
        let f = one(up);
        assert_eq!(f.rule, rule::SETTING_NOT_NULL);
        assert_eq!((f.line, f.column), (3, 46));
    }

    #[test]
    fn a_valid_not_null_check_makes_set_not_null_cheap() {
        clean(
            "ALTER TABLE tag ADD COLUMN t int;\n\
             ALTER TABLE tag ADD CONSTRAINT ck CHECK (\"t\" IS NOT NULL) NOT VALID;",
        );
        let mut schema = base();
        let mut linter = Linter::default();
        let steps = [
            "ALTER TABLE pipeline ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL) NOT VALID;",
            "ALTER TABLE pipeline VALIDATE CONSTRAINT ck_owner;\n\
             ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;\n\
             ALTER TABLE pipeline DROP CONSTRAINT ck_owner;",
        ];
        for (i, up) in steps.iter().enumerate() {
            let m = migration(&format!("2025010{}000000", i + 2), up, "", true);
            linter.migration(&mut schema, &m).unwrap();
        }
        // Only the check's drop: SET NOT NULL found the validated check.
        assert_eq!(
            summary(&linter.findings),
            [(
                rule::MODIFYING_CONSTRAINT,
                3,
                38,
                "dropping check `ck_owner` of `pipeline` stops PostgreSQL enforcing it"
            )]
        );
    }

    #[test]
    fn a_check_not_validated_yet_proves_nothing() {
        let up =
            "ALTER TABLE pipeline ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL) NOT VALID;\n\
                  ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;";
        assert_eq!(one(up).rule, rule::SETTING_NOT_NULL);
    }

    #[test]
    fn columns_of_new_tables_and_not_null_ones_are_fine() {
        clean("CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;");
        clean("ALTER TABLE pipeline ALTER COLUMN name SET NOT NULL;");
    }

    #[test]
    fn adding_a_not_null_column_without_default() {
        let up = "ALTER TABLE pipeline\n  ADD COLUMN input_hash varchar(20) NOT NULL;";
        let f = one(up);
        assert_eq!(f.rule, rule::ADDING_NOT_NULL_COLUMN_WITHOUT_DEFAULT);
        assert_eq!((f.line, f.column), (2, 14));
        assert_eq!(
            f.message,
            "adding NOT NULL column `pipeline.input_hash` without a default fails when \
             `pipeline` has rows"
        );
        assert!(f
            .safer
            .starts_with("add the column nullable, fill the existing rows"));
    }

    #[test]
    fn a_not_null_column_with_a_default_or_on_a_new_table_is_fine() {
        clean("ALTER TABLE pipeline ADD COLUMN paused boolean NOT NULL DEFAULT false;");
        clean("ALTER TABLE pipeline ADD COLUMN note text;");
        clean("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int NOT NULL;");
    }
}

mod defaults {
    use super::*;

    #[test]
    fn a_volatile_default_rewrites_the_table() {
        let up = "ALTER TABLE pipeline ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();";
        let f = one(up);
        assert_eq!(f.rule, rule::VOLATILE_DEFAULT);
        assert_at(&f, up, "uid");
        assert_eq!(
            f.message,
            "adding `pipeline.uid` with the volatile default `gen_random_uuid()` \
             (`gen_random_uuid()` differs per row) computes a value for every existing row, \
             rewriting `pipeline`"
        );
        assert!(f.why.contains("`now()`, `CURRENT_TIMESTAMP`"));
    }

    #[test]
    fn volatile_calls_anywhere_in_the_default() {
        let f =
            one("ALTER TABLE tag ADD COLUMN jitter integer DEFAULT (floor(random() * 10))::int;");
        assert_eq!(f.rule, rule::VOLATILE_DEFAULT);
        assert!(f.message.contains("(`random()` differs per row)"), "{f}");
        let f = one("ALTER TABLE tag ADD COLUMN at timestamptz DEFAULT clock_timestamp();");
        assert!(f.message.contains("`clock_timestamp()`"), "{f}");
    }

    #[test]
    fn serial_and_identity_columns_fill_every_row() {
        let f = one("ALTER TABLE tag ADD COLUMN id serial;");
        assert_eq!(f.rule, rule::VOLATILE_DEFAULT);
        assert_eq!(
            f.message,
            "adding `tag.id` with a serial type (its default `nextval` is volatile) computes a \
             value for every existing row, rewriting `tag`"
        );
        let f = one("ALTER TABLE tag ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;");
        assert_eq!(f.rule, rule::VOLATILE_DEFAULT);
        assert!(f.message.contains("with an identity"), "{f}");
    }

    #[test]
    fn stable_defaults_are_stored_once() {
        clean("ALTER TABLE tag ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();");
        clean("ALTER TABLE tag ADD COLUMN created_at timestamptz DEFAULT CURRENT_TIMESTAMP;");
        clean("ALTER TABLE tag ADD COLUMN kind text DEFAULT 'random()';");
        clean(
            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();",
        );
    }
}

mod renaming {
    use super::*;

    #[test]
    fn renaming_an_existing_column_or_table() {
        let up = "ALTER TABLE pipeline RENAME COLUMN owner TO owned_by;\nALTER TABLE tag RENAME TO label;";
        let findings = lint(up);
        assert_eq!(
            summary(&findings),
            [
                (
                    rule::RENAMING,
                    1,
                    29,
                    "renaming column `pipeline.owner` to `owned_by` breaks code that still \
                     uses `owner`"
                ),
                (
                    rule::RENAMING,
                    2,
                    24,
                    "renaming table `tag` to `label` breaks code that still uses `tag`"
                ),
            ]
        );
        assert!(findings[0].safer.starts_with("expand and contract"));
    }

    #[test]
    fn renaming_what_the_migration_created_is_fine() {
        clean("CREATE TABLE t (a int);\nALTER TABLE t RENAME a TO b;\nALTER TABLE t RENAME TO u;");
    }

    #[test]
    fn a_renamed_table_is_still_an_existing_one() {
        let up = "-- watcher-schema: allow renaming\nALTER TABLE tag RENAME TO label;\n\
                  ALTER TABLE label DROP COLUMN name;";
        let f = one(up);
        assert_eq!(f.rule, rule::DROPPING_COLUMN);
        assert_eq!(f.message, "dropping column `label.name` deletes its values");
    }
}

mod transactions {
    use super::*;

    #[test]
    fn concurrently_in_a_transaction_is_an_error() {
        let up = "CREATE INDEX CONCURRENTLY ix_owner ON pipeline (owner);";
        let f = one(up);
        assert_eq!(f.rule, rule::CONCURRENTLY_IN_TRANSACTION);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!((f.line, f.column), (1, 14));
        assert_eq!(
            f.message,
            "`CREATE INDEX CONCURRENTLY` cannot run inside a transaction block, and this \
             migration runs in one (`run_in_transaction = true`)"
        );
        assert!(f.safer.starts_with("set `run_in_transaction = false`"));
        // Whatever the table: it fails on an empty one too.
        let f = one("CREATE TABLE t (a int);\nCREATE UNIQUE INDEX CONCURRENTLY ix ON t (a);");
        assert_eq!(
            (f.rule, f.line, f.column),
            (rule::CONCURRENTLY_IN_TRANSACTION, 2, 21)
        );
        assert!(f.message.starts_with("`CREATE UNIQUE INDEX CONCURRENTLY`"));
    }

    #[test]
    fn concurrently_in_down_sql_too() {
        let down = "-- revert\nDROP INDEX CONCURRENTLY IF EXISTS ix_owner;";
        let findings = lint_with("SELECT 1;", down, true);
        assert_eq!(
            summary(&findings),
            [(
                rule::CONCURRENTLY_IN_TRANSACTION,
                2,
                12,
                "`DROP INDEX CONCURRENTLY` cannot run inside a transaction block, and this \
                 migration runs in one (`run_in_transaction = true`)"
            )]
        );
        assert_eq!(
            findings[0].path,
            "migrations/20250102000000_change/down.sql"
        );
    }

    #[test]
    fn down_sql_is_not_held_to_the_other_rules() {
        let findings = lint_with(
            "ALTER TABLE tag ADD COLUMN note text;",
            "ALTER TABLE tag DROP COLUMN note;\nDROP TABLE tag;",
            true,
        );
        assert!(findings.is_empty(), "{}", show(&findings));
    }

    #[test]
    fn a_table_a_guard_proves_empty_takes_a_not_null_column() {
        // The generator's down for a dropped unique NOT NULL column: the guard stops it on
        // any row, so the column comes back NOT NULL on an empty table.
        let guard = crate::sql::render(&[crate::op::Op::RefuseIfRows {
            table: "pipeline".into(),
            rows: crate::op::Rows::Any,
            reason: "cannot downgrade".into(),
        }]);
        let add = "ALTER TABLE pipeline ADD COLUMN slug text NOT NULL;";
        let guarded = lint_with("SELECT 1;", &format!("{guard}{add}"), true);
        assert!(guarded.is_empty(), "{}", show(&guarded));
        // Without the guard, or behind one that only stops on NULLs, it fails on rows.
        let only_nulls = crate::sql::render(&[crate::op::Op::RefuseIfRows {
            table: "pipeline".into(),
            rows: crate::op::Rows::Null("owner".into()),
            reason: "cannot downgrade".into(),
        }]);
        for down in [add.to_string(), format!("{only_nulls}{add}")] {
            let findings = lint_with("SELECT 1;", &down, true);
            assert_eq!(
                findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
                [rule::ADDING_NOT_NULL_COLUMN_WITHOUT_DEFAULT],
                "{down}"
            );
        }
    }

    #[test]
    fn outside_a_transaction_concurrently_is_fine() {
        let up = "CREATE INDEX CONCURRENTLY ix_owner ON pipeline (owner);";
        let down = "DROP INDEX CONCURRENTLY ix_owner;";
        assert!(lint_with(up, down, false).is_empty());
    }
}

mod allow {
    use super::*;

    #[test]
    fn a_comment_above_a_statement_silences_its_rules() {
        clean("-- watcher-schema: allow dropping-column\nALTER TABLE pipeline DROP COLUMN owner;");
        clean(
            "-- a small table\n  --watcher-schema: allow non-concurrent-index, renaming\n\
             -- reviewed\nCREATE INDEX ix_tag ON tag (name);",
        );
    }

    #[test]
    fn it_silences_only_the_rules_it_names_and_only_the_next_statement() {
        let up = "-- watcher-schema: allow dropping-table
ALTER TABLE pipeline DROP COLUMN owner;
DROP TABLE tag;";
        let findings = lint(up);
        assert_eq!(
            summary(&findings),
            [
                (
                    rule::DROPPING_COLUMN,
                    2,
                    34,
                    "dropping column `pipeline.owner` deletes its values"
                ),
                (
                    rule::DROPPING_TABLE,
                    3,
                    12,
                    "dropping table `tag` deletes it and every row in it"
                ),
            ]
        );
    }

    #[test]
    fn inside_a_statement_a_comment_silences_the_line_below_it() {
        let up = "ALTER TABLE pipeline
    -- watcher-schema: allow dropping-column
    DROP COLUMN owner,
    DROP COLUMN retries;";
        let f = one(up);
        assert_eq!((f.rule, f.line, f.column), (rule::DROPPING_COLUMN, 4, 17));
        assert_eq!(
            f.message,
            "dropping column `pipeline.retries` deletes its values"
        );
    }

    #[test]
    fn a_blank_line_ends_the_comment_run() {
        let up = "-- watcher-schema: allow dropping-table\n\nDROP TABLE tag;";
        assert_eq!(one(up).rule, rule::DROPPING_TABLE);
    }

    #[test]
    fn errors_can_be_allowed_too() {
        let up = "-- watcher-schema: allow concurrently-in-transaction\n\
                  CREATE INDEX CONCURRENTLY ix_owner ON pipeline (owner);";
        clean(up);
    }

    #[test]
    fn an_unknown_rule_is_reported_where_it_is_written() {
        let up = "-- watcher-schema: allow dropping-colum\nALTER TABLE pipeline DROP COLUMN owner;";
        let findings = lint(up);
        assert_eq!(
            summary(&findings),
            [
                (
                    rule::UNKNOWN_RULE,
                    1,
                    26,
                    "`dropping-colum` is not a lint rule, so this comment allows nothing"
                ),
                (
                    rule::DROPPING_COLUMN,
                    2,
                    34,
                    "dropping column `pipeline.owner` deletes its values"
                ),
            ]
        );
        assert!(findings[0]
            .safer
            .starts_with("name one of: dropping-column, dropping-table"));
        assert!(!findings[0].safer.contains("unknown-rule"));
    }

    #[test]
    fn unknown_rule_columns_count_characters() {
        let up = "SELECT 1;\n  -- watcher-schema: allow\u{a0}renaming,\u{2003}dropping-tabl é\nSELECT 2;";
        assert_eq!(
            summary(&lint(up)),
            [
                (
                    rule::UNKNOWN_RULE,
                    2,
                    38,
                    "`dropping-tabl` is not a lint rule, so this comment allows nothing"
                ),
                (
                    rule::UNKNOWN_RULE,
                    2,
                    52,
                    "`é` is not a lint rule, so this comment allows nothing"
                ),
            ]
        );
    }

    #[test]
    fn other_comments_are_not_allow_comments() {
        let up =
            "-- watcher-schema: allowance dropping-table\n-- allow dropping-table\nDROP TABLE tag;";
        assert_eq!(one(up).rule, rule::DROPPING_TABLE);
    }
}

#[test]
fn prints_like_a_compiler() {
    let f = one("ALTER TABLE pipeline DROP COLUMN owner;");
    assert_eq!(
        f.to_string(),
        "migrations/20250102000000_change/up.sql:1:34: warning[dropping-column]: dropping \
         column `pipeline.owner` deletes its values\n  \
         why: the values cannot come back (a down migration restores the column, not its \
         data), and code still running against the old schema fails on every query that names \
         the column\n  \
         help: first deploy code that neither reads nor writes the column; back up the values \
         you may need, then drop it in a later migration"
    );
}

#[test]
fn every_rule_is_listed_once() {
    let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), RULES.len());
    assert_eq!(
        find_rule(rule::CONCURRENTLY_IN_TRANSACTION).map(|r| r.severity),
        Some(Severity::Error)
    );
    let errors = RULES
        .iter()
        .filter(|r| r.severity == Severity::Error)
        .count();
    assert_eq!(errors, 1);
}

#[test]
fn a_migration_that_does_not_replay_is_an_error_at_its_statement() {
    let m = migration(
        "20250102000000",
        "\nALTER TABLE nope DROP COLUMN a;",
        "",
        true,
    );
    let err = lint_migration(&base(), &m).unwrap_err();
    assert_eq!(
        err.to_string(),
        "migrations/20250102000000_change/up.sql:2:13: table `nope` does not exist"
    );
    let m = migration("20250102000000", "SELECT 1;", "SELECT 'open;", true);
    let err = lint_migration(&base(), &m).unwrap_err();
    assert_eq!(
        err.to_string(),
        "migrations/20250102000000_change/down.sql:1:8: unterminated string literal"
    );
}

#[test]
fn lints_a_chain_each_migration_against_those_before_it() {
    use crate::chain::{write_migration, NewMigration};

    let dir = std::env::temp_dir().join(format!("watcher-lint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let specs = [
        (
            "20250101000000",
            "initial",
            BASE,
            "DROP TABLE tag, pipeline_execution, pipeline;\nDROP TYPE runstatus;",
            true,
        ),
        (
            "20250102000000",
            "check_owner",
            "ALTER TABLE pipeline ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL) NOT VALID;\n\
             CREATE TABLE note (body text);\nCREATE INDEX ix_note ON note (body);",
            "DROP TABLE note;\nALTER TABLE pipeline DROP CONSTRAINT ck_owner;",
            true,
        ),
        (
            "20250103000000",
            "owner_not_null",
            "ALTER TABLE pipeline VALIDATE CONSTRAINT ck_owner;\n\
             ALTER TABLE pipeline ALTER COLUMN owner SET NOT NULL;\n\
             CREATE INDEX ix_note_body ON note (body);",
            "DROP INDEX ix_note_body;\nALTER TABLE pipeline ALTER COLUMN owner DROP NOT NULL;",
            true,
        ),
    ];
    let mut parent = None;
    for (version, name, up, down, run_in_transaction) in specs {
        let spec = NewMigration {
            version: version.into(),
            name: name.into(),
            parent: parent.replace(version.to_string()),
            up_sql: up.into(),
            down_sql: down.into(),
            run_in_transaction,
        };
        write_migration(&dir, &spec).unwrap();
    }
    let chain = Chain::load(&dir).unwrap();
    let findings = lint_chain(&chain).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    // `note` is new in the second migration and existing in the third; the check added
    // `NOT VALID` in the second is valid in the third, so `SET NOT NULL` is cheap there.
    // down.sql is held to the rules that block writers, against the schema up.sql leaves.
    assert_eq!(
        summary(&findings),
        [
            (
                rule::NON_CONCURRENT_INDEX,
                3,
                8,
                "`CREATE INDEX` of `ix_note_body` blocks writes to `note` until the index is built"
            ),
            (
                rule::NON_CONCURRENT_INDEX,
                1,
                12,
                "`DROP INDEX` of `ix_note_body` locks `note` against reads and writes"
            )
        ]
    );
    let expected = dir.join("20250103000000_owner_not_null").join("up.sql");
    assert_eq!(findings[0].path, expected.display().to_string());
}

#[test]
fn the_reference_schema_as_a_first_migration_is_clean() {
    // pg_dump adds keys, indexes and foreign keys after the tables: all of them new.
    let sql = include_str!("../../../tests/data/watcher-20251005124405.sql");
    let m = migration("20251005124405", sql, "", true);
    let findings = lint_migration(&Schema::default(), &m).unwrap_or_else(|e| panic!("{e}"));
    assert!(findings.is_empty(), "{}", show(&findings));
}
