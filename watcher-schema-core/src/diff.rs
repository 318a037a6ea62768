//! Step: two [`Schema`]s → the ordered [`Op`]s that turn one into the other. Hands them
//! to [`crate::sql`] for text, and to [`plan`](mod@plan) for the rules that keep real
//! data safe.
//!
//! The order is one PostgreSQL accepts, whatever the data:
//! 1. new enum types, label additions, and the first half of enum type swaps;
//! 2. new free-standing sequences, and owners released that are about to change;
//! 3. foreign keys that go away or change, then dropped tables (referencing tables first),
//!    then indexes and other constraints that go away or change, then renames of those
//!    whose only change is their name (a renamed table or column leaves old names behind);
//! 4. new tables in foreign-key order (ties by name), each followed by its indexes;
//! 5. per kept table: columns added, altered, dropped;
//! 6. new or changed primary keys, unique constraints, checks and indexes; then every new
//!    foreign key, once every table and key it needs exists;
//! 7. sequence owners, sequences dropped, and last enum types dropped.
//!
//! Anything else that changes is dropped and recreated under the same name, and so is
//! what depends on it (a foreign key on a rebuilt key, a check naming a swapped enum);
//! column order is ignored (a column added to a kept table is physically last).

mod column;
mod order;
pub mod plan;

use std::collections::{BTreeMap, BTreeSet};

pub use plan::{plan, Destructive, Hints, Plan, PlanError, Problem};
// Lint judges type changes by the same rule the plan asks consent by.
pub(crate) use column::rewrites;

use crate::expr::mentions_column;
use crate::model::{
    Column, Generated, Index, PrimaryKey, Schema, Sequence, SqlType, Table, MAX_IDENTIFIER_LEN,
};
use crate::op::{is_plain_identifier, LabelPosition, Op};
use crate::type_change::keys_stay_comparable;

/// The operations that turn `from` into `to`, in an order PostgreSQL accepts (see the
/// module docs). `diff(to, from)` is the way back.
///
/// ```
/// use watcher_schema_core::diff::diff;
/// use watcher_schema_core::model::{Column, Schema, SqlType, Table};
/// use watcher_schema_core::op::Op;
///
/// let mut to = Schema::default();
/// let mut table = Table::new("pipeline");
/// table.columns.push(Column::new("name", SqlType::Text));
/// to.tables.insert("pipeline".into(), table.clone());
///
/// assert_eq!(diff(&Schema::default(), &to), [Op::CreateTable(table)]);
/// assert_eq!(diff(&to, &Schema::default()), [Op::DropTable { name: "pipeline".into() }]);
/// ```
pub fn diff(from: &Schema, to: &Schema) -> Vec<Op> {
    Differ::new(from, to).run()
}

/// The name an enum type takes while its columns move to a new type of its name.
pub fn swapped_enum_name(name: &str) -> String {
    const SUFFIX: &str = "__old";
    let mut end = name.len().min(MAX_IDENTIFIER_LEN - SUFFIX.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{SUFFIX}", &name[..end])
}

/// The labels to add, each with its place, when `new` only adds labels to `old`; `None`
/// when labels are removed or reordered (a type swap is needed then).
fn label_additions(old: &[String], new: &[String]) -> Option<Vec<(String, Option<LabelPosition>)>> {
    let mut kept = old.iter().peekable();
    let mut additions = Vec::new();
    for (i, label) in new.iter().enumerate() {
        if kept.peek() == Some(&label) {
            kept.next();
            continue;
        }
        if old.contains(label) {
            return None;
        }
        // The label before it is in place by now; at the front, the first old label is.
        let position = match (i.checked_sub(1), old.first()) {
            (Some(prev), _) => Some(LabelPosition::After(new[prev].clone())),
            (None, Some(first)) => Some(LabelPosition::Before(first.clone())),
            (None, None) => None,
        };
        additions.push((label.clone(), position));
    }
    kept.peek().is_none().then_some(additions)
}

/// `(table, name)` of a constraint.
type Key<'a> = (&'a str, &'a str);

struct Differ<'a> {
    from: &'a Schema,
    to: &'a Schema,
    /// Tables both schemas have: `(from, to)`, by name.
    kept: Vec<(&'a Table, &'a Table)>,
    kept_names: BTreeSet<&'a str>,
    dropped: Vec<&'a Table>,
    created: Vec<&'a Table>,
    /// Enums whose labels are removed or reordered → the name the old type takes.
    swapped: BTreeMap<&'a str, String>,
    /// Indexes by name (names are schema-wide) → `(table, index)`.
    from_indexes: BTreeMap<&'a str, (&'a str, &'a Index)>,
    to_indexes: BTreeMap<&'a str, (&'a str, &'a Index)>,
    /// Serial sequences by name → `(table, column)`.
    from_serials: BTreeMap<&'a str, (&'a str, &'a str)>,
    to_serials: BTreeMap<&'a str, (&'a str, &'a str)>,
    /// Constraints `(table, old name)` → new name, and indexes old → new name, whose
    /// definition is unchanged but for the name (a renamed table or column leaves its old
    /// names behind): renamed, not rebuilt.
    renamed_constraints: BTreeMap<Key<'a>, &'a str>,
    renamed_indexes: BTreeMap<&'a str, &'a str>,
    /// The new names of those renames: `(table, new name)` and new index names.
    constraint_targets: BTreeSet<Key<'a>>,
    index_targets: BTreeSet<&'a str>,
    /// Unchanged constraints and indexes that still must be dropped and recreated around
    /// a change of something they depend on.
    rebuilt_fks: BTreeSet<Key<'a>>,
    rebuilt_checks: BTreeSet<Key<'a>>,
    rebuilt_indexes: BTreeSet<&'a str>,
    ops: Vec<Op>,
}

fn indexes_by_name(schema: &Schema) -> BTreeMap<&str, (&str, &Index)> {
    schema
        .tables
        .values()
        .flat_map(|t| {
            t.indexes
                .values()
                .map(move |ix| (ix.name.as_str(), (t.name.as_str(), ix)))
        })
        .collect()
}

fn serials_by_name(schema: &Schema) -> BTreeMap<&str, (&str, &str)> {
    let mut out = BTreeMap::new();
    for t in schema.tables.values() {
        for c in &t.columns {
            if let Some(Generated::Serial { sequence }) = &c.generated {
                out.insert(sequence.as_str(), (t.name.as_str(), c.name.as_str()));
            }
        }
    }
    out
}

/// Pairs entries only `from` has with entries only `to` has that `same` holds for,
/// each at most once, in name order: `(old name, new name)`.
fn pair_by<'m, T>(
    from: &'m BTreeMap<String, T>,
    to: &'m BTreeMap<String, T>,
    same: impl Fn(&T, &T) -> bool,
) -> Vec<(&'m str, &'m str)> {
    let mut taken = BTreeSet::new();
    let mut pairs = Vec::new();
    for (old, a) in from.iter().filter(|(name, _)| !to.contains_key(*name)) {
        let found = to
            .iter()
            .find(|(new, b)| !from.contains_key(*new) && !taken.contains(new) && same(a, b));
        if let Some((new, _)) = found {
            taken.insert(new);
            pairs.push((old.as_str(), new.as_str()));
        }
    }
    pairs
}

fn sorted(columns: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = columns.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

fn mentions_any(text: &str, columns: &[&str]) -> bool {
    columns.iter().any(|c| mentions_column(text, c))
}

fn uses_enum_in(ty: &SqlType, names: &BTreeMap<&str, String>) -> bool {
    match ty {
        SqlType::Enum(n) => names.contains_key(n.as_str()),
        SqlType::Array(inner) => uses_enum_in(inner, names),
        _ => false,
    }
}

impl<'a> Differ<'a> {
    fn new(from: &'a Schema, to: &'a Schema) -> Differ<'a> {
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        for (name, f) in &from.tables {
            match to.tables.get(name) {
                Some(t) => kept.push((f, t)),
                None => dropped.push(f),
            }
        }
        let created = to
            .tables
            .iter()
            .filter(|(name, _)| !from.tables.contains_key(*name))
            .map(|(_, t)| t)
            .collect();
        let swapped = to
            .enums
            .iter()
            .filter_map(|(name, new)| {
                let old = from.enums.get(name)?;
                let swap =
                    old.labels != new.labels && label_additions(&old.labels, &new.labels).is_none();
                swap.then(|| (name.as_str(), swapped_enum_name(name)))
            })
            .collect();
        let mut differ = Differ {
            from,
            to,
            kept_names: kept.iter().map(|(f, _)| f.name.as_str()).collect(),
            kept,
            dropped,
            created,
            swapped,
            from_indexes: indexes_by_name(from),
            to_indexes: indexes_by_name(to),
            from_serials: serials_by_name(from),
            to_serials: serials_by_name(to),
            renamed_constraints: BTreeMap::new(),
            renamed_indexes: BTreeMap::new(),
            constraint_targets: BTreeSet::new(),
            index_targets: BTreeSet::new(),
            rebuilt_fks: BTreeSet::new(),
            rebuilt_checks: BTreeSet::new(),
            rebuilt_indexes: BTreeSet::new(),
            ops: Vec::new(),
        };
        differ.find_renames();
        differ.find_rebuilds();
        differ.constraint_targets = differ
            .renamed_constraints
            .iter()
            .map(|(&(table, _), &new)| (table, new))
            .collect();
        differ.index_targets = differ.renamed_indexes.values().copied().collect();
        differ
    }

    fn run(mut self) -> Vec<Op> {
        self.enums_first();
        self.sequences_first();
        self.drop_foreign_keys();
        self.drop_tables();
        self.drop_indexes_and_constraints();
        self.rename_constraints_and_indexes();
        self.create_tables();
        self.alter_columns();
        self.add_keys_checks_and_indexes();
        self.add_foreign_keys();
        self.sequences_last();
        self.enums_last();
        self.ops
    }

    /// A `from` column's type as it is once swapped enums have taken their old names.
    fn old_type(&self, ty: &SqlType) -> SqlType {
        match ty {
            SqlType::Enum(name) => match self.swapped.get(name.as_str()) {
                Some(old) => SqlType::Enum(old.clone()),
                None => ty.clone(),
            },
            SqlType::Array(inner) => SqlType::Array(Box::new(self.old_type(inner))),
            _ => ty.clone(),
        }
    }

    fn index_changed(&self, name: &str) -> bool {
        let from = self.from_indexes.get(name);
        from != self.to_indexes.get(name) || self.rebuilt_indexes.contains(name)
    }

    /// Whether the `from` index `name` is dropped (changed, rebuilt, or gone, not renamed).
    fn index_dropped(&self, name: &str) -> bool {
        self.index_changed(name) && !self.renamed_indexes.contains_key(name)
    }

    /// Whether the `to` index `name` is created (new, changed or rebuilt, not renamed).
    fn index_created(&self, name: &str) -> bool {
        self.index_changed(name) && !self.index_targets.contains(name)
    }

    fn constraint_renamed(&self, table: &str, name: &str) -> bool {
        self.renamed_constraints.contains_key(&(table, name))
    }

    fn constraint_renamed_to(&self, table: &str, name: &str) -> bool {
        self.constraint_targets.contains(&(table, name))
    }

    /// Pairs, per kept table, the constraints and indexes only `from` has with those only
    /// `to` has that are the same but for their name.
    fn find_renames(&mut self) {
        for &(f, t) in &self.kept {
            let table = t.name.as_str();
            if let (Some(a), Some(b)) = (&f.primary_key, &t.primary_key) {
                if a.name != b.name && a.columns == b.columns {
                    self.renamed_constraints.insert((table, &a.name), &b.name);
                }
            }
            let uniques = pair_by(&f.uniques, &t.uniques, |a, b| a.columns == b.columns);
            let checks = pair_by(&f.checks, &t.checks, |a, b| a.expr == b.expr);
            let fks = pair_by(&f.foreign_keys, &t.foreign_keys, |a, b| {
                (
                    &a.columns,
                    &a.ref_table,
                    &a.ref_columns,
                    a.on_delete,
                    a.on_update,
                ) == (
                    &b.columns,
                    &b.ref_table,
                    &b.ref_columns,
                    b.on_delete,
                    b.on_update,
                )
            });
            for (old, new) in uniques.into_iter().chain(checks).chain(fks) {
                self.renamed_constraints.insert((table, old), new);
            }
            // Index names are schema-wide: only names neither side has elsewhere pair up.
            let from_only: BTreeMap<String, &Index> = f
                .indexes
                .iter()
                .filter(|(name, _)| !self.to_indexes.contains_key(name.as_str()))
                .map(|(name, ix)| (name.clone(), ix))
                .collect();
            let to_only: BTreeMap<String, &Index> = t
                .indexes
                .iter()
                .filter(|(name, _)| !self.from_indexes.contains_key(name.as_str()))
                .map(|(name, ix)| (name.clone(), ix))
                .collect();
            let same = |a: &&Index, b: &&Index| {
                let renamed = Index {
                    name: b.name.clone(),
                    ..(*a).clone()
                };
                renamed == **b
            };
            for (old, new) in pair_by(&from_only, &to_only, same) {
                let old = &f.indexes.get_key_value(old).expect("from `f`").0;
                let new = &t.indexes.get_key_value(new).expect("from `t`").0;
                self.renamed_indexes.insert(old.as_str(), new.as_str());
            }
        }
    }

    /// Finds the unchanged constraints PostgreSQL would refuse to keep across this diff:
    /// a foreign key whose columns change type or whose referenced key is rebuilt, and a
    /// check or index predicate over a column moving to a swapped enum (its text still
    /// names the old type, which no longer compares with the column).
    fn find_rebuilds(&mut self) {
        // `(table, column)` → its type before and after, for columns whose type changes.
        let mut retyped: BTreeMap<Key<'a>, (SqlType, SqlType)> = BTreeMap::new();
        let mut changed_keys: BTreeMap<&str, Vec<Vec<&str>>> = BTreeMap::new();
        for &(f, t) in &self.kept {
            let mut swap_columns = Vec::new();
            for c in &t.columns {
                let Some(old) = f.column(&c.name) else {
                    continue;
                };
                let before = self.old_type(&old.ty);
                if before != c.ty {
                    retyped.insert((&t.name, &c.name), (before, c.ty.clone()));
                    if uses_enum_in(&old.ty, &self.swapped) {
                        swap_columns.push(c.name.as_str());
                    }
                }
            }
            let pk_changes =
                |pk: &&PrimaryKey| t.primary_key.as_ref().map(|k| &k.columns) != Some(&pk.columns);
            if let Some(pk) = f.primary_key.as_ref().filter(pk_changes) {
                changed_keys
                    .entry(&f.name)
                    .or_default()
                    .push(sorted(&pk.columns));
            }
            for (name, u) in &f.uniques {
                if t.uniques.get(name) != Some(u) && !self.constraint_renamed(&f.name, name) {
                    changed_keys
                        .entry(&f.name)
                        .or_default()
                        .push(sorted(&u.columns));
                }
            }
            if swap_columns.is_empty() {
                continue;
            }
            for (name, ck) in &f.checks {
                if mentions_any(ck.expr.as_str(), &swap_columns) {
                    self.rebuilt_checks.insert((&f.name, name));
                    self.renamed_constraints.remove(&(&f.name, name));
                }
            }
            for (name, ix) in &f.indexes {
                let expression = ix
                    .columns
                    .iter()
                    .any(|e| !is_plain_identifier(e) && mentions_any(e, &swap_columns));
                let predicate = ix
                    .predicate
                    .as_ref()
                    .is_some_and(|p| mentions_any(p.as_str(), &swap_columns));
                if expression || predicate {
                    self.rebuilt_indexes.insert(name);
                    self.renamed_indexes.remove(name.as_str());
                }
            }
        }
        for (name, (table, ix)) in &self.from_indexes {
            if ix.unique && self.kept_names.contains(table) && self.index_dropped(name) {
                changed_keys
                    .entry(table)
                    .or_default()
                    .push(sorted(&ix.columns));
            }
        }
        for &(f, t) in &self.kept {
            for (name, fk) in &f.foreign_keys {
                let renamed = self.constraint_renamed(&f.name, name);
                if t.foreign_keys.get(name) != Some(fk) && !renamed {
                    continue;
                }
                let key_changes = changed_keys
                    .get(fk.ref_table.as_str())
                    .is_some_and(|keys| keys.contains(&sorted(&fk.ref_columns)));
                // Both sides' types, old and new: PostgreSQL keeps the key itself while
                // they compare by one operator family.
                let types = |table: &'a str, column: &'a String| -> Vec<SqlType> {
                    match retyped.get(&(table, column.as_str())) {
                        Some((before, after)) => vec![before.clone(), after.clone()],
                        None => self
                            .from
                            .tables
                            .get(table)
                            .and_then(|t| t.column(column))
                            .map(|c| vec![c.ty.clone()])
                            .unwrap_or_default(),
                    }
                };
                let type_changes = fk.columns.iter().zip(&fk.ref_columns).any(|(c, rc)| {
                    let (fk_side, ref_side) = (types(&f.name, c), types(&fk.ref_table, rc));
                    let changed = fk_side.len() > 1 || ref_side.len() > 1;
                    let all: Vec<&SqlType> = fk_side.iter().chain(&ref_side).collect();
                    changed && !keys_stay_comparable(&all)
                });
                if (key_changes || type_changes) && renamed {
                    // Dropped under the old name and added under the new one instead.
                    self.renamed_constraints.remove(&(&f.name, name));
                } else if key_changes || type_changes {
                    self.rebuilt_fks.insert((&f.name, name));
                }
            }
        }
    }

    fn enums_first(&mut self) {
        for (name, new) in &self.to.enums {
            let Some(old) = self.from.enums.get(name) else {
                self.ops.push(Op::CreateEnum(new.clone()));
                continue;
            };
            if let Some(old_name) = self.swapped.get(name.as_str()) {
                self.ops.push(Op::RenameEnum {
                    from: name.clone(),
                    to: old_name.clone(),
                });
                self.ops.push(Op::CreateEnum(new.clone()));
                continue;
            }
            for (label, position) in label_additions(&old.labels, &new.labels).unwrap_or_default() {
                self.ops.push(Op::AddEnumValue {
                    name: name.clone(),
                    label,
                    position,
                });
            }
        }
    }

    /// Whether the serial column that owns `sequence` in `from` is still there in `to`
    /// (so the sequence survives the diff, as a serial or as a free-standing sequence).
    fn serial_column_survives(&self, sequence: &str) -> Option<(&'a str, &'a str)> {
        let &(table, column) = self.from_serials.get(sequence)?;
        let t = self.to.tables.get(table)?;
        t.column(column).is_some().then_some((table, column))
    }

    fn sequences_first(&mut self) {
        for (name, old) in &self.from.sequences {
            let Some(new) = self.to.sequences.get(name) else {
                continue;
            };
            if new.ty != old.ty {
                self.ops.push(Op::DropSequence { name: name.clone() });
                self.ops.push(Op::CreateSequence(Sequence {
                    owned_by: None,
                    ..new.clone()
                }));
            } else if old.owned_by.is_some() && old.owned_by != new.owned_by {
                // Released now: the old owner may be dropped below, taking the sequence along.
                self.ops.push(Op::SetSequenceOwner {
                    name: name.clone(),
                    owned_by: None,
                });
            }
        }
        for (name, new) in &self.to.sequences {
            let exists = self.from.sequences.contains_key(name)
                || self.serial_column_survives(name).is_some();
            if !exists {
                self.ops.push(Op::CreateSequence(Sequence {
                    owned_by: None,
                    ..new.clone()
                }));
            }
        }
    }

    fn drop_foreign_keys(&mut self) {
        for &(f, t) in &self.kept {
            for (name, fk) in &f.foreign_keys {
                let changed = t.foreign_keys.get(name) != Some(fk)
                    || self.rebuilt_fks.contains(&(&f.name, name));
                if changed && !self.constraint_renamed(&f.name, name) {
                    self.ops.push(Op::DropConstraint {
                        table: f.name.clone(),
                        name: name.clone(),
                    });
                }
            }
        }
    }

    fn drop_tables(&mut self) {
        for step in order::drop_order(&self.dropped) {
            for (table, name) in step.cycle_breakers {
                self.ops.push(Op::DropConstraint {
                    table: table.to_string(),
                    name: name.to_string(),
                });
            }
            self.ops.push(Op::DropTable {
                name: step.table.to_string(),
            });
        }
    }

    fn drop_indexes_and_constraints(&mut self) {
        for &(f, t) in &self.kept {
            for name in f.indexes.keys() {
                if self.index_dropped(name) {
                    self.ops.push(Op::DropIndex {
                        name: name.clone(),
                        concurrently: false,
                    });
                }
            }
            let mut drops = Vec::new();
            for (name, ck) in &f.checks {
                let rebuilt = self.rebuilt_checks.contains(&(&f.name, name));
                if t.checks.get(name) != Some(ck) || rebuilt {
                    drops.push(name);
                }
            }
            for (name, u) in &f.uniques {
                if t.uniques.get(name) != Some(u) {
                    drops.push(name);
                }
            }
            if let Some(pk) = &f.primary_key {
                if t.primary_key.as_ref() != Some(pk) {
                    drops.push(&pk.name);
                }
            }
            for name in drops {
                if !self.constraint_renamed(&f.name, name) {
                    self.ops.push(Op::DropConstraint {
                        table: f.name.clone(),
                        name: name.clone(),
                    });
                }
            }
        }
    }

    fn rename_constraints_and_indexes(&mut self) {
        for (&(table, from), &to) in &self.renamed_constraints {
            self.ops.push(Op::RenameConstraint {
                table: table.to_string(),
                from: from.to_string(),
                to: to.to_string(),
            });
        }
        for (&from, &to) in &self.renamed_indexes {
            self.ops.push(Op::RenameIndex {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
    }

    fn create_tables(&mut self) {
        for table in order::creation_order(&self.created) {
            // Foreign keys come last, when every table they reference exists.
            self.ops.push(Op::CreateTable(Table {
                foreign_keys: BTreeMap::new(),
                indexes: BTreeMap::new(),
                ..table.clone()
            }));
            for index in table.indexes.values() {
                self.ops.push(Op::CreateIndex {
                    table: table.name.clone(),
                    index: index.clone(),
                    concurrently: false,
                });
            }
        }
    }

    fn alter_columns(&mut self) {
        for &(f, t) in &self.kept {
            for c in &t.columns {
                if f.column(&c.name).is_none() {
                    self.ops.push(Op::AddColumn {
                        table: t.name.clone(),
                        column: c.clone(),
                    });
                }
            }
            for c in &t.columns {
                let Some(old) = f.column(&c.name) else {
                    continue;
                };
                let old = Column {
                    ty: self.old_type(&old.ty),
                    ..old.clone()
                };
                if old != *c {
                    let mut ops = Vec::new();
                    column::alter_column(&t.name, &old, c, &*self, &mut ops);
                    self.ops.append(&mut ops);
                }
            }
            for c in &f.columns {
                if t.column(&c.name).is_none() {
                    self.ops.push(Op::DropColumn {
                        table: t.name.clone(),
                        column: c.name.clone(),
                    });
                }
            }
        }
    }

    fn add_keys_checks_and_indexes(&mut self) {
        for &(f, t) in &self.kept {
            let mut adds = Vec::new();
            if let Some(pk) = &t.primary_key {
                if f.primary_key.as_ref() != Some(pk) {
                    adds.push(Op::AddPrimaryKey {
                        table: t.name.clone(),
                        key: pk.clone(),
                    });
                }
            }
            for (name, u) in &t.uniques {
                if f.uniques.get(name) != Some(u) {
                    adds.push(Op::AddUnique {
                        table: t.name.clone(),
                        unique: u.clone(),
                    });
                }
            }
            for (name, ck) in &t.checks {
                let rebuilt = self.rebuilt_checks.contains(&(&t.name, name));
                if f.checks.get(name) != Some(ck) || rebuilt {
                    adds.push(Op::AddCheck {
                        table: t.name.clone(),
                        check: ck.clone(),
                    });
                }
            }
            adds.retain(|op| match op {
                Op::AddPrimaryKey { key, .. } => !self.constraint_renamed_to(&t.name, &key.name),
                Op::AddUnique { unique, .. } => !self.constraint_renamed_to(&t.name, &unique.name),
                Op::AddCheck { check, .. } => !self.constraint_renamed_to(&t.name, &check.name),
                _ => true,
            });
            for (name, ix) in &t.indexes {
                if self.index_created(name) {
                    adds.push(Op::CreateIndex {
                        table: t.name.clone(),
                        index: ix.clone(),
                        concurrently: false,
                    });
                }
            }
            self.ops.append(&mut adds);
        }
    }

    fn add_foreign_keys(&mut self) {
        for (name, t) in &self.to.tables {
            let old = self.from.tables.get(name);
            for (fk_name, fk) in &t.foreign_keys {
                let unchanged = old.is_some_and(|f| f.foreign_keys.get(fk_name) == Some(fk));
                let changed = !unchanged || self.rebuilt_fks.contains(&(name, fk_name));
                if changed && !self.constraint_renamed_to(name, fk_name) {
                    self.ops.push(Op::AddForeignKey {
                        table: name.clone(),
                        key: fk.clone(),
                    });
                }
            }
        }
    }

    fn sequences_last(&mut self) {
        for (name, new) in &self.to.sequences {
            // Who owns it at this point: an unchanged owner, or the column whose serial
            // the column step turned into this free-standing sequence.
            let owner = match self.from.sequences.get(name) {
                Some(old) if old.ty == new.ty && old.owned_by == new.owned_by => {
                    old.owned_by.clone()
                }
                Some(_) => None,
                None => self
                    .serial_column_survives(name)
                    .map(|(t, c)| (t.to_string(), c.to_string())),
            };
            if owner != new.owned_by {
                self.ops.push(Op::SetSequenceOwner {
                    name: name.clone(),
                    owned_by: new.owned_by.clone(),
                });
            }
        }
        for (name, old) in &self.from.sequences {
            if self.to.sequences.contains_key(name) || self.to_serials.contains_key(name.as_str()) {
                continue;
            }
            // An owned sequence goes with its table or column.
            let owner_dropped = old.owned_by.as_ref().is_some_and(|(table, column)| {
                self.to
                    .tables
                    .get(table)
                    .is_none_or(|t| t.column(column).is_none())
            });
            if !owner_dropped {
                self.ops.push(Op::DropSequence { name: name.clone() });
            }
        }
    }

    fn enums_last(&mut self) {
        for old_name in self.swapped.values() {
            self.ops.push(Op::DropEnum {
                name: old_name.clone(),
            });
        }
        for name in self.from.enums.keys() {
            if !self.to.enums.contains_key(name) {
                self.ops.push(Op::DropEnum { name: name.clone() });
            }
        }
    }
}

impl column::Sequences for Differ<'_> {
    fn stays_free(&self, name: &str) -> bool {
        self.to.sequences.contains_key(name)
    }

    fn exists_free(&self, name: &str) -> Option<&Sequence> {
        self.from.sequences.get(name)
    }
}

#[cfg(test)]
mod tests;
