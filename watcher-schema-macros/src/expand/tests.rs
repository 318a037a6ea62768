//! Expansion snapshots (pretty-printed with prettyplease, input stored beside the output)
//! and the error paths of each macro. `UPDATE_SNAPSHOTS=1 cargo test` rewrites snapshots;
//! review their diff like code.

use std::path::PathBuf;
use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;
use watcher_schema_core::head::HeadModel;
use watcher_schema_core::structs::Definitions;

use super::*;

/// The model the migrations would have if they matched `source` exactly.
fn model_of(source: TokenStream, head: &str) -> Arc<HeadModel> {
    let file: syn::File = syn::parse2(source).expect("model source parses");
    let defs = Definitions::from_files([&file]).expect("model source is valid");
    Arc::new(HeadModel {
        head: Some(head.to_string()),
        schema: defs.schema(),
    })
}

fn loader(model: Arc<HeadModel>) -> impl Fn(Option<&Spanned<String>>) -> Loaded {
    move |_| Ok(Arc::clone(&model)).into()
}

fn pretty(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).expect("expansion is valid Rust items");
    prettyplease::unparse(&file)
}

/// The `compile_error!` messages of an expansion, in order.
fn errors(tokens: &TokenStream) -> Vec<String> {
    let file: syn::File = syn::parse2(tokens.clone()).expect("expansion parses");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if is_compile_error(&m.mac.path) => {
                let lit: syn::LitStr = m.mac.parse_body().expect("compile_error! takes a string");
                Some(lit.value())
            }
            _ => None,
        })
        .collect()
}

fn assert_snapshot(name: &str, input: &TokenStream, output: TokenStream) {
    let input = pretty(input.clone());
    let expected_text = format!(
        "// Input:\n{}\n// Expansion:\n{}",
        input
            .lines()
            .map(|l| if l.is_empty() {
                "//".to_string()
            } else {
                format!("// {l}")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        pretty(output)
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/expand/snapshots")
        .join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &expected_text).expect("snapshot is writable");
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    if stored != expected_text {
        let first_diff = stored
            .lines()
            .zip(expected_text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| stored.lines().count().min(expected_text.lines().count()));
        panic!(
            "expansion of `{name}` differs from {} at line {}:\n  stored: {:?}\n  now:    {:?}\n(run with UPDATE_SNAPSHOTS=1 to accept, then review the diff)",
            path.display(),
            first_diff + 1,
            stored.lines().nth(first_diff),
            expected_text.lines().nth(first_diff)
        );
    }
}

fn pipeline_source() -> TokenStream {
    quote! {
        #[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum DatePartEnum { Minute, Hour }

        #[watcher_table]
        pub struct PipelineType {
            #[watcher(primary_key)]
            pub id: i32,
        }

        #[watcher_table(
            name = "pipeline",
            index(name = "ux_pipeline_name_include", unique, columns(name), include(active, id)),
        )]
        pub struct Pipeline {
            #[watcher(primary_key)]
            pub id: i32,
            #[watcher(max_length = 150)]
            pub name: String,
            #[watcher(references = PipelineType)]
            pub pipeline_type_id: i32,
            pub freshness_datepart: Option<DatePartEnum>,
            #[watcher(default = "true")]
            pub active: bool,
            #[watcher(default = "CURRENT_TIMESTAMP")]
            pub created_at: DateTime<Utc>,
        }
    }
}

fn pipeline_struct() -> (TokenStream, TokenStream) {
    let args = quote!(
        name = "pipeline",
        index(
            name = "ux_pipeline_name_include",
            unique,
            columns(name),
            include(active, id)
        ),
    );
    let item = quote! {
        /// A pipeline.
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        pub struct Pipeline {
            #[watcher(primary_key)]
            pub id: i32,
            /// Unique name.
            #[watcher(max_length = 150)]
            pub name: String,
            #[watcher(references = PipelineType)]
            pub pipeline_type_id: i32,
            pub freshness_datepart: Option<DatePartEnum>,
            #[watcher(default = "true")]
            pub active: bool,
            #[watcher(default = "CURRENT_TIMESTAMP")]
            pub created_at: DateTime<Utc>,
        }
    };
    (args, item)
}

#[test]
fn table_expands_to_what_a_diesel_user_writes() {
    let model = model_of(pipeline_source(), "20251005124405");
    let (args, item) = pipeline_struct();
    let output = watcher_table(args.clone(), item.clone(), &loader(model));
    assert_eq!(errors(&output), Vec::<String>::new());
    let input = quote!(#[watcher_table(#args)] #item);
    assert_snapshot("table_pipeline", &input, output);
}

#[test]
fn composite_key_table_without_changeset_or_serial() {
    let source = quote! {
        #[watcher_table]
        pub struct Address { #[watcher(primary_key)] pub id: i32 }

        #[watcher_table(primary_key(source_address_id, target_address_id))]
        pub struct AddressLineageClosure {
            #[watcher(references = Address)]
            pub source_address_id: i32,
            #[watcher(references = crate::lineage::Address, column = "target")]
            pub target_address_id: i32,
        }
    };
    let model = model_of(source, "20251005124405");
    let args = quote!(primary_key(source_address_id, target_address_id));
    let item = quote! {
        #[derive(Debug)]
        pub struct AddressLineageClosure {
            #[watcher(references = Address)]
            pub source_address_id: i32,
            #[watcher(references = crate::lineage::Address, column = "target")]
            pub target_address_id: i32,
        }
    };
    let output = watcher_table(args.clone(), item.clone(), &loader(model));
    assert_eq!(errors(&output), Vec::<String>::new());
    let input = quote!(#[watcher_table(#args)] #item);
    assert_snapshot("table_composite_key", &input, output);
}

#[test]
fn enum_expands_to_sql_type_and_label_mapping() {
    let model = model_of(pipeline_source(), "20251005124405");
    let args = quote!(rename_all = "SCREAMING_SNAKE_CASE");
    let item = quote! {
        /// A part of a date.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum DatePartEnum {
            Minute,
            #[watcher(rename = "HOUR")]
            Hour,
        }
    };
    let output = watcher_enum(args.clone(), item.clone(), &loader(model));
    assert_eq!(errors(&output), Vec::<String>::new());
    let input = quote!(#[watcher_enum(#args)] #item);
    assert_snapshot("enum_datepart", &input, output);
}

#[test]
fn schema_lists_tables_for_joins_and_checks_the_set() {
    let model = model_of(pipeline_source(), "20251005124405");
    let input = quote!(pipelines::pipeline_type, crate::pipelines::pipeline);
    let output = schema(input.clone(), &loader(Arc::clone(&model)));
    assert_eq!(errors(&output), Vec::<String>::new());
    assert_snapshot("schema", &quote!(schema! { #input }), output);

    let output = schema(quote!(pipeline, pipeline, nope), &loader(model));
    assert_eq!(
        errors(&output),
        [
            "table `pipeline` is listed twice",
            "table `nope` is not in the migrations (head 20251005124405)\nhelp: run `watcher-schema revision --autogenerate -m \"create table nope\"`",
            "table `pipeline_type` is in the migrations (head 20251005124405) but no struct declares it\nhelp: declare it with `#[watcher_table]`, or run `watcher-schema revision --autogenerate -m \"drop table pipeline_type\"`",
        ]
    );
}

#[test]
fn schema_reads_its_migrations_key() {
    let seen = std::cell::RefCell::new(None);
    let load = |dir: Option<&Spanned<String>>| {
        *seen.borrow_mut() = dir.map(|d| d.value.clone());
        Ok(Arc::new(HeadModel::default())).into()
    };
    let output = schema(quote!(migrations = "tests/migrations"; a::t), &load);
    assert_eq!(seen.borrow().as_deref(), Some("tests/migrations"));
    assert_eq!(
        errors(&output),
        ["table `t` is not in the migrations (no migrations yet)\nhelp: run `watcher-schema revision --autogenerate -m \"create table t\"`"]
    );
    let output = schema(quote!(dir = "x"; a::t), &load);
    assert_eq!(
        errors(&output),
        ["unknown key `dir` in `schema!`\nhelp: the keys are `migrations = \"...\";`, `same_query = \"...\";`, before the table modules"]
    );
}

/// Tables `a` ← `b` ← `c` linked by foreign keys, `d` ← `e` likewise, `f` alone.
fn components_model() -> Arc<HeadModel> {
    model_of(
        quote! {
            #[watcher_table] pub struct A { #[watcher(primary_key)] pub id: i32 }
            #[watcher_table] pub struct B {
                #[watcher(primary_key)] pub id: i32,
                #[watcher(references = A)] pub a_id: i32,
            }
            #[watcher_table] pub struct C {
                #[watcher(primary_key)] pub id: i32,
                #[watcher(references = B)] pub b_id: i32,
            }
            #[watcher_table] pub struct D { #[watcher(primary_key)] pub id: i32 }
            #[watcher_table] pub struct E {
                #[watcher(primary_key)] pub id: i32,
                #[watcher(references = D)] pub d_id: i32,
            }
            #[watcher_table] pub struct F { #[watcher(primary_key)] pub id: i32 }
        },
        "1",
    )
}

/// The pairs an expansion allows, as "left-right" table aliases' indices.
fn allowed(output: &TokenStream) -> Vec<String> {
    let text = output.to_string();
    let mut pairs = Vec::new();
    // The first impl of each pair: `TableNotEqual < __watcher_table_i :: table > for __watcher_table_j :: table { }`.
    for part in text
        .split("impl :: diesel :: query_source :: TableNotEqual < __watcher_table_")
        .skip(1)
    {
        let Some((left, rest)) = part.split_once(" :: table > for __watcher_table_") else {
            continue;
        };
        let Some((right, _)) = rest.split_once(" :: table") else {
            continue;
        };
        if let (Ok(l), Ok(r)) = (left.parse::<usize>(), right.parse::<usize>()) {
            if l >= r {
                continue;
            }
            pairs.push(format!("{left}-{right}"));
        }
    }
    pairs
}

#[test]
fn schema_allows_tables_linked_by_foreign_keys_and_named_groups() {
    let model = components_model();
    // Components {a, b, c} and {d, e}; `f` alone; the group adds the pairs among its own
    // tables (c-d, c-f, d-f), not their components'.
    let input = quote!(a, b, c, d, e, f, group(f, c, d));
    let output = schema(input, &loader(Arc::clone(&model)));
    assert_eq!(errors(&output), Vec::<String>::new());
    assert_eq!(
        allowed(&output),
        ["0-1", "0-2", "1-2", "2-3", "2-5", "3-4", "3-5"]
    );

    let output = schema(
        quote!(same_query = "all_tables"; a, b, c, d),
        &loader(Arc::clone(&model)),
    );
    assert_eq!(allowed(&output), ["0-1", "0-2", "0-3", "1-2", "1-3", "2-3"]);
    let output = schema(
        quote!(same_query = "none"; a, b, c, d, e, f, group(a, f)),
        &loader(Arc::clone(&model)),
    );
    assert_eq!(allowed(&output), ["0-5"]);
}

#[test]
fn schema_rejects_groups_of_unlisted_tables_and_bad_keys() {
    let model = components_model();
    let output = schema(
        quote!(a, b, c, d, e, f, group(a, nope, a), group(f)),
        &loader(Arc::clone(&model)),
    );
    assert_eq!(
        errors(&output),
        [
            "table `nope` is not listed in `schema!`\nhelp: a group names tables of this `schema!` by their module's last segment",
            "table `a` is named twice in this group",
            "a group names at least two tables\nhelp: `group(a, b)` lets tables `a` and `b` appear in one query",
        ]
    );
    // The valid rest is still generated: the components, and nothing from the bad groups.
    assert_eq!(allowed(&output), ["0-1", "0-2", "1-2", "3-4"]);

    let output = schema(quote!(same_query = "fk"; a), &loader(Arc::clone(&model)));
    assert_eq!(
        errors(&output),
        ["unknown `same_query` value `fk`\nhelp: one of `\"fk_related_tables\"`, `\"all_tables\"`, `\"none\"`"]
    );
    let output = schema(
        quote!(same_query = "none"; same_query = "none"; a),
        &loader(Arc::clone(&model)),
    );
    assert_eq!(
        errors(&output),
        ["`same_query` is given twice in `schema!`"]
    );
    let output = schema(quote!(a, groups(a, b)), &loader(model));
    assert_eq!(
        errors(&output),
        ["unknown item `groups(...)` in `schema!`\nhelp: list table modules, and `group(a, b)` for tables queried together"]
    );
}

#[test]
fn drift_is_reported_at_each_token_and_the_code_is_still_generated() {
    // The migrations are one step behind: no `owner`, `name` is varchar(100) and nullable,
    // `active` defaults to false, and an extra column and index exist.
    let old = quote! {
        #[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum DatePartEnum { Minute, Hour }
        #[watcher_table]
        pub struct PipelineType { #[watcher(primary_key)] pub id: i32 }
        #[watcher_table(name = "pipeline", index(name = "ix_old", columns(name)))]
        pub struct Pipeline {
            #[watcher(primary_key)]
            pub id: i32,
            #[watcher(max_length = 100)]
            pub name: Option<String>,
            #[watcher(references = PipelineType)]
            pub pipeline_type_id: i32,
            pub freshness_datepart: Option<DatePartEnum>,
            #[watcher(default = "false")]
            pub active: bool,
            #[watcher(default = "CURRENT_TIMESTAMP")]
            pub created_at: DateTime<Utc>,
            pub full_load: Option<bool>,
        }
    };
    let model = model_of(old, "20251007183231");
    let (args, item) = pipeline_struct();
    let output = watcher_table(args, item, &loader(model));
    let head = "(head 20251007183231)";
    let cmd = "watcher-schema revision --autogenerate -m";
    assert_eq!(
        errors(&output),
        [
            format!("column `pipeline.name` is `varchar(100)` in the migrations {head} but `varchar(150)` in the struct\nhelp: run `{cmd} \"alter pipeline.name\"`"),
            format!("column `pipeline.name` is nullable in the migrations {head} but NOT NULL in the struct (not an `Option`)\nhelp: run `{cmd} \"alter pipeline.name\"`"),
            format!("column `pipeline.active` has default `false` in the migrations {head} but default `true` in the struct\nhelp: run `{cmd} \"alter pipeline.active\"`"),
            format!("column `pipeline.full_load` is in the migrations {head} but no field claims it\nhelp: add a field for it, or run `{cmd} \"drop pipeline.full_load\"`"),
            format!("index `ix_old` on `pipeline` is in the migrations {head} but the struct does not declare it\nhelp: declare it with `index(...)`, or run `{cmd} \"drop index ix_old\"`"),
            format!("index `ux_pipeline_name_include` on `pipeline` is not in the migrations {head}\nhelp: run `{cmd} \"add index ux_pipeline_name_include\"`"),
        ]
    );
    let text = output.to_string();
    assert!(
        text.contains("table !"),
        "the Diesel code is still generated"
    );
    assert!(text.contains("struct NewPipeline"));
}

#[test]
fn drift_spans_point_at_the_offending_tokens() {
    let old = quote! {
        #[watcher_table(name = "t")]
        pub struct T { #[watcher(primary_key)] pub id: i32, pub a: i32 }
    };
    let model = model_of(old, "1");
    // Parse the item from text so that its tokens carry distinct columns.
    let item: TokenStream = "pub struct T {\n    #[watcher(primary_key)]\n    pub id: i64,\n    pub a: i32,\n    pub b: bool,\n}"
        .parse()
        .unwrap();
    let output = watcher_table(quote!(name = "t"), item, &loader(model));
    let file: syn::File = syn::parse2(output).unwrap();
    let spans: Vec<(String, usize, usize)> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if is_compile_error(&m.mac.path) => {
                let lit: syn::LitStr = m.mac.parse_body().unwrap();
                let start = m.mac.path.segments.last().unwrap().ident.span().start();
                Some((
                    lit.value().lines().next().unwrap().to_string(),
                    start.line,
                    start.column,
                ))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        spans,
        [
            // `i64` on line 3, column 12.
            (
                "column `t.id` is `integer` in the migrations (head 1) but `bigint` in the struct"
                    .into(),
                3,
                12
            ),
            // The serial sequence name is the same, but the type differs: only the type is reported.
            // `b` on line 5.
            (
                "column `t.b` is not in the migrations (head 1)".into(),
                5,
                8
            ),
        ]
    );
}

/// First message line and start (line, column) of each error of an expansion.
fn located_errors(output: TokenStream) -> Vec<(String, usize, usize)> {
    let file: syn::File = syn::parse2(output).unwrap();
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if is_compile_error(&m.mac.path) => {
                let lit: syn::LitStr = m.mac.parse_body().unwrap();
                let start = m.mac.path.segments.last().unwrap().ident.span().start();
                let first = lit.value().lines().next().unwrap().to_string();
                Some((first, start.line, start.column))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn keys_indexes_and_constraints_drift_at_their_attributes() {
    let old = quote! {
        #[watcher_table(name = "o")]
        pub struct O { #[watcher(primary_key)] pub id: i32 }
        #[watcher_table(
            name = "t",
            index(name = "ix_a", columns(a)),
            check(name = "ck_a", expr = "a > 0"),
            unique(name = "uq_a", columns(a)),
        )]
        pub struct T {
            #[watcher(primary_key, serial = false)]
            pub id: i32,
            pub a: i32,
            #[watcher(references = O)]
            pub o_id: i32,
        }
    };
    let model = model_of(old, "3");
    // Every struct-side difference sits on its own line so that spans are unambiguous.
    let args: TokenStream = "name = \"t\",\nindex(name = \"ix_a\", columns(a, id)),\ncheck(name = \"ck_a\", expr = \"a > 1\"),\nunique(name = \"uq_a\", columns(id, a)),"
        .parse()
        .unwrap();
    let item: TokenStream = "pub struct T {\n    #[watcher(primary_key, serial)]\n    pub id: i32,\n    pub a: i32,\n    #[watcher(references = \"o\", on_delete = \"cascade\")]\n    pub o_id: i32,\n}"
        .parse()
        .unwrap();
    let found = located_errors(watcher_table(args, item, &loader(model)));
    let cmd_free: Vec<(&str, usize, usize)> =
        found.iter().map(|(m, l, c)| (m.as_str(), *l, *c)).collect();
    assert_eq!(
        cmd_free,
        [
            ("column `t.id` is not generated in the migrations (head 3) but serial in the struct", 2, 27),
            ("foreign key `t_o_id_fkey` on `t` is `(o_id) REFERENCES o (id)` in the migrations (head 3) but `(o_id) REFERENCES o (id) ON DELETE CASCADE` in the struct", 5, 27),
            ("unique constraint `uq_a` on `t` is `UNIQUE (a)` in the migrations (head 3) but `UNIQUE (id, a)` in the struct", 4, 14),
            ("check `ck_a` on `t` is `CHECK (a > 0)` in the migrations (head 3) but `CHECK (a > 1)` in the struct", 3, 13),
            ("index `ix_a` on `t` is `USING btree (a)` in the migrations (head 3) but `USING btree (a, id)` in the struct", 2, 13),
        ]
    );
}

#[test]
fn primary_key_drift_points_at_the_key() {
    let old = quote! {
        #[watcher_table(name = "c", primary_key(a))]
        pub struct C { pub a: i32, pub b: i32 }
    };
    let model = model_of(old, "4");
    let args: TokenStream = "name = \"c\",\nprimary_key(a, b)".parse().unwrap();
    let item: TokenStream = "pub struct C { pub a: i32, pub b: i32 }".parse().unwrap();
    let found = located_errors(watcher_table(args, item, &loader(model)));
    assert_eq!(
        found,
        [
            // A single integer key was serial; a composite key is not (at the field name).
            (
                "column `c.a` is serial in the migrations (head 4) but not generated in the struct"
                    .to_string(),
                1,
                19
            ),
            // At the struct-level `primary_key` list.
            (
                "primary key of `c` is (a) in the migrations (head 4) but (a, b) in the struct"
                    .to_string(),
                2,
                0
            ),
        ]
    );
}

#[test]
fn invalid_items_are_emitted_without_helpers_beside_their_errors() {
    let output = watcher_table(
        quote!(name = "t", bogus),
        quote!(
            pub struct T {
                #[watcher(primary_key, max_length = "x")]
                pub id: i32,
            }
        ),
        &loader(Arc::new(HeadModel::default())),
    );
    assert_eq!(errors(&output).len(), 2);
    let text = pretty(output);
    assert!(
        text.contains("pub struct T {\n    pub id: i32,\n}"),
        "{text}"
    );
    assert!(
        !text.contains("table!"),
        "no code is generated from an invalid struct"
    );

    let output = watcher_table(
        quote!(),
        quote!(
            enum E {
                A,
            }
        ),
        &loader(Arc::new(HeadModel::default())),
    );
    assert_eq!(
        errors(&output),
        ["`#[watcher_table]` goes on a struct with named fields, one per column\nhelp: for a PostgreSQL enum type, use `#[watcher_enum]` on a Rust enum"]
    );
    assert!(pretty(output).contains("enum E"));

    let output = watcher_enum(
        quote!(),
        quote!(
            struct S;
        ),
        &loader(Arc::new(HeadModel::default())),
    );
    assert!(errors(&output)[0].starts_with("`#[watcher_enum]` goes on an enum"));
}

#[test]
fn enum_drift_points_at_variants() {
    let model = model_of(
        quote!(
            #[watcher_enum(name = "mood")]
            enum Mood {
                Happy,
                Sad,
            }
        ),
        "2",
    );
    let output = watcher_enum(
        quote!(name = "mood"),
        quote!(
            enum Mood {
                Happy,
                Angry,
            }
        ),
        &loader(Arc::clone(&model)),
    );
    assert_eq!(
        errors(&output),
        [
            "label `Angry` of enum type `mood` is not in the migrations (head 2)\nhelp: run `watcher-schema revision --autogenerate -m \"add Angry to mood\"`",
            "label `Sad` of enum type `mood` is in the migrations (head 2) but no variant has it\nhelp: add a variant for it, or run `watcher-schema revision --autogenerate -m \"remove Sad from mood\"`",
        ]
    );
    let output = watcher_enum(
        quote!(),
        quote!(
            enum Other {
                A,
            }
        ),
        &loader(model),
    );
    assert_eq!(
        errors(&output),
        ["enum type `other` is not in the migrations (head 2)\nhelp: run `watcher-schema revision --autogenerate -m \"create enum other\"`"]
    );
}

#[test]
fn a_missing_model_is_one_clear_error() {
    let fail = |_: Option<&Spanned<String>>| -> Loaded {
        Err(syn::Error::new(proc_macro2::Span::call_site(), "no model")).into()
    };
    let (args, item) = pipeline_struct();
    let output = watcher_table(args, item, &fail);
    assert_eq!(errors(&output), ["no model"]);
    assert!(output.to_string().contains("table !"));
}

#[test]
fn files_the_model_came_from_are_included_so_rustc_tracks_them() {
    let files = [
        PathBuf::from("/m/20250101000000_initial/up.sql"),
        PathBuf::from("/m/20250101000000_initial/down.sql"),
    ];
    let tracked = |model: Result<Arc<HeadModel>, syn::Error>| {
        let files = files.to_vec();
        move |_: Option<&Spanned<String>>| Loaded {
            model: model.clone(),
            files: files.clone(),
        }
    };
    let includes = |output: &TokenStream| -> Vec<String> {
        let file: syn::File = syn::parse2(output.clone()).expect("expansion parses");
        file.items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Const(c) => match &*c.expr {
                    syn::Expr::Macro(m) if m.mac.path.segments.last()?.ident == "include_bytes" => {
                        Some(m.mac.parse_body::<syn::LitStr>().ok()?.value())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect()
    };
    let expected = [
        "/m/20250101000000_initial/up.sql",
        "/m/20250101000000_initial/down.sql",
    ];
    let (args, item) = pipeline_struct();
    let model = model_of(pipeline_source(), "20251005124405");
    let output = watcher_table(args.clone(), item.clone(), &tracked(Ok(model)));
    assert_eq!(includes(&output), expected);
    assert!(errors(&output).is_empty());
    // A model that failed to load is tracked too, so fixing the file rebuilds the crate.
    let failed = Err(syn::Error::new(
        proc_macro2::Span::call_site(),
        "bad up.sql",
    ));
    let output = watcher_table(args, item, &tracked(failed.clone()));
    assert_eq!(includes(&output), expected);
    assert_eq!(errors(&output), ["bad up.sql"]);
    let output = schema(quote!(pipeline), &tracked(failed));
    assert_eq!(includes(&output), expected);
}

fn is_compile_error(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "compile_error")
}
