//! One module per Alembic command; [`run`] dispatches a parsed [`Command`] to it and returns
//! the exit code (`check` has several), or the error `lib.rs` maps to one.

pub mod backup;
mod check;
mod current;
mod diagram;
mod downgrade;
mod heads;
mod history;
mod lint;
mod merge;
mod revision;

pub use revision::migration_sql;
mod show;
mod squash;
mod stamp;
mod upgrade;

use std::path::{Path, PathBuf};

use diesel::PgConnection;
use diesel_migrations::FileBasedMigrations;
use watcher_schema_core::chain::Chain;
use watcher_schema_runner::{Runner, Target};

use crate::args::Command;
use crate::args::GlobalArgs;
use crate::config::{DatabaseUrl, Project};
use crate::db;
use crate::error::CliError;
use crate::exit_codes::ExitCode;
use crate::output::Styles;

/// What every command may need: where the project is, the database URL, output styles.
pub struct Context {
    cwd: PathBuf,
    dir: Option<PathBuf>,
    url: Option<DatabaseUrl>,
    /// Colours for this run.
    pub styles: Styles,
}

impl Context {
    /// Resolves the global options against the current directory and environment.
    pub fn new(global: GlobalArgs, styles: Styles) -> Result<Context, CliError> {
        let cwd = std::env::current_dir().map_err(|source| CliError::Io {
            path: PathBuf::from("."),
            source,
        })?;
        let env = std::env::var(crate::config::DATABASE_URL_VAR).ok();
        let url = DatabaseUrl::resolve(global.database_url.as_deref(), env, &cwd)?;
        Ok(Context {
            cwd,
            dir: global.dir,
            url,
            styles,
        })
    }

    /// The project's directories; `schema_src` overrides the default struct sources.
    pub fn project(&self, schema_src: Option<&Path>) -> Result<Project, CliError> {
        Project::locate(&self.cwd, self.dir.as_deref(), schema_src)
    }

    /// The database URL, or the error that says how to give one.
    pub fn database_url(&self) -> Result<&DatabaseUrl, CliError> {
        self.url.as_ref().ok_or(CliError::NoDatabaseUrl)
    }

    /// Whether a database URL was given at all.
    pub fn has_database_url(&self) -> bool {
        self.url.is_some()
    }

    /// A connection to the database (libpq, through Diesel): for the runner, the
    /// catalog and every query the CLI makes.
    pub fn connect(&self) -> Result<PgConnection, CliError> {
        db::connect(self.database_url()?)
    }

    /// `text` with the database password (if any) replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        match &self.url {
            Some(url) => url.scrub(text),
            None => text.to_string(),
        }
    }
}

/// Runs `command` and returns its exit code.
pub fn run(command: Command, ctx: &Context) -> Result<i32, CliError> {
    let done = |()| ExitCode::SUCCESS;
    match command {
        Command::Current(args) => current::run(ctx, &args).map(done),
        Command::History(args) => history::run(ctx, &args).map(done),
        Command::Heads(args) => heads::run(ctx, &args).map(done),
        Command::Show(args) => show::run(ctx, &args).map(done),
        Command::Upgrade(args) => upgrade::run(ctx, &args).map(done),
        Command::Downgrade(args) => downgrade::run(ctx, &args).map(done),
        Command::Stamp(args) => stamp::run(ctx, &args).map(done),
        Command::Check(args) => check::run(ctx, &args),
        Command::Revision(args) => revision::run(ctx, &args).map(done),
        Command::Merge(args) => merge::run(ctx, &args).map(done),
        Command::Squash(args) => squash::run(ctx, &args).map(done),
        Command::Diagram(args) => diagram::run(ctx, &args).map(done),
    }
}

/// The validated chain and a runner over the same directory.
///
/// The chain (core) validates linearity and gives models; the runner reads the directory
/// through Diesel's `FileBasedMigrations`, exactly as `embed_migrations!` does at boot, so
/// the CLI and the service agree on every byte and checksum.
pub(crate) struct Migrations {
    pub(crate) chain: Chain,
    pub(crate) runner: Runner,
}

impl Migrations {
    pub(crate) fn load(project: &Project) -> Result<Migrations, CliError> {
        let chain = Chain::load(&project.migrations)?;
        let source = FileBasedMigrations::from_path(&project.migrations).map_err(|e| {
            CliError::Migrations {
                dir: project.migrations.clone(),
                message: e.to_string(),
            }
        })?;
        let runner = Runner::new(&source)?;
        Ok(Migrations { chain, runner })
    }

    /// The migration called `version` (exact), as `<version>_<name>`.
    pub(crate) fn dir_name(&self, version: &str) -> Option<String> {
        self.chain.find(version).map(|m| m.dir_name())
    }

    /// Parses a target as the user wrote it. Revision ids may be shortened to any unique
    /// prefix, as Alembic allows; the runner gets the full version.
    pub(crate) fn resolve(&self, text: &str) -> Result<Target, CliError> {
        let target = text
            .parse::<Target>()
            .map_err(|_| CliError::UnknownRevision { rev: text.into() })?;
        match target {
            Target::Version(v) => Ok(Target::Version(self.resolve_version(&v)?)),
            other => Ok(other),
        }
    }

    /// A full version from a version or a unique prefix of one.
    pub(crate) fn resolve_version(&self, text: &str) -> Result<String, CliError> {
        if self.chain.find(text).is_some() {
            return Ok(text.to_string());
        }
        let matches: Vec<String> = self
            .chain
            .iter()
            .filter(|m| m.version.starts_with(text))
            .map(|m| m.version.clone())
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(CliError::UnknownRevision { rev: text.into() }),
            _ => Err(CliError::AmbiguousRevision {
                rev: text.into(),
                matches,
            }),
        }
    }
}

/// `2025-10-05 12:44:05` (UTC) for a point in time.
pub(crate) fn utc(time: std::time::SystemTime) -> String {
    let v = watcher_schema_core::chain::format_version(time);
    format!(
        "{}-{}-{} {}:{}:{}",
        &v[0..4],
        &v[4..6],
        &v[6..8],
        &v[8..10],
        &v[10..12],
        &v[12..14]
    )
}

/// `2025-10-05T12:44:05Z` (RFC 3339) for JSON.
pub(crate) fn rfc3339(time: std::time::SystemTime) -> String {
    format!("{}Z", utc(time).replace(' ', "T"))
}

/// The ledger read against the chain: what is applied, pending, unknown here, or changed
/// since it ran. Reads only, without the migration lock.
pub(crate) struct LedgerState {
    /// Ledger rows by version.
    pub(crate) applied: std::collections::BTreeMap<String, watcher_schema_runner::AppliedMigration>,
    /// The newest applied version (known or not), `None` at base.
    pub(crate) current: Option<String>,
    /// Chain versions the ledger lacks, oldest first.
    pub(crate) pending: Vec<String>,
    /// Ledger versions the chain lacks (the database is newer than these files).
    pub(crate) unknown: Vec<String>,
    /// Applied migrations whose `up.sql` changed after they ran, oldest first.
    pub(crate) changed: Vec<watcher_schema_runner::ChangedMigration>,
    /// Online migrations partly applied by an interrupted run, by version.
    pub(crate) in_progress: std::collections::BTreeMap<String, watcher_schema_runner::InProgress>,
}

impl LedgerState {
    /// Whether the ledger disagrees with these files (exit code 24 for `check`).
    pub(crate) fn mismatched(&self) -> bool {
        !self.unknown.is_empty() || !self.changed.is_empty()
    }

    /// The changed migration of `version`, if its file changed after it ran.
    pub(crate) fn changed_of(
        &self,
        migrations: &Migrations,
        version: &str,
    ) -> Option<&watcher_schema_runner::ChangedMigration> {
        let name = migrations.dir_name(version)?;
        self.changed.iter().find(|c| c.name == name)
    }

    pub(crate) fn read(
        migrations: &Migrations,
        conn: &mut PgConnection,
    ) -> Result<LedgerState, CliError> {
        let rows = migrations.runner.applied(conn)?;
        let changed = migrations.runner.changed(&rows);
        let in_progress = migrations
            .runner
            .in_progress(conn)?
            .into_iter()
            .map(|p| (p.version.clone(), p))
            .collect();
        let current = rows.iter().map(|r| r.version.clone()).max();
        let applied: std::collections::BTreeMap<_, _> =
            rows.into_iter().map(|r| (r.version.clone(), r)).collect();
        let pending = migrations
            .chain
            .iter()
            .filter(|m| !applied.contains_key(&m.version))
            .map(|m| m.version.clone())
            .collect();
        let unknown = applied
            .keys()
            .filter(|v| migrations.chain.find(v).is_none())
            .cloned()
            .collect();
        Ok(LedgerState {
            applied,
            current,
            pending,
            unknown,
            changed,
            in_progress,
        })
    }
}
