//! Step: the read-only checks a plan opens with. A unique key, foreign key or check that
//! existing rows break would fail at its own step, after earlier steps committed (online:
//! a `NOT VALID` constraint left behind); its guard stops the migration before anything
//! changes, naming the rows and the fix. Hands [`Op::RefuseIfRows`] ops to [`super::plan`].

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Expr, Schema, Table};
use crate::op::{is_plain_identifier, Op, Rows};
use crate::sql::select_rows;

/// A guard for each unique constraint or index, foreign key and check that `ops` add to a
/// table of `before` and that the rows of `before` need not satisfy already. `verb` is
/// "upgrade" or "downgrade".
///
/// The guards run first, so they test the rows and names of `before`: a check or unique
/// key over a column the ops add is tested with the value the column gets in its place
/// (its default or NULL, then its fill); a constraint over a column converted first, or
/// added with values that differ per row, or a check or index expression on a table whose
/// columns change otherwise first, has no guard (a plain migration then still rolls back
/// whole). Primary keys have none either: their online form builds the unique index
/// first, which fails before anything else changes, and the runner drops what it left.
pub(super) fn constraint_guards(before: &Schema, ops: &[Op], verb: &str) -> Vec<Op> {
    let mut names = Names::new(before);
    let mut guards = Vec::new();
    for op in ops {
        let guard = match op {
            Op::AddUnique { table, unique } => names.duplicates(table, &unique.columns, None),
            Op::CreateIndex { table, index, .. } if index.unique => {
                names.duplicates(table, &index.columns, index.predicate.as_ref())
            }
            Op::AddForeignKey { table, key } => {
                names.orphans(table, &key.columns, &key.ref_table, &key.ref_columns)
            }
            Op::AddCheck { table, check } => names.violations(table, &check.expr),
            _ => None,
        };
        if let Some((table, rows)) = guard {
            let what = describe(op);
            let added = names.reads_added(op);
            let guard = refuse(&table, rows, &what, verb, added);
            if !guards.contains(&guard) {
                guards.push(guard);
            }
        }
        names.follow(op);
    }
    guards
}

/// The guard that stops the migration when `table` (a name in `before`) holds `rows`;
/// `added`: the constraint reads a column the migration adds, whose fill may be the fix.
fn refuse(table: &str, rows: Rows, what: &str, verb: &str, added: bool) -> Op {
    let (broken, fix) = match &rows {
        Rows::Duplicate { .. } => (
            "rows of `{table}` share a key",
            "delete or merge the duplicates, or give them distinct values",
        ),
        Rows::Orphan { .. } => (
            "rows of `{table}` refer to no row",
            "delete those rows, point them at existing rows, or set the key to NULL",
        ),
        _ => ("rows of `{table}` break it", "repair or delete those rows"),
    };
    let also = match (added, verb) {
        (false, _) => "",
        (true, "upgrade") => " (for a column the migration adds: or change its fill or default)",
        _ => {
            " (for a column the way back restores: or give it the fill it comes back with, \
             `#[watcher_table(down_backfill(column = \"...\"))]`)"
        }
    };
    let reason = format!(
        "cannot {verb}: {what}, and {}; nothing was changed. Find them with `{}`, then \
         {fix}{also}, and run the {verb} again (guide: `watcher_schema::guide::evolving`)",
        broken.replace("{table}", table),
        select_rows(table, &rows, false)
    );
    Op::RefuseIfRows {
        table: table.to_string(),
        rows,
        reason,
    }
}

/// What the constraint `op` adds asks of the rows, in words.
fn describe(op: &Op) -> String {
    match op {
        Op::AddUnique { table, unique } => format!(
            "unique constraint `{}` makes ({}) of `{table}` unique",
            unique.name,
            unique.columns.join(", ")
        ),
        Op::CreateIndex { table, index, .. } => format!(
            "unique index `{}` makes ({}) of `{table}` unique",
            index.name,
            index.columns.join(", ")
        ),
        Op::AddForeignKey { table, key } => format!(
            "foreign key `{}` makes `{table}` ({}) refer to `{}` ({})",
            key.name,
            key.columns.join(", "),
            key.ref_table,
            key.ref_columns.join(", ")
        ),
        Op::AddCheck { table, check } => format!(
            "check `{}` of `{table}` asks for `{}`",
            check.name,
            check.expr.as_str()
        ),
        _ => String::new(),
    }
}

/// The names of `before` the tables and columns of a point in the ops stand for: what a
/// guard, which runs before them all, must say.
struct Names<'s> {
    before: &'s Schema,
    /// Table name now → its name in `before`.
    tables: BTreeMap<String, String>,
    /// `(table in before, column now)` → the column in `before`, whose values it still holds.
    columns: BTreeMap<(String, String), String>,
    /// Tables of `before` (by that name) whose columns changed: expressions over them
    /// cannot be tested on `before`.
    changed: BTreeSet<String>,
    /// `(table in before, column now)` → what a column the ops add holds in the rows of
    /// `before`, as an expression over their columns: its constant default or NULL, then
    /// what a fill gives the rows holding NULL. A check or unique key over it is tested
    /// with the expression in its place.
    values: BTreeMap<(String, String), Expr>,
}

impl<'s> Names<'s> {
    fn new(before: &'s Schema) -> Names<'s> {
        let mut tables = BTreeMap::new();
        let mut columns = BTreeMap::new();
        for t in before.tables.values() {
            tables.insert(t.name.clone(), t.name.clone());
            for c in &t.columns {
                columns.insert((t.name.clone(), c.name.clone()), c.name.clone());
            }
        }
        Names {
            before,
            tables,
            columns,
            changed: BTreeSet::new(),
            values: BTreeMap::new(),
        }
    }

    /// The table of `before` that `table` is now, with its name there.
    fn table(&self, table: &str) -> Option<(&'s Table, String)> {
        let old = self.tables.get(table)?;
        Some((self.before.table(old)?, old.clone()))
    }

    /// `columns` of `table` (now) by their names in `before`; `None` when one is not there.
    fn columns(&self, old_table: &str, columns: &[String]) -> Option<Vec<String>> {
        columns
            .iter()
            .map(|c| {
                self.columns
                    .get(&(old_table.to_string(), c.clone()))
                    .cloned()
            })
            .collect()
    }

    /// Key elements by their names in `before`: expressions only on an unchanged table.
    fn elements(&self, old_table: &str, elements: &[String]) -> Option<Vec<String>> {
        let unchanged = !self.changed.contains(old_table);
        elements
            .iter()
            .map(|e| {
                if is_plain_identifier(e) && !e.starts_with('"') {
                    let key = (old_table.to_string(), e.clone());
                    self.columns
                        .get(&key)
                        .cloned()
                        .or_else(|| self.values.get(&key).map(|v| format!("({})", v.as_str())))
                } else {
                    unchanged.then(|| self.substituted(old_table, e))
                }
            })
            .collect()
    }

    fn duplicates(
        &self,
        table: &str,
        elements: &[String],
        predicate: Option<&Expr>,
    ) -> Option<(String, Rows)> {
        let (t, old) = self.table(table)?;
        let columns = self.elements(&old, elements)?;
        // An added column holding NULL in every row: no two rows share the key.
        if columns.iter().any(|c| c.eq_ignore_ascii_case("(null)")) {
            return None;
        }
        if predicate.is_some() && self.changed.contains(&old) {
            return None;
        }
        let predicate = predicate.map(|p| Expr::new(&self.substituted(&old, p.as_str())));
        // Unique on a subset of these columns already: no two rows can share them all.
        let covers = |key: &[String]| !key.is_empty() && key.iter().all(|k| columns.contains(k));
        let unique = t.primary_key.as_ref().is_some_and(|pk| covers(&pk.columns))
            || t.uniques.values().any(|u| covers(&u.columns))
            || t.indexes
                .values()
                .any(|i| i.unique && i.predicate.is_none() && covers(&i.columns));
        (!unique).then_some((old, Rows::Duplicate { columns, predicate }))
    }

    fn orphans(
        &self,
        table: &str,
        columns: &[String],
        ref_table: &str,
        ref_columns: &[String],
    ) -> Option<(String, Rows)> {
        let (t, old) = self.table(table)?;
        let columns = self.columns(&old, columns)?;
        let (_, old_ref) = self.table(ref_table)?;
        let ref_columns = self.columns(&old_ref, ref_columns)?;
        let kept = t.foreign_keys.values().any(|k| {
            k.columns == columns && k.ref_table == old_ref && k.ref_columns == ref_columns
        });
        (!kept).then_some((
            old,
            Rows::Orphan {
                columns,
                ref_table: old_ref,
                ref_columns,
            },
        ))
    }

    fn violations(&self, table: &str, expr: &Expr) -> Option<(String, Rows)> {
        let (t, old) = self.table(table)?;
        if self.changed.contains(&old) || t.checks.values().any(|c| c.expr == *expr) {
            return None;
        }
        // Columns the ops add hold their values: the check is asked of those.
        let tested = Expr::new(&self.substituted(&old, expr.as_str()));
        Some((old, Rows::Violating(tested)))
    }

    /// Follows `op`'s effect on names: renames carry the old names along; a column added,
    /// dropped, filled or converted no longer holds the values a guard would test.
    fn follow(&mut self, op: &Op) {
        match op {
            Op::RenameTable { from, to } => {
                if let Some(old) = self.tables.remove(from) {
                    self.tables.insert(to.clone(), old);
                }
            }
            Op::CreateTable(t) => {
                self.tables.remove(&t.name);
            }
            Op::DropTable { name } => {
                self.tables.remove(name);
            }
            Op::RenameColumn { table, from, to } => {
                if let Some(old) = self.tables.get(table).cloned() {
                    if let Some(column) = self.columns.remove(&(old.clone(), from.clone())) {
                        self.columns.insert((old.clone(), to.clone()), column);
                    }
                    self.changed.insert(old);
                }
            }
            Op::AddColumn { table, column: c } => self.added(table, c),
            Op::Backfill {
                table,
                column,
                expr,
            }
            | Op::BackfillBatch {
                table,
                column,
                expr,
            } => self.filled(table, column, expr),
            Op::DropColumn { table, column } | Op::AlterColumnType { table, column, .. } => {
                self.forget(table, column)
            }
            _ => {}
        }
    }

    /// Whether the constraint `op` adds reads a column the ops add.
    fn reads_added(&self, op: &Op) -> bool {
        let (table, texts): (&str, Vec<&str>) = match op {
            Op::AddUnique { table, unique } => {
                (table, unique.columns.iter().map(String::as_str).collect())
            }
            Op::CreateIndex { table, index, .. } => (
                table,
                index
                    .columns
                    .iter()
                    .map(String::as_str)
                    .chain(index.predicate.as_ref().map(Expr::as_str))
                    .collect(),
            ),
            Op::AddCheck { table, check } => (table, vec![check.expr.as_str()]),
            _ => return false,
        };
        let Some(old) = self.tables.get(table) else {
            return false;
        };
        self.values.keys().any(|(t, column)| {
            t == old
                && texts
                    .iter()
                    .any(|text| Expr::new(text).mentions_column(column))
        })
    }

    /// `text` with each column the ops add to `old_table` replaced by what it holds.
    fn substituted(&self, old_table: &str, text: &str) -> String {
        let mut out = text.to_string();
        for ((table, column), value) in &self.values {
            if table == old_table {
                out = crate::expr::substitute_column(&out, column, value.as_str());
            }
        }
        out
    }

    /// A column added to a table of `before`: its rows hold its default, when one value,
    /// or NULL. A serial, an identity or a default that differs per row has no value here.
    fn added(&mut self, table: &str, column: &crate::model::Column) {
        let Some(old) = self.tables.get(table).cloned() else {
            return;
        };
        let per_row = crate::lint::rewrite_on_add(column).is_some();
        if self.changed.contains(&old) || per_row {
            self.forget(table, &column.name);
            return;
        }
        let value = column.default.clone().unwrap_or_else(|| Expr::new("NULL"));
        self.values.insert((old, column.name.clone()), value);
    }

    /// A fill of the rows holding NULL: an added column then holds `COALESCE(value, fill)`
    /// when the fill reads only columns of `before`; any other column no longer holds its
    /// values of `before`.
    fn filled(&mut self, table: &str, column: &str, fill: &Expr) {
        let Some(old) = self.tables.get(table).cloned() else {
            return;
        };
        let key = (old.clone(), column.to_string());
        let reads_added = self
            .values
            .keys()
            .any(|(t, c)| *t == old && fill.mentions_column(c));
        match self.values.get(&key) {
            Some(value) if !self.changed.contains(&old) && !reads_added => {
                let value = if value.as_str().eq_ignore_ascii_case("null") {
                    fill.clone()
                } else {
                    Expr::new(&format!("COALESCE({}, {})", value.as_str(), fill.as_str()))
                };
                self.values.insert(key, value);
            }
            _ => self.forget(table, column),
        }
    }

    fn forget(&mut self, table: &str, column: &str) {
        if let Some(old) = self.tables.get(table).cloned() {
            self.columns.remove(&(old.clone(), column.to_string()));
            self.values.remove(&(old.clone(), column.to_string()));
            self.changed.insert(old);
        }
    }
}
