//! Checked [`ast`](super::ast) → [`model`](crate::model): the table and enum type a struct
//! declares, with PostgreSQL's default names filled in. Spans stay behind in the ast.

use std::collections::BTreeMap;

use super::ast::{Enum, Field, Table};
use super::attr::{IndexElem, UniqueAttr};
use super::check::referenced_column;
use crate::model::{
    default_fkey_name, default_pkey_name, default_sequence_name, default_unique_name, Check,
    Column, EnumType, Expr, ForeignKey, Generated, Index, PrimaryKey, SqlType, Unique,
};

/// The table a struct declares. Fields whose type is unsupported are left out (the parse
/// stage has reported them, so a checked struct has none).
pub fn table(table: &Table) -> crate::model::Table {
    let mut out = crate::model::Table::new(table.name.clone());
    let key = primary_key_columns(table);
    let serial_by_default = auto_serial_column(table, &key);
    for field in &table.fields {
        let Some(ty) = field.sql_type() else {
            continue;
        };
        let generated = generation(
            table,
            field,
            serial_by_default == Some(field.column.as_str()),
        );
        out.columns.push(Column {
            name: field.column.clone(),
            ty,
            nullable: !key.contains(&field.column) && field.nullable() && generated.is_none(),
            default: field.attrs.default.as_ref().map(|d| Expr::new(&d.value)),
            generated,
        });
        if field.attrs.references.is_some() {
            let fk = foreign_key(table, field);
            out.foreign_keys.insert(fk.name.clone(), fk);
        }
    }
    if !key.is_empty() {
        out.primary_key = Some(PrimaryKey {
            name: default_pkey_name(&table.name),
            columns: key,
        });
    }
    for unique in &table.attrs.uniques {
        let unique = Unique {
            name: unique_name(table, unique),
            columns: unique.columns.iter().map(|i| column_of(table, i)).collect(),
        };
        out.uniques.insert(unique.name.clone(), unique);
    }
    for check in &table.attrs.checks {
        let (Some(name), Some(expr)) = (&check.name, &check.expr) else {
            continue;
        };
        let check = Check {
            name: name.value.clone(),
            expr: Expr::new(&expr.value),
        };
        out.checks.insert(check.name.clone(), check);
    }
    out.indexes = indexes(table);
    out
}

/// The enum type an enum declares.
pub fn enum_type(item: &Enum) -> EnumType {
    EnumType {
        name: item.name.clone(),
        labels: item
            .variants
            .iter()
            .map(|v| v.label.value.clone())
            .collect(),
    }
}

/// The primary key's columns: the struct-level list, else flagged fields in field order.
pub fn primary_key_columns(table: &Table) -> Vec<String> {
    match &table.attrs.primary_key {
        Some(list) => list.fields.iter().map(|i| column_of(table, i)).collect(),
        None => table
            .fields
            .iter()
            .filter(|f| f.attrs.primary_key.is_some())
            .map(|f| f.column.clone())
            .collect(),
    }
}

/// SQLAlchemy's `autoincrement="auto"`, which Watcher's schema was built with: a primary
/// key of exactly one integer column that is not a foreign key is serial, unless the
/// field says `serial = false`, `identity` or `default`.
fn auto_serial_column<'t>(table: &'t Table, key: &[String]) -> Option<&'t str> {
    let [column] = key else {
        return None;
    };
    let field = table.field_by_column(column)?;
    let attrs = &field.attrs;
    let eligible = field.is_integer()
        && attrs.references.is_none()
        && attrs.serial.is_none()
        && attrs.identity.is_none()
        && attrs.default.is_none()
        && field.sql_type().is_some_and(|t| t.is_integer());
    eligible.then_some(field.column.as_str())
}

fn generation(table: &Table, field: &Field, auto_serial: bool) -> Option<Generated> {
    if let Some(identity) = &field.attrs.identity {
        return Some(identity.value.clone());
    }
    let serial = field.attrs.serial.as_ref().map_or(auto_serial, |s| s.value);
    serial.then(|| Generated::Serial {
        sequence: default_sequence_name(&table.name, &field.column),
    })
}

fn foreign_key(table: &Table, field: &Field) -> ForeignKey {
    let attrs = &field.attrs;
    let reference = attrs
        .references
        .as_ref()
        .expect("foreign_key is called for fields with `references`");
    ForeignKey {
        name: foreign_key_name(table, field),
        columns: vec![field.column.clone()],
        ref_table: reference.table(),
        ref_columns: vec![referenced_column(field)],
        on_delete: attrs
            .on_delete
            .as_ref()
            .map(|a| a.value)
            .unwrap_or_default(),
        on_update: attrs
            .on_update
            .as_ref()
            .map(|a| a.value)
            .unwrap_or_default(),
    }
}

/// `foreign_key_name`, else PostgreSQL's `<table>_<column>_fkey`.
pub fn foreign_key_name(table: &Table, field: &Field) -> String {
    match &field.attrs.foreign_key_name {
        Some(name) => name.value.clone(),
        None => default_fkey_name(&table.name, std::slice::from_ref(&field.column)),
    }
}

/// `name`, else PostgreSQL's `<table>_<columns>_key`.
pub fn unique_name(table: &Table, unique: &UniqueAttr) -> String {
    match &unique.name {
        Some(name) => name.value.clone(),
        None => {
            let columns: Vec<String> = unique.columns.iter().map(|i| column_of(table, i)).collect();
            default_unique_name(&table.name, &columns)
        }
    }
}

fn indexes(table: &Table) -> BTreeMap<String, Index> {
    let mut out = BTreeMap::new();
    for index in &table.attrs.indexes {
        let Some(name) = &index.name else {
            continue;
        };
        let columns = index
            .columns
            .iter()
            .map(|elem| match elem {
                IndexElem::Field(ident) => column_of(table, ident),
                IndexElem::Expr(expr) => Expr::new(&expr.value).as_str().to_string(),
            })
            .collect();
        let index = Index {
            name: name.value.clone(),
            unique: index.unique,
            method: index
                .method
                .as_ref()
                .map_or_else(|| "btree".to_string(), |m| m.value.clone()),
            columns,
            include: index.include.iter().map(|i| column_of(table, i)).collect(),
            predicate: index.predicate.as_ref().map(|p| Expr::new(&p.value)),
        };
        out.insert(index.name.clone(), index);
    }
    out
}

/// The column of the field called `ident` (the ident itself if there is no such field; the
/// check stage reports that).
fn column_of(table: &Table, ident: &syn::Ident) -> String {
    table
        .field(ident)
        .map_or_else(|| ident.to_string(), |f| f.column.clone())
}

/// Whether a column type is an enum (or array of one) called `name`.
pub fn uses_enum(ty: &SqlType, name: &str) -> bool {
    match ty {
        SqlType::Enum(n) => n == name,
        SqlType::Array(inner) => uses_enum(inner, name),
        _ => false,
    }
}
