//! `merge`: after a git merge leaves two heads, rebase one branch onto the other so the chain
//! is linear again: each rebased migration gets a new version after the new head and that
//! head as parent; its SQL is kept as reviewed and the whole chain is replayed to prove it
//! still applies. Anything wrong puts every directory back as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use watcher_schema_core::chain::{
    read_entries, write_migration, Chain, ChainError, Migration, NewMigration, Problem,
};

use super::heads::heads;
use super::Context;
use crate::args::MergeArgs;
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &MergeArgs) -> Result<(), CliError> {
    let project = ctx.project(None)?;
    let dir = &project.migrations;
    // Only branching may be wrong with the chain: merge repairs nothing else.
    match Chain::load(dir) {
        Ok(chain) => {
            println!(
                "nothing to merge: the chain is linear (head {})",
                chain.head().map_or("base", |m| m.version.as_str())
            );
            return Ok(());
        }
        Err(ChainError::Invalid { problems, .. })
            if problems.iter().all(|p| matches!(p, Problem::Branch { .. })) => {}
        Err(e) => return Err(e.into()),
    }
    let entries = read_entries(dir)?;
    let tips = heads(&entries);
    let [a, b] = tips.as_slice() else {
        return Err(CliError::TooManyHeads {
            heads: tips.iter().map(|m| m.dir_name()).collect(),
        });
    };
    let by_version: BTreeMap<&str, &Migration> =
        entries.iter().map(|m| (m.version.as_str(), m)).collect();
    let (line_a, line_b) = (ancestry(a, &by_version), ancestry(b, &by_version));
    let shared: BTreeSet<&str> = line_a
        .iter()
        .copied()
        .filter(|v| line_b.contains(v))
        .collect();
    // Each branch: its migrations after the fork point, oldest first.
    let branch = |line: &[&str]| -> Vec<&Migration> {
        line.iter()
            .rev()
            .filter(|v| !shared.contains(*v))
            .map(|v| by_version[v])
            .collect()
    };
    let (branch_a, branch_b) = (branch(&line_a), branch(&line_b));
    let keep_a = match &args.onto {
        Some(rev) => {
            let full = resolve_head(rev, &[a, b])?;
            full == a.version
        }
        // The branch that forked first stays: it is the likelier to be deployed already.
        None => branch_a[0].version <= branch_b[0].version,
    };
    let (stay, moved) = if keep_a {
        (branch_a, branch_b)
    } else {
        (branch_b, branch_a)
    };
    let onto = stay.last().map(|m| m.version.clone());
    let renamed = rebase(dir, &moved)?;
    let s = ctx.styles;
    for (old, new) in &renamed {
        println!("{} {old} -> {new}", s.good("rebase"));
    }
    println!(
        "merged: the chain is linear again; {} migration{} now follow{} {}",
        renamed.len(),
        if renamed.len() == 1 { "" } else { "s" },
        if renamed.len() == 1 { "s" } else { "" },
        onto.as_deref().unwrap_or("base")
    );
    println!(
        "note: a database that applied a rebased migration under its old version reports it as \
         unknown: downgrade it with the old files first, or `stamp` it after checking its schema"
    );
    Ok(())
}

/// `head` and its ancestors, newest first (stopping at a missing parent or a loop).
fn ancestry<'a>(head: &'a Migration, by_version: &BTreeMap<&str, &'a Migration>) -> Vec<&'a str> {
    let mut line = Vec::new();
    let mut next = Some(head);
    while let Some(m) = next {
        if line.contains(&m.version.as_str()) {
            break;
        }
        line.push(m.version.as_str());
        next = m.parent.as_deref().and_then(|p| by_version.get(p).copied());
    }
    line
}

/// The head among `heads` that `rev` (a version or unique prefix) names.
fn resolve_head(rev: &str, heads: &[&Migration]) -> Result<String, CliError> {
    let matches: Vec<String> = heads
        .iter()
        .filter(|m| m.version.starts_with(rev))
        .map(|m| m.version.clone())
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(CliError::NotAHead {
            rev: rev.to_string(),
            heads: heads.iter().map(|m| m.version.clone()).collect(),
        }),
        _ => Err(CliError::AmbiguousRevision {
            rev: rev.to_string(),
            matches,
        }),
    }
}

/// Moves `moved` aside, writes each again after the head that remains, then replays the
/// whole chain. Returns `(old dir name, new dir name)` pairs; on any failure restores the
/// original directories and returns the error.
fn rebase(dir: &Path, moved: &[&Migration]) -> Result<Vec<(String, String)>, CliError> {
    let staging = dir.with_file_name(".watcher-schema-merge");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CliError::Io { path, source }
    };
    fs::create_dir(&staging).map_err(io(&staging))?;
    let mut aside: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for m in moved {
            let to = staging.join(m.dir_name());
            fs::rename(&m.dir, &to).map_err(io(&m.dir))?;
            aside.push((m.dir.clone(), to));
        }
        let mut renamed = Vec::new();
        for m in moved {
            let chain = Chain::load(dir)?;
            let spec = NewMigration {
                version: chain.new_version(SystemTime::now()),
                name: m.name.clone(),
                parent: chain.head().map(|h| h.version.clone()),
                up_sql: m.up_sql.clone(),
                down_sql: m.down_sql.clone(),
                run_in_transaction: m.run_in_transaction,
            };
            let path = write_migration(dir, &spec)?;
            written.push(path);
            renamed.push((m.dir_name(), format!("{}_{}", spec.version, spec.name)));
        }
        // The kept SQL must still apply on its new parent (both branches may touch the
        // same column, say).
        Chain::load(dir)?.schema_at_head()?;
        Ok(renamed)
    })();
    if result.is_err() {
        for path in written.iter().rev() {
            let _ = fs::remove_dir_all(path);
        }
        for (original, moved_to) in aside.iter().rev() {
            let _ = fs::rename(moved_to, original);
        }
    }
    let _ = fs::remove_dir(&staging);
    result.map_err(|e: CliError| CliError::MergeFailed {
        reason: Box::new(e),
    })
}
