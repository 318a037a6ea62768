//! `upgrade head|REV|+N [--sql] [--backup DIR]`: the runner applies pending migrations and
//! each prints one line with its time; `--sql` prints the offline script instead.

use std::io::{IsTerminal, Write};

use watcher_schema_runner::{ProgressEvent, Report, Runner, Target};

use super::backup;
use super::{Context, Migrations};
use crate::args::UpgradeArgs;
use crate::error::CliError;
use crate::output::{duration, Styles};

pub(super) fn run(ctx: &Context, args: &UpgradeArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    if args.run.sql {
        // Alembic's `upgrade FROM:TO --sql`; without FROM the script starts from base.
        let (from, to) = match args.target.split_once(':') {
            Some((from, to)) => (migrations.resolve(from)?, migrations.resolve(to)?),
            None => (Target::Base, migrations.resolve(&args.target)?),
        };
        print!("{}", migrations.runner.offline_script(&from, &to)?);
        return Ok(());
    }
    let target = migrations.resolve(&args.target)?;
    let mut conn = ctx.connect()?;
    if let Some(dir) = &args.run.backup {
        backup::pg_dump(ctx, dir, "upgrade")?;
    }
    let report = with_progress(migrations.runner).upgrade_to(&mut conn, &target)?;
    print_report(
        ctx.styles,
        &report,
        "nothing to upgrade: the database is already there",
    );
    Ok(())
}

/// `runner`, reporting the steps of online migrations on stderr: on a terminal one line
/// per step, redrawn as a repeated batch counts its rows; otherwise a line per event, for
/// logs.
pub(super) fn with_progress(runner: Runner) -> Runner {
    let terminal = std::io::stderr().is_terminal();
    runner.on_progress(move |p| {
        let mut err = std::io::stderr().lock();
        // A failed write to stderr leaves nothing better to do than carry on migrating.
        let _ = if !terminal {
            writeln!(err, "{p}")
        } else if matches!(p.event, ProgressEvent::Started | ProgressEvent::Rows) {
            // Redraw the step's line in place: carriage return, erase the line.
            write!(err, "\r\x1b[2K{p}").and_then(|()| err.flush())
        } else {
            writeln!(err, "\r\x1b[2K{p}")
        };
    })
}

/// One line per migration with its time, then the total; `idle` when nothing ran.
pub(super) fn print_report(s: Styles, report: &Report, idle: &str) {
    if report.is_empty() {
        println!("{idle}");
        return;
    }
    for m in &report.migrations {
        println!(
            "{} {}  {}",
            s.good(format!("{:<9}", m.action)),
            m.name,
            s.dim(duration(m.duration))
        );
    }
    println!(
        "{} migration{} in {}",
        report.migrations.len(),
        if report.migrations.len() == 1 {
            ""
        } else {
            "s"
        },
        duration(report.total)
    );
}
