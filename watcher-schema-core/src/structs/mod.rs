//! Struct source (`#[watcher_table]`, `#[watcher_enum]`) → [`crate::model`]: the one parser
//! the proc macro (one item at a time) and the CLI (whole source files) share.
//!
//! Stages, each gated on the errors of the one before: [`attr`] + [`ast`] read the item,
//! [`check`] validates it, [`lower`] builds the model. Keys are named in [`keys`];
//! [`hints`] reads the history keys the model leaves out (backfills, renames, consent).

pub mod ast;
pub mod attr;
pub mod check;
pub mod hints;
pub mod keys;
pub mod lower;
pub mod types;

use proc_macro2::TokenStream;
use syn::{Attribute, Item, Meta};

use crate::diag::Ctxt;
use crate::model::{EnumType, Schema};

pub use types::parse_type;

/// Reads and checks one `#[watcher_table(args)]` struct: every error of the item at once.
pub fn parse_table(args: TokenStream, item: &syn::ItemStruct) -> syn::Result<ast::Table<'_>> {
    let cx = Ctxt::new();
    let table = ast::Table::from_syn(&cx, args, item);
    cx.finish()?;
    let cx = Ctxt::new();
    check::check_table(&cx, &table);
    cx.finish()?;
    Ok(table)
}

/// Reads and checks one `#[watcher_enum(args)]` enum.
pub fn parse_enum(args: TokenStream, item: &syn::ItemEnum) -> syn::Result<ast::Enum<'_>> {
    let cx = Ctxt::new();
    let parsed = ast::Enum::from_syn(&cx, args, item);
    cx.finish()?;
    let cx = Ctxt::new();
    check::check_enum(&cx, &parsed);
    cx.finish()?;
    Ok(parsed)
}

impl ast::Table<'_> {
    /// The table this struct declares.
    pub fn to_model(&self) -> crate::model::Table {
        lower::table(self)
    }
}

impl ast::Enum<'_> {
    /// The enum type this enum declares.
    pub fn to_model(&self) -> EnumType {
        lower::enum_type(self)
    }
}

/// Every `#[watcher_table]` struct and `#[watcher_enum]` enum of a set of source files:
/// what the CLI builds the desired schema from while the schema crate may not compile.
#[derive(Debug, Default)]
pub struct Definitions<'a> {
    /// Tables in source order.
    pub tables: Vec<ast::Table<'a>>,
    /// Enums in source order.
    pub enums: Vec<ast::Enum<'a>>,
}

impl<'a> Definitions<'a> {
    /// Reads every annotated item of `files` (inline modules included), checks each, then
    /// checks them together (table names, relation names, foreign key targets, enum types).
    pub fn from_files(files: impl IntoIterator<Item = &'a syn::File>) -> syn::Result<Self> {
        let mut defs = Definitions::default();
        let cx = Ctxt::new();
        for file in files {
            defs.collect(&cx, &file.items);
        }
        cx.finish()?;
        let cx = Ctxt::new();
        for table in &defs.tables {
            check::check_table(&cx, table);
        }
        for item in &defs.enums {
            check::check_enum(&cx, item);
        }
        cx.finish()?;
        let cx = Ctxt::new();
        check::check_schema(&cx, &defs.tables, &defs.enums);
        cx.finish()?;
        Ok(defs)
    }

    /// The schema the definitions declare.
    pub fn schema(&self) -> Schema {
        let mut schema = Schema::default();
        for table in &self.tables {
            schema.tables.insert(table.name.clone(), table.to_model());
        }
        for item in &self.enums {
            schema.enums.insert(item.name.clone(), item.to_model());
        }
        schema
    }

    /// What the history keys say about intent, on top of `hints` (the command line's).
    pub fn hints(&self, hints: crate::diff::Hints) -> crate::diff::Hints {
        hints::collect(&self.tables, &self.enums, hints)
    }

    fn collect(&mut self, cx: &Ctxt, items: &'a [Item]) {
        for item in items {
            match item {
                Item::Struct(item) => {
                    if let Some(args) = macro_args(cx, &item.attrs, keys::WATCHER_TABLE) {
                        self.tables.push(ast::Table::from_syn(cx, args, item));
                    }
                }
                Item::Enum(item) => {
                    if let Some(args) = macro_args(cx, &item.attrs, keys::WATCHER_ENUM) {
                        self.enums.push(ast::Enum::from_syn(cx, args, item));
                    }
                }
                Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        self.collect(cx, items);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The arguments of `#[name(...)]` (or `#[path::to::name(...)]`) among `attrs`, if present.
fn macro_args(cx: &Ctxt, attrs: &[Attribute], name: keys::Symbol) -> Option<TokenStream> {
    let attr = attrs
        .iter()
        .find(|a| a.path().segments.last().is_some_and(|s| s.ident == name))?;
    match &attr.meta {
        Meta::Path(_) => Some(TokenStream::new()),
        Meta::List(list) => Some(list.tokens.clone()),
        Meta::NameValue(_) => {
            cx.error_at(attr, format!("expected `#[{name}]` or `#[{name}(...)]`"));
            None
        }
    }
}

#[cfg(test)]
mod tests;
