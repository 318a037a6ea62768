//! The macros' stages: core's parser (parse, then check) → the migration model and drift →
//! the generated Diesel code. An invalid item yields itself (helpers removed) and its errors.
//!
//! Drift never suppresses code: a struct that differs from the migrations is still a valid
//! row type, so its Diesel code is emitted beside the errors and the rest of the crate
//! type-checks, leaving only the drift to read.

use std::path::PathBuf;
use std::sync::Arc;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{parse_quote, Ident, LitByteStr, Token};
use watcher_schema_core::head::HeadModel;
use watcher_schema_core::model;
use watcher_schema_core::structs;
use watcher_schema_core::structs::ast::{Enum, Field, RustTy, Table};
use watcher_schema_core::structs::attr::{self, Reference, Spanned};

use crate::drift;
use crate::tokens::{ident, DieselType};

mod schema;

pub use schema::schema;

/// Where an expansion gets the migration model: `load::load` in the compiler, a fixed
/// model in tests. The argument is the `migrations = "..."` value, if any.
pub type Loader<'a> = &'a dyn Fn(Option<&Spanned<String>>) -> Loaded;

/// What a [`Loader`] found: the model, and the files it read (or tried to) for it.
pub struct Loaded {
    /// The migration model, or why there is none.
    pub model: Result<Arc<HeadModel>, syn::Error>,
    /// Absolute paths of the files the model came from. rustc does not know a proc macro
    /// read them, so the expansion names each in `include_bytes!` to be rebuilt when one
    /// changes, also when it failed to load.
    pub files: Vec<PathBuf>,
}

impl From<Result<Arc<HeadModel>, syn::Error>> for Loaded {
    /// A model read from no file (tests).
    fn from(model: Result<Arc<HeadModel>, syn::Error>) -> Self {
        Loaded {
            model,
            files: Vec::new(),
        }
    }
}

/// `#[watcher_table(args)] struct ...`.
pub fn watcher_table(args: TokenStream, input: TokenStream, load: Loader) -> TokenStream {
    let item = match syn::parse2::<syn::Item>(input.clone()) {
        Ok(syn::Item::Struct(item)) => item,
        Ok(other) => {
            let err = syn::Error::new(
                item_keyword_span(&other),
                "`#[watcher_table]` goes on a struct with named fields, one per column\nhelp: for a PostgreSQL enum type, use `#[watcher_enum]` on a Rust enum",
            );
            return with_errors(input, err);
        }
        Err(err) => return with_errors(input, err),
    };
    let table = match structs::parse_table(args, &item) {
        Ok(table) => table,
        Err(err) => return with_errors(strip_struct(&item).into_token_stream(), err),
    };
    let loaded = load(table.attrs.migrations.as_ref());
    let code = with_tracked(table_code(&table), &loaded.files);
    match loaded.model.and_then(|m| drift::check_table(&table, &m)) {
        Ok(()) => code,
        Err(err) => with_errors(code, err),
    }
}

/// `#[watcher_enum(args)] enum ...`.
pub fn watcher_enum(args: TokenStream, input: TokenStream, load: Loader) -> TokenStream {
    let item = match syn::parse2::<syn::Item>(input.clone()) {
        Ok(syn::Item::Enum(item)) => item,
        Ok(other) => {
            let err = syn::Error::new(
                item_keyword_span(&other),
                "`#[watcher_enum]` goes on an enum whose variants are the PostgreSQL enum's labels\nhelp: for a table, use `#[watcher_table]` on a struct",
            );
            return with_errors(input, err);
        }
        Err(err) => return with_errors(input, err),
    };
    let parsed = match structs::parse_enum(args, &item) {
        Ok(parsed) => parsed,
        Err(err) => return with_errors(strip_enum(&item).into_token_stream(), err),
    };
    let loaded = load(parsed.attrs.migrations.as_ref());
    let code = with_tracked(enum_code(&parsed), &loaded.files);
    match loaded.model.and_then(|m| drift::check_enum(&parsed, &m)) {
        Ok(()) => code,
        Err(err) => with_errors(code, err),
    }
}

/// `code`, then `const _: &[u8] = include_bytes!("<file>");` for each file the model was
/// read from: the stable way to make rustc rebuild the crate when one changes. Paths that
/// are not UTF-8 cannot be written as a literal and go untracked.
fn with_tracked(code: TokenStream, files: &[PathBuf]) -> TokenStream {
    let files = files.iter().filter_map(|f| f.to_str());
    quote! {
        #code
        #(const _: &[u8] = ::std::include_bytes!(#files);)*
    }
}

fn with_errors(code: TokenStream, err: syn::Error) -> TokenStream {
    let errors = err.to_compile_error();
    quote!(#code #errors)
}

fn item_keyword_span(item: &syn::Item) -> Span {
    match item {
        syn::Item::Enum(e) => e.enum_token.span,
        syn::Item::Struct(s) => s.struct_token.span,
        syn::Item::Union(u) => u.union_token.span,
        syn::Item::Fn(f) => f.sig.fn_token.span,
        other => other.span(),
    }
}

/// The struct without our `#[watcher(...)]` helpers, which rustc would reject.
fn strip_struct(item: &syn::ItemStruct) -> syn::ItemStruct {
    let mut item = item.clone();
    item.attrs.retain(|a| !attr::is_helper(a));
    for field in &mut item.fields {
        field.attrs.retain(|a| !attr::is_helper(a));
    }
    item
}

fn strip_enum(item: &syn::ItemEnum) -> syn::ItemEnum {
    let mut item = item.clone();
    item.attrs.retain(|a| !attr::is_helper(a));
    for variant in &mut item.variants {
        variant.attrs.retain(|a| !attr::is_helper(a));
    }
    item
}

/// Everything one `#[watcher_table]` struct generates.
fn table_code(table: &Table) -> TokenStream {
    let model = table.to_model();
    let row = row_struct(table, &model);
    let table_macro = table_macro(table, &model);
    let joins = joinables(table, &model);
    let insertable = insertable(table, &model);
    let checks = table_checks(table);
    quote! {
        #row
        #table_macro
        #(#joins)*
        #insertable
        #checks
    }
}

fn key_idents<'t>(table: &'t Table, model: &model::Table) -> Vec<&'t Ident> {
    let key = model
        .primary_key
        .as_ref()
        .map(|k| k.columns.as_slice())
        .unwrap_or_default();
    key.iter()
        .filter_map(|column| table.field_by_column(column).map(|f| f.ident))
        .collect()
}

/// The user's struct with the Diesel derives a careful Diesel user writes.
fn row_struct(table: &Table, model: &model::Table) -> syn::ItemStruct {
    // #[derive(Queryable, Selectable, Identifiable, AsChangeset)]
    // #[diesel(table_name = pipeline, primary_key(id), check_for_backend(Pg), treat_none_as_null = true)]
    // pub struct Pipeline { ... }
    let mut item = strip_struct(table.original);
    let table_ident = ident(&table.name);
    let key = key_idents(table, model);
    // Diesel cannot derive a changeset of key columns only (a closure table's key, say).
    let changeset =
        (table.fields.len() > key.len()).then(|| quote!(, ::diesel::prelude::AsChangeset));
    item.attrs.push(parse_quote! {
        #[derive(
            ::diesel::prelude::Queryable,
            ::diesel::prelude::Selectable,
            ::diesel::prelude::Identifiable
            #changeset
        )]
    });
    // `treat_none_as_null`: the struct is a whole row, so `None` means NULL when saved.
    let none_as_null = changeset
        .as_ref()
        .map(|_| quote!(, treat_none_as_null = true));
    item.attrs.push(parse_quote! {
        #[diesel(
            table_name = #table_ident,
            primary_key(#(#key),*),
            check_for_backend(::diesel::pg::Pg)
            #none_as_null
        )]
    });
    item
}

fn table_macro(table: &Table, model: &model::Table) -> TokenStream {
    // ::diesel::table! {
    //     use super::DatePartEnum;
    //     /// ...
    //     pipeline (id) {
    //         id -> ::diesel::sql_types::Integer,
    //         #[sql_name = "type"] kind -> ::diesel::sql_types::Nullable<...>,
    //     }
    // }
    let table_ident = ident(&table.name);
    let key = key_idents(table, model);
    let mut enums: Vec<&Ident> = Vec::new();
    let columns = table.fields.iter().filter_map(|field| {
        let rust = field.rust.as_ref()?;
        let column = model.column(&field.column)?;
        if let RustTy::Enum(ident) = rust.base.innermost() {
            if !enums.contains(ident) {
                enums.push(ident);
            }
        }
        let ty = DieselType {
            sql: &column.ty,
            rust: &rust.base,
            nullable: column.nullable,
        };
        let field_ident = field.ident;
        let sql_name = (syn::ext::IdentExt::unraw(field_ident) != field.column).then(|| {
            let name = &field.column;
            quote!(#[sql_name = #name])
        });
        // The field's docs document the column too (Diesel's column structs are public).
        let mut docs: Vec<syn::Attribute> = doc_attrs(&field.original.attrs).cloned().collect();
        if docs.is_empty() {
            let text = format!(" The `{}.{}` column.", table.name, field.column);
            docs.push(parse_quote!(#[doc = #text]));
        }
        Some(quote!(#(#docs)* #sql_name #field_ident -> #ty,))
    });
    let columns: Vec<TokenStream> = columns.collect();
    let doc = format!(
        " The `{}` table, for `{}` (generated by `#[watcher_table]`).",
        table.name, table.ident
    );
    quote! {
        ::diesel::table! {
            #(use super::#enums;)*
            #[doc = #doc]
            #table_ident (#(#key),*) {
                #(#columns)*
            }
        }
    }
}

/// What `diesel::joinable!` writes, for each foreign key to a struct's table: only where one
/// key links the pair (Diesel allows one join per pair) and it targets the `id` key, as
/// `print-schema` does. The parent table is named through its struct's `WatcherTable`
/// impl, so a struct brought in by `use` joins as well as one named by its full path.
fn joinables(table: &Table, model: &model::Table) -> Vec<TokenStream> {
    let child = ident(&table.name);
    let targets: Vec<&str> = model
        .foreign_keys
        .values()
        .map(|fk| fk.ref_table.as_str())
        .collect();
    table
        .fields
        .iter()
        .filter_map(|field| {
            let Some(Reference::Struct(path)) = &field.attrs.references else {
                return None;
            };
            let target = field.attrs.references.as_ref()?.table();
            let single = targets.iter().filter(|t| **t == target).count() == 1;
            let to_id = field
                .attrs
                .references_column
                .as_ref()
                .is_none_or(|c| c.value == "id");
            if target == table.name || !single || !to_id {
                return None;
            }
            Some(join_impls(&child, field.ident, path))
        })
        .collect()
}

/// `JoinTo` both ways between `child` and the table of struct `parent`, on
/// `child.column = parent.id` compared as nullable (the column may be).
fn join_impls(child: &Ident, column: &Ident, parent: &syn::Path) -> TokenStream {
    // The aliases' names must not be one a user's `references = ...` path could mean.
    quote! {
        const _: () = {
            use ::diesel::{ExpressionMethods as _, NullableExpressionMethods as _, Table as _};

            type WatcherParentTable = <#parent as ::watcher_schema::__private::WatcherTable>::Table;
            type WatcherJoinOn = ::diesel::dsl::Eq<
                ::diesel::dsl::Nullable<#child::#column>,
                ::diesel::dsl::Nullable<<WatcherParentTable as ::diesel::Table>::PrimaryKey>,
            >;

            fn on(parent: WatcherParentTable) -> WatcherJoinOn {
                #child::#column.nullable().eq(parent.primary_key().nullable())
            }

            #[automatically_derived]
            impl ::diesel::JoinTo<WatcherParentTable> for #child::table {
                type FromClause = WatcherParentTable;
                type OnClause = WatcherJoinOn;

                fn join_target(rhs: WatcherParentTable) -> (Self::FromClause, Self::OnClause) {
                    (rhs, on(rhs))
                }
            }

            #[automatically_derived]
            impl ::diesel::JoinTo<#child::table> for WatcherParentTable {
                type FromClause = #child::table;
                type OnClause = WatcherJoinOn;

                fn join_target(rhs: #child::table) -> (Self::FromClause, Self::OnClause) {
                    (rhs, on(::std::default::Default::default()))
                }
            }
        };
    }
}

/// `New<Struct>`: the insertable companion without server-generated columns, where
/// server-defaulted columns are optional (`None` inserts `DEFAULT`).
fn insertable(table: &Table, model: &model::Table) -> Option<TokenStream> {
    // /// A new row for `Pipeline` ...
    // #[derive(Debug, Clone, Insertable)]
    // #[diesel(table_name = pipeline, check_for_backend(Pg))]
    // pub struct NewPipeline { pub name: String, pub active: Option<bool>, ... }
    let fields: Vec<TokenStream> = table
        .fields
        .iter()
        .filter_map(|field| {
            let column = model.column(&field.column)?;
            if column.generated.is_some() {
                return None;
            }
            let docs = doc_attrs(&field.original.attrs);
            let vis = &field.original.vis;
            let name = field.ident;
            let ty = field.ty;
            let ty = if column.default.is_some() && !field.nullable() {
                quote!(::std::option::Option<#ty>)
            } else {
                quote!(#ty)
            };
            Some(quote!(#(#docs)* #vis #name: #ty,))
        })
        .collect();
    if fields.is_empty() {
        return None;
    }
    let item = table.original;
    let vis = &item.vis;
    let name = format_ident!("New{}", item.ident);
    let table_ident = ident(&table.name);
    let derives = mirrored_derives(&item.attrs);
    let doc = format!(
        " A new row for [`{}`]: server-generated columns are left out, and server-defaulted ones are optional (`None` inserts `DEFAULT`).",
        item.ident
    );
    let constructor = constructor::constructor(table, model, &name);
    Some(quote! {
        #[doc = #doc]
        #[derive(#(#derives,)* ::diesel::prelude::Insertable)]
        #[diesel(table_name = #table_ident, check_for_backend(::diesel::pg::Pg))]
        #vis struct #name {
            #(#fields)*
        }
        #constructor
    })
}

fn doc_attrs(attrs: &[syn::Attribute]) -> impl Iterator<Item = &syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("doc"))
}

/// The standard derives of the user's struct that `New<Struct>` can have too.
fn mirrored_derives(attrs: &[syn::Attribute]) -> Vec<syn::Path> {
    const MIRRORED: &[&str] = &["Debug", "Clone", "PartialEq", "Eq", "Hash"];
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        for path in paths {
            let mirrored = path
                .segments
                .last()
                .is_some_and(|s| MIRRORED.iter().any(|m| s.ident == m));
            if mirrored {
                out.push(path);
            }
        }
    }
    out
}

/// Compile-time checks that the names the model took for granted hold: a referenced
/// struct declares the table the foreign key names, and an enum field's type is the
/// `#[watcher_enum]` of the PostgreSQL enum type the column uses.
fn table_checks(table: &Table) -> TokenStream {
    let ident = table.ident;
    let name = &table.name;
    let table_module = self::ident(name);
    let mut checks = Vec::new();
    for field in &table.fields {
        if let Some(Reference::Struct(path)) = &field.attrs.references {
            // const _: () = assert_table::<PipelineType>("pipeline_type", "...");
            let target = field
                .attrs
                .references
                .as_ref()
                .map(Reference::table)
                .unwrap_or_default();
            let last = path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            let msg = format!(
                "`{last}` does not declare table `{target}`: its `#[watcher_table(name = ...)]` differs\nhelp: reference the table by name: `references = \"...\"`"
            );
            checks.push(quote_spanned! {path.span()=>
                const _: () = ::watcher_schema::__private::assert_table::<#path>(#target, #msg);
            });
        }
        checks.extend(enum_check(field));
    }
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::watcher_schema::__private::WatcherTable for #ident {
                const TABLE_NAME: &'static str = #name;
                type Table = #table_module::table;
            }
            #(#checks)*
        };
    }
}

fn enum_check(field: &Field) -> Option<TokenStream> {
    // const _: () = assert_enum::<DatePartEnum>("datepartenum", "...");
    let rust = field.rust.as_ref()?;
    let RustTy::Enum(enum_ident) = rust.base.innermost() else {
        return None;
    };
    let mut sql = field.sql_type()?;
    while let model::SqlType::Array(inner) = sql {
        sql = *inner;
    }
    let model::SqlType::Enum(type_name) = sql else {
        return None;
    };
    let msg = format!(
        "`{enum_ident}` is not the `#[watcher_enum]` of PostgreSQL type `{type_name}`: its `#[watcher_enum(name = ...)]` differs\nhelp: name the column's type: `#[watcher(sql_type = \"...\")]`"
    );
    Some(quote_spanned! {enum_ident.span()=>
        const _: () = ::watcher_schema::__private::assert_enum::<#enum_ident>(#type_name, #msg);
    })
}

/// Everything one `#[watcher_enum]` generates.
fn enum_code(parsed: &Enum) -> TokenStream {
    // #[derive(AsExpression, FromSqlRow)]
    // #[diesel(sql_type = DatePartEnumSql)]
    // pub enum DatePartEnum { ... }
    //
    // pub type DatePartEnumSql = EnumSql<DatePartEnum>;
    //
    // const _: () = { impl WatcherEnum; impl ToSql; impl FromSql; };
    let mut item = strip_enum(parsed.original);
    let ident = parsed.ident;
    let sql_ident = format_ident!("{}Sql", ident);
    item.attrs.push(parse_quote! {
        #[derive(::diesel::expression::AsExpression, ::diesel::deserialize::FromSqlRow)]
    });
    item.attrs
        .push(parse_quote!(#[diesel(sql_type = #sql_ident)]));
    let vis = &item.vis;
    let name = &parsed.name;
    let doc =
        format!(" The Diesel SQL type of the PostgreSQL enum `{name}`, which [`{ident}`] maps to.");
    let variants: Vec<&Ident> = parsed.variants.iter().map(|v| v.ident).collect();
    let labels: Vec<&str> = parsed
        .variants
        .iter()
        .map(|v| v.label.value.as_str())
        .collect();
    let bytes: Vec<LitByteStr> = labels
        .iter()
        .map(|l| LitByteStr::new(l.as_bytes(), Span::call_site()))
        .collect();
    let unknown = format!("unknown label `{{}}` for PostgreSQL enum `{name}`");
    quote! {
        #item

        #[doc = #doc]
        #vis type #sql_ident = ::watcher_schema::__private::EnumSql<#ident>;

        const _: () = {
            #[automatically_derived]
            impl ::watcher_schema::__private::WatcherEnum for #ident {
                const SQL_NAME: &'static str = #name;
                const LABELS: &'static [&'static str] = &[#(#labels),*];
            }

            #[automatically_derived]
            impl ::diesel::serialize::ToSql<#sql_ident, ::diesel::pg::Pg> for #ident {
                fn to_sql<'b>(
                    &'b self,
                    out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
                ) -> ::diesel::serialize::Result {
                    let label: &[u8] = match self {
                        #(Self::#variants => #bytes,)*
                    };
                    ::std::io::Write::write_all(out, label)?;
                    ::std::result::Result::Ok(::diesel::serialize::IsNull::No)
                }
            }

            #[automatically_derived]
            impl ::diesel::deserialize::FromSql<#sql_ident, ::diesel::pg::Pg> for #ident {
                fn from_sql(
                    value: ::diesel::pg::PgValue<'_>,
                ) -> ::diesel::deserialize::Result<Self> {
                    match value.as_bytes() {
                        #(#bytes => ::std::result::Result::Ok(Self::#variants),)*
                        other => ::std::result::Result::Err(::std::format!(
                            #unknown,
                            ::std::string::String::from_utf8_lossy(other)
                        ).into()),
                    }
                }
            }
        };
    }
}

mod constructor;
#[cfg(test)]
mod tests;
