//! Checked [`ast`](super::ast) → [`Hints`]: what the history keys (`backfill`,
//! `renamed_from`, `allow_destructive`) tell the generator about intent. The model never
//! sees them, so they cause no drift; `diff::plan` reads them when a migration is written.

use syn::ext::IdentExt;

use super::ast::{Enum, Table};
use crate::diff::{Destructive, Hints};
use crate::model::Expr;

/// The hints `tables` and `enums` give, added to `hints` (which may carry the command
/// line's `--allow-destructive` and `--concurrently`).
pub fn collect(tables: &[Table], enums: &[Enum], mut hints: Hints) -> Hints {
    for table in tables {
        if let Some(old) = &table.attrs.renamed_from {
            hints
                .table_renames
                .insert(old.value.clone(), table.name.clone());
        }
        for field in &table.fields {
            let key = (table.name.clone(), field.column.clone());
            if let Some(using) = &field.attrs.using {
                hints.usings.insert(key.clone(), Expr::new(&using.value));
            }
            if let Some(using) = &field.attrs.down_using {
                hints
                    .down_usings
                    .insert(key.clone(), Expr::new(&using.value));
            }
            if let Some(fill) = &field.attrs.backfill {
                hints.backfills.insert(key, Expr::new(&fill.value));
            }
            if let Some(old) = &field.attrs.renamed_from {
                hints.column_renames.insert(
                    (table.name.clone(), old.value.clone()),
                    field.column.clone(),
                );
            }
        }
        for (ident, fill) in &table.attrs.down_backfills {
            // A field's column name, or the name of a column the struct no longer has.
            let column = table
                .field(ident)
                .map_or_else(|| ident.unraw().to_string(), |f| f.column.clone());
            hints
                .down_backfills
                .insert((table.name.clone(), column), Expr::new(&fill.value));
        }
        if table
            .attrs
            .online
            .as_ref()
            .is_some_and(|online| !online.value)
        {
            hints.offline_tables.insert(table.name.clone());
        }
        let Some(confirmations) = &table.attrs.allow_destructive else {
            continue;
        };
        for ident in &confirmations.drop_columns {
            hints.allowed.insert(Destructive::DropColumn {
                table: table.name.clone(),
                column: ident.unraw().to_string(),
            });
        }
        for ident in &confirmations.change_types {
            hints.allowed.insert(Destructive::ChangeType {
                table: table.name.clone(),
                column: table.column_of(ident),
            });
        }
        if confirmations.change_primary_key.is_some() {
            hints.allowed.insert(Destructive::ChangePrimaryKey {
                table: table.name.clone(),
            });
        }
    }
    for item in enums {
        if let Some(old) = &item.attrs.renamed_from {
            hints
                .enum_renames
                .insert(old.value.clone(), item.name.clone());
        }
        for variant in &item.variants {
            if let Some(old) = &variant.renamed_from {
                hints.label_renames.insert(
                    (item.name.clone(), old.value.clone()),
                    variant.label.value.clone(),
                );
            }
        }
        let Some(confirmations) = &item.attrs.allow_destructive else {
            continue;
        };
        for label in &confirmations.remove_labels {
            hints.allowed.insert(Destructive::RemoveEnumLabel {
                name: item.name.clone(),
                label: label.value.clone(),
            });
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::Definitions;

    fn messages(err: syn::Error) -> Vec<String> {
        err.into_iter().map(|e| e.to_string()).collect()
    }

    fn errors(file: syn::File) -> Vec<String> {
        match Definitions::from_files([&file]) {
            Ok(_) => Vec::new(),
            Err(err) => messages(err),
        }
    }

    #[test]
    fn history_keys_become_hints_and_leave_the_model_alone() {
        let file: syn::File = syn::parse_quote! {
            #[watcher_table(
                renamed_from = "address_old",
                online = false,
                allow_destructive(drop_column(deprecated, r#type), change_type(kind), change_primary_key),
                down_backfill(deprecated = "false", kind = "0")
            )]
            pub struct Address {
                #[watcher(primary_key)]
                pub id: i32,
                #[watcher(max_length = 150)]
                pub name: String,
                #[watcher(max_length = 20, backfill = "left(md5(name), 20)")]
                pub input_hash: String,
                #[watcher(renamed_from = "address_metadata_old")]
                pub address_metadata: Option<serde_json::Value>,
                #[watcher(column = "kind_code", down_using = "kind_code::integer")]
                pub kind: i64,
            }
            #[watcher_enum(renamed_from = "date_part", allow_destructive(remove_label("WEEK", "YEAR")))]
            pub enum DatePartEnum {
                #[watcher(renamed_from = "MIN")]
                Minute,
                Hour,
            }
        };
        let defs = Definitions::from_files([&file]).unwrap_or_else(|e| panic!("{:?}", messages(e)));
        let hints = defs.hints(Hints {
            concurrent_indexes: true,
            ..Hints::default()
        });
        let expected = Hints {
            concurrent_indexes: true,
            ..Hints::default()
        }
        .rename_table("address_old", "address")
        .offline("address")
        .rename_column("address", "address_metadata_old", "address_metadata")
        .backfill("address", "input_hash", "left(md5(name), 20)")
        .down_backfill("address", "deprecated", "false")
        .down_backfill("address", "kind_code", "0")
        .down_using("address", "kind_code", "kind_code::integer")
        .rename_enum("date_part", "datepartenum")
        .rename_label("datepartenum", "MIN", "Minute")
        .allow(Destructive::DropColumn {
            table: "address".into(),
            column: "deprecated".into(),
        })
        .allow(Destructive::DropColumn {
            table: "address".into(),
            column: "type".into(),
        })
        .allow(Destructive::ChangeType {
            table: "address".into(),
            column: "kind_code".into(),
        })
        .allow(Destructive::ChangePrimaryKey {
            table: "address".into(),
        })
        .allow(Destructive::RemoveEnumLabel {
            name: "datepartenum".into(),
            label: "WEEK".into(),
        })
        .allow(Destructive::RemoveEnumLabel {
            name: "datepartenum".into(),
            label: "YEAR".into(),
        });
        assert_eq!(hints, expected);

        // The model is what the same structs declare without the history keys.
        let plain: syn::File = syn::parse_quote! {
            #[watcher_table]
            pub struct Address {
                #[watcher(primary_key)]
                pub id: i32,
                #[watcher(max_length = 150)]
                pub name: String,
                #[watcher(max_length = 20)]
                pub input_hash: String,
                pub address_metadata: Option<serde_json::Value>,
                #[watcher(column = "kind_code")]
                pub kind: i64,
            }
            #[watcher_enum]
            pub enum DatePartEnum { Minute, Hour }
        };
        let plain =
            Definitions::from_files([&plain]).unwrap_or_else(|e| panic!("{:?}", messages(e)));
        assert_eq!(defs.schema(), plain.schema());
        assert_eq!(plain.hints(Hints::default()), Hints::default());
    }

    #[test]
    fn rejects_backfills_that_would_never_run() {
        let errors = errors(syn::parse_quote! {
            #[watcher_table]
            pub struct Pipeline {
                #[watcher(primary_key, serial, backfill = "0")]
                pub id: i32,
                #[watcher(backfill = "'x'")]
                pub note: Option<String>,
            }
        });
        let empty = self::errors(syn::parse_quote! {
            #[watcher_table]
            pub struct Pipeline {
                #[watcher(primary_key)]
                pub id: i32,
                #[watcher(backfill = " ")]
                pub name: String,
            }
        });
        assert_eq!(
            empty,
            ["`backfill` needs a SQL expression, not an empty string"]
        );
        assert_eq!(
            errors,
            [
                "a `serial` column gets its values from the server; `pipeline.id` needs no `backfill`",
                "`backfill` fills existing rows of a NOT NULL column, but `pipeline.note` is an `Option`\nhelp: remove `backfill`, or make the field non-optional",
            ]
        );
    }

    #[test]
    fn down_backfill_takes_columns_with_their_fills() {
        let written = |attr: proc_macro2::TokenStream| {
            errors(syn::parse_quote! {
                #[watcher_table(#attr)]
                pub struct Pipeline {
                    #[watcher(primary_key)]
                    pub id: i32,
                }
            })
        };
        let list = "help: write `down_backfill(code = \"'none'\")`: each column the way down \
                    brings back NOT NULL, with the SQL expression that fills its rows";
        assert_eq!(
            written(quote::quote!(down_backfill = "0")),
            [format!(
                "`down_backfill` lists columns and their fills\n{list}"
            )]
        );
        assert_eq!(
            written(quote::quote!(down_backfill(slug = ""))),
            ["`down_backfill` needs a SQL expression, not an empty string"]
        );
        assert_eq!(
            written(quote::quote!(down_backfill(slug = "'s' || id"))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn rejects_renames_from_names_still_declared() {
        let errors = errors(syn::parse_quote! {
            #[watcher_table(renamed_from = "pipeline")]
            pub struct Pipeline {
                #[watcher(primary_key)]
                pub id: i32,
                #[watcher(renamed_from = "name")]
                pub name: String,
                #[watcher(renamed_from = "name")]
                pub title: String,
                #[watcher(renamed_from = "label")]
                pub caption: String,
                #[watcher(renamed_from = "label")]
                pub heading: String,
            }
        });
        assert_eq!(
            errors,
            [
                "`renamed_from` names the column `pipeline.name` itself\nhelp: give the column's previous name, or remove `renamed_from`",
                "column `pipeline.name` is still declared by field `name`, so `title` cannot be renamed from it\nhelp: remove the field `name`, or this `renamed_from`",
                "column `pipeline.label` cannot become both `caption` and `heading`\nhelp: remove one of the `renamed_from`s",
                "`renamed_from` names the table `pipeline` itself\nhelp: give the table's previous name, or remove `renamed_from`",
            ]
        );
        // Across structs, once each struct is valid on its own.
        let errors = self::errors(syn::parse_quote! {
            #[watcher_table]
            pub struct Pipeline {
                #[watcher(primary_key)]
                pub id: i32,
            }
            #[watcher_table(renamed_from = "pipeline")]
            pub struct Job {
                #[watcher(primary_key)]
                pub id: i32,
            }
            #[watcher_table(renamed_from = "pipeline_old")]
            pub struct Task {
                #[watcher(primary_key)]
                pub id: i32,
            }
            #[watcher_table(renamed_from = "pipeline_old")]
            pub struct Step {
                #[watcher(primary_key)]
                pub id: i32,
            }
        });
        assert_eq!(
            errors,
            [
                "table `pipeline` is still declared by `Pipeline`, so `job` cannot be renamed from it\nhelp: remove one of them",
                "table `pipeline_old` cannot become both `task` and `step`\nhelp: remove one of the `renamed_from`s",
            ]
        );
    }

    #[test]
    fn confirmations_name_what_they_confirm() {
        let errors = errors(syn::parse_quote! {
            #[watcher_table(allow_destructive(
                drop_column(name, old_name, gone, gone),
                change_type(nope),
                change_primary_key,
                drop_table(x)
            ))]
            pub struct Pipeline {
                #[watcher(primary_key)]
                pub id: i32,
                pub name: String,
                #[watcher(renamed_from = "old_name")]
                pub title: String,
            }
            #[watcher_table(allow_destructive)]
            pub struct Job {
                #[watcher(primary_key)]
                pub id: i32,
            }
            #[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE", allow_destructive(remove_label("HOUR", "WEEK", "WEEK")))]
            pub enum DatePartEnum { Minute, Hour }
        });
        assert_eq!(
            errors,
            [
                "unknown key `drop_table` in `allow_destructive(...)`\nhelp: known keys: `drop_column`, `change_type`, `change_primary_key`",
                "`allow_destructive` lists the changes it confirms\nhelp: write `allow_destructive(drop_column(a))`; to confirm every change of one migration, pass `--allow-destructive` to `watcher-schema revision` instead",
            ]
        );
        let errors = self::errors(syn::parse_quote! {
            #[watcher_table(allow_destructive(
                drop_column(name, old_name, gone, gone),
                change_type(nope),
                change_primary_key,
            ))]
            pub struct Pipeline {
                #[watcher(primary_key)]
                pub id: i32,
                pub name: String,
                #[watcher(renamed_from = "old_name")]
                pub title: String,
            }
            #[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE", allow_destructive(remove_label("HOUR", "WEEK", "WEEK")))]
            pub enum DatePartEnum { Minute, Hour }
        });
        assert_eq!(
            errors,
            [
                "`gone` appears twice in `drop_column(...)`",
                "column `pipeline.name` is still declared by field `name`; `drop_column` confirms dropping a column no field declares\nhelp: remove the field, or this confirmation",
                "column `pipeline.old_name` is renamed to `title`, which keeps its values; it is not dropped\nhelp: remove `old_name` from `drop_column(...)`",
                "no field `nope` in `Pipeline`\nhelp: name a field of the struct: `id`, `name`, `title`",
                "label `HOUR` is still declared by variant `Hour`; `remove_label` confirms removing a label no variant has\nhelp: remove the variant, or this confirmation",
                "label `WEEK` appears twice in `remove_label(...)`",
            ]
        );
    }
}
