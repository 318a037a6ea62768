//! `history`: the chain oldest first, with applied marks, applied-at and duration when a
//! database is configured (the chain alone otherwise, as Alembic's offline `history`).

use serde_json::json;
use watcher_schema_core::chain::Migration;
use watcher_schema_runner::AppliedMigration;

use super::{rfc3339, utc, Context, LedgerState, Migrations};
use crate::args::{Format, HistoryArgs};
use crate::error::CliError;
use crate::output::{duration, Styles};

pub(super) fn run(ctx: &Context, args: &HistoryArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    let state = if ctx.has_database_url() {
        Some(LedgerState::read(&migrations, &mut ctx.connect()?)?)
    } else {
        None
    };
    match args.format {
        Format::Json => print_json(&migrations, state.as_ref()),
        Format::Text => print_text(ctx.styles, &migrations, state.as_ref(), args.verbose),
    }
    Ok(())
}

/// The checksum of `m`'s `up.sql` as the runner computes it.
fn checksum<'a>(migrations: &'a Migrations, m: &Migration) -> Option<&'a str> {
    migrations
        .runner
        .migrations()
        .iter()
        .find(|s| s.version() == m.version)
        .map(|s| s.checksum())
}

fn print_json(migrations: &Migrations, state: Option<&LedgerState>) {
    let head = migrations.chain.head().map(|m| m.version.as_str());
    let entries: Vec<_> = migrations
        .chain
        .iter()
        .map(|m| {
            let row = state.and_then(|s| s.applied.get(&m.version));
            let changed = state.map(|s| s.changed_of(migrations, &m.version).is_some());
            json!({
                "version": m.version,
                "name": m.name,
                "parent": m.parent,
                "head": Some(m.version.as_str()) == head,
                // `null` without a database: unknown, not "not applied".
                "applied": state.map(|_| row.is_some()),
                "applied_at": row.map(|r| rfc3339(r.run_on)),
                "duration_ms": row.and_then(|r| r.duration).map(|d| d.as_millis() as u64),
                "checksum": checksum(migrations, m),
                "recorded_checksum": row.and_then(|r| r.checksum.clone()),
                // `up.sql` changed after it was applied (`null` without a database).
                "changed": changed,
                "in_progress": state
                    .and_then(|s| s.in_progress.get(&m.version))
                    .map(|p| p.to_string()),
            })
        })
        .collect();
    let unknown = state.map(|s| s.unknown.clone()).unwrap_or_default();
    println!(
        "{:#}",
        json!({ "migrations": entries, "unknown_applied": unknown })
    );
}

fn print_text(s: Styles, migrations: &Migrations, state: Option<&LedgerState>, verbose: bool) {
    let chain = &migrations.chain;
    let head = chain.head().map(|m| m.version.as_str());
    let width = chain.iter().map(|m| m.dir_name().len()).max().unwrap_or(0);
    for m in chain {
        let row = state.and_then(|st| st.applied.get(&m.version));
        // `* ` marks applied migrations, as Alembic's `history --indicate-current` does.
        let mark = match (state, row) {
            (None, _) => "",
            (Some(_), Some(_)) => "* ",
            (Some(_), None) => "  ",
        };
        let progress = state.and_then(|st| st.in_progress.get(&m.version));
        let status = match (state, row, progress) {
            (None, _, _) => String::new(),
            (Some(_), _, Some(p)) => format!("  {}", s.warn(p)),
            (Some(st), Some(r), None) => match st.changed_of(migrations, &m.version) {
                Some(_) => format!("{}  {}", applied(s, r), s.bad("up.sql changed since")),
                None => applied(s, r),
            },
            (Some(_), None, None) => format!("  {}", s.warn("pending")),
        };
        let head_mark = if Some(m.version.as_str()) == head {
            " (head)"
        } else {
            ""
        };
        let name = format!("{:<width$}", m.dir_name());
        let line = format!("{mark}{}{status}{head_mark}", s.bold(name));
        println!("{}", line.trim_end());
        if verbose {
            print_details(s, migrations, m, row, &" ".repeat(mark.len() + 4));
        }
    }
    if chain.is_empty() {
        println!("no migrations in `{}`", chain.dir().display());
    }
    for v in state.iter().flat_map(|st| &st.unknown) {
        println!(
            "{} {v} is applied but not in `{}`: the database is newer than these migrations",
            s.bad("warning:"),
            chain.dir().display()
        );
    }
}

/// `  applied 2025-10-05 12:44:05 UTC  12ms` (or `stamped` when no SQL ran).
fn applied(s: Styles, row: &AppliedMigration) -> String {
    let took = row.duration.map_or_else(|| "stamped".to_string(), duration);
    format!("  {} {} UTC  {took}", s.good("applied"), utc(row.run_on))
}

fn print_details(
    s: Styles,
    migrations: &Migrations,
    m: &Migration,
    row: Option<&AppliedMigration>,
    indent: &str,
) {
    println!("{indent}parent: {}", m.parent.as_deref().unwrap_or("base"));
    println!("{indent}directory: {}", m.dir.display());
    println!(
        "{indent}run in transaction: {}",
        if m.run_in_transaction { "yes" } else { "no" }
    );
    let Some(current) = checksum(migrations, m) else {
        return;
    };
    println!("{indent}checksum: {current}");
    if let Some(recorded) = row.and_then(|r| r.checksum.as_deref()) {
        if recorded != current {
            println!(
                "{indent}{} the ledger recorded {recorded}: the file changed after it was applied",
                s.bad("changed:")
            );
        }
    }
}
