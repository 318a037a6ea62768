//! Struct source → model for representative Watcher structs, and every check's message.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;
use crate::model::{
    Check, Column, EnumType, Expr, FkAction, ForeignKey, Generated, Index, PrimaryKey, SqlType,
    Table, Unique,
};

fn model(args: TokenStream, item: TokenStream) -> Table {
    let item: syn::ItemStruct = syn::parse2(item).expect("test struct parses");
    match parse_table(args, &item) {
        Ok(table) => table.to_model(),
        Err(err) => panic!("unexpected errors: {:?}", messages(err)),
    }
}

fn errors(args: TokenStream, item: TokenStream) -> Vec<String> {
    let item: syn::ItemStruct = syn::parse2(item).expect("test struct parses");
    match parse_table(args, &item) {
        Ok(_) => Vec::new(),
        Err(err) => messages(err),
    }
}

fn messages(err: syn::Error) -> Vec<String> {
    err.into_iter().map(|e| e.to_string()).collect()
}

fn column(name: &str, ty: SqlType, nullable: bool) -> Column {
    Column {
        nullable,
        ..Column::new(name, ty)
    }
}

fn serial(table: &str, column: &str, ty: SqlType) -> Column {
    Column {
        nullable: false,
        generated: Some(Generated::Serial {
            sequence: format!("{table}_{column}_seq"),
        }),
        ..Column::new(column, ty)
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn fk(table: &str, column: &str, target: &str) -> (String, ForeignKey) {
    let name = format!("{table}_{column}_fkey");
    let key = ForeignKey {
        name: name.clone(),
        columns: names(&[column]),
        ref_table: target.into(),
        ref_columns: names(&["id"]),
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
    };
    (name, key)
}

#[test]
fn pipeline_execution_lowers_to_the_reference_table() {
    let table = model(
        quote!(
            check(name = "ck_check_end_after_start", expr = "(end_date IS NULL) OR (end_date > start_date)"),
            check(name = "ck_check_parent_not_self", expr = "(parent_id IS NULL) OR (parent_id <> id)"),
            index(name = "ix_pipeline_execution_hour_recorded",
                  columns(pipeline_id, hour_recorded, end_date),
                  include(completed_successfully, id), where = "end_date IS NOT NULL"),
            index(name = "ix_pipeline_execution_start_date", columns(start_date), include(id)),
        ),
        quote! {
            pub struct PipelineExecution {
                #[watcher(primary_key)]
                pub id: i64,
                pub parent_id: Option<i32>,
                #[watcher(references = Pipeline)]
                pub pipeline_id: i32,
                pub start_date: DateTime<Utc>,
                pub date_recorded: NaiveDate,
                pub hour_recorded: i32,
                pub end_date: Option<DateTime<Utc>>,
                pub completed_successfully: Option<bool>,
                #[watcher(max_length = 50)]
                pub watermark: Option<String>,
                pub execution_metadata: Option<serde_json::Value>,
                #[watcher(precision = 12, scale = 4)]
                pub throughput: Option<BigDecimal>,
            }
        },
    );
    let t = "pipeline_execution";
    let mut expected = Table::new(t);
    expected.columns = vec![
        serial(t, "id", SqlType::BigInt),
        column("parent_id", SqlType::Integer, true),
        column("pipeline_id", SqlType::Integer, false),
        column("start_date", SqlType::Timestamptz, false),
        column("date_recorded", SqlType::Date, false),
        column("hour_recorded", SqlType::Integer, false),
        column("end_date", SqlType::Timestamptz, true),
        column("completed_successfully", SqlType::Boolean, true),
        column("watermark", SqlType::Varchar(Some(50)), true),
        column("execution_metadata", SqlType::Jsonb, true),
        column("throughput", SqlType::Numeric(Some((12, 4))), true),
    ];
    expected.primary_key = Some(PrimaryKey {
        name: "pipeline_execution_pkey".into(),
        columns: names(&["id"]),
    });
    expected
        .foreign_keys
        .extend([fk(t, "pipeline_id", "pipeline")]);
    for (name, expr) in [
        (
            "ck_check_end_after_start",
            "((end_date IS NULL) OR (end_date > start_date))",
        ),
        (
            "ck_check_parent_not_self",
            "((parent_id IS NULL) OR (parent_id <> id))",
        ),
    ] {
        expected.checks.insert(
            name.into(),
            Check {
                name: name.into(),
                expr: Expr::new(expr),
            },
        );
    }
    expected.indexes.insert(
        "ix_pipeline_execution_hour_recorded".into(),
        Index {
            name: "ix_pipeline_execution_hour_recorded".into(),
            unique: false,
            method: "btree".into(),
            columns: names(&["pipeline_id", "hour_recorded", "end_date"]),
            include: names(&["completed_successfully", "id"]),
            predicate: Some(Expr::new("(end_date IS NOT NULL)")),
        },
    );
    expected.indexes.insert(
        "ix_pipeline_execution_start_date".into(),
        Index {
            name: "ix_pipeline_execution_start_date".into(),
            unique: false,
            method: "btree".into(),
            columns: names(&["start_date"]),
            include: names(&["id"]),
            predicate: None,
        },
    );
    assert_eq!(table, expected);
}

#[test]
fn composite_keys_and_foreign_key_keys_are_not_serial() {
    let closure = model(
        quote!(
            primary_key(source_address_id, target_address_id),
            index(
                name = "ix_depth_source",
                columns(source_address_id, depth),
                include(target_address_id)
            ),
        ),
        quote! {
            pub struct AddressLineageClosure {
                #[watcher(references = Address)]
                pub source_address_id: i32,
                #[watcher(references = Address)]
                pub target_address_id: i32,
                pub depth: i32,
            }
        },
    );
    assert_eq!(closure.name, "address_lineage_closure");
    assert!(closure.columns.iter().all(|c| c.generated.is_none()));
    assert_eq!(
        closure.primary_key.unwrap().columns,
        names(&["source_address_id", "target_address_id"])
    );
    assert_eq!(closure.foreign_keys.len(), 2);

    // Timeliness: a single integer key that is also a foreign key stays a plain bigint.
    let log = model(
        quote!(),
        quote! {
            pub struct TimelinessPipelineExecutionLog {
                #[watcher(primary_key, references = PipelineExecution)]
                pub pipeline_execution_id: i64,
                #[watcher(default = "CURRENT_TIMESTAMP")]
                pub created_at: DateTime<Utc>,
            }
        },
    );
    let key = &log.columns[0];
    assert_eq!(key.generated, None);
    assert!(!key.nullable);
    assert_eq!(
        log.columns[1].default.as_ref().map(Expr::as_str),
        Some("CURRENT_TIMESTAMP")
    );
}

#[test]
fn serial_identity_and_overrides() {
    let table = model(
        quote!(
            name = "things",
            unique(columns(code, kind)),
            unique_index(name = "ux_lower", columns("lower(code)"), method = "hash")
        ),
        quote! {
            struct Thing {
                #[watcher(primary_key, serial = false)]
                id: i16,
                #[watcher(serial)]
                counter: i32,
                #[watcher(identity = "always")]
                ident: i64,
                #[watcher(column = "type", sql_type = "character varying(3)")]
                code: String,
                #[watcher(sql_type = "json")]
                kind: Option<serde_json::Value>,
                #[watcher(sql_type = "mood_type")]
                mood: Option<Mood>,
                #[watcher(references = "owner", references_column = "key", on_delete = "set_null", on_update = "cascade", foreign_key_name = "fk_owner")]
                owner_key: Option<String>,
                tags: Vec<String>,
                blob: Vec<u8>,
                r#ref: f64,
            }
        },
    );
    assert_eq!(table.name, "things");
    let col = |n: &str| table.column(n).unwrap_or_else(|| panic!("no column {n}"));
    assert_eq!(col("id").generated, None);
    assert_eq!(col("id").ty, SqlType::SmallInt);
    assert_eq!(
        col("counter").generated,
        Some(Generated::Serial {
            sequence: "things_counter_seq".into()
        })
    );
    assert_eq!(col("ident").generated, Some(Generated::IdentityAlways));
    assert_eq!(col("type").ty, SqlType::Varchar(Some(3)));
    assert_eq!(col("kind").ty, SqlType::Json);
    assert_eq!(col("mood").ty, SqlType::Enum("mood_type".into()));
    assert_eq!(col("tags").ty, SqlType::Array(Box::new(SqlType::Text)));
    assert_eq!(col("blob").ty, SqlType::Bytea);
    assert_eq!(col("ref").ty, SqlType::Double);
    let owner = &table.foreign_keys["fk_owner"];
    assert_eq!(owner.ref_table, "owner");
    assert_eq!(owner.ref_columns, names(&["key"]));
    assert_eq!(owner.on_delete, FkAction::SetNull);
    assert_eq!(owner.on_update, FkAction::Cascade);
    assert_eq!(
        table.uniques["things_type_kind_key"],
        Unique {
            name: "things_type_kind_key".into(),
            columns: names(&["type", "kind"])
        }
    );
    let ux = &table.indexes["ux_lower"];
    assert!(ux.unique);
    assert_eq!(ux.method, "hash");
    assert_eq!(ux.columns, names(&["lower(code)"]));
}

#[test]
fn enums_lower_with_rename_rules() {
    let item: syn::ItemEnum = syn::parse_quote! {
        pub enum AnomalyMetricFieldEnum {
            DurationSeconds,
            Inserts,
            #[watcher(rename = "SOFT_DELETES")]
            SoftDeleted,
        }
    };
    let parsed = parse_enum(quote!(rename_all = "SCREAMING_SNAKE_CASE"), &item).unwrap();
    assert_eq!(
        parsed.to_model(),
        EnumType {
            name: "anomalymetricfieldenum".into(),
            labels: names(&["DURATION_SECONDS", "INSERTS", "SOFT_DELETES"]),
        }
    );
    let item: syn::ItemEnum = syn::parse_quote!(
        enum DatePart {
            MINUTE,
            HOUR,
        }
    );
    let parsed = parse_enum(quote!(name = "datepartenum"), &item).unwrap();
    assert_eq!(parsed.to_model().name, "datepartenum");
    assert_eq!(parsed.to_model().labels, names(&["MINUTE", "HOUR"]));
}

#[test]
fn definitions_read_whole_files_with_inline_modules() {
    let file: syn::File = syn::parse_quote! {
        use chrono::{DateTime, Utc};

        #[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum DatePartEnum { Minute, Hour }

        pub mod pipelines {
            #[derive(Debug)]
            #[watcher_schema::watcher_table]
            pub struct PipelineType {
                #[watcher(primary_key)]
                pub id: i32,
                #[watcher(max_length = 150)]
                pub name: String,
                pub freshness_datepart: Option<DatePartEnum>,
            }

            #[watcher_table(name = "pipeline", index(name = "ix_pipeline_type", columns(pipeline_type_id)))]
            pub struct Pipeline {
                #[watcher(primary_key)]
                pub id: i32,
                #[watcher(references = PipelineType)]
                pub pipeline_type_id: i32,
            }
        }

        pub struct NotATable { pub x: u32 }
    };
    let defs = Definitions::from_files([&file]).unwrap_or_else(|e| panic!("{:?}", messages(e)));
    let schema = defs.schema();
    assert_eq!(
        schema.tables.keys().collect::<Vec<_>>(),
        ["pipeline", "pipeline_type"]
    );
    assert_eq!(
        schema.enums["datepartenum"].labels,
        names(&["MINUTE", "HOUR"])
    );
    assert_eq!(
        schema.tables["pipeline_type"].columns[2].ty,
        SqlType::Enum("datepartenum".into())
    );
    assert_eq!(
        schema.tables["pipeline"].foreign_keys["pipeline_pipeline_type_id_fkey"].ref_table,
        "pipeline_type"
    );
}

#[test]
fn definitions_check_across_structs() {
    let file: syn::File = syn::parse_quote! {
        #[watcher_table(name = "a", index(name = "ix_shared", columns(id)))]
        struct A {
            #[watcher(primary_key)] id: i32,
            #[watcher(references = Missing)] missing_id: i32,
            #[watcher(references = "b", references_column = "nope")] b_id: i32,
            mood: Mood,
        }
        #[watcher_table(name = "b", index(name = "ix_shared", columns(id)))]
        struct B { #[watcher(primary_key)] id: i32 }
        #[watcher_table(name = "b")]
        struct B2 { #[watcher(primary_key)] id: i32 }
        #[watcher_enum] enum E { X }
        #[watcher_enum(name = "e")] enum E2 { Y }
    };
    let err = Definitions::from_files([&file]).unwrap_err();
    assert_eq!(
        messages(err),
        [
            "table `b` is declared twice (also by `B`)\nhelp: give one of them `#[watcher_table(name = \"...\")]`",
            "enum type `e` is declared twice (also by `E`)",
            "relation name `ix_shared` is already used by table `a`\nhelp: index, primary key and unique names are unique across the schema",
            "relation name `b_pkey` is already used by table `b`\nhelp: index, primary key and unique names are unique across the schema",
            "foreign key `a.missing_id` references table `missing`, which no `#[watcher_table]` struct declares",
            "foreign key `a.b_id` references column `b.nope`, which does not exist\nhelp: set `references_column = \"...\"`",
            "column `a.mood` has enum type `mood`, which no `#[watcher_enum]` declares\nhelp: declare it, or name its type with `sql_type = \"...\"`",
        ]
    );
}

#[test]
fn parse_errors_are_all_reported_before_checks() {
    let found = errors(
        quote!(name = "t", bogus),
        quote! {
            struct T {
                #[watcher(primary_key)]
                id: u32,
                #[watcher(max_length = "x")]
                name: String,
            }
        },
    );
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("unknown key `bogus` in `#[watcher_table(...)]`"));
    assert!(found[1].starts_with("unsupported field type"));
    assert!(found[2].starts_with("expected an integer literal"));
}

#[test]
fn rejects_structs_that_cannot_be_tables() {
    assert_eq!(
        errors(
            quote!(),
            quote!(
                struct T(i32);
            )
        ),
        ["`#[watcher_table]` needs a struct with named fields, one per column"]
    );
    assert_eq!(
        errors(quote!(), quote!(struct T<X> { #[watcher(primary_key)] id: i32, x: X })),
        [
            "`#[watcher_table]` does not support generic structs\nhelp: a table's row type has concrete field types",
        ]
    );
}

#[test]
fn primary_key_rules() {
    assert_eq!(
        errors(quote!(), quote!(struct Thing { a: i32 })),
        ["table `thing` has no primary key\nhelp: mark a field `#[watcher(primary_key)]`, or list a composite key: `#[watcher_table(primary_key(a, b))]`"]
    );
    assert_eq!(
        errors(
            quote!(primary_key(a)),
            quote!(struct T { #[watcher(primary_key)] a: i32 })
        ),
        ["the primary key is given twice: here and by `#[watcher(primary_key)]` on `a`\nhelp: keep one of them"]
    );
    assert_eq!(
        errors(
            quote!(primary_key(a, b, a)),
            quote!(
                struct T {
                    a: Option<i32>,
                }
            )
        ),
        [
            "no field `b` in `T`\nhelp: name a field of the struct: `a`",
            "`a` appears twice in `primary_key(...)`",
            "primary key column `t.a` cannot be `Option`",
        ]
    );
}

#[test]
fn type_key_rules() {
    let found = errors(
        quote!(),
        quote! {
            struct T {
                #[watcher(primary_key, max_length = 5)]
                id: i32,
                #[watcher(precision = 3)]
                name: String,
                #[watcher(scale = 2)]
                a: BigDecimal,
                #[watcher(precision = 2, scale = 3)]
                b: BigDecimal,
                #[watcher(precision = 1001)]
                c: BigDecimal,
                #[watcher(sql_type = "jsonb")]
                d: String,
                #[watcher(sql_type = "varchar", max_length = 3)]
                e: String,
            }
        },
    );
    assert_eq!(
        found,
        [
            "`max_length` applies to `String` fields, not `i32`",
            "`precision` applies to `BigDecimal` fields, not `String`",
            "`scale` needs `precision`\nhelp: write `precision = 12, scale = 4`",
            "`scale = 3` exceeds `precision = 2`",
            "`precision` must be between 1 and 1000 (PostgreSQL's limit)",
            "`sql_type = \"jsonb\"` does not fit the field's Rust type `String`\nhelp: the Rust type maps to `text`; change one of them",
            "`max_length` cannot be combined with `sql_type`\nhelp: write the modifier in the type, e.g. `sql_type = \"varchar(20)\"`",
        ]
    );
}

#[test]
fn generation_rules() {
    let found = errors(
        quote!(),
        quote! {
            struct T {
                #[watcher(primary_key, serial, identity)]
                id: i32,
                #[watcher(serial)]
                name: String,
                #[watcher(identity, default = "1")]
                n: Option<i64>,
            }
        },
    );
    assert_eq!(
        found,
        [
            "a column is either `serial` or `identity`, not both",
            "`serial` needs an integer field (`i16`, `i32` or `i64`), not `String`",
            "`identity` column `t.n` cannot be `Option`: the server always fills it",
            "`identity` and `default` cannot be combined: the server generates this column's values\nhelp: remove one of them",
        ]
    );
}

#[test]
fn foreign_key_rules() {
    let found = errors(
        quote!(),
        quote! {
            struct T {
                #[watcher(primary_key)]
                id: i32,
                #[watcher(on_delete = "cascade", references_column = "id")]
                a: i32,
                #[watcher(references = Other, on_delete = "set_null")]
                b: i32,
            }
        },
    );
    assert_eq!(
        found,
        [
            "`references_column` needs `references = ...` on the same field",
            "`on_delete` needs `references = ...` on the same field",
            "`set_null` needs a nullable column, but `t.b` is not an `Option`",
        ]
    );
}

#[test]
fn index_and_constraint_rules() {
    let found = errors(
        quote!(
            index(columns(id)),
            index(name = "ix_a"),
            index(
                name = "ix_b",
                columns(id, nope, id),
                include(gone),
                method = "B-Tree"
            ),
            unique(name = "ix_b", columns(id)),
            check(expr = "id > 0"),
            check(name = "ck"),
            check(name = "t_pkey", expr = "true"),
        ),
        quote! {
            struct T {
                #[watcher(primary_key)]
                id: i32,
                #[watcher(column = "id")]
                other: i32,
            }
        },
    );
    assert_eq!(
        found,
        [
            "column `t.id` is declared twice (also by field `id`)\nhelp: rename one with `#[watcher(column = \"...\")]`",
            "an index needs a name\nhelp: add `name = \"ix_...\"`; names are written explicitly so migrations never depend on a naming rule",
            "an index needs `columns(...)`\nhelp: write `columns(a, b)`",
            "no field `nope` in `T`\nhelp: name a field of the struct: `id`, `other`",
            "no field `gone` in `T`\nhelp: name a field of the struct: `id`, `other`",
            "`id` appears twice in `columns(...)`",
            "unknown index method `B-Tree`\nhelp: write a PostgreSQL access method such as `btree`, `hash`, `gin`, `gist`, `brin`",
            "a check constraint needs a name\nhelp: add `name = \"ck_...\"`",
            "a check constraint needs `expr = \"...\"`",
            // At the later occurrence in source order: `unique` repeats the index's name,
            // then `check` repeats the primary key's.
            "duplicate index or constraint name `ix_b` in table `t`\nhelp: choose another `name`",
            "duplicate index or constraint name `t_pkey` in table `t`\nhelp: choose another `name`",
        ]
    );
}

#[test]
fn name_length_rules() {
    let long = "x".repeat(64);
    let found = errors(
        quote!(name = #long),
        quote!(
            struct T {
                #[watcher(primary_key)]
                id: i32,
            }
        ),
    );
    assert_eq!(
        found,
        [format!("table name `{long}` is 64 bytes long; PostgreSQL truncates names to 63 bytes\nhelp: choose a shorter name")]
    );
}

#[test]
fn enum_rules() {
    let item: syn::ItemEnum = syn::parse_quote! {
        enum E {
            A(i32),
            #[watcher(rename = "A")]
            B,
        }
    };
    let err = parse_enum(quote!(), &item).unwrap_err();
    assert_eq!(
        messages(err),
        [
            "a `#[watcher_enum]` variant carries no data: each variant is one PostgreSQL enum label",
        ]
    );
    let item: syn::ItemEnum = syn::parse_quote!(
        enum E {
            A,
            #[watcher(rename = "A")]
            B,
        }
    );
    let err = parse_enum(quote!(), &item).unwrap_err();
    assert_eq!(
        messages(err),
        ["enum label `A` is used twice (also by `A`)\nhelp: give one of them `#[watcher(rename = \"...\")]`"]
    );
    let item: syn::ItemEnum = syn::parse_quote!(
        enum Empty {}
    );
    let err = parse_enum(quote!(), &item).unwrap_err();
    assert_eq!(
        messages(err),
        ["a `#[watcher_enum]` needs at least one variant"]
    );
}

#[test]
fn table_names_name_modules() {
    for (name, suggestion) in [
        ("Pipeline", "pipeline"),
        ("type", "type_table"),
        ("pipe-line", "pipe_line"),
    ] {
        assert_eq!(
            errors(quote!(name = #name), quote!(struct T { #[watcher(primary_key)] id: i32 })),
            [format!("table name `{name}` must be a lower-case identifier that is not a Rust keyword: it names the Diesel `table!` module\nhelp: choose a name such as `{suggestion}`")]
        );
    }
}

#[test]
fn helpers_on_the_item_itself_are_misplaced() {
    assert_eq!(
        errors(
            quote!(),
            quote!(#[watcher(name = "t")] struct T { #[watcher(primary_key)] id: i32 })
        ),
        ["`#[watcher(...)]` goes on fields and variants\nhelp: write this item's keys in `#[watcher_table(...)]`"]
    );
    let item: syn::ItemEnum = syn::parse_quote!(
        #[watcher(rename_all = "UPPERCASE")]
        enum E {
            A,
        }
    );
    let err = parse_enum(quote!(), &item).unwrap_err();
    assert_eq!(
        messages(err),
        ["`#[watcher(...)]` goes on fields and variants\nhelp: write this item's keys in `#[watcher_enum(...)]`"]
    );
}
