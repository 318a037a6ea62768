//! What can be wrong with a migrations directory, and the messages users read about it.
//! Hands every caller (build.rs, the CLI, the runner) one typed error with its fix.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::replay::ReplayError;

/// An error reading, validating, replaying or writing a migration chain.
#[derive(Debug)]
#[non_exhaustive]
pub enum ChainError {
    /// The migrations directory does not exist.
    NotFound {
        /// The directory that was looked for.
        path: PathBuf,
    },
    /// The migrations path exists but is not a directory.
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// The file system refused an operation on `path`.
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The directory's contents are not a linear chain: every problem found, in a stable
    /// order (entries by name first, then problems with the links between them).
    Invalid {
        /// The migrations directory.
        dir: PathBuf,
        /// One or more problems.
        problems: Vec<Problem>,
    },
    /// A migration's `up.sql` could not be replayed into the schema model.
    Replay {
        /// The migration's directory.
        dir: PathBuf,
        /// Where and why replay stopped.
        source: ReplayError,
    },
    /// A version that no migration in the chain has.
    UnknownVersion {
        /// The version asked for.
        version: String,
        /// The migrations directory.
        dir: PathBuf,
    },
    /// A migration to write has a malformed version or name.
    BadNewMigration {
        /// The directory name it would have had, `<version>_<name>`.
        dir_name: String,
        /// What is wrong.
        reason: String,
    },
    /// A migration to write does not continue the chain from its head.
    ParentNotHead {
        /// The directory name it would have had.
        dir_name: String,
        /// The parent it names.
        parent: Option<String>,
        /// The chain's actual head.
        head: Option<String>,
    },
    /// A migration to write is not newer than the head it continues.
    VersionNotAfterHead {
        /// The directory name it would have had.
        dir_name: String,
        /// The head's version.
        head: String,
    },
    /// The directory for a new migration already exists; nothing is overwritten.
    AlreadyExists {
        /// The existing path.
        path: PathBuf,
    },
    /// `squash --to` named the root: one migration is already as short as a chain gets.
    NothingToSquash {
        /// The version asked for.
        version: String,
    },
    /// Statements a squash would lose: rows, privileges or comments the schema model
    /// does not hold, so a fresh database would miss them.
    SquashLoses {
        /// Each statement, in chain order.
        statements: Vec<LostStatement>,
    },
    /// A squashed migration does not replay to the schema it replaces (a renderer bug).
    SquashDiffers {
        /// The version squashed up to.
        version: String,
        /// How the replayed schema differs, from [`describe_difference`](crate::compare::describe_difference).
        difference: String,
    },
}

/// One thing wrong with a migrations directory. [`ChainError::Invalid`] carries all found.
#[derive(Debug)]
#[non_exhaustive]
pub enum Problem {
    /// A file (not a directory) directly in the migrations directory.
    StrayFile {
        /// The file.
        path: PathBuf,
    },
    /// An entry inside a migration directory other than up.sql, down.sql and metadata.toml.
    UnexpectedEntry {
        /// The entry.
        path: PathBuf,
    },
    /// A directory whose name is not `<14-digit UTC timestamp>_<lower-case name>`.
    BadName {
        /// The directory.
        path: PathBuf,
        /// What is wrong with the name.
        reason: String,
    },
    /// Several directories share one version.
    DuplicateVersion {
        /// The shared version.
        version: String,
        /// The directories, sorted.
        dirs: Vec<PathBuf>,
    },
    /// A migration without `up.sql`.
    MissingUp {
        /// The migration directory.
        dir: PathBuf,
    },
    /// A migration without `down.sql`.
    MissingDown {
        /// The migration directory.
        dir: PathBuf,
    },
    /// A migration without `metadata.toml`, so without a known parent.
    MissingMetadata {
        /// The migration directory.
        dir: PathBuf,
        /// The next older version on disk, the likely parent.
        suggested_parent: Option<String>,
    },
    /// A file that could not be read (permissions, not UTF-8).
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// A line of `metadata.toml` the reader does not accept.
    Metadata {
        /// The metadata file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A `metadata.toml` without `run_in_transaction` (Diesel would default it to `false`).
    MissingRunInTransaction {
        /// The metadata file.
        path: PathBuf,
    },
    /// More than one migration has no parent.
    MultipleRoots {
        /// The parentless migrations, sorted.
        dirs: Vec<PathBuf>,
    },
    /// A migration names a parent version that no migration has.
    MissingParent {
        /// The migration.
        dir: PathBuf,
        /// The version it names as parent.
        parent: String,
    },
    /// Several migrations name the same parent: the chain branches.
    Branch {
        /// The shared parent.
        parent: PathBuf,
        /// Its children, sorted.
        children: Vec<PathBuf>,
    },
    /// Parent links that loop back on themselves.
    Cycle {
        /// The migrations in the loop, each followed by its parent, oldest first.
        dirs: Vec<PathBuf>,
    },
    /// A migration that a squashed migration in the same directory replaces.
    Replaced {
        /// The replaced migration.
        dir: PathBuf,
        /// The squashed migration that replaces it.
        by: PathBuf,
    },
    /// A `-- watcher-schema:replaces` line of a squashed `up.sql` that does not parse.
    SquashHeader {
        /// The `up.sql`.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A migration whose version is not newer than its parent's.
    VersionOrder {
        /// The migration.
        dir: PathBuf,
        /// Its parent, which is newer or as old.
        parent: PathBuf,
    },
}

impl ChainError {
    /// The validation problems, if this is [`ChainError::Invalid`]; empty otherwise.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ChainError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// `path` in backticks, the way every message names a file.
struct Code<'a>(&'a Path);

impl fmt::Display for Code<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.0.display())
    }
}

/// `a`, `b` and `c`.
struct List<'a>(&'a [PathBuf]);

impl fmt::Display for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, path) in self.0.iter().enumerate() {
            match i {
                0 => {}
                _ if i + 1 == self.0.len() => f.write_str(" and ")?,
                _ => f.write_str(", ")?,
            }
            Code(path).fmt(f)?;
        }
        Ok(())
    }
}

/// The last path component: a migration's `<version>_<name>`.
fn dir_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

const HELP: &str = "\n  help: ";

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::StrayFile { path } => write!(
                f,
                "{} is not a migration directory{HELP}move it out of the migrations \
                 directory; only `<version>_<name>/` directories (and dot files) belong there",
                Code(path)
            ),
            Problem::UnexpectedEntry { path } => write!(
                f,
                "{} does not belong in a migration{HELP}a migration holds only up.sql, \
                 down.sql and metadata.toml; move it elsewhere",
                Code(path)
            ),
            Problem::BadName { path, reason } => write!(
                f,
                "{} is not named like a migration: {reason}{HELP}rename it to \
                 `<yyyymmddhhmmss>_<name>` with a UTC timestamp and a name in [a-z0-9_]",
                Code(path)
            ),
            Problem::DuplicateVersion { version, dirs } => write!(
                f,
                "version {version} is used by {}{HELP}give all but one a new, later version; \
                 diesel records applied migrations by version alone",
                List(dirs)
            ),
            Problem::MissingUp { dir } => write!(
                f,
                "{} has no up.sql{HELP}add up.sql with the migration's SQL, or remove the \
                 directory",
                Code(dir)
            ),
            Problem::MissingDown { dir } => write!(
                f,
                "{} has no down.sql{HELP}every migration must be reversible: add down.sql that \
                 undoes up.sql",
                Code(dir)
            ),
            Problem::MissingMetadata {
                dir,
                suggested_parent,
            } => {
                write!(
                    f,
                    "{} has no metadata.toml, so its place in the chain is unknown{HELP}\
                     add metadata.toml with `run_in_transaction = true` and ",
                    Code(dir)
                )?;
                match suggested_parent {
                    Some(parent) => write!(
                        f,
                        "`down_revision = \"{parent}\"` (the next older migration)"
                    ),
                    None => f.write_str("no `down_revision` (it is the oldest migration)"),
                }
            }
            Problem::Unreadable { path, source } => {
                write!(f, "cannot read {}: {source}", Code(path))
            }
            Problem::Metadata {
                path,
                line,
                message,
            } => write!(f, "{}:{line}: {message}", path.display()),
            Problem::MissingRunInTransaction { path } => write!(
                f,
                "{} does not set `run_in_transaction`, so diesel would run the migration \
                 outside a transaction{HELP}add `run_in_transaction = true` (or `false` for \
                 statements such as CREATE INDEX CONCURRENTLY)",
                Code(path)
            ),
            Problem::MultipleRoots { dirs } => write!(
                f,
                "the chain has {} roots (migrations without `down_revision`): {}{HELP}only the \
                 oldest migration may omit `down_revision`; set it in the others' metadata.toml",
                dirs.len(),
                List(dirs)
            ),
            Problem::MissingParent { dir, parent } => write!(
                f,
                "{} has `down_revision = \"{parent}\"`, but no migration has version \
                 {parent}{HELP}set `down_revision` to the version of an existing migration, or \
                 restore the missing one",
                Code(dir)
            ),
            Problem::Branch { parent, children } => {
                let names: Vec<String> = children.iter().map(|c| dir_name(c)).collect();
                write!(
                    f,
                    "the chain branches: {} have the same parent {}{HELP}run `watcher-schema merge` \
                     to rebase {} onto {} and keep the chain linear",
                    List(children),
                    Code(parent),
                    names[1..].join(", "),
                    names[0],
                )
            }
            Problem::Cycle { dirs } => {
                let names: Vec<String> = dirs
                    .iter()
                    .chain(dirs.first())
                    .map(|d| dir_name(d))
                    .collect();
                write!(
                    f,
                    "the `down_revision` links form a cycle: {} (each arrow points to the \
                     parent){HELP}a migration's parent must be an older migration; fix \
                     `down_revision` in {}",
                    names.join(" -> "),
                    List(dirs)
                )
            }
            Problem::Replaced { dir, by } => write!(
                f,
                "{} is replaced by the squashed migration {}, so both would apply the same \
                 change{HELP}delete {} (git keeps its history); a database that applied it is \
                 recognised by the squash",
                Code(dir),
                Code(by),
                Code(dir),
            ),
            Problem::SquashHeader {
                path,
                line,
                message,
            } => write!(
                f,
                "{}:{line}: {message}{HELP}this header is written by `watcher-schema squash`; \
                 restore it from version control",
                path.display()
            ),
            Problem::VersionOrder { dir, parent } => write!(
                f,
                "{} is older than its parent {}, but versions must increase along the chain\
                 {HELP}give it a version newer than {} or fix its `down_revision`",
                Code(dir),
                Code(parent),
                dir_name(parent),
            ),
        }
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::NotFound { path } => write!(
                f,
                "migrations directory {} does not exist{HELP}create it (an empty directory is \
                 an empty chain) or point watcher-schema at the right one",
                Code(path)
            ),
            ChainError::NotADirectory { path } => {
                write!(
                    f,
                    "{} is not a directory, so it cannot hold migrations",
                    Code(path)
                )
            }
            ChainError::Io { path, source } => write!(f, "cannot access {}: {source}", Code(path)),
            ChainError::Invalid { dir, problems } => match problems.as_slice() {
                [one] => one.fmt(f),
                many => {
                    write!(
                        f,
                        "{} problems in migrations directory {}:",
                        many.len(),
                        Code(dir)
                    )?;
                    for problem in many {
                        let text = problem.to_string();
                        for (i, line) in text.lines().enumerate() {
                            let bullet = if i == 0 { "- " } else { "  " };
                            write!(f, "\n{bullet}{line}")?;
                        }
                    }
                    Ok(())
                }
            },
            ChainError::Replay { dir, source } => {
                write!(f, "cannot replay migration {}: {source}", dir_name(dir))
            }
            ChainError::UnknownVersion { version, dir } => write!(
                f,
                "no migration in {} has version {version}{HELP}run `watcher-schema history` \
                 to list the versions",
                Code(dir)
            ),
            ChainError::BadNewMigration { dir_name, reason } => {
                write!(f, "cannot write migration `{dir_name}`: {reason}")
            }
            ChainError::ParentNotHead {
                dir_name,
                parent,
                head,
            } => write!(
                f,
                "cannot write migration `{dir_name}`: it continues from {} but the chain's head \
                 is {}{HELP}generate it again against the current head",
                parent.as_deref().unwrap_or("an empty chain"),
                head.as_deref().unwrap_or("empty (no migrations yet)"),
            ),
            ChainError::VersionNotAfterHead { dir_name, head } => write!(
                f,
                "cannot write migration `{dir_name}`: its version is not newer than the \
                 head {head}{HELP}use a later version, e.g. from `Chain::new_version`"
            ),
            ChainError::AlreadyExists { path } => {
                write!(f, "{} already exists; nothing was overwritten", Code(path))
            }
            ChainError::NothingToSquash { version } => write!(
                f,
                "nothing to squash: {version} is the first migration of the chain{HELP}\
                 name a later revision with `--to`, or leave it out to squash up to head"
            ),
            ChainError::SquashLoses { statements } => {
                f.write_str(
                    "cannot squash: the squashed migration holds the schema only, so a fresh \
                     database would miss what these statements do (rows, privileges or \
                     comments)",
                )?;
                for s in statements {
                    write!(f, "\n  {}:{}: `{}`", s.path.display(), s.line, s.keyword)?;
                }
                write!(
                    f,
                    "{HELP}squash only up to the migration before the first of them \
                     (`--to <version>`)"
                )
            }
            ChainError::SquashDiffers {
                version,
                difference,
            } => write!(
                f,
                "the squashed migration does not rebuild the schema at {version}; nothing was \
                 written:\n{difference}"
            ),
        }
    }
}

impl std::error::Error for ChainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChainError::Io { source, .. } => Some(source),
            ChainError::Replay { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A statement of a replaced migration that the squash could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostStatement {
    /// The `up.sql` it is in.
    pub path: PathBuf,
    /// Its 1-based line.
    pub line: usize,
    /// Its first keyword, upper-cased (`INSERT`, `GRANT`, ...).
    pub keyword: String,
}
