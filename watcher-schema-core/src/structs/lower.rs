//! Checked [`ast`](super::ast) → [`model`](crate::model): the table and enum type a struct
//! declares, with PostgreSQL's default names filled in. Spans stay behind in the ast.

use std::collections::BTreeMap;

use super::ast::{Enum, Field, Table};
use super::attr::IndexElem;
use crate::model::{
    default_pkey_name, default_sequence_name, Check, Column, EnumType, Expr, ForeignKey, Generated,
    Index, PrimaryKey, Unique,
};

/// The table a struct declares. Fields whose type is unsupported are left out (the parse
/// stage has reported them, so a checked struct has none).
pub fn table(table: &Table) -> crate::model::Table {
    let mut out = crate::model::Table::new(table.name.clone());
    let key = table.primary_key_columns();
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
            name: table.unique_name(unique),
            columns: unique.columns.iter().map(|i| table.column_of(i)).collect(),
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
        name: table.foreign_key_name(field),
        columns: vec![field.column.clone()],
        ref_table: reference.table(),
        ref_columns: vec![field.referenced_column()],
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
                IndexElem::Field(ident) => table.column_of(ident),
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
            include: index.include.iter().map(|i| table.column_of(i)).collect(),
            predicate: index.predicate.as_ref().map(|p| Expr::new(&p.value)),
        };
        out.insert(index.name.clone(), index);
    }
    out
}
