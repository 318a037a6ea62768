//! `current`: the database's revision (the newest applied migration), what is pending, an
//! online migration an interrupted run left partly applied, and any applied migration these
//! files do not know or whose `up.sql` changed after it ran.

use serde_json::json;

use super::{Context, LedgerState, Migrations};
use crate::args::{Format, FormatArgs};
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &FormatArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    let mut conn = ctx.connect()?;
    let state = LedgerState::read(&migrations, &mut conn)?;
    let head = migrations.chain.head().map(|m| m.version.clone());
    let at_head = state.pending.is_empty() && state.unknown.is_empty();
    match args.format {
        Format::Json => {
            let doc = json!({
                "current": state.current,
                "head": head,
                "at_head": at_head,
                "pending": state.pending,
                "unknown_applied": state.unknown,
                "changed_applied": state.changed.iter().map(|c| &c.name).collect::<Vec<_>>(),
                "in_progress": state.in_progress.values().map(|p| json!({
                    "version": p.version,
                    "action": p.action.to_string(),
                    "step": p.step + 1,
                    "steps": p.steps,
                    "description": p.next,
                })).collect::<Vec<_>>(),
            });
            println!("{doc:#}");
        }
        Format::Text => {
            let s = ctx.styles;
            let current = match &state.current {
                None => "base (nothing applied)".to_string(),
                Some(v) => migrations.dir_name(v).unwrap_or_else(|| v.clone()),
            };
            let mark = if at_head && head.is_some() {
                " (head)"
            } else {
                ""
            };
            println!("{}{mark}", s.bold(current));
            if !state.pending.is_empty() {
                let names: Vec<String> = state
                    .pending
                    .iter()
                    .filter_map(|v| migrations.dir_name(v))
                    .collect();
                println!(
                    "{} pending: {}",
                    s.warn(state.pending.len()),
                    names.join(", ")
                );
            }
            for c in &state.changed {
                println!(
                    "{} {} was applied, then its `up.sql` changed (checksum {} in the ledger, {} now)",
                    s.bad("changed:"),
                    c.name,
                    c.recorded,
                    c.current
                );
            }
            for (v, p) in &state.in_progress {
                println!(
                    "{}: {}",
                    migrations.dir_name(v).unwrap_or_else(|| v.clone()),
                    s.warn(p)
                );
            }
            for v in &state.unknown {
                println!(
                    "{} {v} is applied but not in `{}`: the database is newer than these migrations",
                    s.bad("warning:"),
                    migrations.chain.dir().display()
                );
            }
        }
    }
    Ok(())
}
