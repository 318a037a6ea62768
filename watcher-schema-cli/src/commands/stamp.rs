//! `stamp REV|head|base`: make the ledger say the database is at a revision without running
//! SQL. `stamp --from-alembic`: adopt a database built by the Python service.

use watcher_schema_runner::Target;

use super::upgrade::print_report;
use super::{Context, Migrations};
use crate::args::StampArgs;
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &StampArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    let target = match &args.revision {
        Some(rev) => migrations.resolve(rev)?,
        None => Target::Head,
    };
    let mut conn = ctx.connect()?;
    let report = migrations.runner.stamp(&mut conn, &target)?;
    print_report(
        ctx.styles,
        &report,
        "nothing to stamp: the ledger already says so",
    );
    Ok(())
}
