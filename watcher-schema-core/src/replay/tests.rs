//! Unit tests of replay: statement splitting, each statement form against the ops it
//! stands for, PostgreSQL's defaults, every error kind, and the reference schema.

use super::*;

mod split {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_top_level_semicolons_only() {
        let sql = "INSERT INTO t VALUES ('a;b', \"c;d\", E'e\\';f');\n\
                   DO $body$ BEGIN; END $body$;\n\
                   CREATE FUNCTION f() AS $$ SELECT 1; $$;\n\
                   SELECT (1;2);\n\
                   SELECT 1 /* a; /* nested; */ b; */ + 2 -- c;\n;";
        assert_eq!(
            texts(sql),
            [
                "INSERT INTO t VALUES ('a;b', \"c;d\", E'e\\';f')",
                "DO $body$ BEGIN; END $body$",
                "CREATE FUNCTION f() AS $$ SELECT 1; $$",
                "SELECT (1;2)",
                "SELECT 1 /* a; /* nested; */ b; */ + 2",
            ]
        );
    }

    #[test]
    fn skips_empty_statements_and_comment_only_ones() {
        assert_eq!(
            texts(";;\n -- nothing\n; /* still nothing */ ;"),
            Vec::<&str>::new()
        );
        assert_eq!(texts(""), Vec::<&str>::new());
    }

    #[test]
    fn keeps_a_last_statement_without_semicolon() {
        assert_eq!(texts("SELECT 1; SELECT 2  \n"), ["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn positions_are_those_of_the_first_token_after_comments() {
        let sql = "-- header\n\n  /* lead */ CREATE TABLE t (a int);\n\tSELECT 'é';  SELECT 2;";
        let found: Vec<_> = split_statements(sql)
            .into_iter()
            .map(|s| (s.line, s.column, &sql[s.offset..s.offset + 6]))
            .collect();
        assert_eq!(
            found,
            [(3, 14, "CREATE"), (4, 2, "SELECT"), (4, 15, "SELECT")]
        );
    }

    #[test]
    fn an_unterminated_literal_runs_to_the_end() {
        let sql = "SELECT 1; SELECT 'open; SELECT 2;";
        let statements = split_statements(sql);
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[1].text, "SELECT 'open; SELECT 2;");
        assert_eq!(statements[0].text, "SELECT 1");
        assert_eq!((statements[1].line, statements[1].column), (1, 11));
    }

    #[test]
    fn an_unterminated_comment_alone_is_a_statement_at_the_comment() {
        let statements = split_statements("SELECT 1;\n/* open");
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[1].text, "/* open");
        assert_eq!((statements[1].line, statements[1].column), (2, 1));
    }
}

use crate::model::{
    Check, Column, EnumType, Expr, FkAction, ForeignKey, Generated, Index, PrimaryKey, Sequence,
    SqlType, Table, Unique,
};
use crate::op::{apply, LabelPosition, Op};

const ORIGIN: &str = "migrations/20251005124405_init/up.sql";

/// Replays `sql` on `base`, panicking with the error's text.
fn replay_on(base: &Schema, sql: &str) -> Schema {
    let mut schema = base.clone();
    replay(&mut schema, sql, ORIGIN).unwrap_or_else(|e| panic!("replay failed: {e}"));
    schema
}

fn replayed(sql: &str) -> Schema {
    replay_on(&Schema::default(), sql)
}

/// The error replaying `sql` on `base` gives, as displayed.
fn error_on(base: &Schema, sql: &str) -> String {
    let mut schema = base.clone();
    match replay(&mut schema, sql, ORIGIN) {
        Ok(()) => panic!("replay accepted {sql:?}"),
        Err(e) => e.to_string(),
    }
}

fn error(sql: &str) -> String {
    error_on(&Schema::default(), sql)
}

/// `base` with `ops` applied.
fn applied(base: &Schema, ops: &[Op]) -> Schema {
    let mut schema = base.clone();
    for op in ops {
        apply(&mut schema, op).unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
    schema.fold_serials();
    schema
}

/// Compares two schemas item by item, printing only the items that differ.
#[track_caller]
fn assert_same(actual: &Schema, expected: &Schema, context: &str) {
    let mut diffs = Vec::new();
    fn compare<T: PartialEq + std::fmt::Debug>(
        kind: &str,
        a: &std::collections::BTreeMap<String, T>,
        b: &std::collections::BTreeMap<String, T>,
        diffs: &mut Vec<String>,
    ) {
        for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
            if a.get(key) != b.get(key) {
                diffs.push(format!(
                    "{kind} `{key}`:\n  replayed: {:#?}\n  expected: {:#?}",
                    a.get(key),
                    b.get(key)
                ));
            }
        }
    }
    compare("enum", &actual.enums, &expected.enums, &mut diffs);
    compare(
        "sequence",
        &actual.sequences,
        &expected.sequences,
        &mut diffs,
    );
    compare("table", &actual.tables, &expected.tables, &mut diffs);
    assert!(diffs.is_empty(), "{context}\n{}", diffs.join("\n"));
}

fn column(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

fn not_null(name: &str, ty: SqlType) -> Column {
    Column {
        nullable: false,
        ..Column::new(name, ty)
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The schema most statement tests start from.
fn base() -> Schema {
    replayed(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');
         CREATE TYPE color AS ENUM ('red');
         CREATE TABLE owner (id serial PRIMARY KEY, name text NOT NULL);
         CREATE TABLE pet (
             id integer NOT NULL,
             owner_id integer,
             name varchar(50),
             mood mood DEFAULT 'ok',
             CONSTRAINT pet_pkey PRIMARY KEY (id)
         );
         CREATE INDEX ix_pet_name ON pet (name);
         CREATE SEQUENCE counter;",
    )
}

mod reference {
    use super::*;

    const REFERENCE: &str = include_str!("testdata/watcher-20251005124405.sql");

    #[test]
    fn replays_the_reference_schema() {
        let schema = replayed(REFERENCE);
        assert_eq!(schema.tables.len(), 12);
        assert_eq!(
            schema.enums.keys().collect::<Vec<_>>(),
            ["anomalymetricfieldenum", "datepartenum"]
        );
        assert_eq!(
            schema.enums["datepartenum"].labels,
            ["MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "YEAR"]
        );
        assert!(schema.sequences.is_empty(), "{:?}", schema.sequences);

        let serials: Vec<(String, String, SqlType)> = schema
            .tables
            .values()
            .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
            .filter_map(|(t, c)| match &c.generated {
                Some(Generated::Serial { sequence }) => {
                    assert_eq!(*sequence, format!("{}_{}_seq", t.name, c.name));
                    assert!(!c.nullable && c.default.is_none());
                    Some((t.name.clone(), c.name.clone(), c.ty.clone()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(serials.len(), 8);
        assert!(serials.contains(&("address_lineage".into(), "id".into(), SqlType::BigInt)));
        assert!(serials.contains(&("pipeline".into(), "id".into(), SqlType::Integer)));

        let indexes: usize = schema.tables.values().map(|t| t.indexes.len()).sum();
        assert_eq!(indexes, 19);
        let fks: Vec<&str> = schema
            .tables
            .values()
            .flat_map(|t| t.foreign_keys.keys().map(String::as_str))
            .collect();
        assert_eq!(fks.len(), 16);
        assert!(fks.contains(&"timeliness_pipeline_execution_log_pipeline_execution_id_fkey"));
        let checks: usize = schema.tables.values().map(|t| t.checks.len()).sum();
        assert_eq!(checks, 2);
    }

    #[test]
    fn reads_columns_keys_and_indexes_as_the_catalog_has_them() {
        let schema = replayed(REFERENCE);
        let execution = &schema.tables["pipeline_execution"];
        assert_eq!(
            execution.checks["ck_check_end_after_start"].expr.as_str(),
            "(end_date IS NULL) OR (end_date > start_date)"
        );
        assert_eq!(
            execution.checks["ck_check_parent_not_self"].expr.as_str(),
            "(parent_id IS NULL) OR (parent_id <> id)"
        );
        assert_eq!(
            execution.indexes["ix_pipeline_execution_hour_recorded"],
            Index {
                name: "ix_pipeline_execution_hour_recorded".into(),
                unique: false,
                method: "btree".into(),
                columns: names(&["pipeline_id", "hour_recorded", "end_date"]),
                include: names(&["completed_successfully", "id"]),
                predicate: Some(Expr::new("end_date IS NOT NULL")),
            }
        );
        let closure = &schema.tables["address_lineage_closure"];
        assert_eq!(
            closure.primary_key,
            Some(PrimaryKey {
                name: "address_lineage_closure_pkey".into(),
                columns: names(&["source_address_id", "target_address_id"]),
            })
        );
        assert_eq!(
            schema.tables["address"].foreign_keys["address_address_type_id_fkey"],
            ForeignKey {
                name: "address_address_type_id_fkey".into(),
                columns: names(&["address_type_id"]),
                ref_table: "address_type".into(),
                ref_columns: names(&["id"]),
                on_delete: FkAction::NoAction,
                on_update: FkAction::NoAction,
            }
        );
        let rule = &schema.tables["anomaly_detection_rule"];
        let ordered: Vec<(&str, &SqlType, bool)> = rule
            .columns
            .iter()
            .map(|c| (c.name.as_str(), &c.ty, c.nullable))
            .collect();
        assert_eq!(
            ordered,
            [
                ("id", &SqlType::Integer, false),
                ("pipeline_id", &SqlType::Integer, false),
                (
                    "metric_field",
                    &SqlType::Enum("anomalymetricfieldenum".into()),
                    false
                ),
                ("z_threshold", &SqlType::Numeric(Some((4, 2))), true),
                ("lookback_days", &SqlType::Integer, false),
                ("minimum_executions", &SqlType::Integer, false),
                ("active", &SqlType::Boolean, false),
                ("created_at", &SqlType::Timestamptz, false),
                ("updated_at", &SqlType::Timestamptz, true),
            ]
        );
        assert_eq!(
            rule.column("active").and_then(|c| c.default.clone()),
            Some(Expr::new("true"))
        );
        assert_eq!(
            rule.column("created_at").and_then(|c| c.default.clone()),
            Some(Expr::new("CURRENT_TIMESTAMP"))
        );
        let log = &schema.tables["timeliness_pipeline_execution_log"];
        assert_eq!(
            log.column("execution_status").map(|c| &c.ty),
            Some(&SqlType::Varchar(None))
        );
    }

    /// Real pg_dump output qualifies every name with `public.` and adds session
    /// settings, ownership and comments; it must reach the same model.
    #[test]
    fn schema_qualified_pg_dump_output_reaches_the_same_model() {
        let qualified = REFERENCE
            .replace("CREATE TABLE ", "CREATE TABLE public.")
            .replace("ALTER TABLE ONLY ", "ALTER TABLE ONLY public.")
            .replace("CREATE SEQUENCE ", "CREATE SEQUENCE public.")
            .replace("ALTER SEQUENCE ", "ALTER SEQUENCE public.")
            .replace(" OWNED BY ", " OWNED BY public.")
            .replace("CREATE TYPE ", "CREATE TYPE public.")
            .replace(" ON ", " ON public.")
            .replace("REFERENCES ", "REFERENCES public.")
            .replace(" datepartenum", " public.datepartenum")
            .replace("nextval('", "nextval('public.");
        let preamble = "SET statement_timeout = 0;\n\
             SET client_encoding = 'UTF8';\n\
             SET standard_conforming_strings = on;\n\
             SELECT pg_catalog.set_config('search_path', '', false);\n\
             SET default_tablespace = '';\n\
             SET default_table_access_method = heap;\n\
             COMMENT ON TABLE public.x IS 'ignored; even with a semicolon';\n";
        let epilogue = "ALTER TABLE public.address OWNER TO watcher;\n\
             ALTER TYPE public.datepartenum OWNER TO watcher;\n\
             ALTER SEQUENCE public.address_id_seq OWNER TO watcher;\n\
             GRANT ALL ON TABLE public.address TO reader;\n\
             REVOKE ALL ON SCHEMA public FROM PUBLIC;\n";
        let script = format!("{preamble}{qualified}\n{epilogue}");
        assert!(script.contains("ON public.address USING btree"));
        assert_same(
            &replayed(&script),
            &replayed(REFERENCE),
            "qualified pg_dump",
        );
    }
}

/// Each statement form against the ops it stands for: replaying the SQL on [`base`]
/// must give the schema that applying the ops gives. Together the cases cover every
/// [`Op`] variant.
mod statement_forms {
    use super::*;

    fn fk(name: &str, columns: &[&str], ref_table: &str, ref_columns: &[&str]) -> ForeignKey {
        ForeignKey {
            name: name.into(),
            columns: names(columns),
            ref_table: ref_table.into(),
            ref_columns: names(ref_columns),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
        }
    }

    fn index(name: &str, columns: &[&str]) -> Index {
        Index {
            name: name.into(),
            unique: false,
            method: "btree".into(),
            columns: names(columns),
            include: Vec::new(),
            predicate: None,
        }
    }

    #[track_caller]
    fn case(sql: &str, ops: &[Op]) {
        let base = base();
        let replayed = replay_on(&base, sql);
        assert_same(&replayed, &applied(&base, ops), sql);
        assert_eq!(
            ops.is_empty(),
            replayed == base,
            "{sql}: a case changes the schema exactly when it has ops"
        );
    }

    #[test]
    fn enum_statements() {
        case(
            "CREATE TYPE size AS ENUM ('S', 'M', 'it''s')",
            &[Op::CreateEnum(EnumType {
                name: "size".into(),
                labels: names(&["S", "M", "it's"]),
            })],
        );
        case(
            "CREATE TYPE public.\"Empty\" AS ENUM ()",
            &[Op::CreateEnum(EnumType {
                name: "Empty".into(),
                labels: Vec::new(),
            })],
        );
        case(
            "DROP TYPE IF EXISTS nope, color RESTRICT",
            &[Op::DropEnum {
                name: "color".into(),
            }],
        );
        case(
            "ALTER TYPE mood RENAME TO feeling",
            &[Op::RenameEnum {
                from: "mood".into(),
                to: "feeling".into(),
            }],
        );
        case(
            "ALTER TYPE mood ADD VALUE 'happy'",
            &[Op::AddEnumValue {
                name: "mood".into(),
                label: "happy".into(),
                position: None,
            }],
        );
        case(
            "ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok'",
            &[Op::AddEnumValue {
                name: "mood".into(),
                label: "meh".into(),
                position: Some(LabelPosition::Before("ok".into())),
            }],
        );
        case(
            "ALTER TYPE mood ADD VALUE 'glad' AFTER 'sad'",
            &[Op::AddEnumValue {
                name: "mood".into(),
                label: "glad".into(),
                position: Some(LabelPosition::After("sad".into())),
            }],
        );
        case("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok'", &[]);
        case(
            "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'",
            &[Op::RenameEnumValue {
                name: "mood".into(),
                from: "sad".into(),
                to: "blue".into(),
            }],
        );
        case("ALTER TYPE mood OWNER TO watcher", &[]);
    }

    #[test]
    fn sequence_statements() {
        case(
            "CREATE SEQUENCE IF NOT EXISTS s AS integer START WITH 5 INCREMENT BY -1 NO MINVALUE \
             MAXVALUE 10 CACHE 1 NO CYCLE",
            &[Op::CreateSequence(Sequence {
                name: "s".into(),
                ty: SqlType::Integer,
                owned_by: None,
            })],
        );
        case("CREATE SEQUENCE IF NOT EXISTS counter AS smallint", &[]);
        case(
            "CREATE SEQUENCE s2 OWNED BY pet.owner_id",
            &[
                Op::CreateSequence(Sequence {
                    name: "s2".into(),
                    ty: SqlType::BigInt,
                    owned_by: None,
                }),
                Op::SetSequenceOwner {
                    name: "s2".into(),
                    owned_by: Some(("pet".into(), "owner_id".into())),
                },
            ],
        );
        case(
            "ALTER SEQUENCE counter RESTART WITH 3 OWNED BY public.pet.id",
            &[Op::SetSequenceOwner {
                name: "counter".into(),
                owned_by: Some(("pet".into(), "id".into())),
            }],
        );
        case("ALTER SEQUENCE counter RESTART INCREMENT 2 CYCLE", &[]);
        case("ALTER SEQUENCE owner_id_seq RESTART", &[]);
        case("ALTER SEQUENCE IF EXISTS nope OWNED BY NONE", &[]);
        case(
            "DROP SEQUENCE IF EXISTS nope, counter CASCADE",
            &[Op::DropSequence {
                name: "counter".into(),
            }],
        );
    }

    #[test]
    fn table_statements() {
        let mut toy = Table::new("toy");
        toy.columns = vec![
            not_null("id", SqlType::BigInt),
            column("pet_id", SqlType::Integer),
            column(
                "moods",
                SqlType::Array(Box::new(SqlType::Enum("mood".into()))),
            ),
        ];
        toy.columns[0].generated = Some(Generated::IdentityAlways);
        case(
            "CREATE TABLE toy (\
                 id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 1) PRIMARY KEY, \
                 pet_id int REFERENCES pet ON DELETE CASCADE, \
                 moods mood[], \
                 CONSTRAINT toy_pet_unique UNIQUE (pet_id))",
            &[
                Op::CreateTable(toy),
                Op::AddPrimaryKey {
                    table: "toy".into(),
                    key: PrimaryKey {
                        name: "toy_pkey".into(),
                        columns: names(&["id"]),
                    },
                },
                Op::AddUnique {
                    table: "toy".into(),
                    unique: Unique {
                        name: "toy_pet_unique".into(),
                        columns: names(&["pet_id"]),
                    },
                },
                Op::AddForeignKey {
                    table: "toy".into(),
                    key: ForeignKey {
                        on_delete: FkAction::Cascade,
                        ..fk("toy_pet_id_fkey", &["pet_id"], "pet", &["id"])
                    },
                },
            ],
        );
        case("CREATE TABLE IF NOT EXISTS pet (x int)", &[]);
        case(
            "DROP TABLE IF EXISTS nope, pet",
            &[Op::DropTable { name: "pet".into() }],
        );
        case(
            "ALTER TABLE pet RENAME TO animal",
            &[Op::RenameTable {
                from: "pet".into(),
                to: "animal".into(),
            }],
        );
        case("ALTER TABLE IF EXISTS nope RENAME TO other", &[]);
        case("ALTER TABLE pet OWNER TO watcher", &[]);
    }

    #[test]
    fn column_actions() {
        case(
            "ALTER TABLE pet ADD COLUMN born date DEFAULT now() NOT NULL, ADD legs smallint",
            &[
                Op::AddColumn {
                    table: "pet".into(),
                    column: Column {
                        default: Some(Expr::new("now()")),
                        ..not_null("born", SqlType::Date)
                    },
                },
                Op::AddColumn {
                    table: "pet".into(),
                    column: column("legs", SqlType::SmallInt),
                },
            ],
        );
        case("ALTER TABLE pet ADD COLUMN IF NOT EXISTS name text", &[]);
        case(
            "ALTER TABLE ONLY pet DROP COLUMN IF EXISTS nope, DROP name CASCADE",
            &[Op::DropColumn {
                table: "pet".into(),
                column: "name".into(),
            }],
        );
        case(
            "ALTER TABLE pet RENAME COLUMN name TO nickname",
            &[Op::RenameColumn {
                table: "pet".into(),
                from: "name".into(),
                to: "nickname".into(),
            }],
        );
        case(
            "ALTER TABLE pet RENAME name TO nickname",
            &[Op::RenameColumn {
                table: "pet".into(),
                from: "name".into(),
                to: "nickname".into(),
            }],
        );
        case(
            "ALTER TABLE pet ALTER COLUMN name TYPE text, ALTER owner_id SET DATA TYPE bigint \
             USING owner_id::bigint",
            &[
                Op::AlterColumnType {
                    table: "pet".into(),
                    column: "name".into(),
                    ty: SqlType::Text,
                    using: None,
                },
                Op::AlterColumnType {
                    table: "pet".into(),
                    column: "owner_id".into(),
                    ty: SqlType::BigInt,
                    using: Some(Expr::new("owner_id::bigint")),
                },
            ],
        );
        case(
            "ALTER TABLE pet ALTER name SET NOT NULL, DROP CONSTRAINT pet_pkey, \
             ALTER COLUMN id DROP NOT NULL, ADD PRIMARY KEY (name)",
            &[
                Op::DropConstraint {
                    table: "pet".into(),
                    name: "pet_pkey".into(),
                },
                Op::SetNullable {
                    table: "pet".into(),
                    column: "id".into(),
                    nullable: true,
                },
                Op::SetNullable {
                    table: "pet".into(),
                    column: "name".into(),
                    nullable: false,
                },
                Op::AddPrimaryKey {
                    table: "pet".into(),
                    key: PrimaryKey {
                        name: "pet_pkey".into(),
                        columns: names(&["name"]),
                    },
                },
            ],
        );
        case(
            "ALTER TABLE pet ALTER name SET DEFAULT 'rex'::character varying, \
             ALTER mood DROP DEFAULT",
            &[
                Op::SetDefault {
                    table: "pet".into(),
                    column: "mood".into(),
                    default: None,
                },
                Op::SetDefault {
                    table: "pet".into(),
                    column: "name".into(),
                    default: Some(Expr::new("'rex'::character varying")),
                },
            ],
        );
        case(
            "ALTER TABLE pet ALTER COLUMN mood SET DEFAULT NULL",
            &[Op::SetDefault {
                table: "pet".into(),
                column: "mood".into(),
                default: None,
            }],
        );
    }

    #[test]
    fn identity_actions() {
        let by_default = Op::SetGenerated {
            table: "pet".into(),
            column: "id".into(),
            generated: Some(Generated::IdentityByDefault),
        };
        case(
            "ALTER TABLE pet ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY",
            std::slice::from_ref(&by_default),
        );
        let base = replay_on(
            &base(),
            "ALTER TABLE pet ALTER id ADD GENERATED BY DEFAULT AS IDENTITY (START 5)",
        );
        assert_same(
            &replay_on(&base, "ALTER TABLE pet ALTER id SET GENERATED ALWAYS"),
            &applied(
                &base,
                &[Op::SetGenerated {
                    table: "pet".into(),
                    column: "id".into(),
                    generated: Some(Generated::IdentityAlways),
                }],
            ),
            "set generated",
        );
        assert_same(
            &replay_on(&base, "ALTER TABLE pet ALTER id DROP IDENTITY"),
            &applied(
                &base,
                &[Op::SetGenerated {
                    table: "pet".into(),
                    column: "id".into(),
                    generated: None,
                }],
            ),
            "drop identity",
        );
        case("ALTER TABLE pet ALTER id DROP IDENTITY IF EXISTS", &[]);
    }

    #[test]
    fn backfills_and_comments_change_nothing() {
        case(
            "-- fill the new column\nUPDATE pet SET name = 'x' WHERE name IS NULL",
            &[],
        );
        let base = base();
        assert_same(
            &replay_on(
                &base,
                "UPDATE pet SET name = 'x' WHERE name IS NULL; -- done",
            ),
            &applied(
                &base,
                &[
                    Op::Backfill {
                        table: "pet".into(),
                        column: "name".into(),
                        expr: Expr::new("'x'"),
                    },
                    Op::Comment("done".into()),
                ],
            ),
            "backfill",
        );
    }

    #[test]
    fn constraint_actions() {
        case(
            "ALTER TABLE pet ADD CONSTRAINT pet_owner FOREIGN KEY (owner_id) REFERENCES owner (id) \
             ON UPDATE SET NULL ON DELETE RESTRICT NOT VALID",
            &[Op::AddForeignKey {
                table: "pet".into(),
                key: ForeignKey {
                    on_delete: FkAction::Restrict,
                    on_update: FkAction::SetNull,
                    ..fk("pet_owner", &["owner_id"], "owner", &["id"])
                },
            }],
        );
        case(
            "ALTER TABLE pet ADD FOREIGN KEY (owner_id) REFERENCES owner MATCH SIMPLE \
             ON DELETE SET DEFAULT ON UPDATE NO ACTION NOT DEFERRABLE INITIALLY IMMEDIATE",
            &[Op::AddForeignKey {
                table: "pet".into(),
                key: ForeignKey {
                    on_delete: FkAction::SetDefault,
                    ..fk("pet_owner_id_fkey", &["owner_id"], "owner", &["id"])
                },
            }],
        );
        case(
            "ALTER TABLE pet ADD UNIQUE (owner_id, name), ADD CONSTRAINT pet_name_key UNIQUE (name)",
            &[
                Op::AddUnique {
                    table: "pet".into(),
                    unique: Unique {
                        name: "pet_owner_id_name_key".into(),
                        columns: names(&["owner_id", "name"]),
                    },
                },
                Op::AddUnique {
                    table: "pet".into(),
                    unique: Unique {
                        name: "pet_name_key".into(),
                        columns: names(&["name"]),
                    },
                },
            ],
        );
        case(
            "ALTER TABLE pet ADD CHECK (char_length(name) > 1), ADD CHECK (id > owner_id) NOT VALID",
            &[
                Op::AddCheck {
                    table: "pet".into(),
                    check: Check {
                        name: "pet_name_check".into(),
                        expr: Expr::new("char_length(name) > 1"),
                    },
                },
                Op::AddCheck {
                    table: "pet".into(),
                    check: Check {
                        name: "pet_check".into(),
                        expr: Expr::new("id > owner_id"),
                    },
                },
            ],
        );
        case(
            "ALTER TABLE pet DROP CONSTRAINT IF EXISTS nope, DROP CONSTRAINT pet_pkey RESTRICT",
            &[Op::DropConstraint {
                table: "pet".into(),
                name: "pet_pkey".into(),
            }],
        );
        case(
            "ALTER TABLE pet RENAME CONSTRAINT pet_pkey TO pet_pk",
            &[Op::RenameConstraint {
                table: "pet".into(),
                from: "pet_pkey".into(),
                to: "pet_pk".into(),
            }],
        );
        case("ALTER TABLE pet VALIDATE CONSTRAINT pet_pkey", &[]);
    }

    #[test]
    fn index_statements() {
        case(
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_pet ON ONLY public.pet USING btree \
             (owner_id, name) INCLUDE (id) WHERE (owner_id IS NOT NULL)",
            &[Op::CreateIndex {
                table: "pet".into(),
                index: Index {
                    unique: true,
                    include: names(&["id"]),
                    predicate: Some(Expr::new("owner_id IS NOT NULL")),
                    ..index("ux_pet", &["owner_id", "name"])
                },
                concurrently: true,
            }],
        );
        case("CREATE INDEX IF NOT EXISTS ix_pet_name ON pet (id)", &[]);
        case(
            "DROP INDEX CONCURRENTLY IF EXISTS nope, public.ix_pet_name CASCADE",
            &[Op::DropIndex {
                name: "ix_pet_name".into(),
                concurrently: true,
            }],
        );
        case(
            "ALTER INDEX ix_pet_name RENAME TO ix_pet_nickname",
            &[Op::RenameIndex {
                from: "ix_pet_name".into(),
                to: "ix_pet_nickname".into(),
            }],
        );
        case("ALTER INDEX IF EXISTS nope RENAME TO other", &[]);
        case(
            "ALTER INDEX pet_pkey RENAME TO pet_pk",
            &[Op::RenameConstraint {
                table: "pet".into(),
                from: "pet_pkey".into(),
                to: "pet_pk".into(),
            }],
        );
    }

    #[test]
    fn index_elements_are_spelled_as_pg_get_indexdef_prints_them() {
        case(
            "CREATE INDEX ix ON pet USING gin ((lower(name)), upper((name)::text) DESC, \
             \"Odd\" text_pattern_ops NULLS FIRST, id ASC NULLS LAST, owner_id DESC NULLS LAST)",
            &[Op::CreateIndex {
                table: "pet".into(),
                index: Index {
                    method: "gin".into(),
                    ..index(
                        "ix",
                        &[
                            "lower(name)",
                            "upper((name)::text) DESC",
                            "\"Odd\" text_pattern_ops NULLS FIRST",
                            "id",
                            "owner_id DESC NULLS LAST",
                        ],
                    )
                },
                concurrently: false,
            }],
        );
    }
}
