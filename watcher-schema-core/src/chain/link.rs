//! Stage two of loading: the `down_revision` links between well-formed migrations → one line.
//! Hands [`Chain`](super::Chain) its migrations in chain order, or every linking problem.

use std::collections::BTreeMap;

use super::error::Problem;
use super::Migration;

/// Checks that `migrations` (sorted by version, versions unique) form one linear chain.
pub(super) fn link(migrations: Vec<Migration>) -> Result<Vec<Migration>, Vec<Problem>> {
    let index: BTreeMap<&str, usize> = migrations
        .iter()
        .enumerate()
        .map(|(i, m)| (m.version.as_str(), i))
        .collect();
    let parent_of: Vec<Option<usize>> = migrations
        .iter()
        .map(|m| m.parent.as_deref().and_then(|p| index.get(p).copied()))
        .collect();
    let mut problems = Vec::new();

    // One root: a second parentless migration starts a second history that nothing orders
    // against the first.
    let roots: Vec<&Migration> = migrations.iter().filter(|m| m.parent.is_none()).collect();
    if roots.len() > 1 {
        problems.push(Problem::MultipleRoots {
            dirs: roots.iter().map(|m| m.dir.clone()).collect(),
        });
    }

    // Every parent exists: otherwise the migration's starting schema is unknown.
    for (migration, parent) in migrations.iter().zip(&parent_of) {
        if let (Some(named), None) = (&migration.parent, parent) {
            problems.push(Problem::MissingParent {
                dir: migration.dir.clone(),
                parent: named.clone(),
            });
        }
    }

    // No two children of one parent: both were written against the same schema, and
    // applying them in either order is a guess. `merge` rebases one onto the other.
    let mut children: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (child, parent) in parent_of.iter().enumerate() {
        if let Some(parent) = parent {
            children.entry(*parent).or_default().push(child);
        }
    }
    for (parent, kids) in &children {
        if kids.len() > 1 {
            problems.push(Problem::Branch {
                parent: migrations[*parent].dir.clone(),
                children: kids.iter().map(|&k| migrations[k].dir.clone()).collect(),
            });
        }
    }

    // No cycles: a loop of parents has no first migration to apply.
    let cycles = find_cycles(&parent_of);
    let mut in_cycle = vec![false; migrations.len()];
    for cycle in &cycles {
        for &i in cycle {
            in_cycle[i] = true;
        }
        problems.push(Problem::Cycle {
            dirs: cycle.iter().map(|&i| migrations[i].dir.clone()).collect(),
        });
    }

    // Versions increase along the chain, so version order is application order, as
    // Diesel (which sorts by version) will apply them. Links inside a cycle necessarily
    // break this, and the cycle already says so.
    for (child, parent) in parent_of.iter().enumerate() {
        if let Some(parent) = *parent {
            if !in_cycle[child] && migrations[child].version <= migrations[parent].version {
                problems.push(Problem::VersionOrder {
                    dir: migrations[child].dir.clone(),
                    parent: migrations[parent].dir.clone(),
                });
            }
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    // Nothing else can be wrong: following parents from any migration must end (no cycle)
    // at an existing parentless migration (no missing parent), which is the one root; each
    // migration has at most one child; so the child links from the root reach every
    // migration in one line, and since versions increase along it, that line is `migrations`
    // in version order. No migration is unreachable without a problem above naming why.
    debug_assert!(parent_of
        .iter()
        .enumerate()
        .all(|(i, p)| *p == i.checked_sub(1)));
    Ok(migrations)
}

/// The cycles of the parent links, each as indices from its oldest member following parents.
fn find_cycles(parent_of: &[Option<usize>]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unseen,
        OnPath,
        Done,
    }
    let mut state = vec![State::Unseen; parent_of.len()];
    let mut cycles = Vec::new();
    for start in 0..parent_of.len() {
        let mut path = Vec::new();
        let mut next = Some(start);
        while let Some(i) = next.filter(|&i| state[i] == State::Unseen) {
            state[i] = State::OnPath;
            path.push(i);
            next = parent_of[i];
        }
        // Each migration has one parent, so a walk that meets its own path has closed a
        // loop from that point on.
        if let Some(i) = next.filter(|&i| state[i] == State::OnPath) {
            let from = path.iter().position(|&p| p == i).unwrap_or(0);
            let mut cycle = path[from..].to_vec();
            let oldest = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
            cycle.rotate_left(oldest);
            cycles.push(cycle);
        }
        for i in path {
            state[i] = State::Done;
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::find_cycles;

    #[test]
    fn finds_each_cycle_once_from_its_oldest_member() {
        // 0 <- 1 <- 2, then 3 -> 5 -> 4 -> 3, 6 -> 6, and 7 hangs below the second loop.
        let parents = [
            None,
            Some(0),
            Some(1),
            Some(5),
            Some(3),
            Some(4),
            Some(6),
            Some(4),
        ];
        assert_eq!(find_cycles(&parents), vec![vec![3, 5, 4], vec![6]]);
        assert!(find_cycles(&[None, Some(0), Some(1)]).is_empty());
    }
}
