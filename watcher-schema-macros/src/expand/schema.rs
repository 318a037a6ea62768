//! `schema!`: the listed table modules and the migration model → the pairs of tables Diesel
//! may use in one query (foreign-key components, named groups) → Diesel's impls per pair.
//!
//! Diesel's `allow_tables_to_appear_in_same_query!` recurses once per table and writes ten
//! impls for every pair on PostgreSQL, so a whole schema of a few hundred tables meets the
//! recursion limit and millions of impls. This writes the same impls itself, for the pairs
//! a query can need: tables linked by foreign keys, directly or not (what Diesel CLI's
//! `fk_related_tables` prints), plus the groups the user names.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Path, Token};
use watcher_schema_core::diag::Ctxt;
use watcher_schema_core::model::Schema;
use watcher_schema_core::structs::attr::Spanned;
use watcher_schema_core::structs::keys;

use super::{with_errors, with_tracked, Loader};
use crate::drift;

/// `schema! { [migrations = "dir";] [same_query = "...";] module::path, group(a, b), ... }`.
pub fn schema(input: TokenStream, load: Loader) -> TokenStream {
    let input: SchemaInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let tables: Vec<(String, &Path)> = input
        .tables()
        .map(|path| {
            let name = path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            (name, path)
        })
        .collect();
    let migrations = input.migrations.as_ref().map(|lit| Spanned {
        value: lit.value(),
        span: lit.span(),
    });
    let loaded = load(migrations.as_ref());

    // A table listed twice is an error of its own (`check_schema`); it is named once here so
    // that the impls do not conflict on top of it.
    let unique: Vec<(&str, &Path)> = tables
        .iter()
        .enumerate()
        .filter(|(i, (name, _))| !tables[..*i].iter().any(|(other, _)| other == name))
        .map(|(_, (name, path))| (name.as_str(), *path))
        .collect();
    let names: Vec<&str> = unique.iter().map(|(name, _)| *name).collect();
    let cx = Ctxt::new();
    let groups = resolve_groups(&cx, &input, &names);
    let model = loaded.model.as_ref().ok().map(|m| &m.schema);
    let pairs = allowed_pairs(&names, &groups, input.same_query(), model);
    let paths: Vec<&Path> = unique.iter().map(|(_, path)| *path).collect();
    let code = with_tracked(schema_code(&paths, &pairs), &loaded.files);

    let mut result = cx.finish();
    let drift = loaded.model.and_then(|m| drift::check_schema(&tables, &m));
    if let Err(err) = drift {
        match &mut result {
            Ok(()) => result = Err(err),
            Err(all) => all.combine(err),
        }
    }
    match result {
        Ok(()) => code,
        Err(err) => with_errors(code, err),
    }
}

/// Which tables may appear in one query, Diesel CLI's `allow_tables_to_appear_in_same_query_config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameQuery {
    /// Tables linked by foreign keys, directly or through other tables (the default).
    FkRelatedTables,
    /// Every pair of tables: Diesel's `allow_tables_to_appear_in_same_query!` over all.
    AllTables,
    /// Only the named groups.
    None,
}

impl SameQuery {
    const VALUES: &'static [(&'static str, SameQuery)] = &[
        ("fk_related_tables", SameQuery::FkRelatedTables),
        ("all_tables", SameQuery::AllTables),
        ("none", SameQuery::None),
    ];
}

/// The arguments of `schema!`.
pub struct SchemaInput {
    migrations: Option<LitStr>,
    same_query: Option<SameQuery>,
    items: Punctuated<Item, Token![,]>,
}

impl SchemaInput {
    fn tables(&self) -> impl Iterator<Item = &Path> {
        self.items.iter().filter_map(|item| match item {
            Item::Table(path) => Some(path),
            Item::Group(_) => None,
        })
    }

    fn same_query(&self) -> SameQuery {
        self.same_query.unwrap_or(SameQuery::FkRelatedTables)
    }
}

/// One entry of the list: a table module, or `group(a, b, ...)`.
enum Item {
    Table(Path),
    Group(Group),
}

/// `group(a, b, ...)`: tables, by name, that may all appear in one query.
struct Group {
    keyword: Ident,
    tables: Punctuated<Ident, Token![,]>,
}

impl Parse for SchemaInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut migrations = None;
        let mut same_query = None;
        // migrations = "dir";  same_query = "all_tables";  (each once, before the tables)
        while input.peek(Ident) && input.peek2(Token![=]) {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            input.parse::<Token![;]>()?;
            let repeated =
                || syn::Error::new(key.span(), format!("`{key}` is given twice in `schema!`"));
            if key == keys::MIGRATIONS {
                if migrations.replace(value).is_some() {
                    return Err(repeated());
                }
            } else if key == keys::SAME_QUERY {
                let parsed = SameQuery::VALUES
                    .iter()
                    .find(|(text, _)| value.value() == *text)
                    .map(|(_, mode)| *mode)
                    .ok_or_else(|| {
                        let known: Vec<String> = SameQuery::VALUES
                            .iter()
                            .map(|(text, _)| format!("`\"{text}\"`"))
                            .collect();
                        syn::Error::new(
                            value.span(),
                            format!(
                                "unknown `same_query` value `{}`\nhelp: one of {}",
                                value.value(),
                                known.join(", ")
                            ),
                        )
                    })?;
                if same_query.replace(parsed).is_some() {
                    return Err(repeated());
                }
            } else {
                let known: Vec<String> = keys::SCHEMA_KEYS
                    .iter()
                    .map(|k| format!("`{k} = \"...\";`"))
                    .collect();
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown key `{key}` in `schema!`\nhelp: the keys are {}, before the table modules",
                        known.join(", ")
                    ),
                ));
            }
        }
        let items = Punctuated::parse_terminated(input)?;
        Ok(SchemaInput {
            migrations,
            same_query,
            items,
        })
    }
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // group(a, b): a path is never followed by parentheses, so this cannot be a table.
        if input.peek(Ident) && input.peek2(syn::token::Paren) {
            let keyword: Ident = input.parse()?;
            if keyword != keys::GROUP {
                return Err(syn::Error::new(
                    keyword.span(),
                    format!("unknown item `{keyword}(...)` in `schema!`\nhelp: list table modules, and `group(a, b)` for tables queried together"),
                ));
            }
            let content;
            syn::parenthesized!(content in input);
            let tables = Punctuated::parse_terminated(&content)?;
            return Ok(Item::Group(Group { keyword, tables }));
        }
        input.parse().map(Item::Table)
    }
}

/// Each group as indices into `names`, the listed tables; a name not listed, a name given
/// twice and a group of fewer than two tables are errors.
fn resolve_groups(cx: &Ctxt, input: &SchemaInput, names: &[&str]) -> Vec<Vec<usize>> {
    let mut groups = Vec::new();
    for item in &input.items {
        let Item::Group(group) = item else { continue };
        // A group allows the pairs among its tables, so one table alone allows nothing:
        // probably a table forgotten.
        if group.tables.len() < 2 {
            cx.error_at(
                &group.keyword,
                "a group names at least two tables\nhelp: `group(a, b)` lets tables `a` and `b` appear in one query",
            );
        }
        let mut indices = Vec::new();
        for table in &group.tables {
            let name = table.to_string();
            match names.iter().position(|n| *n == name) {
                Some(i) if indices.contains(&i) => {
                    cx.error_at(table, format!("table `{name}` is named twice in this group"));
                }
                Some(i) => indices.push(i),
                None => cx.error_at(
                    table,
                    format!("table `{name}` is not listed in `schema!`\nhelp: a group names tables of this `schema!` by their module's last segment"),
                ),
            }
        }
        groups.push(indices);
    }
    groups
}

/// The pairs `(i, j)`, `i < j`, of `names` that may appear in one query, in a stable order.
fn allowed_pairs(
    names: &[&str],
    groups: &[Vec<usize>],
    mode: SameQuery,
    model: Option<&Schema>,
) -> BTreeSet<(usize, usize)> {
    let mut pairs = BTreeSet::new();
    let mut add_all = |members: &[usize]| {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    };
    match mode {
        SameQuery::AllTables => add_all(&(0..names.len()).collect::<Vec<_>>()),
        SameQuery::FkRelatedTables => {
            // Without a model (it failed to load, and says so) no foreign key is known.
            if let Some(schema) = model {
                for members in fk_components(names, schema).values() {
                    add_all(members);
                }
            }
        }
        SameQuery::None => {}
    }
    for group in groups {
        add_all(group);
    }
    pairs
}

/// The listed tables by connected component of the migrations' foreign-key graph (taken as
/// undirected, over every table of the model, so two listed tables linked through a third
/// are one component), keyed by the component's representative.
fn fk_components(names: &[&str], schema: &Schema) -> BTreeMap<String, Vec<usize>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    fn root<'a>(parent: &mut BTreeMap<&'a str, &'a str>, mut t: &'a str) -> &'a str {
        while let Some(&p) = parent.get(t) {
            if p == t {
                break;
            }
            // Path halving keeps the trees shallow.
            let grand = parent.get(p).copied().unwrap_or(p);
            parent.insert(t, grand);
            t = grand;
        }
        t
    }
    for (name, table) in &schema.tables {
        parent.entry(name.as_str()).or_insert(name.as_str());
        for fk in table.foreign_keys.values() {
            parent
                .entry(fk.ref_table.as_str())
                .or_insert(fk.ref_table.as_str());
            let (a, b) = (root(&mut parent, name), root(&mut parent, &fk.ref_table));
            if a != b {
                parent.insert(a.max(b), a.min(b));
            }
        }
    }
    let mut components: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let key = match parent.contains_key(name) {
            true => root(&mut parent, name).to_string(),
            // Not in the migrations (an error of its own): a component of its own.
            false => format!("\0{name}"),
        };
        components.entry(key).or_default().push(i);
    }
    components
}

/// The table modules imported under local names (Diesel's impls name `<module>::table`),
/// and for each allowed pair what `allow_tables_to_appear_in_same_query!(a, b)` writes.
fn schema_code(paths: &[&Path], pairs: &BTreeSet<(usize, usize)>) -> TokenStream {
    // const _: () = {
    //     use pipelines::pipeline as __watcher_table_0;
    //     use pipelines::pipeline_type as __watcher_table_1;
    //     impl TableNotEqual<__watcher_table_0::table> for __watcher_table_1::table {}
    //     ... (ten impls per pair)
    // };
    let aliases: Vec<Ident> = (0..paths.len())
        .map(|i| format_ident!("__watcher_table_{}", i))
        .collect();
    let impls = pairs
        .iter()
        .map(|&(a, b)| pair_impls(&aliases[a], &aliases[b]));
    quote! {
        const _: () = {
            // Imported even when no pair uses them, so a wrong path is still an error.
            #(#[allow(unused_imports)] use #paths as #aliases;)*
            #(#impls)*
        };
    }
}

/// Exactly the impls Diesel 2.3's `allow_tables_to_appear_in_same_query!` writes for one
/// pair with its `postgres_backend` feature: `TableNotEqual` both ways between the tables,
/// and between each table and the other's `ONLY` and `TABLESAMPLE` forms.
fn pair_impls(left: &Ident, right: &Ident) -> TokenStream {
    let not_equal = quote!(::diesel::query_source::TableNotEqual);
    let only = quote!(::diesel::query_builder::Only);
    let sample = quote!(::diesel::query_builder::Tablesample);
    let method = quote!(::diesel::internal::table_macro::TablesampleMethod);
    quote! {
        #[automatically_derived]
        impl #not_equal<#left::table> for #right::table {}
        #[automatically_derived]
        impl #not_equal<#right::table> for #left::table {}
        #[automatically_derived]
        impl #not_equal<#left::table> for #only<#right::table> {}
        #[automatically_derived]
        impl #not_equal<#right::table> for #only<#left::table> {}
        #[automatically_derived]
        impl #not_equal<#only<#left::table>> for #right::table {}
        #[automatically_derived]
        impl #not_equal<#only<#right::table>> for #left::table {}
        #[automatically_derived]
        impl<TSM: #method> #not_equal<#left::table> for #sample<#right::table, TSM> {}
        #[automatically_derived]
        impl<TSM: #method> #not_equal<#right::table> for #sample<#left::table, TSM> {}
        #[automatically_derived]
        impl<TSM: #method> #not_equal<#sample<#left::table, TSM>> for #right::table {}
        #[automatically_derived]
        impl<TSM: #method> #not_equal<#sample<#right::table, TSM>> for #left::table {}
    }
}
