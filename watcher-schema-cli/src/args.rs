//! The command line, as clap types: every flag and subcommand of `watcher-schema`.
//! `lib.rs` parses these and hands each subcommand's arguments to its `commands` module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit_codes;

/// Alembic's commands for watcher-schema migrations.
///
/// Run from the repository root (or pass --dir). The database URL comes from
/// --database-url, else the DATABASE_URL environment variable, else DATABASE_URL in ./.env.
/// Passwords are never printed. Set NO_COLOR to turn colours off.
#[derive(Debug, Parser)]
#[command(name = "watcher-schema", version, after_help = exit_codes::HELP)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Migrations directory [default: the nearest ./migrations in this directory or a parent]
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    // Deliberately not clap's `env = "DATABASE_URL"`: clap would print the variable's
    // value, password included, in `--help`.
    /// Database URL [default: $DATABASE_URL, else DATABASE_URL in ./.env]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
}

/// One Alembic command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the revision the database is at
    Current(FormatArgs),
    /// List the migration chain, oldest first, with what is applied
    History(HistoryArgs),
    /// Show the head revision of the migration chain
    Heads(FormatArgs),
    /// Show one revision: its parent, name and SQL
    Show(ShowArgs),
    /// Apply migrations: to head, to a revision, or +N steps
    Upgrade(UpgradeArgs),
    /// Revert migrations: -N steps, down to a revision (kept), or to base
    Downgrade(DowngradeArgs),
    /// Fail when migrations are pending or edited, or the schema differs from the structs
    Check(CheckArgs),
    /// Create a migration: empty, or generated from the structs with --autogenerate
    Revision(RevisionArgs),
    /// Rebase one branch of a forked chain onto the other head, keeping it linear
    Merge(MergeArgs),
    /// Replace the chain up to a revision by one migration with the same effect
    Squash(SquashArgs),
    /// Record a revision in the ledger without running SQL
    Stamp(StampArgs),
    /// Print an entity-relationship diagram of the schema at a revision (Mermaid or DOT)
    Diagram(DiagramArgs),
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document for scripts.
    Json,
}

/// Arguments of commands whose only option is `--format`.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Also show each migration's parent, directory and checksum
    #[arg(long, short)]
    pub verbose: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `show REV`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A revision id (or a unique prefix of one), `head` or `base`
    pub revision: String,
}

/// Options shared by `upgrade` and `downgrade`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Print the SQL script instead of running it (runnable with `psql -1 -f`)
    #[arg(long)]
    pub sql: bool,
    /// Run `pg_dump` into this directory first
    #[arg(long, value_name = "DIR", conflicts_with = "sql")]
    pub backup: Option<PathBuf>,
}

/// `upgrade head|REV|+N`.
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// `head`, a revision id (or unique prefix), or `+N` for the next N migrations
    #[arg(default_value = "head")]
    pub target: String,
    /// Options shared with `downgrade`.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `downgrade -1|-N|REV|base`.
#[derive(Debug, Args)]
pub struct DowngradeArgs {
    /// `-N` to revert the last N migrations, a revision to go back to (it stays applied),
    /// or `base` to revert everything
    #[arg(allow_negative_numbers = true)]
    pub target: String,
    /// Options shared with `upgrade`.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Compare the structs with the migration chain instead of the live database
    #[arg(long)]
    pub offline: bool,
    /// Also report the migrations' risky statements (table locks and rewrites, lost data)
    #[arg(long)]
    pub lint: bool,
    /// With --lint: fail on warnings too, not only on errors
    #[arg(long, requires = "lint")]
    pub strict: bool,
    /// Also show information that is not a failure: tables whose columns are in another order
    #[arg(long, short)]
    pub verbose: bool,
    /// Struct sources [default: watcher-schema/src beside the migrations directory]
    #[arg(long, value_name = "DIR")]
    pub schema_src: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `revision -m NAME`.
#[derive(Debug, Args)]
pub struct RevisionArgs {
    /// Name of the migration (its directory is `<version>_<name>`)
    #[arg(short, long, value_name = "NAME")]
    pub message: String,
    /// Version id to use instead of the current UTC time (14 digits, after head)
    #[arg(long, value_name = "VERSION")]
    pub rev_id: Option<String>,
    /// Generate the SQL from the difference between the structs and the chain's head
    #[arg(long)]
    pub autogenerate: bool,
    /// Allow changes that lose data (dropping columns or tables, narrowing types, ...)
    #[arg(long, requires = "autogenerate")]
    pub allow_destructive: bool,
    /// Build and drop indexes CONCURRENTLY (the migration then runs outside a transaction);
    /// with --offline-ddl, the one online form kept
    #[arg(long, requires = "autogenerate")]
    pub concurrently: bool,
    /// Write plain, transactional DDL that blocks writers of tables with rows while it
    /// scans or rewrites them, instead of the online steps (docs/ONLINE.md): for small
    /// tables only. `#[watcher_table(online = false)]` does the same from the structs
    #[arg(long, requires = "autogenerate")]
    pub offline_ddl: bool,
    /// Struct sources [default: watcher-schema/src beside the migrations directory]
    #[arg(long, value_name = "DIR")]
    pub schema_src: Option<PathBuf>,
}

/// `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The head that stays where it is; the other branch is rebased onto it
    /// [default: the branch that forked earlier stays]
    #[arg(long, value_name = "REV")]
    pub onto: Option<String>,
}

/// `squash [--to REV]`.
#[derive(Debug, Args)]
pub struct SquashArgs {
    /// The last revision to squash (a revision id or unique prefix); later migrations are
    /// kept [default: head]
    #[arg(long, value_name = "REV")]
    pub to: Option<String>,
}

/// `stamp REV|head|base` or `stamp --from-alembic`.
#[derive(Debug, Args)]
pub struct StampArgs {
    /// `head`, `base` or a revision id (or unique prefix)
    #[arg(
        required_unless_present = "from_alembic",
        conflicts_with = "from_alembic"
    )]
    pub revision: Option<String>,
    /// Adopt a database built by the Python service: read `alembic_version`, check the live
    /// schema matches that revision, and record it
    #[arg(long)]
    pub from_alembic: bool,
}

/// `diagram [REV] [--format mermaid|dot] [--changes REV]`.
#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// `head`, `base` or a revision id (or unique prefix): the schema after it
    #[arg(default_value = "head")]
    pub revision: String,
    /// Draw the schema after this revision with what it adds, drops and changes marked
    #[arg(long, value_name = "REV", conflicts_with = "revision")]
    pub changes: Option<String>,
    /// Diagram language: Mermaid `erDiagram`, or Graphviz DOT (`| dot -Tsvg`)
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagramFormat,
}

/// `diagram --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiagramFormat {
    /// Mermaid `erDiagram`: renders in GitHub, GitLab and mermaid.live.
    #[default]
    Mermaid,
    /// Graphviz DOT.
    Dot,
}
