//! `show REV`: one migration's metadata and SQL.

use super::{Context, Migrations};
use crate::args::ShowArgs;
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &ShowArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    let chain = &migrations.chain;
    let version = match args.revision.as_str() {
        "head" => chain.head().map(|m| m.version.clone()),
        "base" => None,
        rev => Some(migrations.resolve_version(rev)?),
    };
    let s = ctx.styles;
    let Some(m) = version.as_deref().and_then(|v| chain.find(v)) else {
        println!("base: the empty database, before the first migration");
        return Ok(());
    };
    let is_head = chain.head().is_some_and(|h| h.version == m.version);
    println!(
        "Revision: {}{}",
        s.bold(&m.version),
        if is_head { " (head)" } else { "" }
    );
    println!("Name: {}", m.name);
    println!("Parent: {}", m.parent.as_deref().unwrap_or("base"));
    if let Some(child) = chain
        .iter()
        .find(|c| c.parent.as_deref() == Some(&m.version))
    {
        println!("Child: {}", child.version);
    }
    println!("Directory: {}", m.dir.display());
    println!(
        "Runs in a transaction: {}",
        if m.run_in_transaction { "yes" } else { "no" }
    );
    println!("\n{}", s.dim("-- up.sql"));
    println!("{}", m.up_sql.trim_end());
    println!("\n{}", s.dim("-- down.sql"));
    println!("{}", m.down_sql.trim_end());
    Ok(())
}
