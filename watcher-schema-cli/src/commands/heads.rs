//! `heads`: the migrations no other migration names as parent. One on a linear chain; two
//! after a git merge forked it, which `merge` then repairs.

use serde_json::json;
use watcher_schema_core::chain::{read_entries, Migration};

use super::Context;
use crate::args::{Format, FormatArgs};
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &FormatArgs) -> Result<(), CliError> {
    let project = ctx.project(None)?;
    // Entries only, not the linked chain: a forked chain is exactly when heads matter.
    let entries = read_entries(&project.migrations)?;
    let heads = heads(&entries);
    match args.format {
        Format::Json => {
            let heads: Vec<_> = heads
                .iter()
                .map(|m| json!({ "version": m.version, "name": m.name, "parent": m.parent }))
                .collect();
            println!("{:#}", json!({ "heads": heads }));
        }
        Format::Text => {
            let s = ctx.styles;
            for m in &heads {
                println!("{} (head)", s.bold(m.dir_name()));
            }
            if heads.is_empty() {
                println!("no migrations in `{}`", project.migrations.display());
            }
            if heads.len() > 1 {
                println!(
                    "{} the chain has {} heads; run `watcher-schema merge` to make it linear",
                    s.warn("warning:"),
                    heads.len()
                );
            }
        }
    }
    Ok(())
}

/// The entries no other entry names as its parent, oldest first.
pub(crate) fn heads(entries: &[Migration]) -> Vec<&Migration> {
    entries
        .iter()
        .filter(|m| {
            !entries
                .iter()
                .any(|c| c.parent.as_deref() == Some(&m.version))
        })
        .collect()
}
