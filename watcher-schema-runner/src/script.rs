//! Migration sources → [`MigrationScript`]s: the SQL text, metadata and checksum of each
//! migration, in version order, ready for the runner and the offline script.

use diesel::migration::{Migration, MigrationSource};
use diesel::pg::Pg;

use crate::capture::{Capture, Script};
use watcher_schema_core::chain::{checksum, replaced, Replaced};

use crate::error::RunError;

/// One migration as the runner sees it: its SQL, whether it runs in a transaction, and the
/// checksum of its `up.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationScript {
    version: String,
    name: String,
    up: String,
    down: Option<String>,
    run_in_transaction: bool,
    checksum: String,
    replaced: Vec<Replaced>,
}

impl MigrationScript {
    /// A migration from its directory name (`<version>_<name>`) and SQL text.
    ///
    /// The version is the part of `name` before the first `_`, as Diesel reads it.
    ///
    /// ```
    /// use watcher_schema_runner::MigrationScript;
    ///
    /// let m = MigrationScript::new("20251005124405_initial", "CREATE TABLE t ();", None, true);
    /// assert_eq!(m.version(), "20251005124405");
    /// assert_eq!(m.up_file(), "20251005124405_initial/up.sql");
    /// ```
    pub fn new(
        name: impl Into<String>,
        up: impl Into<String>,
        down: Option<String>,
        run_in_transaction: bool,
    ) -> Self {
        let name = name.into();
        let up = up.into();
        let version = name.split('_').next().unwrap_or_default().to_owned();
        let checksum = checksum(&up);
        // The chain reader rejects a malformed header before a binary is built or the CLI
        // runs, so one that does not parse here was never written by `squash`.
        let replaced = replaced(&up).unwrap_or_default();
        MigrationScript {
            version,
            name,
            up,
            down,
            run_in_transaction,
            checksum,
            replaced,
        }
    }

    /// Reads a Diesel migration's SQL without executing it.
    pub fn from_migration(migration: &dyn Migration<Pg>) -> Result<Self, RunError> {
        let name = migration.name().to_string();
        let source_error = |script: &str, error: &dyn std::fmt::Display| RunError::Source {
            message: format!("cannot read `{name}/{script}`: {error}"),
        };
        let up = Capture::sql(migration, Script::Up).map_err(|e| source_error("up.sql", &e))?;
        // A missing down.sql is not an error until someone asks to downgrade.
        let down = Capture::sql(migration, Script::Down).ok();
        let mut script = MigrationScript::new(
            name.clone(),
            up,
            down,
            migration.metadata().run_in_transaction(),
        );
        script.version = migration.name().version().to_string();
        Ok(script)
    }

    /// The version: the 14-digit prefix of the directory name.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The directory name, `<version>_<name>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text of `up.sql`.
    pub fn up(&self) -> &str {
        &self.up
    }

    /// The text of `down.sql`, if the migration has one.
    pub fn down(&self) -> Option<&str> {
        self.down.as_deref()
    }

    /// Whether the migration and its ledger row run in one transaction (Diesel's
    /// `run_in_transaction` metadata; `false` for e.g. `CREATE INDEX CONCURRENTLY`).
    pub fn run_in_transaction(&self) -> bool {
        self.run_in_transaction
    }

    /// The checksum of `up.sql` with line endings normalised, as recorded in the ledger.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// The migrations this one replaces when it is a squash (its `up.sql` header lists
    /// them), oldest first; empty otherwise.
    pub fn replaced(&self) -> &[Replaced] {
        &self.replaced
    }

    /// `<name>/up.sql`: where `up.sql` lives relative to the migrations directory.
    pub fn up_file(&self) -> String {
        format!("{}/up.sql", self.name)
    }

    /// `<name>/down.sql`: where `down.sql` lives relative to the migrations directory.
    pub fn down_file(&self) -> String {
        format!("{}/down.sql", self.name)
    }
}

/// Reads every migration of `source`, in the order the source lists them.
pub(crate) fn read_source<S>(source: &S) -> Result<Vec<MigrationScript>, RunError>
where
    S: MigrationSource<Pg> + ?Sized,
{
    let migrations = source.migrations().map_err(|e| RunError::Source {
        message: format!("cannot list migrations: {e}"),
    })?;
    migrations
        .iter()
        .map(|m| MigrationScript::from_migration(m.as_ref()))
        .collect()
}

/// Sorts migrations into chain order (by version); two with one version are an error.
pub(crate) fn chain_order(
    mut scripts: Vec<MigrationScript>,
) -> Result<Vec<MigrationScript>, RunError> {
    scripts.sort_by(|a, b| a.version.cmp(&b.version));
    if let Some(pair) = scripts.windows(2).find(|w| w[0].version == w[1].version) {
        return Err(RunError::Source {
            message: format!(
                "`{}` and `{}` share version {}: give one of them a new version",
                pair[0].name, pair[1].name, pair[0].version
            ),
        });
    }
    Ok(scripts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_ignores_line_endings_but_not_content() {
        let lf = MigrationScript::new("1_a", "SELECT 1;\nSELECT 2;\n", None, true);
        let crlf = MigrationScript::new("1_a", "SELECT 1;\r\nSELECT 2;\r\n", None, true);
        let edited = MigrationScript::new("1_a", "SELECT 1;\nSELECT 3;\n", None, true);
        assert_eq!(lf.checksum(), crlf.checksum());
        assert_ne!(lf.checksum(), edited.checksum());
    }
}
