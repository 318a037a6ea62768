//! Attribute grammar: `#[watcher_table(...)]`, `#[watcher(...)]` and `#[watcher_enum(...)]`
//! → typed values that remember their spans, one branch per key; [`super::ast`] builds on them.
//!
//! Three shapes only: a flag (`primary_key`), a value (`max_length = 150`) and a list
//! (`index(name = "ix", columns(a, b))`). A bad key or value is reported and skipped, so
//! one build shows every mistake; a repeated key errs at its second occurrence.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitBool, LitInt, LitStr, Token};

use super::keys::{self, Symbol};
use super::types;
use crate::diag::Ctxt;
use crate::model::{FkAction, Generated, SqlType};

/// A value with the span of the token that gave it (the literal, or the key of a flag).
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    fn from_lit(lit: &LitStr) -> Spanned<String> {
        Spanned::new(lit.value(), lit.span())
    }
}

/// `#[watcher_table(...)]`.
#[derive(Debug, Default)]
pub struct TableAttrs {
    /// `name = "pipeline"`.
    pub name: Option<Spanned<String>>,
    /// `primary_key(a, b)`.
    pub primary_key: Option<ColumnList>,
    /// `index(...)` and `unique_index(...)`, in the order written.
    pub indexes: Vec<IndexAttr>,
    /// `unique(...)` constraints.
    pub uniques: Vec<UniqueAttr>,
    /// `check(...)` constraints.
    pub checks: Vec<CheckAttr>,
    /// `migrations = "dir"`.
    pub migrations: Option<Spanned<String>>,
    /// `renamed_from = "old_table"`.
    pub renamed_from: Option<Spanned<String>>,
    /// `allow_destructive(...)`.
    pub allow_destructive: Option<TableConfirmations>,
    /// `online = false`: the next migration is written in the plain blocking form.
    pub online: Option<Spanned<bool>>,
    /// `down_backfill(column = "<sql>", ...)`: what the way down fills existing rows with
    /// where a column comes back NOT NULL.
    pub down_backfills: Vec<(Ident, Spanned<String>)>,
}

/// `allow_destructive(drop_column(a), change_type(b), change_primary_key)` on a table: the
/// data-losing changes of the next generated migration that the user confirms in code.
#[derive(Debug, Clone)]
pub struct TableConfirmations {
    /// The `allow_destructive` key.
    pub span: Span,
    /// `drop_column(a, b)`: columns no field declares any more, by SQL name.
    pub drop_columns: Vec<Ident>,
    /// `change_type(a, b)`: fields whose type change may alter or reject values.
    pub change_types: Vec<Ident>,
    /// `change_primary_key`: the key of the flag.
    pub change_primary_key: Option<Span>,
}

/// `allow_destructive(remove_label("A", "B"))` on an enum.
#[derive(Debug, Clone)]
pub struct EnumConfirmations {
    /// The `allow_destructive` key.
    pub span: Span,
    /// `remove_label(...)`: labels no variant has any more.
    pub remove_labels: Vec<Spanned<String>>,
}

impl TableAttrs {
    /// How many `index`, `unique` and `check` lists have been read so far.
    fn lists_written(&self) -> usize {
        self.indexes.len() + self.uniques.len() + self.checks.len()
    }
}

/// A key followed by a list of field names: `primary_key(a, b)`.
#[derive(Debug, Clone)]
pub struct ColumnList {
    /// The key.
    pub span: Span,
    /// The fields, by Rust name.
    pub fields: Vec<Ident>,
}

/// `index(name = "ix", unique, columns(a, "lower(b)"), include(c), where = "...", method = "btree")`.
#[derive(Debug, Clone)]
pub struct IndexAttr {
    /// The `index` / `unique_index` key.
    pub span: Span,
    /// Where it stands among the struct's `index`, `unique` and `check` lists (0-based),
    /// so that a repeated name is reported at its later occurrence.
    pub position: usize,
    /// `name = "..."` (required; checked later).
    pub name: Option<Spanned<String>>,
    /// `unique_index(...)` or the `unique` flag.
    pub unique: bool,
    /// `columns(...)`: fields or SQL expressions.
    pub columns: Vec<IndexElem>,
    /// `include(...)`.
    pub include: Vec<Ident>,
    /// `where = "..."`.
    pub predicate: Option<Spanned<String>>,
    /// `method = "..."`.
    pub method: Option<Spanned<String>>,
}

/// One key element of an index.
#[derive(Debug, Clone)]
pub enum IndexElem {
    /// A field, by Rust name.
    Field(Ident),
    /// A SQL expression such as `"lower(name)"`.
    Expr(Spanned<String>),
}

/// `unique(name = "...", columns(a, b))`.
#[derive(Debug, Clone)]
pub struct UniqueAttr {
    /// The `unique` key.
    pub span: Span,
    /// Where it stands among the struct's `index`, `unique` and `check` lists (0-based),
    /// so that a repeated name is reported at its later occurrence.
    pub position: usize,
    /// `name = "..."`, or PostgreSQL's default name.
    pub name: Option<Spanned<String>>,
    /// `columns(...)`.
    pub columns: Vec<Ident>,
}

/// `check(name = "...", expr = "...")`.
#[derive(Debug, Clone)]
pub struct CheckAttr {
    /// The `check` key.
    pub span: Span,
    /// Where it stands among the struct's `index`, `unique` and `check` lists (0-based),
    /// so that a repeated name is reported at its later occurrence.
    pub position: usize,
    /// `name = "..."` (required; checked later).
    pub name: Option<Spanned<String>>,
    /// `expr = "..."` (required; checked later).
    pub expr: Option<Spanned<String>>,
}

/// `#[watcher(...)]` on a field.
#[derive(Debug, Default)]
pub struct FieldAttrs {
    /// `primary_key`.
    pub primary_key: Option<Span>,
    /// `serial` / `serial = false`.
    pub serial: Option<Spanned<bool>>,
    /// `identity` / `identity = "always" | "by_default"`.
    pub identity: Option<Spanned<Generated>>,
    /// `default = "<sql>"`.
    pub default: Option<Spanned<String>>,
    /// `max_length = n`.
    pub max_length: Option<Spanned<u32>>,
    /// `sql_type = "..."`, already parsed.
    pub sql_type: Option<Spanned<SqlType>>,
    /// `precision = p`.
    pub precision: Option<Spanned<u32>>,
    /// `scale = s`.
    pub scale: Option<Spanned<u32>>,
    /// `references = Struct` / `references = "table"`.
    pub references: Option<Reference>,
    /// `references_column = "id"`.
    pub references_column: Option<Spanned<String>>,
    /// `on_delete = "..."`.
    pub on_delete: Option<Spanned<FkAction>>,
    /// `on_update = "..."`.
    pub on_update: Option<Spanned<FkAction>>,
    /// `foreign_key_name = "..."`.
    pub foreign_key_name: Option<Spanned<String>>,
    /// `column = "..."`.
    pub column: Option<Spanned<String>>,
    /// `backfill = "<sql>"`.
    pub backfill: Option<Spanned<String>>,
    /// `using = "<sql>"`.
    pub using: Option<Spanned<String>>,
    /// `down_using = "<sql>"`.
    pub down_using: Option<Spanned<String>>,
    /// `renamed_from = "old_column"`.
    pub renamed_from: Option<Spanned<String>>,
}

/// The target of `references = ...`.
#[derive(Debug, Clone)]
pub enum Reference {
    /// A `#[watcher_table]` struct: its table is the snake_case of the last segment.
    Struct(syn::Path),
    /// A table by name.
    Table(Spanned<String>),
}

impl Reference {
    /// The referenced table's name.
    pub fn table(&self) -> String {
        match self {
            Reference::Struct(path) => {
                let last = path.segments.last().map(|s| s.ident.to_string());
                snake_case(&last.unwrap_or_default())
            }
            Reference::Table(name) => name.value.clone(),
        }
    }
}

/// `#[watcher_enum(...)]`.
#[derive(Debug, Default)]
pub struct EnumAttrs {
    /// `name = "datepartenum"`.
    pub name: Option<Spanned<String>>,
    /// `rename_all = "..."`.
    pub rename_all: Option<Spanned<RenameRule>>,
    /// `migrations = "dir"`.
    pub migrations: Option<Spanned<String>>,
    /// `allow_destructive(remove_label(...))`.
    pub allow_destructive: Option<EnumConfirmations>,
    /// `renamed_from = "old_type"`.
    pub renamed_from: Option<Spanned<String>>,
}

/// `#[watcher(...)]` on a variant.
#[derive(Debug, Default)]
pub struct VariantAttrs {
    /// `rename = "LABEL"`.
    pub rename: Option<Spanned<String>>,
    /// `renamed_from = "OLD_LABEL"`.
    pub renamed_from: Option<Spanned<String>>,
}

/// How `rename_all` turns a variant name into a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`.
    Lower,
    /// `UPPERCASE`.
    Upper,
    /// `snake_case`.
    Snake,
    /// `SCREAMING_SNAKE_CASE`.
    ScreamingSnake,
    /// `kebab-case`.
    Kebab,
    /// `SCREAMING-KEBAB-CASE`.
    ScreamingKebab,
    /// `camelCase`.
    Camel,
    /// `PascalCase`.
    Pascal,
}

impl RenameRule {
    const ALL: &'static [(&'static str, RenameRule)] = &[
        ("lowercase", RenameRule::Lower),
        ("UPPERCASE", RenameRule::Upper),
        ("snake_case", RenameRule::Snake),
        ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
        ("kebab-case", RenameRule::Kebab),
        ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
        ("camelCase", RenameRule::Camel),
        ("PascalCase", RenameRule::Pascal),
    ];

    /// Applies the rule to a PascalCase variant name.
    pub fn apply(self, variant: &str) -> String {
        let snake = snake_case(variant);
        match self {
            RenameRule::Lower => variant.to_ascii_lowercase(),
            RenameRule::Upper => variant.to_ascii_uppercase(),
            RenameRule::Snake => snake,
            RenameRule::ScreamingSnake => snake.to_ascii_uppercase(),
            RenameRule::Kebab => snake.replace('_', "-"),
            RenameRule::ScreamingKebab => snake.replace('_', "-").to_ascii_uppercase(),
            RenameRule::Pascal => variant.to_string(),
            RenameRule::Camel => {
                let mut chars = variant.chars();
                match chars.next() {
                    Some(first) => first.to_lowercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        }
    }
}

/// `PipelineType` → `pipeline_type`, `HTTPLog` → `http_log` (the table name of a struct).
pub fn snake_case(ident: &str) -> String {
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::with_capacity(ident.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev != '_' && (prev.is_lowercase() || prev.is_ascii_digit() || next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Parses the arguments of `#[watcher_table(...)]`.
pub fn table_attrs(cx: &Ctxt, args: TokenStream) -> TableAttrs {
    let mut attrs = TableAttrs::default();
    let parser = syn::meta::parser(|meta| {
        let result = table_key(cx, &mut attrs, &meta);
        recover(cx, &meta, result)
    });
    if let Err(err) = parser.parse2(args) {
        cx.syn_error(err);
    }
    attrs
}

fn table_key(cx: &Ctxt, attrs: &mut TableAttrs, meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.path == keys::NAME {
        // name = "pipeline"
        let name = Spanned::from_lit(&lit_str(meta)?);
        set_once(cx, meta, keys::NAME, &mut attrs.name, name);
    } else if meta.path == keys::PRIMARY_KEY {
        // primary_key(a, b)
        let list = ColumnList {
            span: key_span(meta),
            fields: ident_list(meta, keys::PRIMARY_KEY)?,
        };
        set_once(cx, meta, keys::PRIMARY_KEY, &mut attrs.primary_key, list);
    } else if meta.path == keys::INDEX || meta.path == keys::UNIQUE_INDEX {
        // index(name = "ix", unique, columns(a, b), include(c), where = "...", method = "btree")
        // unique_index(...): the same keys, unique implied
        let position = attrs.lists_written();
        let index = index_attr(cx, meta, meta.path == keys::UNIQUE_INDEX, position)?;
        attrs.indexes.push(index);
    } else if meta.path == keys::UNIQUE {
        // unique(name = "uq", columns(a, b))
        let position = attrs.lists_written();
        attrs.uniques.push(unique_attr(cx, meta, position)?);
    } else if meta.path == keys::CHECK {
        // check(name = "ck", expr = "a > 0")
        let position = attrs.lists_written();
        attrs.checks.push(check_attr(cx, meta, position)?);
    } else if meta.path == keys::MIGRATIONS {
        // migrations = "tests/fixtures/migrations"
        let dir = Spanned::from_lit(&lit_str(meta)?);
        set_once(cx, meta, keys::MIGRATIONS, &mut attrs.migrations, dir);
    } else if meta.path == keys::RENAMED_FROM {
        // renamed_from = "old_table"
        let old = name_str(meta, keys::RENAMED_FROM)?;
        set_once(cx, meta, keys::RENAMED_FROM, &mut attrs.renamed_from, old);
    } else if meta.path == keys::ALLOW_DESTRUCTIVE {
        // allow_destructive(drop_column(a, b), change_type(c), change_primary_key)
        let confirmations = table_confirmations(cx, meta)?;
        set_once(
            cx,
            meta,
            keys::ALLOW_DESTRUCTIVE,
            &mut attrs.allow_destructive,
            confirmations,
        );
    } else if meta.path == keys::ONLINE {
        // online = false
        let online = optional_bool(meta)?;
        set_once(cx, meta, keys::ONLINE, &mut attrs.online, online);
    } else if meta.path == keys::DOWN_BACKFILL {
        // down_backfill(slug = "'slug-' || id", code = "''")
        attrs.down_backfills.extend(down_backfills(meta)?);
    } else {
        unknown_key(cx, meta, "`#[watcher_table(...)]`", keys::TABLE_KEYS)?;
    }
    Ok(())
}

fn table_confirmations(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<TableConfirmations> {
    let mut out = TableConfirmations {
        span: key_span(meta),
        drop_columns: Vec::new(),
        change_types: Vec::new(),
        change_primary_key: None,
    };
    require_confirmations(meta, "drop_column(a)")?;
    meta.parse_nested_meta(|inner| {
        let result = (|| {
            if inner.path == keys::DROP_COLUMN {
                // drop_column(full_load, deprecated)
                out.drop_columns
                    .extend(ident_list(&inner, keys::DROP_COLUMN)?);
            } else if inner.path == keys::CHANGE_TYPE {
                // change_type(amount)
                out.change_types
                    .extend(ident_list(&inner, keys::CHANGE_TYPE)?);
            } else if inner.path == keys::CHANGE_PRIMARY_KEY {
                // change_primary_key
                flag(&inner, keys::CHANGE_PRIMARY_KEY)?;
                let span = key_span(&inner);
                set_once(
                    cx,
                    &inner,
                    keys::CHANGE_PRIMARY_KEY,
                    &mut out.change_primary_key,
                    span,
                );
            } else {
                unknown_key(
                    cx,
                    &inner,
                    "`allow_destructive(...)`",
                    keys::TABLE_DESTRUCTIVE_KEYS,
                )?;
            }
            Ok(())
        })();
        recover(cx, &inner, result)
    })?;
    Ok(out)
}

fn down_backfills(meta: &ParseNestedMeta) -> syn::Result<Vec<(Ident, Spanned<String>)>> {
    const EXAMPLE: &str = "help: write `down_backfill(code = \"'none'\")`: each column the way \
                           down brings back NOT NULL, with the SQL expression that fills its rows";
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!(
            "`down_backfill` lists columns and their fills\n{EXAMPLE}"
        )));
    }
    let mut out = Vec::new();
    meta.parse_nested_meta(|inner| {
        let Some(column) = inner.path.get_ident() else {
            return Err(inner.error(format!(
                "`down_backfill` takes column names, each with a fill\n{EXAMPLE}"
            )));
        };
        let fill = sql_str(&inner, keys::DOWN_BACKFILL)?;
        out.push((column.clone(), fill));
        Ok(())
    })?;
    Ok(out)
}

fn enum_confirmations(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<EnumConfirmations> {
    let mut out = EnumConfirmations {
        span: key_span(meta),
        remove_labels: Vec::new(),
    };
    require_confirmations(meta, "remove_label(\"A\")")?;
    meta.parse_nested_meta(|inner| {
        let result = (|| {
            if inner.path == keys::REMOVE_LABEL {
                // remove_label("WEEK", "YEAR")
                out.remove_labels.extend(label_list(&inner)?);
            } else {
                unknown_key(
                    cx,
                    &inner,
                    "`allow_destructive(...)`",
                    keys::ENUM_DESTRUCTIVE_KEYS,
                )?;
            }
            Ok(())
        })();
        recover(cx, &inner, result)
    })?;
    Ok(out)
}

/// `allow_destructive` names each change it confirms: a bare flag would confirm every
/// future loss on the item without anyone reading what.
fn require_confirmations(meta: &ParseNestedMeta, example: &str) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) {
        return Ok(());
    }
    Err(meta.error(format!(
        "`allow_destructive` lists the changes it confirms\nhelp: write `allow_destructive({example})`; to confirm every change of one migration, pass `--allow-destructive` to `watcher-schema revision` instead"
    )))
}

fn label_list(meta: &ParseNestedMeta) -> syn::Result<Vec<Spanned<String>>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(
            "`remove_label` takes a list of labels\nhelp: write `remove_label(\"A\", \"B\")`",
        ));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let labels = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    if labels.is_empty() {
        return Err(meta.error("`remove_label(...)` needs at least one label"));
    }
    Ok(labels.iter().map(Spanned::from_lit).collect())
}

fn index_attr(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    unique: bool,
    position: usize,
) -> syn::Result<IndexAttr> {
    let mut index = IndexAttr {
        span: key_span(meta),
        position,
        name: None,
        unique,
        columns: Vec::new(),
        include: Vec::new(),
        predicate: None,
        method: None,
    };
    let mut seen_columns = false;
    let mut seen_include = false;
    let mut seen_unique = unique;
    require_list(meta)?;
    meta.parse_nested_meta(|inner| {
        let result = (|| {
            if inner.path == keys::NAME {
                // name = "ix_x"
                let name = Spanned::from_lit(&lit_str(&inner)?);
                set_once(cx, &inner, keys::NAME, &mut index.name, name);
            } else if inner.path == keys::UNIQUE {
                // unique
                flag(&inner, keys::UNIQUE)?;
                if seen_unique {
                    cx.error_at(&inner.path, duplicate(keys::UNIQUE));
                }
                seen_unique = true;
                index.unique = true;
            } else if inner.path == keys::COLUMNS {
                // columns(a, b, "lower(c)")
                let elems = index_elems(&inner)?;
                if std::mem::replace(&mut seen_columns, true) {
                    cx.error_at(&inner.path, duplicate(keys::COLUMNS));
                } else {
                    index.columns = elems;
                }
            } else if inner.path == keys::INCLUDE {
                // include(a, b)
                let fields = ident_list(&inner, keys::INCLUDE)?;
                if std::mem::replace(&mut seen_include, true) {
                    cx.error_at(&inner.path, duplicate(keys::INCLUDE));
                } else {
                    index.include = fields;
                }
            } else if inner.path == keys::WHERE {
                // where = "end_date IS NOT NULL"
                let predicate = Spanned::from_lit(&lit_str(&inner)?);
                set_once(cx, &inner, keys::WHERE, &mut index.predicate, predicate);
            } else if inner.path == keys::METHOD {
                // method = "btree"
                let method = Spanned::from_lit(&lit_str(&inner)?);
                set_once(cx, &inner, keys::METHOD, &mut index.method, method);
            } else {
                unknown_key(cx, &inner, "`index(...)`", keys::INDEX_KEYS)?;
            }
            Ok(())
        })();
        recover(cx, &inner, result)
    })?;
    Ok(index)
}

fn unique_attr(cx: &Ctxt, meta: &ParseNestedMeta, position: usize) -> syn::Result<UniqueAttr> {
    let mut unique = UniqueAttr {
        span: key_span(meta),
        position,
        name: None,
        columns: Vec::new(),
    };
    let mut seen_columns = false;
    require_list(meta)?;
    meta.parse_nested_meta(|inner| {
        let result = (|| {
            if inner.path == keys::NAME {
                // name = "uq_x"
                let name = Spanned::from_lit(&lit_str(&inner)?);
                set_once(cx, &inner, keys::NAME, &mut unique.name, name);
            } else if inner.path == keys::COLUMNS {
                // columns(a, b)
                let fields = ident_list(&inner, keys::COLUMNS)?;
                if std::mem::replace(&mut seen_columns, true) {
                    cx.error_at(&inner.path, duplicate(keys::COLUMNS));
                } else {
                    unique.columns = fields;
                }
            } else {
                unknown_key(cx, &inner, "`unique(...)`", keys::UNIQUE_KEYS)?;
            }
            Ok(())
        })();
        recover(cx, &inner, result)
    })?;
    Ok(unique)
}

fn check_attr(cx: &Ctxt, meta: &ParseNestedMeta, position: usize) -> syn::Result<CheckAttr> {
    let mut check = CheckAttr {
        span: key_span(meta),
        position,
        name: None,
        expr: None,
    };
    require_list(meta)?;
    meta.parse_nested_meta(|inner| {
        let result = (|| {
            if inner.path == keys::NAME {
                // name = "ck_x"
                let name = Spanned::from_lit(&lit_str(&inner)?);
                set_once(cx, &inner, keys::NAME, &mut check.name, name);
            } else if inner.path == keys::EXPR {
                // expr = "end_date > start_date"
                let expr = Spanned::from_lit(&lit_str(&inner)?);
                set_once(cx, &inner, keys::EXPR, &mut check.expr, expr);
            } else {
                unknown_key(cx, &inner, "`check(...)`", keys::CHECK_KEYS)?;
            }
            Ok(())
        })();
        recover(cx, &inner, result)
    })?;
    Ok(check)
}

/// Parses every `#[watcher(...)]` among a field's attributes.
pub fn field_attrs(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| *a.path() == keys::WATCHER) {
        let parsed = attr.parse_nested_meta(|meta| {
            let result = field_key(cx, &mut out, &meta);
            recover(cx, &meta, result)
        });
        if let Err(err) = parsed {
            cx.syn_error(err);
        }
    }
    out
}

fn field_key(cx: &Ctxt, attrs: &mut FieldAttrs, meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.path == keys::PRIMARY_KEY {
        // primary_key
        flag(meta, keys::PRIMARY_KEY)?;
        set_once(
            cx,
            meta,
            keys::PRIMARY_KEY,
            &mut attrs.primary_key,
            key_span(meta),
        );
    } else if meta.path == keys::SERIAL {
        // serial | serial = false
        let value = optional_bool(meta)?;
        set_once(cx, meta, keys::SERIAL, &mut attrs.serial, value);
    } else if meta.path == keys::IDENTITY {
        // identity | identity = "always" | identity = "by_default"
        let value = if meta.input.peek(Token![=]) {
            let lit = lit_str(meta)?;
            match lit.value().as_str() {
                "always" => Spanned::new(Generated::IdentityAlways, lit.span()),
                "by_default" => Spanned::new(Generated::IdentityByDefault, lit.span()),
                other => {
                    cx.error_at(
                        &lit,
                        format!(
                            "unknown identity kind `{other}`\nhelp: write `identity = \"always\"` or `identity = \"by_default\"`"
                        ),
                    );
                    return Ok(());
                }
            }
        } else {
            Spanned::new(Generated::IdentityByDefault, key_span(meta))
        };
        set_once(cx, meta, keys::IDENTITY, &mut attrs.identity, value);
    } else if meta.path == keys::DEFAULT {
        // default = "CURRENT_TIMESTAMP"
        let lit = sql_str(meta, keys::DEFAULT)?;
        set_once(cx, meta, keys::DEFAULT, &mut attrs.default, lit);
    } else if meta.path == keys::MAX_LENGTH {
        // max_length = 150
        let n = positive_int(meta, keys::MAX_LENGTH)?;
        set_once(cx, meta, keys::MAX_LENGTH, &mut attrs.max_length, n);
    } else if meta.path == keys::SQL_TYPE {
        // sql_type = "varchar(20)"
        let lit = lit_str(meta)?;
        match types::parse_type(&lit.value()) {
            Ok(ty) => {
                let ty = Spanned::new(ty, lit.span());
                set_once(cx, meta, keys::SQL_TYPE, &mut attrs.sql_type, ty);
            }
            Err(msg) => cx.error_at(&lit, msg),
        }
    } else if meta.path == keys::PRECISION {
        // precision = 12
        let n = positive_int(meta, keys::PRECISION)?;
        set_once(cx, meta, keys::PRECISION, &mut attrs.precision, n);
    } else if meta.path == keys::SCALE {
        // scale = 4
        let lit: LitInt = meta
            .value()?
            .parse()
            .map_err(|e| expected_int(e, keys::SCALE))?;
        let n = Spanned::new(lit.base10_parse::<u32>()?, lit.span());
        set_once(cx, meta, keys::SCALE, &mut attrs.scale, n);
    } else if meta.path == keys::REFERENCES {
        // references = PipelineType | references = "pipeline_type"
        let value = meta.value()?;
        let target = if value.peek(LitStr) {
            Reference::Table(Spanned::from_lit(&value.parse()?))
        } else {
            Reference::Struct(value.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected a struct path or a table name: `references = PipelineType` or `references = \"pipeline_type\"`",
                )
            })?)
        };
        set_once(cx, meta, keys::REFERENCES, &mut attrs.references, target);
    } else if meta.path == keys::REFERENCES_COLUMN {
        // references_column = "id"
        let lit = Spanned::from_lit(&lit_str(meta)?);
        set_once(
            cx,
            meta,
            keys::REFERENCES_COLUMN,
            &mut attrs.references_column,
            lit,
        );
    } else if meta.path == keys::ON_DELETE || meta.path == keys::ON_UPDATE {
        // on_delete = "cascade" | "set_null" | "restrict" | "set_default" | "no_action"
        let key = if meta.path == keys::ON_DELETE {
            keys::ON_DELETE
        } else {
            keys::ON_UPDATE
        };
        let lit = lit_str(meta)?;
        let Some(action) = fk_action(&lit.value()) else {
            cx.error_at(
                &lit,
                format!(
                    "unknown referential action `{}`\nhelp: write one of `cascade`, `set_null`, `set_default`, `restrict`, `no_action`",
                    lit.value()
                ),
            );
            return Ok(());
        };
        let slot = if key == keys::ON_DELETE {
            &mut attrs.on_delete
        } else {
            &mut attrs.on_update
        };
        set_once(cx, meta, key, slot, Spanned::new(action, lit.span()));
    } else if meta.path == keys::FOREIGN_KEY_NAME {
        // foreign_key_name = "fk_x"
        let lit = Spanned::from_lit(&lit_str(meta)?);
        set_once(
            cx,
            meta,
            keys::FOREIGN_KEY_NAME,
            &mut attrs.foreign_key_name,
            lit,
        );
    } else if meta.path == keys::COLUMN {
        // column = "sql_name"
        let lit = Spanned::from_lit(&lit_str(meta)?);
        set_once(cx, meta, keys::COLUMN, &mut attrs.column, lit);
    } else if meta.path == keys::BACKFILL {
        // backfill = "left(md5(name), 20)"
        let lit = sql_str(meta, keys::BACKFILL)?;
        set_once(cx, meta, keys::BACKFILL, &mut attrs.backfill, lit);
    } else if meta.path == keys::USING {
        // using = "code = 'yes'"
        let lit = sql_str(meta, keys::USING)?;
        set_once(cx, meta, keys::USING, &mut attrs.using, lit);
    } else if meta.path == keys::DOWN_USING {
        // down_using = "CASE WHEN code THEN 'oui' ELSE 'non' END"
        let lit = sql_str(meta, keys::DOWN_USING)?;
        set_once(cx, meta, keys::DOWN_USING, &mut attrs.down_using, lit);
    } else if meta.path == keys::RENAMED_FROM {
        // renamed_from = "old_column"
        let lit = name_str(meta, keys::RENAMED_FROM)?;
        set_once(cx, meta, keys::RENAMED_FROM, &mut attrs.renamed_from, lit);
    } else {
        unknown_key(cx, meta, "`#[watcher(...)]` on a field", keys::FIELD_KEYS)?;
    }
    Ok(())
}

/// Parses the arguments of `#[watcher_enum(...)]`.
pub fn enum_attrs(cx: &Ctxt, args: TokenStream) -> EnumAttrs {
    let mut attrs = EnumAttrs::default();
    let parser = syn::meta::parser(|meta| {
        let result = (|| {
            if meta.path == keys::NAME {
                // name = "datepartenum"
                let name = Spanned::from_lit(&lit_str(&meta)?);
                set_once(cx, &meta, keys::NAME, &mut attrs.name, name);
            } else if meta.path == keys::RENAME_ALL {
                // rename_all = "SCREAMING_SNAKE_CASE"
                let lit = lit_str(&meta)?;
                let rule = RenameRule::ALL.iter().find(|(s, _)| *s == lit.value());
                match rule {
                    Some(&(_, rule)) => {
                        let rule = Spanned::new(rule, lit.span());
                        set_once(cx, &meta, keys::RENAME_ALL, &mut attrs.rename_all, rule);
                    }
                    None => {
                        let known: Vec<String> = RenameRule::ALL
                            .iter()
                            .map(|(s, _)| format!("`{s}`"))
                            .collect();
                        cx.error_at(
                            &lit,
                            format!(
                                "unknown `rename_all` rule `{}`\nhelp: write one of {}",
                                lit.value(),
                                known.join(", ")
                            ),
                        );
                    }
                }
            } else if meta.path == keys::MIGRATIONS {
                // migrations = "tests/fixtures/migrations"
                let dir = Spanned::from_lit(&lit_str(&meta)?);
                set_once(cx, &meta, keys::MIGRATIONS, &mut attrs.migrations, dir);
            } else if meta.path == keys::RENAMED_FROM {
                // renamed_from = "old_type"
                let old = name_str(&meta, keys::RENAMED_FROM)?;
                set_once(cx, &meta, keys::RENAMED_FROM, &mut attrs.renamed_from, old);
            } else if meta.path == keys::ALLOW_DESTRUCTIVE {
                // allow_destructive(remove_label("WEEK"))
                let confirmations = enum_confirmations(cx, &meta)?;
                set_once(
                    cx,
                    &meta,
                    keys::ALLOW_DESTRUCTIVE,
                    &mut attrs.allow_destructive,
                    confirmations,
                );
            } else {
                unknown_key(cx, &meta, "`#[watcher_enum(...)]`", keys::ENUM_KEYS)?;
            }
            Ok(())
        })();
        recover(cx, &meta, result)
    });
    if let Err(err) = parser.parse2(args) {
        cx.syn_error(err);
    }
    attrs
}

/// Parses every `#[watcher(...)]` among a variant's attributes.
pub fn variant_attrs(cx: &Ctxt, attrs: &[Attribute]) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    for attr in attrs.iter().filter(|a| *a.path() == keys::WATCHER) {
        let parsed = attr.parse_nested_meta(|meta| {
            let result = (|| {
                if meta.path == keys::RENAME {
                    // rename = "LABEL"
                    let label = Spanned::from_lit(&lit_str(&meta)?);
                    set_once(cx, &meta, keys::RENAME, &mut out.rename, label);
                } else if meta.path == keys::RENAMED_FROM {
                    // renamed_from = "OLD_LABEL"
                    let old = name_str(&meta, keys::RENAMED_FROM)?;
                    set_once(cx, &meta, keys::RENAMED_FROM, &mut out.renamed_from, old);
                } else {
                    unknown_key(
                        cx,
                        &meta,
                        "`#[watcher(...)]` on a variant",
                        keys::VARIANT_KEYS,
                    )?;
                }
                Ok(())
            })();
            recover(cx, &meta, result)
        });
        if let Err(err) = parsed {
            cx.syn_error(err);
        }
    }
    out
}

/// Whether `attr` is one of ours: `#[watcher(...)]`.
pub fn is_helper(attr: &Attribute) -> bool {
    *attr.path() == keys::WATCHER
}

/// Records a syntax error inside one key and skips to the next `,`, so that the keys
/// after it are still read.
fn recover(cx: &Ctxt, meta: &ParseNestedMeta, result: syn::Result<()>) -> syn::Result<()> {
    if let Err(err) = result {
        cx.syn_error(err);
        skip_to_comma(meta.input)?;
    }
    Ok(())
}

fn skip_to_comma(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

fn set_once<T>(cx: &Ctxt, meta: &ParseNestedMeta, key: Symbol, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        cx.error_at(&meta.path, duplicate(key));
    } else {
        *slot = Some(value);
    }
}

fn duplicate(key: Symbol) -> String {
    format!("duplicate key `{key}`\nhelp: remove this one; each key may appear once")
}

fn unknown_key(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    place: &str,
    known: &[Symbol],
) -> syn::Result<()> {
    let word = path_text(&meta.path);
    let hint = match keys::closest(&word, known) {
        Some(key) => format!("did you mean `{key}`? known keys: {}", keys::list(known)),
        None => format!("known keys: {}", keys::list(known)),
    };
    cx.error_at(
        &meta.path,
        format!("unknown key `{word}` in {place}\nhelp: {hint}"),
    );
    // Skip its value so that the keys after it are still read.
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

fn path_text(path: &syn::Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

fn key_span(meta: &ParseNestedMeta) -> Span {
    meta.path
        .segments
        .first()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

fn flag(meta: &ParseNestedMeta, key: Symbol) -> syn::Result<()> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!(
            "`{key}` is a flag and takes no value\nhelp: write just `{key}`"
        )));
    }
    Ok(())
}

fn require_list(meta: &ParseNestedMeta) -> syn::Result<()> {
    if !meta.input.peek(syn::token::Paren) {
        let key = path_text(&meta.path);
        return Err(meta.error(format!(
            "`{key}` takes a list\nhelp: write `{key}(name = \"...\", ...)`"
        )));
    }
    Ok(())
}

fn optional_bool(meta: &ParseNestedMeta) -> syn::Result<Spanned<bool>> {
    if meta.input.peek(Token![=]) {
        let lit: LitBool = meta
            .value()?
            .parse()
            .map_err(|e| syn::Error::new(e.span(), "expected `true` or `false`"))?;
        Ok(Spanned::new(lit.value, lit.span))
    } else if meta.input.peek(syn::token::Paren) {
        Err(meta.error("expected a flag or `= true` / `= false`, not a list"))
    } else {
        Ok(Spanned::new(true, key_span(meta)))
    }
}

fn lit_str(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let key = path_text(&meta.path);
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format!(
            "`{key}` takes a value\nhelp: write `{key} = \"...\"`"
        )));
    }
    meta.value()?.parse::<LitStr>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected a string literal\nhelp: write `{key} = \"...\"`"),
        )
    })
}

/// A SQL string value that must not be empty.
fn sql_str(meta: &ParseNestedMeta, key: Symbol) -> syn::Result<Spanned<String>> {
    let lit = lit_str(meta)?;
    if lit.value().trim().is_empty() {
        return Err(syn::Error::new(
            lit.span(),
            format!("`{key}` needs a SQL expression, not an empty string"),
        ));
    }
    Ok(Spanned::from_lit(&lit))
}

/// A SQL name (not quoted, as PostgreSQL stores it) that must not be empty.
fn name_str(meta: &ParseNestedMeta, key: Symbol) -> syn::Result<Spanned<String>> {
    let lit = lit_str(meta)?;
    if lit.value().trim().is_empty() {
        return Err(syn::Error::new(
            lit.span(),
            format!("`{key}` needs the old name, not an empty string"),
        ));
    }
    Ok(Spanned::from_lit(&lit))
}

fn positive_int(meta: &ParseNestedMeta, key: Symbol) -> syn::Result<Spanned<u32>> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format!("`{key}` takes a value\nhelp: write `{key} = 10`")));
    }
    let lit: LitInt = meta.value()?.parse().map_err(|e| expected_int(e, key))?;
    let n: u32 = lit.base10_parse()?;
    if n == 0 {
        return Err(syn::Error::new(
            lit.span(),
            format!("`{key}` must be at least 1"),
        ));
    }
    Ok(Spanned::new(n, lit.span()))
}

fn expected_int(err: syn::Error, key: Symbol) -> syn::Error {
    syn::Error::new(
        err.span(),
        format!("expected an integer literal\nhelp: write `{key} = 10`"),
    )
}

fn ident_list(meta: &ParseNestedMeta, key: Symbol) -> syn::Result<Vec<Ident>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!(
            "`{key}` takes a list of fields\nhelp: write `{key}(a, b)`"
        )));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let idents = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
    if idents.is_empty() {
        return Err(meta.error(format!("`{key}(...)` needs at least one field")));
    }
    Ok(idents.into_iter().collect())
}

fn index_elems(meta: &ParseNestedMeta) -> syn::Result<Vec<IndexElem>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(
            "`columns` takes a list of fields or SQL expressions\nhelp: write `columns(a, \"lower(b)\")`",
        ));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let elems = Punctuated::<IndexElem, Token![,]>::parse_terminated_with(&content, |input| {
        if input.peek(LitStr) {
            Ok(IndexElem::Expr(Spanned::from_lit(&input.parse()?)))
        } else {
            Ok(IndexElem::Field(input.parse()?))
        }
    })?;
    if elems.is_empty() {
        return Err(meta.error("`columns(...)` needs at least one field"));
    }
    Ok(elems.into_iter().collect())
}

fn fk_action(word: &str) -> Option<FkAction> {
    Some(match word {
        "cascade" => FkAction::Cascade,
        "set_null" => FkAction::SetNull,
        "set_default" => FkAction::SetDefault,
        "restrict" => FkAction::Restrict,
        "no_action" => FkAction::NoAction,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn table(args: TokenStream) -> (TableAttrs, Vec<String>) {
        let cx = Ctxt::new();
        let attrs = table_attrs(&cx, args);
        (attrs, messages(cx))
    }

    fn field(attr: Attribute) -> (FieldAttrs, Vec<String>) {
        let cx = Ctxt::new();
        let attrs = field_attrs(&cx, &[attr]);
        (attrs, messages(cx))
    }

    fn messages(cx: Ctxt) -> Vec<String> {
        match cx.finish() {
            Ok(()) => Vec::new(),
            Err(err) => err.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn reads_every_table_key() {
        let (attrs, errors) = table(quote! {
            name = "pipeline_execution",
            primary_key(id),
            index(name = "ix_hour", columns(pipeline_id, hour_recorded, end_date),
                  include(completed_successfully, id), where = "end_date IS NOT NULL",
                  method = "btree"),
            unique_index(name = "ux_name", columns(name, "lower(name)")),
            index(unique, name = "ux_other", columns(other)),
            unique(name = "uq_pair", columns(a, b)),
            check(name = "ck_end", expr = "end_date > start_date"),
            migrations = "tests/migrations"
        });
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(attrs.name.unwrap().value, "pipeline_execution");
        assert_eq!(attrs.primary_key.unwrap().fields[0], "id");
        assert_eq!(attrs.indexes.len(), 3);
        let hour = &attrs.indexes[0];
        assert!(!hour.unique);
        assert_eq!(hour.columns.len(), 3);
        assert_eq!(hour.include.len(), 2);
        assert_eq!(
            hour.predicate.as_ref().unwrap().value,
            "end_date IS NOT NULL"
        );
        assert_eq!(hour.method.as_ref().unwrap().value, "btree");
        assert!(attrs.indexes[1].unique);
        assert!(
            matches!(&attrs.indexes[1].columns[1], IndexElem::Expr(e) if e.value == "lower(name)")
        );
        assert!(attrs.indexes[2].unique);
        assert_eq!(attrs.uniques[0].columns.len(), 2);
        assert_eq!(
            attrs.checks[0].expr.as_ref().unwrap().value,
            "end_date > start_date"
        );
        assert_eq!(attrs.migrations.unwrap().value, "tests/migrations");
    }

    #[test]
    fn reads_every_field_key() {
        let (attrs, errors) = field(syn::parse_quote! {
            #[watcher(primary_key, serial = false, identity = "always", default = "0",
                      max_length = 20, sql_type = "varchar(20)", precision = 12, scale = 4,
                      references = crate::PipelineType, references_column = "id",
                      on_delete = "cascade", on_update = "set_null",
                      foreign_key_name = "fk_x", column = "sql_name")]
        });
        assert_eq!(errors, Vec::<String>::new());
        assert!(attrs.primary_key.is_some());
        assert!(!attrs.serial.unwrap().value);
        assert_eq!(attrs.identity.unwrap().value, Generated::IdentityAlways);
        assert_eq!(attrs.default.unwrap().value, "0");
        assert_eq!(attrs.max_length.unwrap().value, 20);
        assert_eq!(attrs.sql_type.unwrap().value, SqlType::Varchar(Some(20)));
        assert_eq!(attrs.precision.unwrap().value, 12);
        assert_eq!(attrs.scale.unwrap().value, 4);
        assert_eq!(attrs.references.unwrap().table(), "pipeline_type");
        assert_eq!(attrs.references_column.unwrap().value, "id");
        assert_eq!(attrs.on_delete.unwrap().value, FkAction::Cascade);
        assert_eq!(attrs.on_update.unwrap().value, FkAction::SetNull);
        assert_eq!(attrs.foreign_key_name.unwrap().value, "fk_x");
        assert_eq!(attrs.column.unwrap().value, "sql_name");
    }

    #[test]
    fn flags_default_to_their_plain_meaning() {
        let (attrs, errors) = field(syn::parse_quote!(#[watcher(serial, identity)]));
        assert!(errors.is_empty());
        assert!(attrs.serial.unwrap().value);
        assert_eq!(attrs.identity.unwrap().value, Generated::IdentityByDefault);
        let (attrs, _) = field(syn::parse_quote!(#[watcher(references = "pipeline_type")]));
        assert!(
            matches!(attrs.references, Some(Reference::Table(ref t)) if t.value == "pipeline_type")
        );
    }

    #[test]
    fn repeated_key_errs_once_at_its_second_occurrence() {
        let (attrs, errors) =
            field(syn::parse_quote!(#[watcher(max_length = 10, max_length = 20)]));
        assert_eq!(
            errors,
            ["duplicate key `max_length`\nhelp: remove this one; each key may appear once"]
        );
        assert_eq!(attrs.max_length.unwrap().value, 10);
        let (_, errors) = table(quote!(name = "a", name = "b"));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("duplicate key `name`"));
    }

    #[test]
    fn unknown_key_lists_known_keys_and_parsing_goes_on() {
        let (attrs, errors) =
            field(syn::parse_quote!(#[watcher(max_lenght = 10, nullable, default = "1")]));
        assert_eq!(errors.len(), 2);
        assert!(errors[0].starts_with(
            "unknown key `max_lenght` in `#[watcher(...)]` on a field\nhelp: did you mean `max_length`? known keys: `primary_key`, `serial`"
        ));
        assert!(errors[1].starts_with(
            "unknown key `nullable` in `#[watcher(...)]` on a field\nhelp: known keys: "
        ));
        assert_eq!(attrs.default.unwrap().value, "1");
        let (_, errors) = table(quote!(index(name = "ix", colums(a))));
        assert!(errors[0]
            .starts_with("unknown key `colums` in `index(...)`\nhelp: did you mean `columns`?"));
    }

    #[test]
    fn bad_values_are_reported_at_the_value_and_skipped() {
        let (attrs, errors) = field(syn::parse_quote!(#[watcher(
            max_length = "ten", on_delete = "explode", default = "", identity = "sometimes",
            sql_type = "varchar(x)", primary_key = true, column = "c"
        )]));
        assert_eq!(
            errors,
            [
                "expected an integer literal\nhelp: write `max_length = 10`",
                "unknown referential action `explode`\nhelp: write one of `cascade`, `set_null`, `set_default`, `restrict`, `no_action`",
                "`default` needs a SQL expression, not an empty string",
                "unknown identity kind `sometimes`\nhelp: write `identity = \"always\"` or `identity = \"by_default\"`",
                "invalid type `varchar(x)`: expected a length, found `x`",
                "`primary_key` is a flag and takes no value\nhelp: write just `primary_key`",
            ]
        );
        assert_eq!(attrs.column.unwrap().value, "c");
    }

    #[test]
    fn lists_and_values_need_their_shape() {
        let (_, errors) = table(quote!(index, check = "x", primary_key, name));
        assert_eq!(
            errors,
            [
                "`index` takes a list\nhelp: write `index(name = \"...\", ...)`",
                "`check` takes a list\nhelp: write `check(name = \"...\", ...)`",
                "`primary_key` takes a list of fields\nhelp: write `primary_key(a, b)`",
                "`name` takes a value\nhelp: write `name = \"...\"`",
            ]
        );
        let (_, errors) = table(quote!(primary_key()));
        assert_eq!(errors, ["`primary_key(...)` needs at least one field"]);
        let (_, errors) = field(syn::parse_quote!(#[watcher(max_length = 0, references = 5)]));
        assert_eq!(errors[0], "`max_length` must be at least 1");
        assert!(errors[1].starts_with("expected a struct path or a table name"));
    }

    #[test]
    fn index_keys_repeat_checks() {
        let (attrs, errors) = table(quote!(unique_index(
            unique,
            name = "u",
            columns(a),
            columns(b),
            include(c),
            include(d)
        )));
        assert_eq!(errors.len(), 3);
        assert!(errors.iter().all(|e| e.starts_with("duplicate key")));
        assert!(matches!(&attrs.indexes[0].columns[0], IndexElem::Field(f) if f == "a"));
    }

    #[test]
    fn enum_and_variant_keys() {
        let cx = Ctxt::new();
        let attrs = enum_attrs(
            &cx,
            quote!(name = "datepartenum", rename_all = "SCREAMING_SNAKE_CASE"),
        );
        let variant = variant_attrs(&cx, &[syn::parse_quote!(#[watcher(rename = "HOURS")])]);
        assert!(messages(cx).is_empty());
        assert_eq!(attrs.name.unwrap().value, "datepartenum");
        assert_eq!(attrs.rename_all.unwrap().value, RenameRule::ScreamingSnake);
        assert_eq!(variant.rename.unwrap().value, "HOURS");

        let cx = Ctxt::new();
        enum_attrs(&cx, quote!(rename_all = "shouty", label = "x"));
        let errors = messages(cx);
        assert!(errors[0]
            .starts_with("unknown `rename_all` rule `shouty`\nhelp: write one of `lowercase`"));
        assert!(errors[1].starts_with("unknown key `label` in `#[watcher_enum(...)]`"));
    }

    #[test]
    fn rename_rules_and_snake_case() {
        assert_eq!(snake_case("PipelineType"), "pipeline_type");
        assert_eq!(snake_case("HTTPLog"), "http_log");
        assert_eq!(snake_case("Address2Type"), "address2_type");
        assert_eq!(
            RenameRule::ScreamingSnake.apply("DurationSeconds"),
            "DURATION_SECONDS"
        );
        assert_eq!(RenameRule::Kebab.apply("SoftDeletes"), "soft-deletes");
        assert_eq!(RenameRule::Camel.apply("SoftDeletes"), "softDeletes");
        assert_eq!(RenameRule::Lower.apply("Hour"), "hour");
        assert_eq!(RenameRule::Upper.apply("Hour"), "HOUR");
    }

    #[test]
    fn where_is_accepted_as_a_key() {
        let (attrs, errors) = table(quote!(index(name = "ix", columns(a), where = "a > 0")));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attrs.indexes[0].predicate.as_ref().unwrap().value, "a > 0");
    }
}
