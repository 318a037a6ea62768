//! Foreign-key order for creating and dropping tables: topological sorts over the
//! tables a foreign key references, ties broken by name so that output is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Table;

/// Tables in creation order: each after the tables its foreign keys reference, ties by
/// name. When only cycles remain, the smallest remaining name goes next; the diff adds
/// foreign keys after every table exists, so this order is for the reader, not PostgreSQL.
pub(super) fn creation_order<'a>(tables: &[&'a Table]) -> Vec<&'a Table> {
    let by_name: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), *t)).collect();
    // `waiting[t]`: how many referenced tables of the set `t` still waits for.
    let mut waiting: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in tables {
        let referenced: BTreeSet<&str> = t
            .foreign_keys
            .values()
            .map(|fk| fk.ref_table.as_str())
            .filter(|r| *r != t.name && by_name.contains_key(r))
            .collect();
        waiting.insert(&t.name, referenced.len());
        for r in referenced {
            dependents.entry(r).or_default().push(&t.name);
        }
    }
    let mut ready: BTreeSet<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(t, _)| *t)
        .collect();
    let mut remaining: BTreeSet<&str> = by_name.keys().copied().collect();
    let mut order = Vec::with_capacity(tables.len());
    while let Some(next) = ready.pop_first().or_else(|| remaining.first().copied()) {
        remaining.remove(next);
        order.push(by_name[next]);
        for d in dependents.get(next).into_iter().flatten() {
            let n = waiting.get_mut(d).expect("every table has a count");
            *n = n.saturating_sub(1);
            if *n == 0 && remaining.contains(d) {
                ready.insert(d);
            }
        }
    }
    order
}

/// One table to drop, after the foreign keys (of other dropped tables) that would still
/// reference it: only a reference cycle needs those.
pub(super) struct DropStep<'a> {
    /// `(table, constraint)` foreign keys to drop first.
    pub cycle_breakers: Vec<(&'a str, &'a str)>,
    /// The table to drop.
    pub table: &'a str,
}

/// Tables in drop order: each before the tables its foreign keys reference, ties by name.
/// Only references among `tables` count: the diff drops other references beforehand.
pub(super) fn drop_order<'a>(tables: &[&'a Table]) -> Vec<DropStep<'a>> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    // `referrers[t]`: the foreign keys of other tables in the set that reference `t`.
    let mut referrers: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for t in tables {
        for fk in t.foreign_keys.values() {
            if fk.ref_table != t.name && names.contains(fk.ref_table.as_str()) {
                referrers
                    .entry(&fk.ref_table)
                    .or_default()
                    .push((&t.name, &fk.name));
            }
        }
    }
    let mut pending: BTreeMap<&str, usize> = names
        .iter()
        .map(|n| (*n, referrers.get(n).map_or(0, Vec::len)))
        .collect();
    let mut ready: BTreeSet<&str> = pending
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(t, _)| *t)
        .collect();
    let mut remaining = names.clone();
    let by_name: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), *t)).collect();
    let mut steps = Vec::with_capacity(tables.len());
    loop {
        let (table, cycle_breakers) = if let Some(t) = ready.pop_first() {
            (t, Vec::new())
        } else if let Some(t) = remaining.first().copied() {
            // A cycle: drop the references that still point at `t`, then `t` itself.
            let breakers = referrers
                .get(t)
                .into_iter()
                .flatten()
                .filter(|(from, _)| remaining.contains(from))
                .copied()
                .collect();
            (t, breakers)
        } else {
            break;
        };
        remaining.remove(table);
        for fk in by_name[table].foreign_keys.values() {
            let target = fk.ref_table.as_str();
            if target == table || !remaining.contains(target) {
                continue;
            }
            let n = pending.get_mut(target).expect("every table has a count");
            *n -= 1;
            if *n == 0 {
                ready.insert(target);
            }
        }
        steps.push(DropStep {
            cycle_breakers,
            table,
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ForeignKey, SqlType};

    fn table(name: &str, refs: &[&str]) -> Table {
        let mut t = Table::new(name);
        t.columns.push(Column::new("id", SqlType::Integer));
        for r in refs {
            let fk = ForeignKey {
                name: format!("{name}_{r}_fkey"),
                columns: vec!["id".into()],
                ref_table: (*r).into(),
                ref_columns: vec!["id".into()],
                on_delete: Default::default(),
                on_update: Default::default(),
            };
            t.foreign_keys.insert(fk.name.clone(), fk);
        }
        t
    }

    #[test]
    fn creates_referenced_tables_first_with_ties_by_name() {
        let tables = [
            table("c", &["b"]),
            table("a", &[]),
            table("b", &["a", "z_elsewhere"]),
            table("d", &["d"]),
        ];
        let refs: Vec<&Table> = tables.iter().collect();
        let order: Vec<&str> = creation_order(&refs)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    #[test]
    fn creation_breaks_cycles_at_the_smallest_name() {
        let tables = [table("y", &["x"]), table("x", &["y"]), table("w", &["x"])];
        let refs: Vec<&Table> = tables.iter().collect();
        let order: Vec<&str> = creation_order(&refs)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(order, ["w", "x", "y"]);
    }

    #[test]
    fn drops_referencing_tables_first() {
        let tables = [table("a", &[]), table("b", &["a"]), table("c", &["b", "a"])];
        let refs: Vec<&Table> = tables.iter().collect();
        let steps = drop_order(&refs);
        let order: Vec<&str> = steps.iter().map(|s| s.table).collect();
        assert_eq!(order, ["c", "b", "a"]);
        assert!(steps.iter().all(|s| s.cycle_breakers.is_empty()));
    }

    #[test]
    fn drop_breaks_a_cycle_by_dropping_the_references_first() {
        let tables = [table("x", &["y"]), table("y", &["x"])];
        let refs: Vec<&Table> = tables.iter().collect();
        let steps = drop_order(&refs);
        assert_eq!(steps[0].table, "x");
        assert_eq!(steps[0].cycle_breakers, [("y", "y_x_fkey")]);
        assert_eq!(steps[1].table, "y");
        assert!(steps[1].cycle_breakers.is_empty());
    }
}
