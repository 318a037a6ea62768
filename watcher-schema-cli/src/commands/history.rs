//! `history`: the chain oldest first, with applied marks, applied-at and duration when a
//! database is configured (the chain alone otherwise, as Alembic's offline `history`).

use serde_json::json;

use super::{rfc3339, utc, Context, LedgerState, Migrations};
use crate::args::{Format, HistoryArgs};
use crate::error::CliError;
use crate::output::duration;

pub(super) fn run(ctx: &Context, args: &HistoryArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    let state = if ctx.has_database_url() {
        Some(LedgerState::read(&migrations, &mut ctx.connect()?)?)
    } else {
        None
    };
    let head = migrations.chain.head().map(|m| m.version.as_str());
    let scripts = migrations.runner.migrations();
    match args.format {
        Format::Json => {
            let entries: Vec<_> = migrations
                .chain
                .iter()
                .map(|m| {
                    let row = state.as_ref().and_then(|s| s.applied.get(&m.version));
                    let checksum = scripts
                        .iter()
                        .find(|s| s.version() == m.version)
                        .map(|s| s.checksum());
                    json!({
                        "version": m.version,
                        "name": m.name,
                        "parent": m.parent,
                        "head": Some(m.version.as_str()) == head,
                        "applied": state.as_ref().map(|_| row.is_some()),
                        "applied_at": row.map(|r| rfc3339(r.run_on)),
                        "duration_ms": row.and_then(|r| r.duration).map(|d| d.as_millis() as u64),
                        "checksum": checksum,
                        "recorded_checksum": row.and_then(|r| r.checksum.clone()),
                    })
                })
                .collect();
            let unknown = state
                .as_ref()
                .map(|s| s.unknown.clone())
                .unwrap_or_default();
            println!(
                "{:#}",
                json!({ "migrations": entries, "unknown_applied": unknown })
            );
        }
        Format::Text => {
            let s = ctx.styles;
            let width = migrations
                .chain
                .iter()
                .map(|m| m.dir_name().len())
                .max()
                .unwrap_or(0);
            for m in &migrations.chain {
                let name = format!("{:<width$}", m.dir_name());
                let is_head = Some(m.version.as_str()) == head;
                let row = state.as_ref().and_then(|st| st.applied.get(&m.version));
                let status = match (&state, row) {
                    (None, _) => String::new(),
                    (Some(_), Some(r)) => {
                        let took = r.duration.map(duration).unwrap_or_else(|| "stamped".into());
                        format!("  {} {} UTC  {took}", s.good("applied"), utc(r.run_on))
                    }
                    (Some(_), None) => format!("  {}", s.warn("pending")),
                };
                let mark = if state.is_some() {
                    if row.is_some() {
                        "* "
                    } else {
                        "  "
                    }
                } else {
                    ""
                };
                let head_mark = if is_head { " (head)" } else { "" };
                let line = format!("{mark}{}{status}{head_mark}", s.bold(name));
                println!("{}", line.trim_end());
                if args.verbose {
                    let indent = " ".repeat(mark.len() + 4);
                    let parent = m.parent.as_deref().unwrap_or("base");
                    println!("{indent}parent: {parent}");
                    println!("{indent}directory: {}", m.dir.display());
                    println!(
                        "{indent}run in transaction: {}",
                        if m.run_in_transaction { "yes" } else { "no" }
                    );
                    if let Some(script) = scripts.iter().find(|sc| sc.version() == m.version) {
                        println!("{indent}checksum: {}", script.checksum());
                        if let Some(recorded) = row.and_then(|r| r.checksum.as_deref()) {
                            if recorded != script.checksum() {
                                println!(
                                    "{indent}{} the ledger recorded {recorded}: the file changed after it was applied",
                                    s.bad("changed:")
                                );
                            }
                        }
                    }
                }
            }
            if migrations.chain.is_empty() {
                println!("no migrations in `{}`", migrations.chain.dir().display());
            }
            for v in state.iter().flat_map(|st| &st.unknown) {
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
