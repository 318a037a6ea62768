//! Drift → compile errors: core's `compare` holds the struct's model against the migrations';
//! this maps each difference back to the token the user should look at.

use proc_macro2::Span;
use syn::Path;
use watcher_schema_core::compare::{compare_enum, compare_table_in, Difference, Sides};
use watcher_schema_core::diag::Ctxt;
use watcher_schema_core::head::HeadModel;
use watcher_schema_core::model::SqlType;
use watcher_schema_core::structs::ast::{Enum, Field, Table};
use watcher_schema_core::structs::attr::Reference;

/// Every difference between a struct and the migrations, each at its token.
pub fn check_table(table: &Table, model: &HeadModel) -> syn::Result<()> {
    let cx = Ctxt::new();
    let sides = Sides::migrations(model.head.as_deref());
    for drift in compare_table_in(&model.schema, &table.to_model()) {
        report_table(&cx, table, &drift, drift.message(&sides));
    }
    cx.finish()
}

fn report_table(cx: &Ctxt, table: &Table, drift: &Difference, msg: String) {
    let field = |column: &str| table.field_by_column(column);
    match drift {
        Difference::ColumnMissing { column, .. } => match field(column) {
            Some(f) => cx.error_at(f.ident, msg),
            None => cx.error_at(table.ident, msg),
        },
        Difference::ColumnType {
            column,
            actual,
            expected,
            ..
        } => match field(column) {
            Some(f) => match type_key_span(f, actual, expected) {
                Some(span) => cx.error_span(span, msg),
                None => cx.error_at(f.ty, msg),
            },
            None => cx.error_at(table.ident, msg),
        },
        Difference::ColumnNullable { column, .. } => match field(column) {
            Some(f) => cx.error_at(f.ty, msg),
            None => cx.error_at(table.ident, msg),
        },
        Difference::ColumnDefault { column, .. } => match field(column) {
            Some(f) => match &f.attrs.default {
                Some(default) => cx.error_span(default.span, msg),
                None => cx.error_at(f.ident, msg),
            },
            None => cx.error_at(table.ident, msg),
        },
        Difference::ColumnGenerated { column, .. } => match field(column) {
            Some(f) => cx.error_span(generation_span(f), msg),
            None => cx.error_at(table.ident, msg),
        },
        Difference::PrimaryKey { .. } => {
            let flagged = table.fields.iter().find_map(|f| f.attrs.primary_key);
            let span = table
                .attrs
                .primary_key
                .as_ref()
                .map(|list| list.span)
                .or(flagged);
            match span {
                Some(span) => cx.error_span(span, msg),
                None => cx.error_at(table.ident, msg),
            }
        }
        Difference::Index { name, .. } => {
            let declared = table.attrs.indexes.iter().find_map(|i| {
                let n = i.name.as_ref()?;
                (n.value == *name).then_some(n.span)
            });
            span_or_struct(cx, table, declared, msg);
        }
        Difference::Check { name, .. } => {
            let declared = table.attrs.checks.iter().find_map(|c| {
                let n = c.name.as_ref()?;
                (n.value == *name).then_some(n.span)
            });
            span_or_struct(cx, table, declared, msg);
        }
        Difference::Unique { name, .. } => {
            let declared = table
                .attrs
                .uniques
                .iter()
                .find(|u| table.unique_name(u) == *name)
                .map(|u| u.name.as_ref().map_or(u.span, |n| n.span));
            span_or_struct(cx, table, declared, msg);
        }
        Difference::ForeignKey { name, actual, .. } => {
            let declared = table
                .fields
                .iter()
                .find(|f| f.attrs.references.is_some() && table.foreign_key_name(f) == *name);
            // A key the struct lacks is written on the field of its column, so point there.
            let column_field = || {
                actual
                    .as_ref()
                    .and_then(|fk| fk.columns.first())
                    .and_then(|column| field(column))
            };
            match (
                declared.and_then(|f| f.attrs.references.as_ref()),
                column_field(),
            ) {
                (Some(reference), _) => error_at_reference(cx, reference, msg),
                (None, Some(f)) => cx.error_at(f.ident, msg),
                (None, None) => cx.error_at(table.ident, msg),
            }
        }
        Difference::ForeignKeyTarget { column, .. } => {
            match field(column).and_then(|f| f.attrs.references.as_ref()) {
                Some(reference) => error_at_reference(cx, reference, msg),
                None => cx.error_at(table.ident, msg),
            }
        }
        // The column is named by `references_column` when written, else it is the default
        // `id` that `references` implies.
        Difference::ForeignKeyTargetColumn { column, .. } => match field(column) {
            Some(f) => match (&f.attrs.references_column, &f.attrs.references) {
                (Some(named), _) => cx.error_span(named.span, msg),
                (None, Some(reference)) => error_at_reference(cx, reference, msg),
                (None, None) => cx.error_at(f.ident, msg),
            },
            None => cx.error_at(table.ident, msg),
        },
        // The struct name stands for the table: a table the migrations lack, a column no
        // field claims, and anything else a struct-level view explains best.
        _ => cx.error_at(table.ident, msg),
    }
}

/// The key that decided a column's type when the Rust type alone did not: `sql_type`, or
/// the `max_length`, `precision` or `scale` that differs from the migrations. `None` when
/// the Rust type is what differs.
fn type_key_span(field: &Field, migrations: &SqlType, structs: &SqlType) -> Option<Span> {
    let attrs = &field.attrs;
    if let Some(ty) = &attrs.sql_type {
        return Some(ty.span);
    }
    match (migrations, structs) {
        (SqlType::Varchar(_), SqlType::Varchar(_)) => attrs.max_length.as_ref().map(|m| m.span),
        (SqlType::Numeric(old), SqlType::Numeric(new)) => {
            let same_precision = matches!((old, new), (Some((p, _)), Some((q, _))) if p == q);
            let key = if same_precision {
                &attrs.scale
            } else {
                &attrs.precision
            };
            key.as_ref().map(|k| k.span)
        }
        _ => None,
    }
}

/// The `serial`/`identity` key if written, else the `primary_key` flag (which implies
/// serial), else the field name.
fn generation_span(field: &Field) -> Span {
    let attrs = &field.attrs;
    attrs
        .serial
        .as_ref()
        .map(|s| s.span)
        .or(attrs.identity.as_ref().map(|i| i.span))
        .or(attrs.primary_key)
        .unwrap_or_else(|| field.ident.span())
}

fn span_or_struct(cx: &Ctxt, table: &Table, span: Option<Span>, msg: String) {
    match span {
        Some(span) => cx.error_span(span, msg),
        None => cx.error_at(table.ident, msg),
    }
}

fn error_at_reference(cx: &Ctxt, reference: &Reference, msg: String) {
    match reference {
        Reference::Struct(path) => cx.error_at(path, msg),
        Reference::Table(name) => cx.error_span(name.span, msg),
    }
}

/// Every difference between an enum and the migrations' enum type of the same name.
pub fn check_enum(item: &Enum, model: &HeadModel) -> syn::Result<()> {
    let cx = Ctxt::new();
    let sides = Sides::migrations(model.head.as_deref());
    let declared = item.to_model();
    for drift in compare_enum(model.schema.enums.get(&declared.name), &declared) {
        let msg = drift.message(&sides);
        match &drift {
            Difference::EnumLabelMissing { label, .. } => {
                match item.variants.iter().find(|v| v.label.value == *label) {
                    Some(variant) => cx.error_span(variant.label.span, msg),
                    None => cx.error_at(item.ident, msg),
                }
            }
            _ => cx.error_at(item.ident, msg),
        }
    }
    cx.finish()
}

/// The tables `schema!` lists against those of the migrations: a listed module whose table
/// the migrations lack, and a table of the migrations that is not listed.
pub fn check_schema(tables: &[(String, &Path)], model: &HeadModel) -> syn::Result<()> {
    let cx = Ctxt::new();
    let sides = Sides::migrations(model.head.as_deref());
    for (i, (name, path)) in tables.iter().enumerate() {
        if tables[..i].iter().any(|(other, _)| other == name) {
            cx.error_at(path, format!("table `{name}` is listed twice"));
        } else if !model.schema.tables.contains_key(name) {
            let drift = Difference::TableMissing {
                table: name.clone(),
            };
            cx.error_at(path, drift.message(&sides));
        }
    }
    for name in model.schema.tables.keys() {
        if !tables.iter().any(|(listed, _)| listed == name) {
            let drift = Difference::TableUnclaimed {
                table: name.clone(),
            };
            cx.error_span(Span::call_site(), drift.message(&sides));
        }
    }
    cx.finish()
}
