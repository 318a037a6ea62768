//! Rules for the keys that speak about the migration history rather than the schema:
//! `backfill`, `renamed_from` and `allow_destructive`. They never change the model, so
//! these rules are all that keeps a slip in them from reaching the generator.

use std::collections::BTreeMap;

use syn::ext::IdentExt;
use syn::Ident;

use super::{check_identifier, check_no_repeats, no_such_field};
use crate::diag::Ctxt;
use crate::structs::ast::{Enum, Field, Table};

/// Checks one table's history keys.
pub(super) fn check_table(cx: &Ctxt, table: &Table) {
    for field in &table.fields {
        check_backfill(cx, table, field);
    }
    check_column_renames(cx, table);
    check_table_rename(cx, table);
    check_confirmations(cx, table);
}

/// Checks one enum's `allow_destructive(remove_label(...))`.
pub(super) fn check_enum(cx: &Ctxt, item: &Enum) {
    let Some(confirmations) = &item.attrs.allow_destructive else {
        return;
    };
    // Confirming the removal of a label the enum still has would confirm nothing now and
    // a surprise later.
    let mut seen: Vec<&str> = Vec::new();
    for label in &confirmations.remove_labels {
        if seen.contains(&label.value.as_str()) {
            cx.error_span(
                label.span,
                format!(
                    "label `{}` appears twice in `remove_label(...)`",
                    label.value
                ),
            );
        }
        seen.push(&label.value);
        if let Some(variant) = item.variants.iter().find(|v| v.label.value == label.value) {
            cx.error_span(
                label.span,
                format!(
                    "label `{}` is still declared by variant `{}`; `remove_label` confirms removing a label no variant has\nhelp: remove the variant, or this confirmation",
                    label.value, variant.ident
                ),
            );
        }
    }
}

/// Checks across tables: two structs cannot both be renamed from one table, and a
/// table renamed away cannot still be declared.
pub(super) fn check_schema(cx: &Ctxt, tables: &[Table]) {
    let declared: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut renamed: BTreeMap<&str, &Table> = BTreeMap::new();
    for table in tables {
        let Some(old) = &table.attrs.renamed_from else {
            continue;
        };
        if let Some(other) = declared.get(old.value.as_str()) {
            if other.name != table.name {
                cx.error_span(
                    old.span,
                    format!(
                        "table `{}` is still declared by `{}`, so `{}` cannot be renamed from it\nhelp: remove one of them",
                        old.value, other.ident, table.name
                    ),
                );
            }
        }
        if let Some(first) = renamed.insert(&old.value, table) {
            cx.error_span(
                old.span,
                format!(
                    "table `{}` cannot become both `{}` and `{}`\nhelp: remove one of the `renamed_from`s",
                    old.value, first.name, table.name
                ),
            );
        }
    }
}

/// A backfill fills existing rows where a column becomes NOT NULL; on a nullable or
/// server-generated column it would never run, which hides a mistake.
fn check_backfill(cx: &Ctxt, table: &Table, field: &Field) {
    let Some(backfill) = &field.attrs.backfill else {
        return;
    };
    let column = format!("{}.{}", table.name, field.column);
    if field.nullable() {
        cx.error_span(
            backfill.span,
            format!(
                "`backfill` fills existing rows of a NOT NULL column, but `{column}` is an `Option`\nhelp: remove `backfill`, or make the field non-optional"
            ),
        );
    }
    let generated = [
        (
            "serial",
            field.attrs.serial.as_ref().filter(|s| s.value).is_some(),
        ),
        ("identity", field.attrs.identity.is_some()),
    ];
    for (key, set) in generated {
        if set {
            cx.error_span(
                backfill.span,
                format!(
                    "a `{key}` column gets its values from the server; `{column}` needs no `backfill`"
                ),
            );
        }
    }
}

/// `renamed_from` names a column the struct no longer declares, once.
fn check_column_renames(cx: &Ctxt, table: &Table) {
    let mut renamed: BTreeMap<&str, &Ident> = BTreeMap::new();
    for field in &table.fields {
        let Some(old) = &field.attrs.renamed_from else {
            continue;
        };
        check_identifier(cx, old.span, "column", &old.value);
        if old.value == field.column {
            cx.error_span(
                old.span,
                format!(
                    "`renamed_from` names the column `{}.{}` itself\nhelp: give the column's previous name, or remove `renamed_from`",
                    table.name, field.column
                ),
            );
            continue;
        }
        if let Some(other) = table.field_by_column(&old.value) {
            cx.error_span(
                old.span,
                format!(
                    "column `{}.{}` is still declared by field `{}`, so `{}` cannot be renamed from it\nhelp: remove the field `{}`, or this `renamed_from`",
                    table.name, old.value, other.ident, field.column, other.ident
                ),
            );
        }
        if let Some(first) = renamed.insert(&old.value, field.ident) {
            cx.error_span(
                old.span,
                format!(
                    "column `{}.{}` cannot become both `{first}` and `{}`\nhelp: remove one of the `renamed_from`s",
                    table.name, old.value, field.ident
                ),
            );
        }
    }
}

fn check_table_rename(cx: &Ctxt, table: &Table) {
    let Some(old) = &table.attrs.renamed_from else {
        return;
    };
    check_identifier(cx, old.span, "table", &old.value);
    if old.value == table.name {
        cx.error_span(
            old.span,
            format!(
                "`renamed_from` names the table `{}` itself\nhelp: give the table's previous name, or remove `renamed_from`",
                table.name
            ),
        );
    }
}

/// `drop_column` names columns no field declares (a field is the column kept), and not
/// one a field is renamed from (a rename keeps the values); `change_type` names fields.
fn check_confirmations(cx: &Ctxt, table: &Table) {
    let Some(confirmations) = &table.attrs.allow_destructive else {
        return;
    };
    check_no_repeats(cx, &confirmations.drop_columns, "drop_column");
    check_no_repeats(cx, &confirmations.change_types, "change_type");
    for ident in &confirmations.drop_columns {
        let column = ident.unraw().to_string();
        if let Some(field) = table.field_by_column(&column) {
            cx.error_at(
                ident,
                format!(
                    "column `{}.{column}` is still declared by field `{}`; `drop_column` confirms dropping a column no field declares\nhelp: remove the field, or this confirmation",
                    table.name, field.ident
                ),
            );
        }
        let renamed = table.fields.iter().find(|f| {
            f.attrs
                .renamed_from
                .as_ref()
                .is_some_and(|old| old.value == column)
        });
        if let Some(field) = renamed {
            cx.error_at(
                ident,
                format!(
                    "column `{}.{column}` is renamed to `{}`, which keeps its values; it is not dropped\nhelp: remove `{column}` from `drop_column(...)`",
                    table.name, field.column
                ),
            );
        }
    }
    for ident in &confirmations.change_types {
        if table.field(ident).is_none() {
            no_such_field(cx, table, ident);
        }
    }
}
