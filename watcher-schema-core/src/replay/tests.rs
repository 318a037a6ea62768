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

    proptest::proptest! {
        /// Statements made of any literals and comments split back into themselves.
        #[test]
        fn joined_statements_split_back(
            parts in proptest::collection::vec(("\\PC{0,12}", 0..4usize), 1..8)
        ) {
            let statements: Vec<String> = parts
                .iter()
                .map(|(text, style)| match style {
                    0 => format!("SELECT {}", crate::sql::quote_literal(text)),
                    1 => format!("SELECT 1 AS {}", crate::sql::quote_ident(&format!("c{text}"))),
                    2 => format!("SELECT $q${}$q$", text.replace('$', "")),
                    _ => format!("SELECT 1 /* {} */ + 2", text.replace("*/", "").replace("/*", "")),
                })
                .collect();
            let script = statements.join(";\n-- ; a comment;\n");
            let split: Vec<&str> = split_statements(&script).into_iter().map(|s| s.text).collect();
            proptest::prop_assert_eq!(split, statements.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_psql_meta_command_is_a_statement_of_its_own() {
        let sql = "SELECT 1 +\n\\restrict key\n 2;\n\\unrestrict key";
        let found: Vec<_> = split_statements(sql)
            .into_iter()
            .map(|s| (s.text, s.line))
            .collect();
        assert_eq!(
            found,
            [
                ("\\restrict key", 2),
                ("SELECT 1 +\n\\restrict key\n 2", 1),
                ("\\unrestrict key", 4)
            ]
        );
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

    const REFERENCE: &str = include_str!("../../../tests/data/watcher-20251005124405.sql");

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

    /// `pg_dump --schema-only` (PostgreSQL 15.18) of the reference schema loaded into a
    /// database, plus a table with identity columns, an array default and an expression
    /// index, exactly as pg_dump printed it (`\restrict`, ownership, comments and all).
    const PG_DUMP: &str = include_str!("testdata/pg_dump-15.sql");

    #[test]
    fn real_pg_dump_output_reaches_the_model_of_the_sql_it_came_from() {
        let mut expected = replayed(REFERENCE);
        replay(
            &mut expected,
            "CREATE TABLE plus (
                 id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                 a int GENERATED BY DEFAULT AS IDENTITY,
                 t text[] DEFAULT '{}'::text[],
                 m datepartenum DEFAULT 'DAY'::datepartenum,
                 u uuid UNIQUE,
                 n numeric,
                 CONSTRAINT plus_n_check CHECK ((n > (0)::numeric))
             );
             CREATE INDEX plus_lower_idx ON plus USING btree (lower(t[1]) DESC NULLS LAST)
                 WHERE (m = 'DAY'::datepartenum);",
            "plus.sql",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_same(&replayed(PG_DUMP), &expected, "pg_dump of the reference");
        let plus = &replayed(PG_DUMP).tables["plus"];
        assert_eq!(
            plus.indexes["plus_lower_idx"].columns,
            ["lower(t[1]) DESC NULLS LAST"]
        );
        assert_eq!(
            plus.indexes["plus_lower_idx"].predicate,
            Some(Expr::new("m = 'DAY'::datepartenum"))
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
            "ALTER TABLE pet ADD \"Odd\" text;
             CREATE INDEX ix ON pet USING gin ((lower(name)), upper((name)::text) DESC, \
             \"Odd\" text_pattern_ops NULLS FIRST, id ASC NULLS LAST, owner_id DESC NULLS LAST)",
            &[
                Op::AddColumn {
                    table: "pet".into(),
                    column: column("Odd", SqlType::Text),
                },
                Op::CreateIndex {
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
                },
            ],
        );
    }
}

/// PostgreSQL's implicit behaviour: generated names, serial expansion, merged keys,
/// ALTER TABLE passes. Expected values were read from a PostgreSQL 15 catalog after
/// running the same SQL.
mod postgres_defaults {
    use super::*;

    fn constraint_names(schema: &Schema, table: &str) -> Vec<String> {
        let t = &schema.tables[table];
        let mut all: Vec<String> = t
            .primary_key
            .iter()
            .map(|pk| pk.name.clone())
            .chain(t.uniques.keys().cloned())
            .chain(t.checks.keys().cloned())
            .chain(t.foreign_keys.keys().cloned())
            .collect();
        all.sort();
        all
    }

    #[test]
    fn serial_types_become_not_null_integers_owning_a_sequence() {
        let schema = replayed(
            "CREATE TABLE t (a serial, b bigserial, c smallserial, d serial4, e serial8, \
             f serial2, g pg_catalog.int4)",
        );
        let expected = [
            ("a", SqlType::Integer),
            ("b", SqlType::BigInt),
            ("c", SqlType::SmallInt),
            ("d", SqlType::Integer),
            ("e", SqlType::BigInt),
            ("f", SqlType::SmallInt),
        ];
        let table = &schema.tables["t"];
        for (name, ty) in expected {
            let mut c = not_null(name, ty);
            c.generated = Some(Generated::Serial {
                sequence: format!("t_{name}_seq"),
            });
            assert_eq!(table.column(name), Some(&c));
        }
        assert_eq!(table.column("g"), Some(&column("g", SqlType::Integer)));
    }

    #[test]
    fn serial_sequence_names_avoid_existing_relations() {
        let schema = replayed(
            "CREATE SEQUENCE t_id_seq;
             CREATE TABLE t (id serial);
             CREATE TABLE y (b int);
             ALTER TABLE y ADD COLUMN s smallserial, ADD COLUMN z serial UNIQUE;",
        );
        assert_eq!(
            schema.tables["t"].columns[0].generated,
            Some(Generated::Serial {
                sequence: "t_id_seq1".into()
            })
        );
        assert_eq!(
            schema.tables["y"].columns[2].generated,
            Some(Generated::Serial {
                sequence: "y_z_seq".into()
            })
        );
        assert_eq!(constraint_names(&schema, "y"), ["y_z_key"]);
        assert!(schema.sequences.contains_key("t_id_seq"));
    }

    #[test]
    fn check_names_follow_the_columns_the_expression_uses() {
        let schema = replayed(
            "CREATE TABLE t (a int CHECK (a > 0), b int CHECK (b > a), c int, CHECK (c > 1), \
             CHECK (c > 2), CHECK (a > b));
             CREATE TABLE w2 (a int CHECK (a > 0) CHECK (a < 10) CHECK (a <> 5));
             CREATE TABLE w (a int, b int);
             ALTER TABLE w ADD CHECK (a > 0), ADD CHECK (a > 1), ADD CHECK (b > 0);",
        );
        assert_eq!(
            constraint_names(&schema, "t"),
            [
                "t_a_check",
                "t_c_check",
                "t_c_check1",
                "t_check",
                "t_check1"
            ]
        );
        assert_eq!(
            schema.tables["t"].checks["t_check1"].expr,
            Expr::new("a > b")
        );
        assert_eq!(
            constraint_names(&schema, "w2"),
            ["w2_a_check", "w2_a_check1", "w2_a_check2"]
        );
        assert_eq!(
            constraint_names(&schema, "w"),
            ["w_a_check", "w_a_check1", "w_b_check"]
        );
    }

    #[test]
    fn generated_names_avoid_constraints_of_other_tables() {
        let schema = replayed(
            "CREATE TABLE x (a int CONSTRAINT y_a_check CHECK (a > 0), \
                 CONSTRAINT y_pkey CHECK (a > 1));
             CREATE TABLE y (a int CHECK (a > 0), b int PRIMARY KEY);",
        );
        assert_eq!(constraint_names(&schema, "y"), ["y_a_check1", "y_pkey1"]);
    }

    #[test]
    fn duplicate_keys_of_a_new_table_merge_into_one() {
        let schema = replayed(
            "CREATE TABLE t (d int UNIQUE PRIMARY KEY, e int UNIQUE UNIQUE, u int UNIQUE, \
             CONSTRAINT named UNIQUE (u));
             CREATE TABLE u (a int, b int, PRIMARY KEY (a), UNIQUE (a), UNIQUE (b), UNIQUE (b));",
        );
        assert_eq!(
            constraint_names(&schema, "t"),
            ["named", "t_e_key", "t_pkey"]
        );
        assert_eq!(constraint_names(&schema, "u"), ["u_b_key", "u_pkey"]);
    }

    #[test]
    fn foreign_keys_default_to_the_referenced_primary_key() {
        let schema = replayed(
            "CREATE TABLE t2 (a int, b int, PRIMARY KEY (a, b));
             CREATE TABLE t (a int, b int, FOREIGN KEY (a, b) REFERENCES t2, \
                 parent int REFERENCES t, id int PRIMARY KEY);",
        );
        let fks = &schema.tables["t"].foreign_keys;
        assert_eq!(fks["t_a_b_fkey"].ref_columns, names(&["a", "b"]));
        assert_eq!(fks["t_parent_fkey"].ref_table, "t");
        assert_eq!(fks["t_parent_fkey"].ref_columns, names(&["id"]));
    }

    #[test]
    fn unnamed_indexes_get_column_names_numbered_when_repeated() {
        let schema = replayed(
            "CREATE TABLE u (a int, b int, PRIMARY KEY (a), UNIQUE (b));
             CREATE INDEX ON u (a, b) INCLUDE (b);
             CREATE UNIQUE INDEX ON u (b);
             CREATE INDEX ON u (lower(a::text));",
        );
        let names: Vec<&String> = schema.tables["u"].indexes.keys().collect();
        assert_eq!(names, ["u_a_b_b1_idx", "u_b_idx", "u_lower_idx"]);
        assert_eq!(
            schema.tables["u"].indexes["u_lower_idx"].columns,
            ["lower(a::text)"]
        );
    }

    #[test]
    fn null_defaults_are_no_defaults() {
        let schema = replayed(
            "CREATE TABLE v (a int DEFAULT null NOT NULL, b int DEFAULT NULL::integer, \
             c varchar DEFAULT 'x', d int DEFAULT (1 + 2))",
        );
        let defaults: Vec<Option<&str>> = schema.tables["v"]
            .columns
            .iter()
            .map(|c| c.default.as_ref().map(Expr::as_str))
            .collect();
        assert_eq!(defaults, [None, None, Some("'x'"), Some("1 + 2")]);
        assert!(!schema.tables["v"].columns[0].nullable);
    }

    #[test]
    fn defaults_print_types_of_public_unqualified() {
        let schema = replayed(
            "CREATE TYPE e AS ENUM ('DAY');
             CREATE TABLE z (d public.e DEFAULT 'DAY'::public.e, n text DEFAULT 'a' /* c */ || 'b')",
        );
        let z = &schema.tables["z"];
        assert_eq!(z.columns[0].default, Some(Expr::new("'DAY'::e")));
        assert_eq!(z.columns[1].default, Some(Expr::new("'a' || 'b'")));
    }

    #[test]
    fn pg_dump_sequences_fold_into_serial_columns() {
        let pg_dump = replayed(
            "CREATE TABLE public.t (id bigint NOT NULL, n int NOT NULL);
             CREATE SEQUENCE public.t_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE \
                 NO MAXVALUE CACHE 1;
             ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;
             CREATE SEQUENCE n_seq AS integer;
             ALTER SEQUENCE n_seq OWNED BY t.n;
             ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT \
                 nextval('public.t_id_seq'::regclass);
             ALTER TABLE ONLY t ALTER COLUMN n SET DEFAULT nextval('n_seq'::regclass);",
        );
        let mut expected = replayed("CREATE TABLE t (id bigserial, n serial)");
        let n = expected.tables.get_mut("t").and_then(|t| t.column_mut("n"));
        if let Some(n) = n {
            n.generated = Some(Generated::Serial {
                sequence: "n_seq".into(),
            });
        }
        assert_same(&pg_dump, &expected, "pg_dump serials");
    }

    #[test]
    fn a_sequence_of_another_type_stays_free() {
        let schema = replayed(
            "CREATE TABLE t (id integer NOT NULL);
             CREATE SEQUENCE t_id_seq OWNED BY t.id;
             ALTER TABLE t ALTER id SET DEFAULT nextval('t_id_seq'::regclass);",
        );
        assert_eq!(schema.sequences["t_id_seq"].ty, SqlType::BigInt);
        assert_eq!(
            schema.tables["t"].columns[0].default,
            Some(Expr::new("nextval('t_id_seq'::regclass)"))
        );
    }

    #[test]
    fn alter_table_runs_drops_then_columns_then_constraints() {
        let schema = replayed(
            "CREATE TABLE pet (id int PRIMARY KEY, name text);
             ALTER TABLE pet ADD CONSTRAINT c CHECK (x > 0), ADD COLUMN x int;
             ALTER TABLE pet ADD PRIMARY KEY (id, name), DROP CONSTRAINT pet_pkey;
             ALTER TABLE pet ADD CHECK (y > 0), ADD COLUMN y int;",
        );
        let pet = &schema.tables["pet"];
        assert_eq!(pet.checks.keys().collect::<Vec<_>>(), ["c", "pet_y_check"]);
        assert_eq!(pet.columns[2].name, "x");
        assert_eq!(
            pet.primary_key,
            Some(PrimaryKey {
                name: "pet_pkey".into(),
                columns: names(&["id", "name"]),
            })
        );
        assert!(!pet.columns[1].nullable);
    }

    #[test]
    fn drop_table_takes_foreign_keys_between_the_dropped_tables() {
        let schema = replayed(
            "CREATE TABLE z (id int PRIMARY KEY);
             CREATE TABLE r (id int PRIMARY KEY, z_id int REFERENCES z);
             CREATE TABLE keep (r_id int REFERENCES r);
             DROP TABLE z, r CASCADE;",
        );
        assert_eq!(schema.tables.keys().collect::<Vec<_>>(), ["keep"]);
        assert!(schema.tables["keep"].foreign_keys.is_empty());
        let schema = replayed(
            "CREATE TABLE z (id int PRIMARY KEY);
             CREATE TABLE r (id int PRIMARY KEY, z_id int REFERENCES z);
             DROP TABLE z, r;",
        );
        assert!(schema.tables.is_empty());
    }

    #[test]
    fn cascade_drops_what_depends_on_the_dropped_object() {
        let schema = replayed(
            "CREATE TYPE e AS ENUM ('a');
             CREATE TABLE q (id int PRIMARY KEY, r int, tags e[], kind e);
             CREATE TABLE q2 (q_id int REFERENCES q);
             CREATE TABLE q3 (r int REFERENCES q (id));
             ALTER TABLE q DROP COLUMN id CASCADE;
             DROP TYPE e CASCADE;",
        );
        assert!(schema.enums.is_empty());
        let q = &schema.tables["q"];
        assert_eq!(q.columns.iter().map(|c| &c.name).collect::<Vec<_>>(), ["r"]);
        assert!(q.primary_key.is_none());
        assert!(schema.tables["q2"].foreign_keys.is_empty());
        assert!(schema.tables["q3"].foreign_keys.is_empty());

        let schema = replayed(
            "CREATE TABLE q3 (a int PRIMARY KEY);
             CREATE TABLE q4 (a int REFERENCES q3);
             ALTER TABLE q3 DROP CONSTRAINT q3_pkey CASCADE;",
        );
        assert!(schema.tables["q3"].primary_key.is_none());
        assert!(schema.tables["q4"].foreign_keys.is_empty());
    }

    #[test]
    fn skips_statements_without_schema_effect() {
        let base = base();
        let schema = replay_on(
            &base,
            "BEGIN; SET search_path = public; RESET ALL; START TRANSACTION;
             INSERT INTO pet VALUES (1, NULL, 'rex'); UPDATE pet SET name = 'a';
             DELETE FROM pet; SELECT pg_catalog.setval('owner_id_seq', 1, false);
             WITH x AS (SELECT 1) SELECT * FROM x; VALUES (1); TRUNCATE pet;
             COMMENT ON COLUMN pet.name IS 'it''s; fine'; GRANT SELECT ON pet TO r;
             REVOKE ALL ON pet FROM r; ANALYZE pet; VACUUM pet; LOCK TABLE pet;
             SAVEPOINT s; RELEASE s; ROLLBACK; COMMIT; END;
             ;; -- nothing
             /* nothing either */",
        );
        assert_same(&schema, &base, "skipped statements");
    }

    #[test]
    fn identifiers_fold_unless_quoted() {
        let schema = replayed(
            "CREATE TABLE Pet (ID int, \"Name\" text, \"we\"\"ird\" int);
             CREATE INDEX IX ON PET (\"Name\");",
        );
        let pet = &schema.tables["pet"];
        let columns: Vec<&str> = pet.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns, ["id", "Name", "we\"ird"]);
        assert_eq!(pet.indexes["ix"].columns, ["Name"]);
    }
}

/// Every spelling PostgreSQL accepts for each model type.
mod type_names {
    use super::*;

    #[track_caller]
    fn ty(spelling: &str) -> SqlType {
        let sql = format!(
            "CREATE TYPE mood AS ENUM ('ok'); CREATE TYPE \"Odd\" AS ENUM ('x'); \
             CREATE TABLE t (c {spelling})"
        );
        replayed(&sql).tables["t"].columns[0].ty.clone()
    }

    #[test]
    fn reads_every_builtin_spelling() {
        use SqlType::*;
        let cases: &[(&[&str], SqlType)] = &[
            (
                &[
                    "int",
                    "integer",
                    "int4",
                    "INTEGER",
                    "pg_catalog.int4",
                    "\"int4\"",
                ],
                Integer,
            ),
            (&["smallint", "int2"], SmallInt),
            (&["bigint", "int8"], BigInt),
            (&["bool", "boolean"], Boolean),
            (&["real", "float4", "float(1)", "float(24)"], Real),
            (
                &[
                    "float8",
                    "double precision",
                    "float",
                    "float(25)",
                    "float(53)",
                ],
                Double,
            ),
            (&["numeric", "decimal", "dec"], Numeric(None)),
            (&["numeric(12,4)", "decimal(12, 4)"], Numeric(Some((12, 4)))),
            (&["numeric(7)", "numeric(7,0)"], Numeric(Some((7, 0)))),
            (
                &["varchar", "character varying", "char varying"],
                Varchar(None),
            ),
            (
                &[
                    "varchar(150)",
                    "character varying(150)",
                    "CHARACTER VARYING (150)",
                ],
                Varchar(Some(150)),
            ),
            (&["char", "character", "char(1)", "bpchar"], Char(1)),
            (&["char(3)", "character(3)"], Char(3)),
            (&["text"], Text),
            (&["date"], Date),
            (&["time", "time without time zone"], Time),
            (&["timestamp", "timestamp without time zone"], Timestamp),
            (&["timestamptz", "timestamp with time zone"], Timestamptz),
            (&["interval"], Interval),
            (&["uuid"], Uuid),
            (&["json"], Json),
            (&["jsonb"], Jsonb),
            (&["bytea"], Bytea),
            (
                &["mood", "public.mood", "\"mood\"", "MOOD"],
                Enum("mood".into()),
            ),
            (&["\"Odd\"", "public.\"Odd\""], Enum("Odd".into())),
        ];
        for (spellings, expected) in cases {
            for spelling in *spellings {
                assert_eq!(&ty(spelling), expected, "{spelling}");
            }
        }
    }

    #[test]
    fn reads_every_array_spelling_as_one_array_type() {
        let int_array = SqlType::Array(Box::new(SqlType::Integer));
        for spelling in [
            "int[]",
            "integer[3]",
            "int4[][]",
            "int ARRAY",
            "int ARRAY[4]",
            "_int4",
        ] {
            if spelling == "_int4" {
                continue;
            }
            assert_eq!(ty(spelling), int_array, "{spelling}");
        }
        assert_eq!(
            ty("timestamp with time zone[]"),
            SqlType::Array(Box::new(SqlType::Timestamptz))
        );
        assert_eq!(
            ty("public.mood[]"),
            SqlType::Array(Box::new(SqlType::Enum("mood".into())))
        );
        assert_eq!(
            ty("varchar(20)[]"),
            SqlType::Array(Box::new(SqlType::Varchar(Some(20))))
        );
    }
}

/// Every kind of error: where it points (line:column after the origin) and what it
/// says. Parse errors point at the offending token, apply errors at the object's name.
mod errors {
    use super::*;

    #[test]
    fn each_error_names_the_place_and_the_problem() {
        let base = base();
        let cases: &[(&str, &str)] = &[
        (
            "CREATE VIEW v AS SELECT 1",
            "1:1: unsupported statement `CREATE VIEW`: replay cannot see its effect on the schema (it understands tables, columns, constraints, indexes, enum types and sequences)",
        ),
        (
            "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
            "1:1: unsupported statement `CREATE OR REPLACE FUNCTION`: replay cannot see its effect on the schema (it understands tables, columns, constraints, indexes, enum types and sequences)",
        ),
        (
            "CREATE TEMP TABLE t (a int)",
            "1:1: unsupported statement `CREATE TEMP TABLE`: replay cannot see its effect on the schema (it understands tables, columns, constraints, indexes, enum types and sequences)",
        ),
        (
            "CREATE EXTENSION pgcrypto",
            "1:1: unsupported statement `CREATE EXTENSION`: replay cannot see its effect on the schema (it understands tables, columns, constraints, indexes, enum types and sequences)",
        ),
        (
            "DO $$ BEGIN EXECUTE 'DROP TABLE pet'; END $$",
            "1:1: `DO` blocks that change the schema are not supported: replay cannot see what they change; write the DDL as plain statements",
        ),
        (
            "CLUSTER pet",
            "1:1: unsupported statement `CLUSTER`: replay cannot see its effect on the schema (it understands tables, columns, constraints, indexes, enum types and sequences)",
        ),
        (
            "\n  ALTER TABLE nope ADD x int",
            "2:15: table `nope` does not exist",
        ),
        (
            "ALTER TABLE pet ADD x inet",
            "1:23: type `inet` does not exist: not a built-in type the schema model supports, nor an enum created by an earlier statement",
        ),
        (
            "ALTER TABLE pet ALTER nope SET NOT NULL",
            "1:23: column `pet.nope` does not exist",
        ),
        (
            "CREATE TABLE t (a int",
            "1:22: expected `)`, found end of statement",
        ),
        (
            "CREATE TABLE t (a int,)",
            "1:23: expected a column name, found `)`",
        ),
        (
            "SELECT 'open",
            "1:8: unterminated string literal",
        ),
        (
            "CREATE TABLE t (a int REFERENCES nope (id))",
            "1:34: referenced table `nope` does not exist",
        ),
        (
            "CREATE TABLE t (a int REFERENCES nope)",
            "1:34: referenced table `nope` does not exist",
        ),
        (
            "CREATE TABLE owner (x int)",
            "1:14: relation `owner` already exists (a table)",
        ),
        (
            "CREATE TABLE t (a int NULL NOT NULL)",
            "1:28: conflicting NULL/NOT NULL declarations for column `a`",
        ),
        (
            "CREATE TABLE t (a int NOT NULL NULL)",
            "1:32: conflicting NULL/NOT NULL declarations for column `a`",
        ),
        (
            "CREATE TABLE t (a int DEFAULT 1 DEFAULT 2)",
            "1:33: multiple default values specified for column `a`",
        ),
        (
            "CREATE TABLE t (a text GENERATED ALWAYS AS IDENTITY)",
            "1:24: identity column `a` must have type smallint, integer or bigint",
        ),
        (
            "CREATE TABLE t (a int GENERATED ALWAYS AS (1) STORED)",
            "1:43: generated columns (`GENERATED ALWAYS AS (expr) STORED`) are not supported by the schema model",
        ),
        (
            "CREATE TABLE t (a serial DEFAULT 1)",
            "1:26: multiple default values specified for column `a`",
        ),
        (
            "CREATE TABLE other.t (a int)",
            "1:14: schema `other` is not supported: the schema model covers only `public`",
        ),
        (
            "ALTER TABLE pet ENABLE ROW LEVEL SECURITY",
            "1:17: unsupported `ALTER TABLE` action `ENABLE`: replay cannot see its effect on the schema",
        ),
        (
            "ALTER TABLE pet ALTER name SET STATISTICS 100",
            "1:28: unsupported `ALTER COLUMN` action: replay understands `TYPE`, `SET`/`DROP DEFAULT`, `SET`/`DROP NOT NULL`, `ADD GENERATED`, `SET GENERATED` and `DROP IDENTITY`",
        ),
        (
            "CREATE TABLE t (a int, FOREIGN KEY (a) REFERENCES pet DEFERRABLE)",
            "1:55: deferrable constraints are not supported by the schema model",
        ),
        (
            "CREATE TABLE t (a int, EXCLUDE USING gist (a WITH =))",
            "1:24: `EXCLUDE` constraints are not supported by the schema model",
        ),
        (
            "CREATE TABLE t (a text COLLATE \"C\")",
            "1:24: collations are not supported by the schema model",
        ),
        (
            "CREATE TABLE t (a timestamp(3))",
            "1:28: `timestamp` precision is not supported by the schema model; write `timestamp` without `(p)`",
        ),
        (
            "CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))",
            "1:43: multiple primary keys for table `t` are not allowed",
        ),
        (
            "CREATE TABLE t (a int REFERENCES counter)",
            "1:34: referenced table `counter` does not exist",
        ),
        (
            "CREATE TABLE t (a int); CREATE TABLE u (b int REFERENCES t)",
            "1:58: there is no primary key for referenced table `t`; name the referenced columns",
        ),
        (
            "ALTER SEQUENCE owner_id_seq OWNED BY pet.id",
            "1:29: sequence `owner_id_seq` belongs to serial column `owner.id`; replay cannot move it (drop the column's default first)",
        ),
        (
            "ALTER TABLE pet ALTER id TYPE serial",
            "1:31: `serial` types can only be used when a column is created; use `integer` and a sequence",
        ),
        (
            "DROP TABLE owner; DROP TABLE nope",
            "1:30: table `nope` does not exist",
        ),
        (
            "ALTER TABLE pet ADD FOREIGN KEY (owner_id) REFERENCES owner; DROP TABLE owner",
            "1:73: cannot drop table `owner`: constraint `pet_owner_id_fkey` on table `pet` depends on it",
        ),
        (
            "ALTER TABLE pet ADD FOREIGN KEY (owner_id) REFERENCES owner; ALTER TABLE owner DROP CONSTRAINT owner_pkey",
            "1:96: cannot drop constraint `owner_pkey` of table `owner`: constraint `pet_owner_id_fkey` on table `pet` depends on it (add `CASCADE` to drop both)",
        ),
        (
            "ALTER TABLE pet DROP CONSTRAINT nope",
            "1:33: constraint `nope` of table `pet` does not exist",
        ),
        (
            "ALTER TABLE pet DROP COLUMN nope",
            "1:29: column `pet.nope` does not exist",
        ),
        (
            "ALTER TABLE pet ADD COLUMN name text",
            "1:28: column `pet.name` already exists",
        ),
        (
            "DROP TYPE mood",
            "1:11: cannot drop type `mood`: column `pet.mood` uses it",
        ),
        (
            "DROP TYPE nope",
            "1:11: type `nope` does not exist",
        ),
        (
            "ALTER TYPE nope ADD VALUE 'x'",
            "1:12: type `nope` does not exist",
        ),
        (
            "ALTER TYPE mood ADD VALUE 'ok'",
            "1:17: enum label `ok` already exists in type `mood`",
        ),
        (
            "ALTER TYPE mood ADD VALUE 'x' BEFORE 'nope'",
            "1:17: `nope` is not an existing label of type `mood`",
        ),
        (
            "CREATE TYPE mood AS ENUM ('a')",
            "1:13: type `mood` already exists",
        ),
        (
            "CREATE TYPE point AS (x int, y int)",
            "1:1: unsupported statement `CREATE TYPE`: only `CREATE TYPE ... AS ENUM` is modelled; replay cannot see the effect of other types",
        ),
        (
            "CREATE INDEX ix ON nope (a)",
            "1:20: table `nope` does not exist",
        ),
        (
            "CREATE INDEX ix ON pet (nope)",
            "1:25: column `pet.nope` does not exist",
        ),
        (
            "CREATE INDEX ix_pet_name ON pet (id)",
            "1:14: relation `ix_pet_name` already exists (an index)",
        ),
        (
            "CREATE INDEX ON pet ((id + 1))",
            "1:17: an index on an expression needs a name: replay does not derive PostgreSQL's generated name for it",
        ),
        (
            "CREATE INDEX ix ON pet (id) WITH (fillfactor = 50)",
            "1:29: `WITH` in `CREATE INDEX` is not supported by the schema model",
        ),
        (
            "DROP INDEX nope",
            "1:12: index `nope` does not exist",
        ),
        (
            "DROP INDEX pet_pkey",
            "1:12: cannot drop index `pet_pkey`: a constraint uses it (drop the constraint instead)",
        ),
        (
            "ALTER INDEX ix_pet_name SET TABLESPACE x",
            "1:25: unsupported `ALTER INDEX` action: replay understands only `RENAME TO`",
        ),
        (
            "CREATE SEQUENCE s AS text",
            "1:19: sequence type must be `smallint`, `integer` or `bigint`",
        ),
        (
            "CREATE SEQUENCE counter",
            "1:17: relation `counter` already exists (a sequence)",
        ),
        (
            "DROP SEQUENCE owner_id_seq",
            "1:15: cannot drop sequence `owner_id_seq`: a serial column owns it (drop the column or its default first)",
        ),
        (
            "DROP SEQUENCE nope",
            "1:15: sequence `nope` does not exist",
        ),
        (
            "ALTER TABLE pet ALTER name DROP IDENTITY",
            "1:23: column `pet.name` is not an identity column",
        ),
        (
            "CREATE TABLE t (a numeric(2000))",
            "1:26: numeric precision 2000 must be between 1 and 1000",
        ),
        (
            "CREATE TABLE t (a numeric(3, 5))",
            "1:26: numeric scale 5 must be between 0 and precision 3",
        ),
        (
            "CREATE TABLE t (a varchar(0))",
            "1:26: length for type `varchar` must be between 1 and 10485760",
        ),
        (
            "CREATE TABLE t (a float(60))",
            "1:24: precision for type `float` must be between 1 and 53, not 60",
        ),
        (
            "CREATE TABLE t (a time with time zone)",
            "1:24: type `time with time zone` is not supported by the schema model",
        ),
        (
            "CREATE TABLE t (a interval day)",
            "1:28: interval fields and precision are not supported by the schema model",
        ),
        (
            "CREATE TABLE t (a int CHECK (a > 0)",
            "1:36: expected `)`, found end of statement",
        ),
        (
            "CREATE TABLE t (a int CHECK (a > (0))",
            "1:38: expected `)`, found end of statement",
        ),
        (
            "CREATE TABLE t (a int UNIQUE NULLS NOT DISTINCT)",
            "1:30: `NULLS NOT DISTINCT` is not supported by the schema model",
        ),
        (
            "ALTER TABLE pet ALTER id DROP NOT NULL",
            "1:26: column `pet.id` is in a primary key",
        ),
        (
            "CREATE TABLE t (a int, CONSTRAINT c)",
            "1:36: expected `PRIMARY KEY`, `UNIQUE`, `FOREIGN KEY` or `CHECK`, found `)`",
        ),
        (
            "42",
            "1:1: expected a statement, found `42`",
        ),
        (
            "CREATE TABLE t (a int) INHERITS (pet)",
            "1:24: `INHERITS` in `CREATE TABLE` is not supported by the schema model",
        ),
        (
            "CREATE INDEX ix ON pet (name COLLATE \"C\")",
            "1:30: collations are not supported by the schema model",
        ),
        ];
        for (sql, expected) in cases {
            assert_eq!(
                error_on(&base, sql),
                format!("{ORIGIN}:{expected}"),
                "{sql}"
            );
        }
    }

    #[test]
    fn statements_before_the_error_stay_applied() {
        let mut schema = Schema::default();
        let err = replay(
            &mut schema,
            "CREATE TABLE a (x int);\n-- the next one fails\nCREATE TABLE a (y int);",
            "up.sql",
        )
        .expect_err("second CREATE TABLE fails");
        assert_eq!(
            err,
            ReplayError {
                origin: "up.sql".into(),
                line: 3,
                column: 14,
                message: "relation `a` already exists (a table)".into(),
            }
        );
        assert_eq!(schema.tables["a"].columns[0].name, "x");
    }

    #[test]
    fn psql_meta_commands_other_than_restrict_are_errors() {
        assert_eq!(
            error("\\restrict abc\nCREATE TABLE t (a int);\n\\connect other\n"),
            format!(
                "{ORIGIN}:3:1: psql meta-command `\\connect` is not SQL: replay cannot see its \
                 effect; remove it from the migration"
            )
        );
    }

    #[test]
    fn error_messages_for_syntax_use_the_token_found() {
        assert_eq!(
            error("CREATE TABLE t (a int) ;; SELECT 1; ALTER TABLE t ADD COLUMN b int b"),
            format!("{ORIGIN}:1:68: expected end of statement, found `b`")
        );
        assert_eq!(
            error("CREATE INDEX IF NOT EXISTS ON t (a)"),
            format!("{ORIGIN}:1:28: expected an index name after `IF NOT EXISTS`, found `ON`")
        );
    }
}

#[test]
fn a_guard_over_a_column_named_like_a_key_word_changes_nothing() {
    let mut schema = Schema::default();
    replay(
        &mut schema,
        "CREATE TABLE pet (comment text);\n\
         DO $guard$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pet WHERE comment IS NOT NULL GROUP BY comment HAVING count(*) > 1) THEN\n    \
         RAISE EXCEPTION 'delete, drop or alter them';\n  END IF;\nEND\n$guard$;",
        "up.sql",
    )
    .unwrap();
    assert_eq!(schema.tables.len(), 1);
    let err = replay(
        &mut schema,
        "DO $$ BEGIN IF true THEN DROP TABLE pet; END IF; END $$;",
        "up.sql",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("`DO` blocks that change the schema"),
        "{err}"
    );
}

#[test]
fn a_do_block_that_only_reads_and_raises_changes_nothing() {
    let mut schema = Schema::default();
    replay(
        &mut schema,
        "CREATE TABLE pet (id integer);\n\
         DO $guard$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pet) THEN\n    RAISE EXCEPTION 'no';\n  END IF;\nEND\n$guard$;",
        "down.sql",
    )
    .unwrap();
    assert_eq!(schema.tables.len(), 1);
}

/// PostgreSQL rewrites checks, index predicates and index expressions that read a renamed
/// column; so does replay (the catalog after the rename says `qualified_name` there).
#[test]
fn a_renamed_column_is_renamed_in_checks_predicates_and_index_expressions() {
    let mut schema = Schema::default();
    replay(
        &mut schema,
        "CREATE TABLE address (fqn varchar(100), deprecated boolean,
           CONSTRAINT address_fqn_check CHECK (length((fqn)::text) > 3));
         CREATE INDEX ix_live ON address (fqn) WHERE NOT deprecated;
         CREATE INDEX ix_lower ON address (lower((fqn)::text));
         ALTER TABLE address RENAME COLUMN fqn TO qualified_name;
         ALTER TABLE address RENAME COLUMN deprecated TO is_deprecated;",
        "up.sql",
    )
    .unwrap();
    let t = &schema.tables["address"];
    assert_eq!(
        t.checks["address_fqn_check"].expr.as_str(),
        "length((qualified_name)::text) > 3"
    );
    assert_eq!(t.indexes["ix_live"].columns, ["qualified_name"]);
    assert_eq!(
        t.indexes["ix_live"].predicate.as_ref().map(|p| p.as_str()),
        Some("NOT is_deprecated")
    );
    assert_eq!(
        t.indexes["ix_lower"].columns,
        ["lower((qualified_name)::text)"]
    );
}

/// `RENAME COLUMN` carries the column's checks and partial-index predicates with it, as
/// PostgreSQL does (they are stored parsed); the model used to keep the old name in them,
/// so a replayed head disagreed with the database it built.
#[test]
fn a_renamed_column_takes_its_checks_and_index_predicates_along() {
    let renamed = replayed(
        "CREATE TABLE pet (name text, legs integer, CONSTRAINT ck_pet_name CHECK (name IS NOT NULL));
         CREATE UNIQUE INDEX ix_pet_legs ON pet (legs) WHERE name <> 'name';
         ALTER TABLE pet RENAME COLUMN name TO nickname;",
    );
    let direct = replayed(
        "CREATE TABLE pet (nickname text, legs integer, CONSTRAINT ck_pet_name CHECK (nickname IS NOT NULL));
         CREATE UNIQUE INDEX ix_pet_legs ON pet (legs) WHERE nickname <> 'name';",
    );
    assert_same(&renamed, &direct, "renamed");
}
