//! `migrations/` → a validated linear chain of migrations, and the schema at any point of it.
//! Hands build.rs, the CLI and the runner the migrations in order, their SQL and checksums.
//!
//! The layout is Diesel's, so `embed_migrations!` and diesel_cli read the same directory:
//!
//! ```text
//! migrations/
//!   20251005124405_initial/
//!     up.sql  down.sql  metadata.toml
//!   20251007183231_drop_pipeline_execution_full_load/
//!     up.sql  down.sql  metadata.toml
//! ```
//!
//! `metadata.toml` links each migration to its parent the way Alembic's `down_revision` does,
//! and always states `run_in_transaction` (Diesel's default for an absent key is `false`):
//!
//! ```toml
//! # written by watcher-schema; `down_revision` links the chain like Alembic's
//! run_in_transaction = true
//! down_revision = "20251005124405"
//! ```
//!
//! Loading runs in two stages, each reporting every problem it finds: the entries (names,
//! files, metadata), then the links (one root, parents exist, no branches, no cycles,
//! versions increasing). An empty directory is a valid, empty chain.
//!
//! A squashed migration ([`squash`](crate::squash)) lists in its `up.sql` the versions it replaces; a
//! directory holding it together with one of those is refused, naming the one to delete.

mod checksum;
mod error;
mod link;
mod metadata;
mod replaces;
mod scan;
mod version;
mod write;

/// A migration's forward SQL file.
pub(crate) const UP_SQL: &str = "up.sql";
/// A migration's reverse SQL file.
pub(crate) const DOWN_SQL: &str = "down.sql";

use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use checksum::{checksum, sha256};
pub use error::{ChainError, LostStatement, Problem};
pub use replaces::{replaced, Replaced, REPLACES};
pub use version::format_version;
pub(crate) use write::write_files;
pub use write::{write_migration, NewMigration};

use crate::model::Schema;
use crate::replay::{replay, ReplayError};

/// One migration directory, read and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The 14-digit UTC timestamp that identifies it (Diesel's version).
    pub version: String,
    /// The name after the version, `[a-z0-9_]+`.
    pub name: String,
    /// Its directory, `<migrations>/<version>_<name>`.
    pub dir: PathBuf,
    /// The version of the migration it follows; `None` for the root.
    pub parent: Option<String>,
    /// Contents of `up.sql`.
    pub up_sql: String,
    /// Contents of `down.sql`.
    pub down_sql: String,
    /// Whether Diesel runs it inside a transaction.
    pub run_in_transaction: bool,
}

impl Migration {
    /// `<version>_<name>`: the directory's name, which Diesel uses as the migration's name.
    pub fn dir_name(&self) -> String {
        format!("{}_{}", self.version, self.name)
    }
}

/// A validated, linear migration chain: one root, each migration the only child of the one
/// before it, versions increasing.
///
/// ```no_run
/// use std::path::Path;
/// use watcher_schema_core::chain::Chain;
///
/// let chain = Chain::load(Path::new("migrations"))?;
/// if let Some(head) = chain.head() {
///     println!("head is {}", head.dir_name());
/// }
/// let schema = chain.schema_at_head()?;
/// println!("{} tables", schema.tables.len());
/// # Ok::<(), watcher_schema_core::chain::ChainError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    dir: PathBuf,
    migrations: Vec<Migration>,
}

/// Reads and checks every migration directory in `dir` without linking them into a chain
/// (the first of [`Chain::load`]'s two stages), oldest first: for the CLI's `heads` and
/// `merge`, which must work on a chain that branches after a git merge.
pub fn read_entries(dir: &Path) -> Result<Vec<Migration>, ChainError> {
    scan::scan(dir)
}

impl Chain {
    /// Reads and validates the migrations in `dir`.
    ///
    /// Fails with [`ChainError::Invalid`] listing every problem of a stage (entries, then
    /// links), or with [`ChainError::NotFound`], [`ChainError::NotADirectory`] or
    /// [`ChainError::Io`] when `dir` itself cannot be read.
    pub fn load(dir: &Path) -> Result<Chain, ChainError> {
        let migrations = scan::scan(dir)?;
        let migrations = link::link(migrations).map_err(|problems| ChainError::Invalid {
            dir: dir.into(),
            problems,
        })?;
        Ok(Chain {
            dir: dir.into(),
            migrations,
        })
    }

    /// The migrations directory this chain was read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The migrations in chain order, root first.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// Iterates over the migrations in chain order, root first.
    pub fn iter(&self) -> std::slice::Iter<'_, Migration> {
        self.migrations.iter()
    }

    /// The number of migrations.
    pub fn len(&self) -> usize {
        self.migrations.len()
    }

    /// Whether there are no migrations at all.
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }

    /// The newest migration, which every other one leads to.
    pub fn head(&self) -> Option<&Migration> {
        self.migrations.last()
    }

    /// The migration with this exact version.
    pub fn find(&self, version: &str) -> Option<&Migration> {
        self.position(version).map(|i| &self.migrations[i])
    }

    /// The 0-based place in the chain of the migration with this exact version.
    pub fn position(&self, version: &str) -> Option<usize> {
        // Chain order is version order.
        self.migrations
            .binary_search_by(|m| m.version.as_str().cmp(version))
            .ok()
    }

    /// A version for a new migration created at `now`: its UTC timestamp, or one second
    /// after the head's version if that is not older (clock skew, or two in one second).
    pub fn new_version(&self, now: SystemTime) -> String {
        version::next_version(now, self.head().map(|m| m.version.as_str()))
    }

    /// The schema after applying every migration up to and including `version`.
    pub fn schema_at(&self, version: &str) -> Result<Schema, ChainError> {
        let position = self
            .position(version)
            .ok_or_else(|| ChainError::UnknownVersion {
                version: version.to_string(),
                dir: self.dir.clone(),
            })?;
        self.replay_first(position + 1, replay)
    }

    /// The schema after applying every migration; empty for an empty chain.
    pub fn schema_at_head(&self) -> Result<Schema, ChainError> {
        self.replay_first(self.migrations.len(), replay)
    }

    /// Replays the `up.sql` of the first `count` migrations into an empty schema.
    fn replay_first(
        &self,
        count: usize,
        mut replay: impl FnMut(&mut Schema, &str, &str) -> Result<(), ReplayError>,
    ) -> Result<Schema, ChainError> {
        let mut schema = Schema::default();
        for migration in &self.migrations[..count] {
            let origin = migration.dir.join(UP_SQL);
            replay(
                &mut schema,
                &migration.up_sql,
                &origin.display().to_string(),
            )
            .map_err(|source| ChainError::Replay {
                dir: migration.dir.clone(),
                source,
            })?;
        }
        Ok(schema)
    }
}

impl<'a> IntoIterator for &'a Chain {
    type Item = &'a Migration;
    type IntoIter = std::slice::Iter<'a, Migration>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Table;

    fn migration(version: &str, parent: Option<&str>, up_sql: &str) -> Migration {
        Migration {
            version: version.into(),
            name: "m".into(),
            dir: Path::new("migrations").join(format!("{version}_m")),
            parent: parent.map(Into::into),
            up_sql: up_sql.into(),
            down_sql: String::new(),
            run_in_transaction: true,
        }
    }

    fn chain() -> Chain {
        Chain {
            dir: "migrations".into(),
            migrations: vec![
                migration("20251005124405", None, "a"),
                migration("20251007183231", Some("20251005124405"), "b"),
                migration("20251008100712", Some("20251007183231"), "FAIL"),
            ],
        }
    }

    /// A stand-in for replay that adds a table per script, or fails on `FAIL`.
    fn fake_replay(schema: &mut Schema, sql: &str, origin: &str) -> Result<(), ReplayError> {
        if sql == "FAIL" {
            return Err(ReplayError {
                origin: origin.into(),
                line: 3,
                column: 7,
                message: "unsupported statement `CREATE FUNCTION`".into(),
            });
        }
        schema.tables.insert(sql.into(), Table::new(sql));
        Ok(())
    }

    #[test]
    fn replays_only_the_prefix_asked_for() {
        let schema = chain().replay_first(2, fake_replay).unwrap();
        assert_eq!(schema.tables.keys().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn replay_failure_names_the_migration_and_position() {
        let err = chain().replay_first(3, fake_replay).unwrap_err();
        let ChainError::Replay { dir, source } = &err else {
            panic!("expected a replay error, got {err:?}");
        };
        assert!(dir.ends_with("20251008100712_m"));
        assert_eq!(source.line, 3);
        assert_eq!(
            err.to_string(),
            format!(
                "cannot replay migration 20251008100712_m: {}:3:7: unsupported statement \
                 `CREATE FUNCTION`",
                Path::new("migrations/20251008100712_m/up.sql").display()
            )
        );
    }

    #[test]
    fn finds_by_exact_version_only() {
        let chain = chain();
        assert_eq!(chain.position("20251007183231"), Some(1));
        assert_eq!(
            chain.find("20251008100712").map(|m| m.up_sql.as_str()),
            Some("FAIL")
        );
        assert!(chain.find("2025100718323").is_none());
        assert!(matches!(
            chain.schema_at("20990101000000"),
            Err(ChainError::UnknownVersion { .. })
        ));
    }
}
