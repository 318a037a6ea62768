//! Writing a new migration directory at the head of the chain, all files or none.
//! Hands the CLI's `revision` the path of the migration it created.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::error::ChainError;
use super::scan::parse_dir_name;
use super::{metadata, Chain};
use super::{DOWN_SQL, UP_SQL};

/// A migration to write with [`write_migration`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMigration {
    /// Its 14-digit UTC version, newer than the head; see [`Chain::new_version`].
    pub version: String,
    /// Its name, `[a-z0-9_]+`.
    pub name: String,
    /// The version of the chain's current head; `None` when the chain is empty.
    pub parent: Option<String>,
    /// Contents of `up.sql`.
    pub up_sql: String,
    /// Contents of `down.sql`.
    pub down_sql: String,
    /// Whether Diesel runs it inside a transaction (`false` for CREATE INDEX CONCURRENTLY).
    pub run_in_transaction: bool,
}

/// Writes `spec` as `<dir>/<version>_<name>/` with `up.sql`, `down.sql` and `metadata.toml`,
/// and returns that directory.
///
/// The chain in `dir` must be valid and `spec` must continue it: its parent is the head
/// (so a migration generated against an older head is refused rather than branching the
/// chain) and its version is newer. The files are written into a hidden temporary
/// directory that is then renamed into place, so readers never see half a migration.
/// An existing directory is never overwritten.
///
/// ```no_run
/// use std::path::Path;
/// use std::time::SystemTime;
/// use watcher_schema_core::chain::{write_migration, Chain, NewMigration};
///
/// let dir = Path::new("migrations");
/// let chain = Chain::load(dir)?;
/// let spec = NewMigration {
///     version: chain.new_version(SystemTime::now()),
///     name: "add_pipeline_owner".into(),
///     parent: chain.head().map(|m| m.version.clone()),
///     up_sql: "ALTER TABLE pipeline ADD COLUMN owner text;\n".into(),
///     down_sql: "ALTER TABLE pipeline DROP COLUMN owner;\n".into(),
///     run_in_transaction: true,
/// };
/// let written = write_migration(dir, &spec)?;
/// println!("wrote {}", written.display());
/// # Ok::<(), watcher_schema_core::chain::ChainError>(())
/// ```
pub fn write_migration(dir: &Path, spec: &NewMigration) -> Result<PathBuf, ChainError> {
    let dir_name = format!("{}_{}", spec.version, spec.name);
    parse_dir_name(&dir_name).map_err(|reason| ChainError::BadNewMigration {
        dir_name: dir_name.clone(),
        reason,
    })?;

    let chain = Chain::load(dir)?;
    let head = chain.head().map(|m| m.version.clone());
    if spec.parent != head {
        return Err(ChainError::ParentNotHead {
            dir_name,
            parent: spec.parent.clone(),
            head,
        });
    }
    if let Some(head) = head.filter(|head| spec.version <= *head) {
        return Err(ChainError::VersionNotAfterHead { dir_name, head });
    }

    let target = dir.join(&dir_name);
    if target.symlink_metadata().is_ok() {
        return Err(ChainError::AlreadyExists { path: target });
    }
    // The leading dot hides the directory from this reader and from Diesel until renamed.
    let temp = dir.join(format!(".{dir_name}.tmp-{}", std::process::id()));
    let result = write_files(&temp, spec).and_then(|()| {
        fs::rename(&temp, &target).map_err(|source| ChainError::Io {
            path: target.clone(),
            source,
        })
    });
    if result.is_err() {
        // Best effort: the error being returned matters more than a leftover hidden dir.
        let _ = fs::remove_dir_all(&temp);
    }
    result.map(|()| target)
}

pub(crate) fn write_files(temp: &Path, spec: &NewMigration) -> Result<(), ChainError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source: io::Error| ChainError::Io { path, source }
    };
    // A leftover from a crashed run of a process with the same id is ours to replace.
    if temp.symlink_metadata().is_ok() {
        fs::remove_dir_all(temp).map_err(io(temp))?;
    }
    fs::create_dir(temp).map_err(io(temp))?;
    let files = [
        (UP_SQL, spec.up_sql.clone()),
        (DOWN_SQL, spec.down_sql.clone()),
        (
            metadata::FILE_NAME,
            metadata::render(spec.parent.as_deref(), spec.run_in_transaction),
        ),
    ];
    for (name, contents) in files {
        let path = temp.join(name);
        fs::write(&path, contents).map_err(io(&path))?;
    }
    Ok(())
}
