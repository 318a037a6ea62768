//! Rules that span several keys, fields or structs, run on a parsed [`ast`](super::ast)
//! before lowering; after them the lowered model is one PostgreSQL accepts.

mod history;

use std::collections::{BTreeMap, HashMap};

use proc_macro2::Span;
use syn::Ident;

use super::ast::{Enum, Field, RustTy, Table};
use super::attr::{self, IndexElem, Reference};
use crate::diag::Ctxt;
use crate::model::{default_pkey_name, FkAction, MAX_IDENTIFIER_LEN};

/// Checks one table on its own.
pub fn check_table(cx: &Ctxt, table: &Table) {
    check_identifier(cx, table.name_span(), "table", &table.name);
    check_module_name(cx, table);
    check_fields(cx, table);
    check_primary_key(cx, table);
    check_columns_unique(cx, table);
    check_indexes(cx, table);
    check_constraints(cx, table);
    check_names_unique(cx, table);
    history::check_table(cx, table);
}

/// Checks one enum on its own.
pub fn check_enum(cx: &Ctxt, item: &Enum) {
    check_identifier(cx, item.name_span(), "enum type", &item.name);
    // PostgreSQL has no empty enum worth mapping, and Diesel could not read one.
    if item.variants.is_empty() {
        cx.error_at(item.ident, "a `#[watcher_enum]` needs at least one variant");
    }
    // Labels are compared as text: two variants with one label could not be told apart.
    let mut seen: HashMap<&str, &Ident> = HashMap::new();
    for variant in &item.variants {
        let label = variant.label.value.as_str();
        if label.is_empty() || label.len() > MAX_IDENTIFIER_LEN {
            cx.error_span(
                variant.label.span,
                format!("enum label `{label}` must be 1 to 63 bytes long"),
            );
        }
        if let Some(first) = seen.insert(label, variant.ident) {
            cx.error_span(
                variant.label.span,
                format!("enum label `{label}` is used twice (also by `{first}`)\nhelp: give one of them `#[watcher(rename = \"...\")]`"),
            );
        }
    }
    history::check_enum(cx, item);
}

/// Checks that reach across structs: run when the whole schema is known (the CLI reads
/// every struct source; the macro sees one struct and compares with the migrations instead).
pub fn check_schema(cx: &Ctxt, tables: &[Table], enums: &[Enum]) {
    history::check_schema(cx, tables);
    // Two structs, one table: the second would silently replace the first.
    let mut by_name: BTreeMap<&str, &Table> = BTreeMap::new();
    for table in tables {
        if let Some(first) = by_name.insert(&table.name, table) {
            cx.error_span(
                table.name_span(),
                format!(
                    "table `{}` is declared twice (also by `{}`)\nhelp: give one of them `#[watcher_table(name = \"...\")]`",
                    table.name, first.ident
                ),
            );
        }
    }
    let mut enum_names: BTreeMap<&str, &Enum> = BTreeMap::new();
    for item in enums {
        if let Some(first) = enum_names.insert(&item.name, item) {
            cx.error_span(
                item.name_span(),
                format!(
                    "enum type `{}` is declared twice (also by `{}`)",
                    item.name, first.ident
                ),
            );
        }
    }
    // Index and constraint-backing index names share PostgreSQL's namespace with tables.
    let mut relations: BTreeMap<String, String> = tables
        .iter()
        .map(|t| (t.name.clone(), format!("table `{}`", t.name)))
        .collect();
    for table in tables {
        for (name, span) in relation_names(table) {
            let owner = format!("table `{}`", table.name);
            if let Some(other) = relations.insert(name.clone(), owner) {
                cx.error_span(
                    span,
                    format!("relation name `{name}` is already used by {other}\nhelp: index, primary key and unique names are unique across the schema"),
                );
            }
        }
    }
    // A foreign key must name a declared table and an existing column of it.
    for table in tables {
        for field in &table.fields {
            let Some(reference) = &field.attrs.references else {
                continue;
            };
            let target_name = reference.table();
            let Some(target) = by_name.get(target_name.as_str()) else {
                error_at_reference(
                    cx,
                    reference,
                    format!(
                        "foreign key `{}.{}` references table `{target_name}`, which no `#[watcher_table]` struct declares",
                        table.name, field.column
                    ),
                );
                continue;
            };
            let column = field.referenced_column();
            if target.field_by_column(&column).is_none() {
                error_at_reference(
                    cx,
                    reference,
                    format!(
                        "foreign key `{}.{}` references column `{target_name}.{column}`, which does not exist\nhelp: set `references_column = \"...\"`",
                        table.name, field.column
                    ),
                );
            }
        }
    }
    // A column of an enum type needs the enum declared.
    for table in tables {
        for field in &table.fields {
            let Some(sql) = field.sql_type() else {
                continue;
            };
            let mut inner = &sql;
            while let crate::model::SqlType::Array(elem) = inner {
                inner = elem;
            }
            if let crate::model::SqlType::Enum(name) = inner {
                if !enum_names.contains_key(name.as_str()) {
                    cx.error_at(
                        field.ty,
                        format!("column `{}.{}` has enum type `{name}`, which no `#[watcher_enum]` declares\nhelp: declare it, or name its type with `sql_type = \"...\"`", table.name, field.column),
                    );
                }
            }
        }
    }
}

/// Records `msg` at a `references = ...` value.
pub fn error_at_reference(cx: &Ctxt, reference: &Reference, msg: String) {
    match reference {
        Reference::Struct(path) => cx.error_at(path, msg),
        Reference::Table(name) => cx.error_span(name.span, msg),
    }
}

fn check_identifier(cx: &Ctxt, span: Span, what: &str, name: &str) {
    if name.is_empty() {
        cx.error_span(span, format!("{what} name must not be empty"));
    } else if name.len() > MAX_IDENTIFIER_LEN {
        cx.error_span(
            span,
            format!(
                "{what} name `{name}` is {} bytes long; PostgreSQL truncates names to 63 bytes\nhelp: choose a shorter name",
                name.len()
            ),
        );
    }
}

/// The table name also names the Diesel `table!` module, so it must be a lower-case Rust
/// identifier.
fn check_module_name(cx: &Ctxt, table: &Table) {
    const KEYWORDS: &[&str] = &[
        "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
        "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
        "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
        "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
        "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    let name = &table.name;
    let lower_ident = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !name.is_empty() && (!lower_ident || KEYWORDS.contains(&name.as_str()) || name == "_") {
        let mut suggestion = attr::snake_case(&name.replace(['-', ' '], "_"));
        if KEYWORDS.contains(&suggestion.as_str()) {
            suggestion.push_str("_table");
        }
        cx.error_span(
            table.name_span(),
            format!("table name `{name}` must be a lower-case identifier that is not a Rust keyword: it names the Diesel `table!` module\nhelp: choose a name such as `{suggestion}`"),
        );
    }
}

fn check_fields(cx: &Ctxt, table: &Table) {
    for field in &table.fields {
        check_identifier(cx, column_span(field), "column", &field.column);
        check_type_keys(cx, field);
        check_generation(cx, table, field);
        check_foreign_key_keys(cx, table, field);
    }
}

fn column_span(field: &Field) -> Span {
    field
        .attrs
        .column
        .as_ref()
        .map_or_else(|| field.ident.span(), |c| c.span)
}

/// `max_length`, `precision`, `scale` and `sql_type` must fit the Rust type: the generated
/// Diesel code reads the column into that type, so a mismatch fails at run time otherwise.
fn check_type_keys(cx: &Ctxt, field: &Field) {
    let Some(rust) = &field.rust else {
        return;
    };
    let base = rust.base.innermost();
    let attrs = &field.attrs;
    if let Some(ty) = &attrs.sql_type {
        if !rust.base.accepts(&ty.value) {
            cx.error_span(
                ty.span,
                format!(
                    "`sql_type = \"{}\"` does not fit the field's Rust type `{}`\nhelp: the Rust type maps to `{}`; change one of them",
                    ty.value,
                    rust_type_text(field),
                    rust.base.default_sql()
                ),
            );
        }
        for (key, span) in [
            ("max_length", attrs.max_length.as_ref().map(|m| m.span)),
            ("precision", attrs.precision.as_ref().map(|m| m.span)),
            ("scale", attrs.scale.as_ref().map(|m| m.span)),
        ] {
            if let Some(span) = span {
                cx.error_span(
                    span,
                    format!("`{key}` cannot be combined with `sql_type`\nhelp: write the modifier in the type, e.g. `sql_type = \"varchar(20)\"`"),
                );
            }
        }
        return;
    }
    if let Some(max) = &attrs.max_length {
        if *base != RustTy::String {
            cx.error_span(
                max.span,
                format!(
                    "`max_length` applies to `String` fields, not `{}`",
                    rust_type_text(field)
                ),
            );
        }
    }
    let decimal = *base == RustTy::Decimal;
    for (key, value) in [("precision", &attrs.precision), ("scale", &attrs.scale)] {
        if let Some(value) = value {
            if !decimal {
                cx.error_span(
                    value.span,
                    format!(
                        "`{key}` applies to `BigDecimal` fields, not `{}`",
                        rust_type_text(field)
                    ),
                );
            }
        }
    }
    if !decimal {
        return;
    }
    match (&attrs.precision, &attrs.scale) {
        (None, Some(scale)) => cx.error_span(
            scale.span,
            "`scale` needs `precision`\nhelp: write `precision = 12, scale = 4`",
        ),
        (Some(precision), _) if precision.value > 1000 => cx.error_span(
            precision.span,
            "`precision` must be between 1 and 1000 (PostgreSQL's limit)",
        ),
        (Some(precision), Some(scale)) if scale.value > precision.value => cx.error_span(
            scale.span,
            format!(
                "`scale = {}` exceeds `precision = {}`",
                scale.value, precision.value
            ),
        ),
        _ => {}
    }
}

fn rust_type_text(field: &Field) -> String {
    let ty = field.ty;
    quote::quote!(#ty).to_string().replace(' ', "")
}

/// Serial and identity columns are server-generated integers: they cannot also carry a
/// default, be nullable, or be both at once.
fn check_generation(cx: &Ctxt, table: &Table, field: &Field) {
    let attrs = &field.attrs;
    let serial = attrs.serial.as_ref().filter(|s| s.value);
    let generated: Vec<(&str, Span)> = serial
        .map(|s| ("serial", s.span))
        .into_iter()
        .chain(attrs.identity.as_ref().map(|i| ("identity", i.span)))
        .collect();
    if let [(_, _), (_, second)] = generated.as_slice() {
        cx.error_span(
            *second,
            "a column is either `serial` or `identity`, not both",
        );
    }
    for (key, span) in &generated {
        if field.rust.is_some() && !field.is_integer() {
            cx.error_span(
                *span,
                format!(
                    "`{key}` needs an integer field (`i16`, `i32` or `i64`), not `{}`",
                    rust_type_text(field)
                ),
            );
        }
        if field.nullable() {
            cx.error_span(
                *span,
                format!(
                    "`{key}` column `{}.{}` cannot be `Option`: the server always fills it",
                    table.name, field.column
                ),
            );
        }
        if let Some(default) = &attrs.default {
            cx.error_span(
                default.span,
                format!("`{key}` and `default` cannot be combined: the server generates this column's values\nhelp: remove one of them"),
            );
        }
    }
}

fn check_foreign_key_keys(cx: &Ctxt, table: &Table, field: &Field) {
    let attrs = &field.attrs;
    if attrs.references.is_none() {
        let dangling = [
            (
                "references_column",
                attrs.references_column.as_ref().map(|v| v.span),
            ),
            ("on_delete", attrs.on_delete.as_ref().map(|v| v.span)),
            ("on_update", attrs.on_update.as_ref().map(|v| v.span)),
            (
                "foreign_key_name",
                attrs.foreign_key_name.as_ref().map(|v| v.span),
            ),
        ];
        for (key, span) in dangling {
            if let Some(span) = span {
                cx.error_span(
                    span,
                    format!("`{key}` needs `references = ...` on the same field"),
                );
            }
        }
        return;
    }
    // SET NULL on a NOT NULL column is accepted by PostgreSQL and fails on the first delete.
    for action in [&attrs.on_delete, &attrs.on_update].into_iter().flatten() {
        if action.value == FkAction::SetNull && !field.nullable() {
            cx.error_span(
                action.span,
                format!(
                    "`set_null` needs a nullable column, but `{}.{}` is not an `Option`",
                    table.name, field.column
                ),
            );
        }
    }
    if let Some(name) = &attrs.foreign_key_name {
        check_identifier(cx, name.span, "foreign key", &name.value);
    }
}

/// A table needs a primary key: Diesel's `Identifiable` and `table!` are built on it. It
/// is given once, either as field flags or as the struct-level list (for an order that
/// differs from field order), and its columns are NOT NULL, so not `Option`.
fn check_primary_key(cx: &Ctxt, table: &Table) {
    let flagged: Vec<&Field> = table
        .fields
        .iter()
        .filter(|f| f.attrs.primary_key.is_some())
        .collect();
    let listed = &table.attrs.primary_key;
    if let (Some(list), [first, ..]) = (listed, flagged.as_slice()) {
        cx.error_span(
            list.span,
            format!(
                "the primary key is given twice: here and by `#[watcher(primary_key)]` on `{}`\nhelp: keep one of them",
                first.ident
            ),
        );
        return;
    }
    let key_fields: Vec<&Field> = match listed {
        Some(list) => {
            let mut fields = Vec::new();
            for (i, ident) in list.fields.iter().enumerate() {
                match table.field(ident) {
                    Some(_) if list.fields[..i].contains(ident) => {}
                    Some(field) => fields.push(field),
                    None => no_such_field(cx, table, ident),
                }
            }
            check_no_repeats(cx, &list.fields, "primary_key");
            fields
        }
        None => flagged,
    };
    if key_fields.is_empty() && listed.is_none() && !table.fields.is_empty() {
        cx.error_at(
            table.ident,
            format!(
                "table `{}` has no primary key\nhelp: mark a field `#[watcher(primary_key)]`, or list a composite key: `#[watcher_table(primary_key(a, b))]`",
                table.name
            ),
        );
    }
    for field in key_fields {
        if field.nullable() {
            cx.error_at(
                field.ty,
                format!(
                    "primary key column `{}.{}` cannot be `Option`",
                    table.name, field.column
                ),
            );
        }
    }
}

fn check_columns_unique(cx: &Ctxt, table: &Table) {
    let mut seen: HashMap<&str, &Ident> = HashMap::new();
    for field in &table.fields {
        if let Some(first) = seen.insert(&field.column, field.ident) {
            cx.error_span(
                column_span(field),
                format!(
                    "column `{}.{}` is declared twice (also by field `{first}`)\nhelp: rename one with `#[watcher(column = \"...\")]`",
                    table.name, field.column
                ),
            );
        }
    }
}

fn check_indexes(cx: &Ctxt, table: &Table) {
    for index in &table.attrs.indexes {
        match &index.name {
            None => cx.error_span(
                index.span,
                "an index needs a name\nhelp: add `name = \"ix_...\"`; names are written explicitly so migrations never depend on a naming rule",
            ),
            Some(name) => check_identifier(cx, name.span, "index", &name.value),
        }
        if index.columns.is_empty() {
            cx.error_span(
                index.span,
                "an index needs `columns(...)`\nhelp: write `columns(a, b)`",
            );
        }
        let fields: Vec<Ident> = index
            .columns
            .iter()
            .filter_map(|elem| match elem {
                IndexElem::Field(ident) => Some(ident.clone()),
                IndexElem::Expr(_) => None,
            })
            .collect();
        for ident in fields.iter().chain(&index.include) {
            if table.field(ident).is_none() {
                no_such_field(cx, table, ident);
            }
        }
        check_no_repeats(cx, &fields, "columns");
        check_no_repeats(cx, &index.include, "include");
        for elem in &index.columns {
            if let IndexElem::Expr(expr) = elem {
                if expr.value.trim().is_empty() {
                    cx.error_span(expr.span, "an index expression must not be empty");
                }
            }
        }
        if let Some(method) = &index.method {
            let ok = !method.value.is_empty()
                && method
                    .value
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                cx.error_span(
                    method.span,
                    format!(
                        "unknown index method `{}`\nhelp: write a PostgreSQL access method such as `btree`, `hash`, `gin`, `gist`, `brin`",
                        method.value
                    ),
                );
            }
        }
    }
}

fn check_constraints(cx: &Ctxt, table: &Table) {
    for unique in &table.attrs.uniques {
        if unique.columns.is_empty() {
            cx.error_span(
                unique.span,
                "a unique constraint needs `columns(...)`\nhelp: write `unique(name = \"uq_...\", columns(a, b))`",
            );
        }
        for ident in &unique.columns {
            if table.field(ident).is_none() {
                no_such_field(cx, table, ident);
            }
        }
        check_no_repeats(cx, &unique.columns, "columns");
        if let Some(name) = &unique.name {
            check_identifier(cx, name.span, "constraint", &name.value);
        }
    }
    for check in &table.attrs.checks {
        match &check.name {
            None => cx.error_span(
                check.span,
                "a check constraint needs a name\nhelp: add `name = \"ck_...\"`",
            ),
            Some(name) => check_identifier(cx, name.span, "constraint", &name.value),
        }
        match &check.expr {
            None => cx.error_span(check.span, "a check constraint needs `expr = \"...\"`"),
            Some(expr) if expr.value.trim().is_empty() => {
                cx.error_span(expr.span, "a check expression must not be empty")
            }
            Some(_) => {}
        }
    }
}

/// Constraint names are unique per table; index names (and the indexes behind primary
/// keys and unique constraints) per schema. Within one struct both must be distinct.
fn check_names_unique(cx: &Ctxt, table: &Table) {
    // Implicit names (primary and foreign keys) first, then the struct's lists in the order
    // written, so that a repeated name is reported where it is repeated.
    let mut names: Vec<(String, Span, usize)> = Vec::new();
    if let Some(name) = primary_key_name(table) {
        names.push((name, table.ident.span(), 0));
    }
    for field in table.fields.iter().filter(|f| f.attrs.references.is_some()) {
        let span = field
            .attrs
            .foreign_key_name
            .as_ref()
            .map_or_else(|| field.ident.span(), |n| n.span);
        names.push((table.foreign_key_name(field), span, 0));
    }
    let attrs = &table.attrs;
    for unique in &attrs.uniques {
        let span = unique.name.as_ref().map_or(unique.span, |n| n.span);
        names.push((table.unique_name(unique), span, 1 + unique.position));
    }
    for check in &attrs.checks {
        if let Some(name) = &check.name {
            names.push((name.value.clone(), name.span, 1 + check.position));
        }
    }
    for index in &attrs.indexes {
        if let Some(name) = &index.name {
            names.push((name.value.clone(), name.span, 1 + index.position));
        }
    }
    names.sort_by_key(|&(_, _, position)| position);
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for (name, span, _) in &names {
        if seen.insert(name, ()).is_some() {
            cx.error_span(
                *span,
                format!(
                    "duplicate index or constraint name `{name}` in table `{}`\nhelp: choose another `name`",
                    table.name
                ),
            );
        }
    }
}

/// `<table>_pkey` when the table has a primary key.
fn primary_key_name(table: &Table) -> Option<String> {
    let has_key = table.attrs.primary_key.is_some()
        || table.fields.iter().any(|f| f.attrs.primary_key.is_some());
    has_key.then(|| default_pkey_name(&table.name))
}

/// Names that PostgreSQL creates relations for: indexes, and the indexes behind the
/// primary key and unique constraints.
fn relation_names(table: &Table) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    if let Some(name) = primary_key_name(table) {
        out.push((name, table.ident.span()));
    }
    for unique in &table.attrs.uniques {
        let span = unique.name.as_ref().map_or(unique.span, |n| n.span);
        out.push((table.unique_name(unique), span));
    }
    for index in &table.attrs.indexes {
        if let Some(name) = &index.name {
            out.push((name.value.clone(), name.span));
        }
    }
    out
}

fn no_such_field(cx: &Ctxt, table: &Table, ident: &Ident) {
    let fields: Vec<String> = table
        .fields
        .iter()
        .map(|f| format!("`{}`", f.ident))
        .collect();
    cx.error_at(
        ident,
        format!(
            "no field `{ident}` in `{}`\nhelp: name a field of the struct: {}",
            table.ident,
            fields.join(", ")
        ),
    );
}

fn check_no_repeats(cx: &Ctxt, idents: &[Ident], key: &str) {
    for (i, ident) in idents.iter().enumerate() {
        if idents[..i].contains(ident) {
            cx.error_at(ident, format!("`{ident}` appears twice in `{key}(...)`"));
        }
    }
}
