//! `stamp REV|head|base`: make the ledger say the database is at a revision without running
//! SQL. `stamp --from-alembic`: adopt a database built by the Python service, after checking
//! that its catalog matches the revision its `alembic_version` names.

use diesel::sql_types::{Bool, Text};
use diesel::{sql_query, PgConnection, QueryableByName, RunQueryDsl};
use watcher_schema_runner::Target;

use super::upgrade::print_report;
use super::{Context, Migrations};
use crate::args::StampArgs;
use crate::drift::{live_schema, ALEMBIC_VERSION};
use crate::error::CliError;
use watcher_schema_core::compare::{compare, Expected, Sides};

pub(super) fn run(ctx: &Context, args: &StampArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    let revision = args
        .revision
        .as_deref()
        .map(|rev| migrations.resolve(rev))
        .transpose()?;
    let mut conn = ctx.connect()?;
    let target = match revision {
        Some(target) => target,
        None if args.from_alembic => Target::Version(adopt(ctx, &mut conn, &migrations)?),
        None => Target::Head,
    };
    let report = migrations.runner.stamp(&mut conn, &target)?;
    print_report(
        ctx.styles,
        &report,
        "nothing to stamp: the ledger already says so",
    );
    Ok(())
}

/// The revision in `alembic_version`, once the live schema is shown to be that revision's.
fn adopt(
    ctx: &Context,
    conn: &mut PgConnection,
    migrations: &Migrations,
) -> Result<String, CliError> {
    let query = |e: diesel::result::Error| CliError::Query {
        context: format!("cannot read `{ALEMBIC_VERSION}`"),
        message: e.to_string(),
    };
    let exists = sql_query("SELECT to_regclass('alembic_version') IS NOT NULL AS exists")
        .get_result::<Exists>(conn)
        .map_err(query)?
        .exists;
    if !exists {
        return Err(CliError::NoAlembicVersion);
    }
    let rows: Vec<String> = sql_query("SELECT version_num::text AS version FROM alembic_version")
        .load::<Version>(conn)
        .map_err(query)?
        .into_iter()
        .map(|row| row.version)
        .collect();
    let [alembic] = rows.as_slice() else {
        return Err(CliError::AlembicRows { versions: rows });
    };
    let version = migrations
        .chain
        .find(alembic)
        .map(|m| m.version.clone())
        .ok_or_else(|| CliError::UnknownRevision {
            rev: alembic.clone(),
        })?;
    let expected = migrations.chain.schema_at(&version)?;
    let live = live_schema(conn)?;
    // Column order is not compared: Alembic's models put columns where a migration that
    // adds them cannot (PostgreSQL appends), and nothing depends on the order.
    let sides = Sides {
        actual: "the database".into(),
        expected: Expected::Schema(format!("revision {version}")),
    };
    let found = compare(&live, &expected, &sides.expected).messages(&sides);
    if !found.is_empty() {
        return Err(CliError::StampMismatch {
            version,
            differences: found,
        });
    }
    println!(
        "{} `alembic_version` says {version}, and the database matches it",
        ctx.styles.good("adopt")
    );
    Ok(version)
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}
