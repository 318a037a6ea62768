//! Struct edits of the kinds Watcher's schema went through (its Alembic-era history and the
//! six changes after the seed), each planned by the generator and proven on a populated
//! database in the plain and the online form: up (catalog, rows, values), down (again),
//! up again. The two edits that existing rows can defeat, a foreign key over orphans and a
//! unique key over duplicates (and a check the rows break), stop before anything changes,
//! with the message that names the fix, and go through once the rows are repaired.

use watcher_schema_core::diff::{plan, Destructive, Hints, Plan};
use watcher_schema_core::model::Schema;
use watcher_schema_core::sql::render;
use watcher_schema_tests::TestDb;

use crate::generator_rules::{
    assert_shape, count, declared, downgrade, populated, run, upgrade, values,
};
use crate::support::{catalog, execute};

/// A second table under `pipeline`, sharing the `mood` enum, with 1,000 rows.
const ADDRESS: &str = "
CREATE TABLE address (
  id serial NOT NULL,
  pipeline_id integer NOT NULL,
  fqn varchar(100) NOT NULL,
  mood mood,
  deprecated boolean NOT NULL DEFAULT false,
  CONSTRAINT address_pkey PRIMARY KEY (id),
  CONSTRAINT address_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES pipeline (id)
);
CREATE INDEX ix_address_pipeline_id ON address USING btree (pipeline_id);
INSERT INTO address (pipeline_id, fqn, mood, deprecated)
SELECT 1 + g % 500, format('db.schema_%s.t%s', g % 10, g),
       (ARRAY['sad', 'ok', 'happy'])[1 + g % 3]::mood, g % 7 = 0
FROM generate_series(1, 1000) AS g;
DELETE FROM address WHERE id % 50 = 0;
";

/// Which forms of the plan a case runs in.
#[derive(Clone, Copy, PartialEq)]
enum Forms {
    Both,
    /// The online form refuses the edit (a rewrite), with its plan explained.
    PlainOnly,
}

/// One struct edit: the schema it declares, its hints, and what must hold of the rows.
struct Case {
    name: &'static str,
    /// Run on the populated database before the plan is made (part of the start).
    setup: &'static str,
    /// The edit, as the SQL that declares the schema the edited structs describe.
    change: &'static str,
    hints: fn() -> Hints,
    forms: Forms,
    /// `(table, columns)` before and `(table, columns)` after: the same values both ways.
    kept: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// `(table, condition, rows)` true after each upgrade.
    up: &'static [(&'static str, &'static str, i64)],
    /// `(table, condition, rows)` true after the downgrade.
    down: &'static [(&'static str, &'static str, i64)],
    /// Whether `up` holds after the second upgrade too: not when it reads values the
    /// downgrade could not bring back.
    again: bool,
}

fn none() -> Hints {
    Hints::default()
}

fn drop_column(table: &str, column: &str) -> Destructive {
    Destructive::DropColumn {
        table: table.into(),
        column: column.into(),
    }
}

fn change_type(table: &str, column: &str) -> Destructive {
    Destructive::ChangeType {
        table: table.into(),
        column: column.into(),
    }
}

const ADDRESS_KEPT: &str = "id, pipeline_id, fqn, mood, deprecated";
const PIPELINE_KEPT: &str = "id, name, mood, full_load, deprecated, code";
const CLOSURE_KEPT: &str = "source, target, depth";

/// Every table's values, unchanged by the edit.
const ALL_KEPT: &[(&str, &str, &str, &str)] = &[
    ("pipeline", PIPELINE_KEPT, "pipeline", PIPELINE_KEPT),
    ("closure", CLOSURE_KEPT, "closure", CLOSURE_KEPT),
    ("address", ADDRESS_KEPT, "address", ADDRESS_KEPT),
];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "rename a table with its key, foreign key, index and sequence",
            setup: "",
            change: "ALTER TABLE address RENAME TO source_address;
                ALTER TABLE source_address RENAME CONSTRAINT address_pkey TO source_address_pkey;
                ALTER TABLE source_address RENAME CONSTRAINT address_pipeline_id_fkey TO source_address_pipeline_id_fkey;
                ALTER INDEX ix_address_pipeline_id RENAME TO ix_source_address_pipeline_id;
                ALTER SEQUENCE address_id_seq RENAME TO source_address_id_seq;",
            hints: || none().rename_table("address", "source_address"),
            forms: Forms::Both,
            again: true,
            kept: &[("address", ADDRESS_KEPT, "source_address", ADDRESS_KEPT)],
            up: &[("pg_class", "relname = 'source_address_id_seq'", 1)],
            down: &[("pg_class", "relname = 'address_id_seq'", 1)],
        },
        Case {
            name: "rename a column",
            setup: "",
            change: "ALTER TABLE pipeline RENAME COLUMN code TO external_code;",
            hints: || none().rename_column("pipeline", "code", "external_code"),
            forms: Forms::Both,
            again: true,
            kept: &[(
                "pipeline",
                PIPELINE_KEPT,
                "pipeline",
                "id, name, mood, full_load, deprecated, external_code",
            )],
            up: &[],
            down: &[],
        },
        Case {
            name: "rename a column an index covers",
            setup: "CREATE INDEX ix_address_fqn ON address (fqn);",
            change: "ALTER TABLE address RENAME COLUMN fqn TO qualified_name;",
            hints: || none().rename_column("address", "fqn", "qualified_name"),
            forms: Forms::Both,
            again: true,
            kept: &[(
                "address",
                ADDRESS_KEPT,
                "address",
                "id, pipeline_id, qualified_name, mood, deprecated",
            )],
            up: &[],
            down: &[],
        },
        Case {
            name: "widen a varchar",
            setup: "",
            change: "ALTER TABLE pipeline ALTER COLUMN name TYPE varchar(255);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "varchar to text",
            setup: "",
            change: "ALTER TABLE address ALTER COLUMN fqn TYPE text;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a nullable jsonb metadata column",
            setup: "",
            change: "ALTER TABLE address ADD COLUMN address_metadata jsonb;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("address", "address_metadata IS NULL", 980)],
            down: &[],
        },
        Case {
            name: "add a jsonb column with a default",
            setup: "",
            change: "ALTER TABLE pipeline ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "settings = '{}'::jsonb", 500)],
            down: &[],
        },
        Case {
            name: "add audit columns",
            setup: "",
            change: "ALTER TABLE pipeline ADD COLUMN created_at timestamp with time zone NOT NULL DEFAULT now();
                ALTER TABLE pipeline ADD COLUMN updated_at timestamp with time zone;
                ALTER TABLE pipeline ADD COLUMN updated_by varchar(64);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "created_at IS NOT NULL AND updated_at IS NULL", 500)],
            down: &[],
        },
        Case {
            name: "add a NOT NULL column filled from another (pipeline.input_hash)",
            setup: "",
            change: "ALTER TABLE pipeline ADD COLUMN input_hash varchar(20) NOT NULL;",
            hints: || none().backfill("pipeline", "input_hash", "left(md5(name), 20)"),
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "input_hash = left(md5(name), 20)", 500)],
            down: &[],
        },
        Case {
            name: "add a NOT NULL array column filled per row (lineage_path)",
            setup: "",
            change: "ALTER TABLE closure ADD COLUMN lineage_path integer[] NOT NULL;",
            hints: || none().backfill("closure", "lineage_path", "ARRAY[source, target]"),
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("closure", "lineage_path = ARRAY[source, target]", 999)],
            down: &[],
        },
        Case {
            name: "drop a deprecated column",
            setup: "",
            change: "ALTER TABLE address DROP COLUMN deprecated;",
            hints: || none().allow(drop_column("address", "deprecated")),
            forms: Forms::Both,
            again: true,
            kept: &[(
                "address",
                "id, pipeline_id, fqn, mood",
                "address",
                "id, pipeline_id, fqn, mood",
            )],
            up: &[],
            // It comes back with its default: the old values are gone.
            down: &[("address", "deprecated = false", 980)],
        },
        Case {
            name: "replace a deprecated flag with a jsonb metadata column",
            setup: "",
            change: "ALTER TABLE address DROP COLUMN deprecated;
                ALTER TABLE address ADD COLUMN address_metadata jsonb;",
            hints: || none().allow(drop_column("address", "deprecated")),
            forms: Forms::Both,
            again: true,
            kept: &[(
                "address",
                "id, pipeline_id, fqn, mood",
                "address",
                "id, pipeline_id, fqn, mood",
            )],
            up: &[("address", "address_metadata IS NULL", 980)],
            down: &[("address", "deprecated = false", 980)],
        },
        Case {
            name: "add a check constraint the rows satisfy",
            setup: "",
            change: "ALTER TABLE closure ADD CONSTRAINT closure_depth_check CHECK (depth >= 0);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "change a column default",
            setup: "",
            change: "ALTER TABLE address ALTER COLUMN deprecated SET DEFAULT true;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "make a NOT NULL column nullable",
            setup: "",
            change: "ALTER TABLE address ALTER COLUMN fqn DROP NOT NULL;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "tighten a nullable column with a backfill",
            setup: "",
            change: "ALTER TABLE pipeline ALTER COLUMN full_load SET NOT NULL;",
            hints: || none().backfill("pipeline", "full_load", "false"),
            forms: Forms::Both,
            again: true,
            kept: &[(
                "pipeline",
                "id, name, mood, deprecated, code",
                "pipeline",
                "id, name, mood, deprecated, code",
            )],
            up: &[("pipeline", "full_load IS NULL", 0)],
            down: &[],
        },
        Case {
            name: "add an enum label at the end of an enum two tables use",
            setup: "",
            change: "ALTER TYPE mood ADD VALUE 'ecstatic';",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add an enum label in the middle and use it as a default",
            setup: "",
            change: "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
                ALTER TABLE address ALTER COLUMN mood SET DEFAULT 'meh';",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "remove a label from an enum two tables use, once no row holds it",
            setup: "UPDATE pipeline SET mood = 'ok' WHERE mood = 'sad';
                UPDATE address SET mood = 'ok' WHERE mood = 'sad';",
            change: "ALTER TYPE mood RENAME TO mood__old;
                CREATE TYPE mood AS ENUM ('ok', 'happy');
                ALTER TABLE pipeline ALTER COLUMN mood TYPE mood USING mood::text::mood;
                ALTER TABLE address ALTER COLUMN mood TYPE mood USING mood::text::mood;
                DROP TYPE mood__old;",
            hints: || {
                none().allow(Destructive::RemoveEnumLabel {
                    name: "mood".into(),
                    label: "sad".into(),
                })
            },
            // Swapping the type rewrites both tables: refused online, with the plan.
            forms: Forms::PlainOnly,
            again: true,
            kept: ALL_KEPT,
            up: &[("address", "mood = 'ok'", 654)],
            down: &[("address", "mood = 'ok'", 654)],
        },
        Case {
            name: "add a covering index with INCLUDE",
            setup: "",
            change: "CREATE INDEX ix_address_fqn ON address USING btree (fqn) INCLUDE (mood);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a partial index",
            setup: "",
            change: "CREATE INDEX ix_address_live ON address USING btree (pipeline_id) WHERE NOT deprecated;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a partial unique index the rows satisfy",
            setup: "",
            change: "CREATE UNIQUE INDEX ix_address_fqn_live ON address USING btree (fqn) WHERE NOT deprecated;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a unique constraint the rows satisfy",
            setup: "",
            change: "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_key UNIQUE (name);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a column to an index's INCLUDE list",
            setup: "",
            change: "DROP INDEX ix_pipeline_name;
                CREATE INDEX ix_pipeline_name ON pipeline USING btree (name) INCLUDE (id, code);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "drop an index",
            setup: "",
            change: "DROP INDEX ix_address_pipeline_id;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a table with a foreign key to an existing one",
            setup: "",
            change: "CREATE TABLE pipeline_tag (
                  id serial NOT NULL,
                  pipeline_id integer NOT NULL,
                  tag varchar(50) NOT NULL,
                  CONSTRAINT pipeline_tag_pkey PRIMARY KEY (id),
                  CONSTRAINT pipeline_tag_pipeline_id_tag_key UNIQUE (pipeline_id, tag)
                );
                ALTER TABLE pipeline_tag ADD CONSTRAINT pipeline_tag_pipeline_id_fkey
                  FOREIGN KEY (pipeline_id) REFERENCES pipeline (id) ON DELETE CASCADE;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline_tag", "true", 0)],
            down: &[("pg_class", "relname = 'pipeline_tag'", 0)],
        },
        Case {
            name: "add a foreign key the rows satisfy",
            setup: "",
            change: "ALTER TABLE closure ADD CONSTRAINT closure_target_fkey FOREIGN KEY (target) REFERENCES pipeline (id);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "change a foreign key's ON DELETE action",
            setup: "",
            change: "ALTER TABLE address DROP CONSTRAINT address_pipeline_id_fkey;
                ALTER TABLE address ADD CONSTRAINT address_pipeline_id_fkey
                  FOREIGN KEY (pipeline_id) REFERENCES pipeline (id) ON DELETE CASCADE;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a column to the primary key (address_lineage_closure)",
            setup: "",
            change: "ALTER TABLE closure DROP CONSTRAINT closure_pkey;
                ALTER TABLE closure ADD CONSTRAINT closure_pkey PRIMARY KEY (source, target, depth);",
            hints: || {
                none().allow(Destructive::ChangePrimaryKey {
                    table: "closure".into(),
                })
            },
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "widen an integer column to bigint",
            setup: "",
            change: "ALTER TABLE closure ALTER COLUMN depth TYPE bigint;",
            hints: none,
            forms: Forms::PlainOnly,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "widen a serial key nothing references to bigint",
            setup: "",
            change: "ALTER TABLE address ALTER COLUMN id TYPE bigint;",
            hints: none,
            forms: Forms::PlainOnly,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add an enum type and a column of it with a default",
            setup: "",
            change: "CREATE TYPE status AS ENUM ('active', 'paused', 'retired');
                ALTER TABLE pipeline ADD COLUMN status status NOT NULL DEFAULT 'active';",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "status = 'active'", 500)],
            down: &[("pg_type", "typname = 'status'", 0)],
        },
        Case {
            name: "split a column into two filled from it, keeping it",
            setup: "",
            change: "ALTER TABLE pipeline ADD COLUMN kind varchar(50) NOT NULL;
                ALTER TABLE pipeline ADD COLUMN serial_no integer NOT NULL;",
            hints: || {
                none()
                    .backfill("pipeline", "kind", "split_part(name, '_', 1)")
                    .backfill("pipeline", "serial_no", "split_part(name, '_', 2)::integer")
            },
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[(
                "pipeline",
                "kind || '_' || serial_no = name AND serial_no = id",
                500,
            )],
            down: &[],
        },
        Case {
            name: "split a column into two filled from it, dropping it",
            setup: "",
            change: "ALTER TABLE address ADD COLUMN schema_name varchar(50) NOT NULL;
                ALTER TABLE address ADD COLUMN table_name varchar(50) NOT NULL;
                ALTER TABLE address DROP COLUMN fqn;",
            hints: || {
                none()
                    .allow(drop_column("address", "fqn"))
                    .backfill("address", "schema_name", "split_part(fqn, '.', 2)")
                    .backfill("address", "table_name", "split_part(fqn, '.', 3)")
            },
            forms: Forms::Both,
            again: false,
            kept: &[(
                "address",
                "id, pipeline_id, mood, deprecated",
                "address",
                "id, pipeline_id, mood, deprecated",
            )],
            up: &[(
                "address",
                "schema_name = 'schema_' || (id % 10) AND table_name = 't' || id",
                980,
            )],
            // `fqn` comes back NOT NULL, filled with '': its values are gone.
            down: &[("address", "fqn = ''", 980)],
        },
        Case {
            name: "drop a table (its rows cannot come back)",
            setup: "",
            change: "DROP TABLE closure;",
            hints: || {
                none().allow(Destructive::DropTable {
                    table: "closure".into(),
                })
            },
            forms: Forms::Both,
            again: true,
            kept: &[
                ("pipeline", PIPELINE_KEPT, "pipeline", PIPELINE_KEPT),
                ("address", ADDRESS_KEPT, "address", ADDRESS_KEPT),
            ],
            up: &[("pg_class", "relname = 'closure'", 0)],
            down: &[("closure", "true", 0)],
        },
        Case {
            name: "narrow a varchar the values fit",
            setup: "",
            change: "ALTER TABLE address ALTER COLUMN fqn TYPE varchar(40);",
            hints: || none().allow(change_type("address", "fqn")),
            forms: Forms::PlainOnly,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "rename a table other tables reference",
            setup: "",
            change: "ALTER TABLE pipeline RENAME TO pipeline_definition;
                ALTER TABLE pipeline_definition RENAME CONSTRAINT pipeline_pkey TO pipeline_definition_pkey;
                ALTER INDEX ix_pipeline_name RENAME TO ix_pipeline_definition_name;
                ALTER SEQUENCE pipeline_id_seq RENAME TO pipeline_definition_id_seq;",
            hints: || none().rename_table("pipeline", "pipeline_definition"),
            forms: Forms::Both,
            again: true,
            kept: &[
                ("pipeline", PIPELINE_KEPT, "pipeline_definition", PIPELINE_KEPT),
                ("closure", CLOSURE_KEPT, "closure", CLOSURE_KEPT),
                ("address", ADDRESS_KEPT, "address", ADDRESS_KEPT),
            ],
            up: &[("pg_constraint", "conname = 'closure_source_fkey' AND confrelid = 'pipeline_definition'::regclass", 1)],
            down: &[("pg_constraint", "conname = 'closure_source_fkey' AND confrelid = 'pipeline'::regclass", 1)],
        },
        Case {
            name: "add a unique NOT NULL slug filled per row",
            setup: "",
            change: "ALTER TABLE pipeline ADD COLUMN slug varchar(60) NOT NULL;
                ALTER TABLE pipeline ADD CONSTRAINT pipeline_slug_key UNIQUE (slug);",
            hints: || none().backfill("pipeline", "slug", "'p-' || id"),
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "slug = 'p-' || id", 500)],
            down: &[],
        },
        Case {
            name: "add a NOT NULL foreign key column filled from another",
            setup: "",
            change: "ALTER TABLE address ADD COLUMN owner_pipeline_id integer NOT NULL;
                ALTER TABLE address ADD CONSTRAINT address_owner_pipeline_id_fkey
                  FOREIGN KEY (owner_pipeline_id) REFERENCES pipeline (id);",
            hints: || none().backfill("address", "owner_pipeline_id", "pipeline_id"),
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("address", "owner_pipeline_id = pipeline_id", 980)],
            down: &[],
        },
        Case {
            name: "denormalize a parent's column with a subquery fill",
            setup: "",
            change: "ALTER TABLE address ADD COLUMN pipeline_name varchar(150) NOT NULL;",
            hints: || {
                none().backfill(
                    "address",
                    "pipeline_name",
                    "(SELECT p.name FROM pipeline AS p WHERE p.id = address.pipeline_id)",
                )
            },
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("address", "pipeline_name = 'pipeline_' || pipeline_id", 980)],
            down: &[],
        },
        Case {
            name: "remove a label from an enum two tables use with defaults",
            setup: "UPDATE pipeline SET mood = 'ok' WHERE mood = 'sad';
                UPDATE address SET mood = 'ok' WHERE mood = 'sad';
                ALTER TABLE pipeline ALTER COLUMN mood SET DEFAULT 'ok';
                ALTER TABLE address ALTER COLUMN mood SET DEFAULT 'happy';",
            change: "ALTER TYPE mood RENAME TO mood__old;
                CREATE TYPE mood AS ENUM ('ok', 'happy');
                ALTER TABLE pipeline ALTER COLUMN mood DROP DEFAULT;
                ALTER TABLE pipeline ALTER COLUMN mood TYPE mood USING mood::text::mood;
                ALTER TABLE pipeline ALTER COLUMN mood SET DEFAULT 'ok';
                ALTER TABLE address ALTER COLUMN mood DROP DEFAULT;
                ALTER TABLE address ALTER COLUMN mood TYPE mood USING mood::text::mood;
                ALTER TABLE address ALTER COLUMN mood SET DEFAULT 'happy';
                DROP TYPE mood__old;",
            hints: || {
                none().allow(Destructive::RemoveEnumLabel {
                    name: "mood".into(),
                    label: "sad".into(),
                })
            },
            forms: Forms::PlainOnly,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "grow a numeric's precision",
            setup: "ALTER TABLE pipeline ADD COLUMN cost numeric(8,2);
                UPDATE pipeline SET cost = id * 1.25;",
            change: "ALTER TABLE pipeline ALTER COLUMN cost TYPE numeric(12,2);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: &[("pipeline", "id, cost", "pipeline", "id, cost")],
            up: &[],
            down: &[],
        },
        Case {
            name: "add an expression index",
            setup: "",
            change: "CREATE INDEX ix_address_fqn_lower ON address USING btree (lower((fqn)::text));",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a partial unique index whose duplicates lie outside its predicate",
            setup: "UPDATE address SET fqn = 'db.old.t' WHERE deprecated;",
            change: "CREATE UNIQUE INDEX ix_address_fqn_live ON address USING btree (fqn) WHERE NOT deprecated;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "drop a check constraint",
            setup: "ALTER TABLE closure ADD CONSTRAINT closure_depth_check CHECK (depth >= 0);",
            change: "ALTER TABLE closure DROP CONSTRAINT closure_depth_check;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "timestamp to timestamptz",
            setup: "ALTER TABLE pipeline ADD COLUMN started_at timestamp without time zone;
                UPDATE pipeline SET started_at = timestamp '2025-10-05 12:00' + id * interval '1 hour';",
            change: "ALTER TABLE pipeline ALTER COLUMN started_at TYPE timestamp with time zone;",
            // The values are read in the session's time zone: a change to confirm.
            hints: || none().allow(change_type("pipeline", "started_at")),
            forms: Forms::PlainOnly,
            again: true,
            kept: &[(
                "pipeline",
                "id, started_at::text",
                "pipeline",
                "id, (started_at AT TIME ZONE current_setting('TimeZone'))::text",
            )],
            up: &[],
            down: &[],
        },
        Case {
            name: "add a self-referencing parent column",
            setup: "",
            change: "ALTER TABLE pipeline ADD COLUMN parent_id integer;
                ALTER TABLE pipeline ADD CONSTRAINT pipeline_parent_id_fkey
                  FOREIGN KEY (parent_id) REFERENCES pipeline (id) ON DELETE SET NULL;
                CREATE INDEX ix_pipeline_parent_id ON pipeline USING btree (parent_id);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "parent_id IS NULL", 500)],
            down: &[],
        },
        Case {
            name: "rename two columns of one table at once",
            setup: "",
            change: "ALTER TABLE address RENAME COLUMN fqn TO qualified_name;
                ALTER TABLE address RENAME COLUMN deprecated TO is_deprecated;",
            hints: || {
                none()
                    .rename_column("address", "fqn", "qualified_name")
                    .rename_column("address", "deprecated", "is_deprecated")
            },
            forms: Forms::Both,
            again: true,
            kept: &[(
                "address",
                ADDRESS_KEPT,
                "address",
                "id, pipeline_id, qualified_name, mood, is_deprecated",
            )],
            up: &[],
            down: &[],
        },
        Case {
            name: "widen a serial key other tables reference to bigint",
            setup: "",
            change: "ALTER TABLE pipeline ALTER COLUMN id TYPE bigint;",
            hints: none,
            forms: Forms::PlainOnly,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "move a column from one enum to a wider one",
            setup: "",
            change: "CREATE TYPE feeling AS ENUM ('sad', 'ok', 'happy', 'ecstatic');
                ALTER TABLE address ALTER COLUMN mood TYPE feeling USING mood::text::feeling;",
            // Every label of `mood` is in `feeling`: no value is lost, no confirmation.
            hints: none,
            forms: Forms::PlainOnly,
            again: true,
            kept: &[("address", "id, mood::text", "address", "id, mood::text")],
            up: &[],
            down: &[],
        },
        Case {
            name: "rename columns a check and a partial index read",
            setup: "ALTER TABLE address ADD CONSTRAINT address_fqn_check CHECK (length((fqn)::text) > 3);
                CREATE INDEX ix_address_live ON address USING btree (pipeline_id) WHERE (NOT deprecated);",
            change: "ALTER TABLE address RENAME COLUMN fqn TO qualified_name;
                ALTER TABLE address RENAME COLUMN deprecated TO is_deprecated;",
            hints: || {
                none()
                    .rename_column("address", "fqn", "qualified_name")
                    .rename_column("address", "deprecated", "is_deprecated")
            },
            forms: Forms::Both,
            again: true,
            kept: &[(
                "address",
                ADDRESS_KEPT,
                "address",
                "id, pipeline_id, qualified_name, mood, is_deprecated",
            )],
            up: &[],
            down: &[],
        },
        Case {
            name: "drop a column a partial index and a multi-column index read",
            setup: "CREATE INDEX ix_address_live ON address USING btree (pipeline_id) WHERE (NOT deprecated);
                CREATE INDEX ix_address_pipeline_mood ON address USING btree (pipeline_id, mood);",
            change: "ALTER TABLE address DROP COLUMN deprecated;
                ALTER TABLE address DROP COLUMN mood;",
            hints: || {
                none()
                    .allow(drop_column("address", "deprecated"))
                    .allow(drop_column("address", "mood"))
            },
            forms: Forms::Both,
            again: true,
            kept: &[("address", "id, pipeline_id, fqn", "address", "id, pipeline_id, fqn")],
            up: &[],
            down: &[("address", "mood IS NULL AND NOT deprecated", 980)],
        },
        Case {
            name: "drop a column a check reads",
            setup: "ALTER TABLE closure ADD CONSTRAINT closure_depth_check CHECK (depth >= 0 AND depth < 100);",
            change: "ALTER TABLE closure DROP COLUMN depth;",
            hints: || none().allow(drop_column("closure", "depth")),
            forms: Forms::Both,
            again: true,
            kept: &[("closure", "source, target", "closure", "source, target")],
            up: &[],
            down: &[("closure", "depth = 0", 999)],
        },
        Case {
            name: "drop a foreign key",
            setup: "",
            change: "ALTER TABLE address DROP CONSTRAINT address_pipeline_id_fkey;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pg_constraint", "conname = 'address_pipeline_id_fkey'", 0)],
            down: &[("pg_constraint", "conname = 'address_pipeline_id_fkey' AND convalidated", 1)],
        },
        Case {
            name: "widen a unique key by a column",
            setup: "ALTER TABLE address ADD CONSTRAINT address_fqn_key UNIQUE (fqn);",
            change: "ALTER TABLE address DROP CONSTRAINT address_fqn_key;
                ALTER TABLE address ADD CONSTRAINT address_fqn_key UNIQUE (fqn, pipeline_id);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a uuid column filled per row by its default",
            setup: "",
            change: "ALTER TABLE pipeline ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();",
            hints: none,
            forms: Forms::PlainOnly,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "uid IS NOT NULL", 500)],
            down: &[],
        },
        Case {
            name: "add a lookup table and a nullable column referencing it",
            setup: "",
            change: "CREATE TABLE owner (
                  id serial NOT NULL,
                  name varchar(100) NOT NULL,
                  CONSTRAINT owner_pkey PRIMARY KEY (id),
                  CONSTRAINT owner_name_key UNIQUE (name)
                );
                ALTER TABLE pipeline ADD COLUMN owner_id integer;
                ALTER TABLE pipeline ADD CONSTRAINT pipeline_owner_id_fkey
                  FOREIGN KEY (owner_id) REFERENCES owner (id);
                CREATE INDEX ix_pipeline_owner_id ON pipeline USING btree (owner_id);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pipeline", "owner_id IS NULL", 500)],
            down: &[("pg_class", "relname = 'owner'", 0)],
        },
        Case {
            name: "rename a table and add a filled column to it",
            setup: "",
            change: "ALTER TABLE closure RENAME TO lineage;
                ALTER TABLE lineage RENAME CONSTRAINT closure_pkey TO lineage_pkey;
                ALTER TABLE lineage RENAME CONSTRAINT closure_source_fkey TO lineage_source_fkey;
                ALTER TABLE lineage ADD COLUMN path integer[] NOT NULL;",
            hints: || {
                none()
                    .rename_table("closure", "lineage")
                    .backfill("lineage", "path", "ARRAY[source, target]")
            },
            forms: Forms::Both,
            again: true,
            kept: &[("closure", CLOSURE_KEPT, "lineage", CLOSURE_KEPT)],
            up: &[("lineage", "path = ARRAY[source, target]", 999)],
            down: &[],
        },
        Case {
            name: "rename a column and widen it",
            setup: "",
            change: "ALTER TABLE pipeline RENAME COLUMN code TO external_code;
                ALTER TABLE pipeline ALTER COLUMN external_code TYPE varchar(64);",
            hints: || none().rename_column("pipeline", "code", "external_code"),
            forms: Forms::Both,
            again: true,
            kept: &[(
                "pipeline",
                PIPELINE_KEPT,
                "pipeline",
                "id, name, mood, full_load, deprecated, external_code",
            )],
            up: &[],
            down: &[],
        },
        Case {
            name: "rename an index",
            setup: "",
            change: "ALTER INDEX ix_address_pipeline_id RENAME TO ix_address_pipeline;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pg_class", "relname = 'ix_address_pipeline'", 1)],
            down: &[("pg_class", "relname = 'ix_address_pipeline_id'", 1)],
        },
        Case {
            name: "rename a unique constraint",
            setup: "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_key UNIQUE (name);",
            change: "ALTER TABLE pipeline RENAME CONSTRAINT pipeline_name_key TO uq_pipeline_name;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pg_constraint", "conname = 'uq_pipeline_name'", 1)],
            down: &[("pg_constraint", "conname = 'pipeline_name_key'", 1)],
        },
        Case {
            name: "drop an enum column and its type",
            setup: "CREATE TYPE status AS ENUM ('active', 'paused');
                ALTER TABLE pipeline ADD COLUMN status status NOT NULL DEFAULT 'active';",
            change: "ALTER TABLE pipeline DROP COLUMN status;
                DROP TYPE status;",
            hints: || none().allow(drop_column("pipeline", "status")),
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pg_type", "typname = 'status'", 0)],
            down: &[("pipeline", "status = 'active'", 500)],
        },
        Case {
            name: "rename an enum type",
            setup: "",
            change: "ALTER TYPE mood RENAME TO feeling;",
            // `renamed_from` on the enum: `ALTER TYPE ... RENAME TO`, no rewrite, online too.
            hints: || none().rename_enum("mood", "feeling"),
            forms: Forms::Both,
            again: true,
            kept: &[
                ("pipeline", "id, mood::text", "pipeline", "id, mood::text"),
                ("address", "id, mood::text", "address", "id, mood::text"),
            ],
            up: &[("pg_type", "typname = 'feeling'", 1)],
            down: &[("pg_type", "typname = 'mood'", 1)],
        },
        Case {
            name: "rename an enum label two tables use",
            setup: "ALTER TABLE address ALTER COLUMN mood SET DEFAULT 'sad';",
            change: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
            // `renamed_from = "sad"` on the variant: the rows keep their label, renamed.
            hints: || none().rename_label("mood", "sad", "blue"),
            forms: Forms::Both,
            again: true,
            kept: &[
                ("pipeline", "id, mood::text = 'sad'", "pipeline", "id, mood::text = 'blue'"),
                ("address", "id, mood::text = 'sad'", "address", "id, mood::text = 'blue'"),
            ],
            up: &[],
            down: &[],
        },
        Case {
            name: "make a column nullable and change its default",
            setup: "",
            change: "ALTER TABLE address ALTER COLUMN deprecated DROP NOT NULL;
                ALTER TABLE address ALTER COLUMN deprecated SET DEFAULT true;",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[],
            down: &[],
        },
        Case {
            name: "add a NOT NULL column and include it in two indexes (lineage_path)",
            setup: "CREATE INDEX ix_closure_depth_source_include ON closure USING btree (depth, source) INCLUDE (target);
                CREATE INDEX ix_closure_depth_target_include ON closure USING btree (depth, target) INCLUDE (source);",
            change: "ALTER TABLE closure ADD COLUMN lineage_path integer[] NOT NULL;
                DROP INDEX ix_closure_depth_source_include;
                CREATE INDEX ix_closure_depth_source_include ON closure USING btree (depth, source) INCLUDE (target, lineage_path);
                DROP INDEX ix_closure_depth_target_include;
                CREATE INDEX ix_closure_depth_target_include ON closure USING btree (depth, target) INCLUDE (source, lineage_path);",
            hints: || none().backfill("closure", "lineage_path", "ARRAY[source, target]"),
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pg_index", "NOT indisvalid", 0)],
            down: &[("pg_index", "NOT indisvalid", 0)],
        },
        Case {
            name: "drop a table another one references, with the referencing column",
            setup: "CREATE TABLE tag (id serial NOT NULL, label text NOT NULL, CONSTRAINT tag_pkey PRIMARY KEY (id));
                INSERT INTO tag (label) SELECT 'tag' || g FROM generate_series(1, 5) AS g;
                ALTER TABLE pipeline ADD COLUMN tag_id integer;
                ALTER TABLE pipeline ADD CONSTRAINT pipeline_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tag (id);
                UPDATE pipeline SET tag_id = 1 + id % 5;",
            change: "ALTER TABLE pipeline DROP CONSTRAINT pipeline_tag_id_fkey;
                ALTER TABLE pipeline DROP COLUMN tag_id;
                DROP TABLE tag;",
            hints: || {
                none()
                    .allow(drop_column("pipeline", "tag_id"))
                    .allow(Destructive::DropTable {
                        table: "tag".into(),
                    })
            },
            forms: Forms::Both,
            again: true,
            kept: ALL_KEPT,
            up: &[("pg_class", "relname = 'tag'", 0)],
            down: &[("pipeline", "tag_id IS NULL", 500)],
        },
        Case {
            name: "turn a varchar of known values into an enum",
            setup: "ALTER TABLE pipeline ADD COLUMN state varchar(20);
                UPDATE pipeline SET state = CASE WHEN id % 2 = 0 THEN 'active' ELSE 'paused' END;",
            change: "CREATE TYPE state AS ENUM ('active', 'paused');
                ALTER TABLE pipeline ALTER COLUMN state TYPE state USING state::state;",
            hints: || none().allow(change_type("pipeline", "state")),
            forms: Forms::PlainOnly,
            again: true,
            kept: &[("pipeline", "id, state::text", "pipeline", "id, state::text")],
            up: &[("pipeline", "state = 'active'", 250)],
            down: &[],
        },
        Case {
            name: "turn a boolean flag with a default into an enum",
            setup: "",
            change: "CREATE TYPE lifecycle AS ENUM ('active', 'retired');
                ALTER TABLE address ALTER COLUMN deprecated DROP DEFAULT;
                ALTER TABLE address ALTER COLUMN deprecated TYPE lifecycle
                  USING (CASE WHEN deprecated THEN 'retired' ELSE 'active' END)::lifecycle;
                ALTER TABLE address ALTER COLUMN deprecated SET DEFAULT 'active';",
            // Both ways need a conversion no cast gives: `using` up, `down_using` down.
            hints: || {
                none()
                    .allow(change_type("address", "deprecated"))
                    .using(
                        "address",
                        "deprecated",
                        "(CASE WHEN deprecated THEN 'retired' ELSE 'active' END)::lifecycle",
                    )
                    .down_using("address", "deprecated", "deprecated = 'retired'")
            },
            forms: Forms::PlainOnly,
            again: true,
            kept: &[(
                "address",
                "id, pipeline_id, fqn, mood",
                "address",
                "id, pipeline_id, fqn, mood",
            )],
            up: &[("address", "deprecated = 'retired'", 140)],
            down: &[("address", "deprecated", 140)],
        },
        Case {
            name: "add a foreign key over references and NULLs",
            setup: "ALTER TABLE pipeline ADD COLUMN parent_id integer;
                UPDATE pipeline SET parent_id = id - 1 WHERE id % 3 <> 1;",
            change: "ALTER TABLE pipeline ADD CONSTRAINT pipeline_parent_id_fkey
                  FOREIGN KEY (parent_id) REFERENCES pipeline (id);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: &[("pipeline", "id, parent_id", "pipeline", "id, parent_id")],
            up: &[],
            down: &[],
        },
        Case {
            name: "add a unique constraint over a column where only NULLs repeat",
            setup: "ALTER TABLE pipeline ADD COLUMN ext_ref text;
                UPDATE pipeline SET ext_ref = 'r' || id WHERE id % 3 = 0;",
            change: "ALTER TABLE pipeline ADD CONSTRAINT pipeline_ext_ref_key UNIQUE (ext_ref);",
            hints: none,
            forms: Forms::Both,
            again: true,
            kept: &[("pipeline", "id, ext_ref", "pipeline", "id, ext_ref")],
            up: &[],
            down: &[],
        },
    ]
}

/// The hints of `case` in `form`: the plain transactional form, or the online one.
fn hints_for(case: &Case, online: bool) -> Hints {
    let hints = (case.hints)();
    if online {
        hints.online()
    } else {
        hints
    }
}

/// A populated database (the fixture and [`ADDRESS`]) with `setup` run, and its catalog.
fn start(setup: &str) -> (TestDb, Schema) {
    let (db, _) = populated();
    execute(&db, ADDRESS);
    execute(&db, setup);
    let from = catalog(&db);
    (db, from)
}

fn kept(db: &TestDb, case: &Case, after: bool) -> Vec<String> {
    case.kept
        .iter()
        .map(|&(table, columns, after_table, after_columns)| {
            if after {
                values(db, after_table, after_columns)
            } else {
                values(db, table, columns)
            }
        })
        .collect()
}

#[track_caller]
fn assert_counts(db: &TestDb, what: &str, checks: &[(&str, &str, i64)]) {
    for &(table, condition, rows) in checks {
        assert_eq!(
            count(db, table, condition),
            rows,
            "{what}\nrows of {table} where {condition}"
        );
    }
}

/// Up, down, up again on a populated database, checking the catalog (in `upgrade` and
/// `downgrade`), the values kept and the rows each direction promises.
fn prove(case: &Case, online: bool) {
    let form = if online { "online" } else { "plain" };
    let what = format!("{} ({form})", case.name);
    let (db, from) = start(case.setup);
    let before = kept(&db, case, false);
    let to = declared(&from, case.change);
    let hints = hints_for(case, online);
    if online && case.forms == Forms::PlainOnly {
        let refusal = plan(&from, &to, &hints).expect_err(&what);
        assert!(
            refusal.to_string().contains("online = false"),
            "{what}: {refusal}"
        );
        return;
    }
    let plan = upgrade(&db, &from, &to, &hints);
    // A failure shows the edit and the SQL the generator wrote for it.
    let what = format!(
        "{what}\n--- up.sql ---\n{}--- down.sql ---\n{}---",
        render(&plan.up),
        render(&plan.down)
    );
    assert_eq!(kept(&db, case, true), before, "{what}\nvalues after up");
    assert_counts(&db, &what, case.up);
    downgrade(&db, &plan, &from);
    assert_eq!(kept(&db, case, false), before, "{what}\nvalues after down");
    assert_counts(&db, &what, case.down);
    upgrade(&db, &from, &to, &hints);
    assert_eq!(
        kept(&db, case, true),
        before,
        "{what}\nvalues after up again"
    );
    if case.again {
        assert_counts(&db, &what, case.up);
    }
}

/// One test per case, named after it, so that a failure says which edit broke.
macro_rules! real_edit {
    ($($test:ident: $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                let case = cases()
                    .into_iter()
                    .find(|c| c.name == $name)
                    .expect("a case of that name");
                prove(&case, false);
                prove(&case, true);
            }
        )*

        #[test]
        fn every_case_has_its_test() {
            let tested = [$($name),*];
            for case in cases() {
                assert!(tested.contains(&case.name), "no test runs `{}`", case.name);
            }
        }
    };
}

real_edit! {
    rename_table_with_its_key_index_and_sequence: "rename a table with its key, foreign key, index and sequence",
    rename_column: "rename a column",
    rename_indexed_column: "rename a column an index covers",
    widen_varchar: "widen a varchar",
    varchar_to_text: "varchar to text",
    add_nullable_jsonb_metadata: "add a nullable jsonb metadata column",
    add_jsonb_with_default: "add a jsonb column with a default",
    add_audit_columns: "add audit columns",
    add_not_null_column_filled_from_another: "add a NOT NULL column filled from another (pipeline.input_hash)",
    add_not_null_array_filled_per_row: "add a NOT NULL array column filled per row (lineage_path)",
    drop_deprecated_column: "drop a deprecated column",
    replace_flag_with_jsonb_metadata: "replace a deprecated flag with a jsonb metadata column",
    add_check_the_rows_satisfy: "add a check constraint the rows satisfy",
    change_default: "change a column default",
    drop_not_null: "make a NOT NULL column nullable",
    tighten_with_backfill: "tighten a nullable column with a backfill",
    add_enum_label_at_end: "add an enum label at the end of an enum two tables use",
    add_enum_label_in_middle_used_as_default: "add an enum label in the middle and use it as a default",
    remove_label_from_enum_two_tables_use: "remove a label from an enum two tables use, once no row holds it",
    add_covering_index: "add a covering index with INCLUDE",
    add_partial_index: "add a partial index",
    add_partial_unique_index: "add a partial unique index the rows satisfy",
    add_unique_constraint: "add a unique constraint the rows satisfy",
    widen_index_include: "add a column to an index's INCLUDE list",
    drop_index: "drop an index",
    add_table_referencing_existing: "add a table with a foreign key to an existing one",
    add_foreign_key_the_rows_satisfy: "add a foreign key the rows satisfy",
    change_foreign_key_action: "change a foreign key's ON DELETE action",
    add_column_to_primary_key: "add a column to the primary key (address_lineage_closure)",
    widen_integer_to_bigint: "widen an integer column to bigint",
    widen_unreferenced_serial_key: "widen a serial key nothing references to bigint",
    add_enum_type_and_column: "add an enum type and a column of it with a default",
    split_column_keeping_it: "split a column into two filled from it, keeping it",
    split_column_dropping_it: "split a column into two filled from it, dropping it",
    drop_table: "drop a table (its rows cannot come back)",
    narrow_varchar_values_fit: "narrow a varchar the values fit",
    rename_referenced_table: "rename a table other tables reference",
    add_unique_slug_filled_per_row: "add a unique NOT NULL slug filled per row",
    add_not_null_foreign_key_column: "add a NOT NULL foreign key column filled from another",
    denormalize_with_subquery_fill: "denormalize a parent's column with a subquery fill",
    remove_label_from_enum_with_defaults: "remove a label from an enum two tables use with defaults",
    grow_numeric_precision: "grow a numeric's precision",
    add_expression_index: "add an expression index",
    add_partial_unique_index_with_duplicates_outside: "add a partial unique index whose duplicates lie outside its predicate",
    drop_check: "drop a check constraint",
    timestamp_to_timestamptz: "timestamp to timestamptz",
    add_self_referencing_parent: "add a self-referencing parent column",
    rename_two_columns_at_once: "rename two columns of one table at once",
    widen_referenced_serial_key: "widen a serial key other tables reference to bigint",
    move_column_to_wider_enum: "move a column from one enum to a wider one",
    rename_columns_a_check_and_predicate_read: "rename columns a check and a partial index read",
    drop_columns_indexes_read: "drop a column a partial index and a multi-column index read",
    drop_column_a_check_reads: "drop a column a check reads",
    drop_foreign_key: "drop a foreign key",
    widen_unique_key: "widen a unique key by a column",
    add_uuid_column_with_volatile_default: "add a uuid column filled per row by its default",
    add_lookup_table: "add a lookup table and a nullable column referencing it",
    rename_table_and_add_filled_column: "rename a table and add a filled column to it",
    rename_and_widen_column: "rename a column and widen it",
    rename_index: "rename an index",
    rename_unique_constraint: "rename a unique constraint",
    drop_enum_column_and_type: "drop an enum column and its type",
    rename_enum_type: "rename an enum type",
    rename_enum_label: "rename an enum label two tables use",
    drop_not_null_and_change_default: "make a column nullable and change its default",
    add_column_and_include_it_in_two_indexes: "add a NOT NULL column and include it in two indexes (lineage_path)",
    drop_referenced_table_with_referencing_column: "drop a table another one references, with the referencing column",
    varchar_to_enum: "turn a varchar of known values into an enum",
    boolean_flag_to_enum: "turn a boolean flag with a default into an enum",
    add_foreign_key_over_references_and_nulls: "add a foreign key over references and NULLs",
    add_unique_where_only_nulls_repeat: "add a unique constraint over a column where only NULLs repeat",
}

/// Runs `plan`'s up, which must stop at its guard with `message`, leaving the database
/// exactly as it was: catalog (no `NOT VALID` constraint, no INVALID index), rows, values.
#[track_caller]
fn assert_refused_untouched(db: &TestDb, plan: &Plan, from: &Schema, message: &str) {
    let rows: Vec<String> = ["pipeline", "closure", "address"]
        .iter()
        .map(|t| values(db, t, &format!("{t}.*")))
        .collect();
    let error = run(db, &render(&plan.up), plan.run_in_transaction)
        .expect_err("the guard stops the upgrade");
    // Raised by the guard (P0001), not a failure of its own query.
    assert!(
        error.starts_with("P0001: ") && error.contains(message),
        "{error}"
    );
    assert_shape("the unchanged schema", from, db);
    assert_eq!(
        count(db, "pg_constraint", "NOT convalidated"),
        0,
        "a NOT VALID constraint was left"
    );
    assert_eq!(
        count(db, "pg_index", "NOT indisvalid"),
        0,
        "an INVALID index was left"
    );
    let after: Vec<String> = ["pipeline", "closure", "address"]
        .iter()
        .map(|t| values(db, t, &format!("{t}.*")))
        .collect();
    assert_eq!(after, rows, "rows changed");
}

/// The fix the message names: its query finds the rows to repair.
fn found_by_message(error_sql: &str) -> String {
    let start = error_sql
        .find("Find them with `")
        .expect("the message has a query")
        + 16;
    let end = error_sql[start..].find('`').expect("the query ends") + start;
    error_sql[start..end].replace("''", "'")
}

/// A foreign key added over rows that refer to nothing: in both forms the upgrade stops
/// before anything changes, with the message naming the constraint and the query that finds
/// the rows; once they are repaired it applies; down and up again work.
#[test]
fn a_foreign_key_over_orphans_stops_first_and_applies_once_they_are_repaired() {
    for online in [false, true] {
        let (db, from) = start("INSERT INTO closure VALUES (1, 9001, 7), (2, 9002, 7);");
        // A first, harmless step, to prove nothing before the guard runs.
        let to = declared(
            &from,
            "CREATE INDEX ix_closure_depth ON closure (depth);
             ALTER TABLE closure ADD CONSTRAINT closure_target_fkey FOREIGN KEY (target) REFERENCES pipeline (id);",
        );
        let hints = if online { none().online() } else { none() };
        let planned = plan(&from, &to, &hints).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(planned.run_in_transaction, !online);
        assert_refused_untouched(
            &db,
            &planned,
            &from,
            "cannot upgrade: foreign key `closure_target_fkey` makes `closure` (target) refer to \
             `pipeline` (id), and rows of `closure` refer to no row; nothing was changed",
        );
        // The documented fix: the message's query finds exactly the orphans.
        let up = render(&planned.up);
        let query = found_by_message(&up);
        let orphans: i64 = db
            .client()
            .query_one(&format!("SELECT count(*) FROM ({query}) AS o"), &[])
            .unwrap()
            .get(0);
        assert_eq!(orphans, 2, "{query}");
        execute(&db, "DELETE FROM closure WHERE target > 9000;");
        let from = catalog(&db);
        let before = values(&db, "closure", CLOSURE_KEPT);
        let applied = upgrade(&db, &from, &to, &hints);
        assert_eq!(values(&db, "closure", CLOSURE_KEPT), before);
        downgrade(&db, &applied, &from);
        upgrade(&db, &from, &to, &hints);
        assert_eq!(values(&db, "closure", CLOSURE_KEPT), before);
    }
}

/// A unique constraint, and a unique index, over a column holding duplicates: the upgrade
/// stops first in both forms; merged, the duplicates no longer stop it.
#[test]
fn a_unique_key_over_duplicates_stops_first_and_applies_once_they_are_merged() {
    let changes = [
        (
            "ALTER TABLE address ADD CONSTRAINT address_fqn_key UNIQUE (fqn);",
            "cannot upgrade: unique constraint `address_fqn_key` makes (fqn) of `address` unique",
        ),
        (
            "CREATE UNIQUE INDEX ix_address_fqn ON address USING btree (fqn);",
            "cannot upgrade: unique index `ix_address_fqn` makes (fqn) of `address` unique",
        ),
    ];
    for (change, message) in changes {
        for online in [false, true] {
            let (db, from) = start("UPDATE address SET fqn = 'db.shared.t' WHERE id IN (3, 4, 5);");
            let to = declared(
                &from,
                &format!("ALTER TABLE address ADD COLUMN note text; {change}"),
            );
            let hints = if online { none().online() } else { none() };
            let planned = plan(&from, &to, &hints).unwrap_or_else(|e| panic!("{e}"));
            assert_refused_untouched(&db, &planned, &from, message);
            let up = render(&planned.up);
            let query = found_by_message(&up);
            let found: String = db
                .client()
                .query_one(
                    &format!("SELECT string_agg(fqn || ':' || count, ',') FROM ({query}) AS d"),
                    &[],
                )
                .unwrap()
                .get(0);
            assert_eq!(found, "db.shared.t:3", "{query}");
            // Merged: the duplicates get distinct values.
            execute(
                &db,
                "UPDATE address SET fqn = fqn || '#' || id WHERE fqn = 'db.shared.t';",
            );
            let from = catalog(&db);
            let before = values(&db, "address", ADDRESS_KEPT);
            let applied = upgrade(&db, &from, &to, &hints);
            assert_eq!(values(&db, "address", ADDRESS_KEPT), before);
            downgrade(&db, &applied, &from);
            upgrade(&db, &from, &to, &hints);
            assert_eq!(values(&db, "address", ADDRESS_KEPT), before);
        }
    }
}

/// A check that rows break stops first too (online it used to leave a `NOT VALID` check).
#[test]
fn a_check_the_rows_break_stops_first() {
    for online in [false, true] {
        let (db, from) = start("UPDATE closure SET depth = -1 WHERE source = 7;");
        let to = declared(
            &from,
            "ALTER TABLE closure ADD CONSTRAINT closure_depth_check CHECK (depth >= 0);",
        );
        let hints = if online { none().online() } else { none() };
        let planned = plan(&from, &to, &hints).unwrap_or_else(|e| panic!("{e}"));
        assert_refused_untouched(
            &db,
            &planned,
            &from,
            "cannot upgrade: check `closure_depth_check` of `closure` asks for `depth >= 0`",
        );
    }
}

/// The way back re-adds a unique constraint or a foreign key the upgrade dropped, and rows
/// written since break it: the downgrade stops first and leaves the upgraded schema as it
/// is; once the rows are repaired it runs.
#[test]
fn a_down_restoring_a_constraint_that_new_rows_break_stops_first() {
    let cases = [
        (
            "ALTER TABLE pipeline ADD CONSTRAINT pipeline_name_key UNIQUE (name);",
            "ALTER TABLE pipeline DROP CONSTRAINT pipeline_name_key;",
            "INSERT INTO pipeline (name) VALUES ('pipeline_1');",
            "cannot downgrade: unique constraint `pipeline_name_key`",
            "DELETE FROM pipeline WHERE id = 501;",
        ),
        (
            "",
            "ALTER TABLE address DROP CONSTRAINT address_pipeline_id_fkey;",
            "INSERT INTO address (pipeline_id, fqn) VALUES (9999, 'db.gone.t');",
            "cannot downgrade: foreign key `address_pipeline_id_fkey` makes `address` \
             (pipeline_id) refer to `pipeline` (id), and rows of `address` refer to no row",
            "DELETE FROM address WHERE pipeline_id = 9999;",
        ),
    ];
    for (setup, change, written_since, message, repair) in cases {
        for online in [false, true] {
            let (db, from) = start(setup);
            let to = declared(&from, change);
            let hints = if online { none().online() } else { none() };
            let applied = upgrade(&db, &from, &to, &hints);
            execute(&db, written_since);
            let error = run(&db, &render(&applied.down), applied.run_in_transaction)
                .expect_err("the guard stops the downgrade");
            assert!(
                error.starts_with("P0001: ") && error.contains(message),
                "{error}"
            );
            assert_shape("the upgraded schema", &to, &db);
            assert_eq!(count(&db, "pg_index", "NOT indisvalid"), 0);
            assert_eq!(count(&db, "pg_constraint", "NOT convalidated"), 0);
            execute(&db, repair);
            downgrade(&db, &applied, &from);
        }
    }
}

/// Moving a column into a new 1:1 table takes two migrations, since a plan cannot copy rows
/// into a table it creates: the first creates the table and its `up.sql` gets the copy by
/// hand (`INSERT ... SELECT`), the second drops the old column and its `down.sql` gets the
/// copy back (`UPDATE ... FROM`). The guide (`guide::evolving`) shows the same steps.
#[test]
fn moving_a_column_to_a_new_table_takes_two_migrations_with_hand_written_copies() {
    for online in [false, true] {
        let hints = |h: Hints| if online { h.online() } else { h };
        let (db, start_schema) = start("");
        let codes = values(&db, "pipeline", "id, code");
        // 1. The new table, and the copy written under the generated up.sql.
        let created = declared(
            &start_schema,
            "CREATE TABLE pipeline_detail (
               pipeline_id integer NOT NULL,
               code varchar(20),
               CONSTRAINT pipeline_detail_pkey PRIMARY KEY (pipeline_id)
             );
             ALTER TABLE pipeline_detail ADD CONSTRAINT pipeline_detail_pipeline_id_fkey
               FOREIGN KEY (pipeline_id) REFERENCES pipeline (id) ON DELETE CASCADE;",
        );
        let first = upgrade(&db, &start_schema, &created, &hints(none()));
        const COPY: &str =
            "INSERT INTO pipeline_detail (pipeline_id, code) SELECT id, code FROM pipeline;";
        execute(&db, COPY);
        assert_eq!(values(&db, "pipeline_detail", "pipeline_id, code"), codes);
        // 2. The old column dropped; its down.sql gets the copy back by hand.
        let moved = declared(&created, "ALTER TABLE pipeline DROP COLUMN code;");
        let second = upgrade(
            &db,
            &created,
            &moved,
            &hints(none().allow(drop_column("pipeline", "code"))),
        );
        assert_eq!(values(&db, "pipeline_detail", "pipeline_id, code"), codes);
        const COPY_BACK: &str = "UPDATE pipeline SET code = d.code FROM pipeline_detail AS d \
                                 WHERE d.pipeline_id = pipeline.id;";
        downgrade(&db, &second, &created);
        execute(&db, COPY_BACK);
        assert_eq!(values(&db, "pipeline", "id, code"), codes);
        downgrade(&db, &first, &start_schema);
        assert_eq!(values(&db, "pipeline", "id, code"), codes);
        // And forward again, the same way.
        upgrade(&db, &start_schema, &created, &hints(none()));
        execute(&db, COPY);
        upgrade(
            &db,
            &created,
            &moved,
            &hints(none().allow(drop_column("pipeline", "code"))),
        );
        assert_eq!(values(&db, "pipeline_detail", "pipeline_id, code"), codes);
    }
}

/// A serial key made an identity column (`GENERATED BY DEFAULT AS IDENTITY`, what new
/// PostgreSQL code writes), and an identity that changes kind: the next id is the one the
/// old sequence would have given, not max(id) + 1, so ids of deleted rows do not come
/// back; the same on the way back.
#[test]
fn a_key_given_a_new_generation_keeps_handing_out_new_ids() {
    let edits = [
        (
            // The newest rows are gone: ids 991..1000.
            "DELETE FROM address WHERE id > 990;",
            "ALTER TABLE address ALTER COLUMN id DROP DEFAULT;
             DROP SEQUENCE address_id_seq;
             ALTER TABLE address ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;",
        ),
        (
            "ALTER TABLE address ALTER COLUMN id DROP DEFAULT;
             DROP SEQUENCE address_id_seq;
             ALTER TABLE address ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH 1001);
             DELETE FROM address WHERE id > 990;",
            "ALTER TABLE address ALTER COLUMN id DROP IDENTITY;
             ALTER TABLE address ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;",
        ),
    ];
    let next = |db: &TestDb| -> i32 {
        let mut client = db.client();
        let id = client
            .query_one(
                "INSERT INTO address (pipeline_id, fqn) VALUES (1, 'db.new.t') RETURNING id",
                &[],
            )
            .unwrap_or_else(|e| panic!("{}", crate::support::db_error(&e)))
            .get(0);
        client
            .batch_execute("DELETE FROM address WHERE fqn = 'db.new.t'")
            .unwrap();
        id
    };
    for (setup, change) in edits {
        for online in [false, true] {
            let (db, from) = start(setup);
            let to = declared(&from, change);
            let hints = if online { none().online() } else { none() };
            let before = values(&db, "address", ADDRESS_KEPT);
            let applied = upgrade(&db, &from, &to, &hints);
            assert_eq!(values(&db, "address", ADDRESS_KEPT), before);
            assert!(next(&db) > 1000, "{}", render(&applied.up));
            downgrade(&db, &applied, &from);
            assert_eq!(values(&db, "address", ADDRESS_KEPT), before);
            assert!(next(&db) > 1001, "{}", render(&applied.down));
        }
    }
}
