//! Test support for every crate's tests: a readable comparison of two schemas, the column
//! order a migration leaves, and (feature `testing`) proptest strategies for random schemas.

#[cfg(any(test, feature = "testing"))]
pub mod strategy;

use crate::compare::describe_difference;
use crate::model::Schema;

/// Panics with [`describe_difference`] when `actual` is not `expected`.
#[track_caller]
pub fn assert_schema_eq(actual: &Schema, expected: &Schema) {
    if let Some(difference) = describe_difference(actual, expected) {
        panic!("schemas differ (- actual, + expected):\n{difference}");
    }
}

/// `schema` with each table's columns in name order: a column added to an existing table is
/// physically last, so a migrated catalog and a fresh dump differ in column order only.
pub fn sorted_columns(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    for table in schema.tables.values_mut() {
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    schema
}

/// `to` as migrating `from` leaves it: a table both have keeps the columns it had in
/// their old order, and columns it gains come after them, as PostgreSQL adds them.
pub fn after_migration(from: &Schema, to: &Schema) -> Schema {
    let mut out = to.clone();
    for (name, table) in &mut out.tables {
        let Some(old) = from.tables.get(name) else {
            continue;
        };
        let position = |column: &str| old.columns.iter().position(|c| c.name == column);
        // A stable sort: kept columns by their old place, added ones after, in `to`'s order.
        table
            .columns
            .sort_by_key(|c| position(&c.name).unwrap_or(usize::MAX));
    }
    out
}
