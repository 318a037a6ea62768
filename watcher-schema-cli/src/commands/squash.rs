//! `squash [--to REV]`: the chain from its root up to REV (default head) → one migration
//! with the same effect, written in place of the directories it replaces (core's
//! `core::squash`); the runner then recognises databases that applied the old ones.

use watcher_schema_core::squash::{squash, write_squash};

use super::{Context, Migrations};
use crate::args::SquashArgs;
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &SquashArgs) -> Result<(), CliError> {
    let project = ctx.project(None)?;
    let migrations = Migrations::load(&project)?;
    let chain = &migrations.chain;
    let to = match args.to.as_deref() {
        None | Some("head") => chain
            .head()
            .map(|m| m.version.clone())
            .ok_or_else(|| CliError::UnknownRevision { rev: "head".into() })?,
        Some(rev) => migrations.resolve_version(rev)?,
    };
    let squash = squash(chain, &to)?;
    let written = write_squash(&project.migrations, &squash)?;

    let s = ctx.styles;
    let count = squash.replaced_dirs.len();
    let name = written.file_name().map_or_else(
        || written.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    println!(
        "{} {count} migrations into {}",
        s.good("squashed"),
        s.bold(&name)
    );
    for dir in &squash.replaced_dirs {
        println!("  deleted {}", dir.display());
    }
    if let Some(next) = chain
        .iter()
        .find(|m| m.parent.as_deref() == Some(to.as_str()))
    {
        println!("  {} still follows it", next.dir_name());
    }
    println!(
        "a database that applied all of them is at {to}: the runner folds their ledger rows \
         into the squash's on its next run; one that applied only some must first be upgraded \
         to {to} with a binary from before the squash"
    );
    Ok(())
}
