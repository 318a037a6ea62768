//! `upgrade head|REV|+N [--sql] [--backup DIR]`: the runner applies pending migrations and
//! each prints one line with its time; `--sql` prints the offline script instead.

use watcher_schema_runner::{Report, Target};

use super::{Context, Migrations};
use crate::args::UpgradeArgs;
use crate::backup;
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
    let report = migrations.runner.upgrade_to(&mut conn, &target)?;
    print_report(
        ctx.styles,
        &report,
        "nothing to upgrade: the database is already there",
    );
    Ok(())
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
