//! `downgrade -1|-N|REV|base [--sql] [--backup DIR]`: the runner reverts applied migrations,
//! newest first; `--sql` prints the offline script instead.

use watcher_schema_runner::Target;

use super::backup;
use super::upgrade::{print_report, with_progress};
use super::{Context, Migrations};
use crate::args::DowngradeArgs;
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &DowngradeArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    if args.run.sql {
        // Alembic's `downgrade FROM:TO --sql`; without FROM the script starts from head.
        let (from, to) = match args.target.split_once(':') {
            Some((from, to)) => (migrations.resolve(from)?, migrations.resolve(to)?),
            None => (Target::Head, migrations.resolve(&args.target)?),
        };
        print!("{}", migrations.runner.offline_script(&from, &to)?);
        return Ok(());
    }
    let target = migrations.resolve(&args.target)?;
    let mut conn = ctx.connect()?;
    if let Some(dir) = &args.run.backup {
        backup::pg_dump(ctx, dir, "downgrade")?;
    }
    let report = with_progress(migrations.runner).downgrade_to(&mut conn, &target)?;
    print_report(
        ctx.styles,
        &report,
        "nothing to downgrade: the database is already there",
    );
    Ok(())
}
