//! Step: migration SQL → [`Finding`]s, the statements that lock, rewrite or lose data on a
//! database that holds rows. Hands them to the CLI's `check --lint` and to the generator.
//!
//! Each migration is read through [`replay`](crate::replay), statement by statement, against
//! the schema the migrations before it build: a table is *existing* when it is in that
//! schema, and only changes to existing tables (which may be large and busy) are risky. A
//! table created in the same migration is empty, so whatever is done to it is fine.
//!
//! `up.sql` is checked against every rule. `down.sql` undoes a change by design (dropping
//! what `up.sql` added), so it is checked only for what fails outright:
//! `concurrently-in-transaction`.
//!
//! # Silencing a finding
//!
//! A comment on the line before a statement (or in the run of `--` comment lines right
//! above it) names the rules that statement may break, after review; inside a statement
//! of several lines, a comment above the line a finding points at silences that finding:
//!
//! ```sql
//! -- the table is small: an index build takes milliseconds
//! -- watcher-schema: allow non-concurrent-index
//! CREATE INDEX ix_pipeline_owner ON pipeline (owner);
//! ```
//!
//! Several rules are separated by commas or spaces. A name that is no rule is itself
//! reported (`unknown-rule`), so a typo does not silence anything by accident.

mod allow;
mod messages;
mod rules;
#[cfg(test)]
mod tests;
mod tokens;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use crate::chain::{Chain, ChainError, Migration};
use crate::model::Schema;
use crate::replay::{replay_each, ReplayError};

use allow::Allows;
pub(crate) use rules::rewrite_on_add;
use rules::{Pending, State};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Risky on a populated or busy database; review it, then change it or allow it.
    Warning,
    /// Fails at run time on every database.
    Error,
}

impl Severity {
    /// `warning` or `error`, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A lint rule: the name that findings and `allow` comments use, and its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Kebab-case name, e.g. `setting-not-null`.
    pub name: &'static str,
    /// How bad its findings are.
    pub severity: Severity,
    /// What it catches, in one line.
    pub summary: &'static str,
}

/// The name of every rule, as a constant, so that code never spells one twice.
pub mod rule {
    /// `ALTER TABLE ... DROP COLUMN` on an existing table.
    pub const DROPPING_COLUMN: &str = "dropping-column";
    /// `DROP TABLE` of an existing table.
    pub const DROPPING_TABLE: &str = "dropping-table";
    /// `ALTER COLUMN ... TYPE` that rewrites the table, or narrows the type.
    pub const CHANGING_COLUMN_TYPE: &str = "changing-column-type";
    /// A column moved to an enum type without some of its old labels (a type swap).
    pub const DROPPING_ENUM_LABEL: &str = "dropping-enum-label";
    /// Adding a primary key or unique constraint, or dropping any constraint.
    pub const MODIFYING_CONSTRAINT: &str = "modifying-constraint";
    /// `CREATE INDEX` or `DROP INDEX` without `CONCURRENTLY` on an existing table.
    pub const NON_CONCURRENT_INDEX: &str = "non-concurrent-index";
    /// A foreign key added to an existing table without `NOT VALID`.
    pub const FOREIGN_KEY_WITHOUT_NOT_VALID: &str = "foreign-key-without-not-valid";
    /// A check constraint added to an existing table without `NOT VALID`.
    pub const CHECK_WITHOUT_NOT_VALID: &str = "check-without-not-valid";
    /// `SET NOT NULL` on a column of an existing table.
    pub const SETTING_NOT_NULL: &str = "setting-not-null";
    /// A `NOT NULL` column without a default added to an existing table.
    pub const ADDING_NOT_NULL_COLUMN_WITHOUT_DEFAULT: &str =
        "adding-not-null-column-without-default";
    /// A column with a volatile default (or serial, identity) added to an existing table.
    pub const VOLATILE_DEFAULT: &str = "volatile-default";
    /// Renaming an existing table or column.
    pub const RENAMING: &str = "renaming";
    /// `CONCURRENTLY` in a migration that runs inside a transaction.
    pub const CONCURRENTLY_IN_TRANSACTION: &str = "concurrently-in-transaction";
    /// An `allow` comment naming no rule.
    pub const UNKNOWN_RULE: &str = "unknown-rule";
}

/// Every rule, in the order the documentation lists them.
pub const RULES: &[Rule] = &[
    Rule {
        name: rule::DROPPING_COLUMN,
        severity: Severity::Warning,
        summary: "dropping a column of an existing table loses its values",
    },
    Rule {
        name: rule::DROPPING_TABLE,
        severity: Severity::Warning,
        summary: "dropping an existing table loses its rows",
    },
    Rule {
        name: rule::CHANGING_COLUMN_TYPE,
        severity: Severity::Warning,
        summary: "a type change that rewrites the table, or may fail on or change its values",
    },
    Rule {
        name: rule::DROPPING_ENUM_LABEL,
        severity: Severity::Warning,
        summary: "moving a column to an enum type that lacks some of its labels",
    },
    Rule {
        name: rule::MODIFYING_CONSTRAINT,
        severity: Severity::Warning,
        summary: "adding a primary key or unique constraint, or dropping a constraint",
    },
    Rule {
        name: rule::NON_CONCURRENT_INDEX,
        severity: Severity::Warning,
        summary: "building or dropping an index of an existing table without CONCURRENTLY",
    },
    Rule {
        name: rule::FOREIGN_KEY_WITHOUT_NOT_VALID,
        severity: Severity::Warning,
        summary: "a foreign key that checks every existing row while it blocks writes",
    },
    Rule {
        name: rule::CHECK_WITHOUT_NOT_VALID,
        severity: Severity::Warning,
        summary: "a check constraint that scans every existing row under an exclusive lock",
    },
    Rule {
        name: rule::SETTING_NOT_NULL,
        severity: Severity::Warning,
        summary: "SET NOT NULL scans every existing row under an exclusive lock",
    },
    Rule {
        name: rule::ADDING_NOT_NULL_COLUMN_WITHOUT_DEFAULT,
        severity: Severity::Warning,
        summary: "a NOT NULL column without a default fails on a table that has rows",
    },
    Rule {
        name: rule::VOLATILE_DEFAULT,
        severity: Severity::Warning,
        summary: "a new column whose default differs per row rewrites the table",
    },
    Rule {
        name: rule::RENAMING,
        severity: Severity::Warning,
        summary: "renaming a table or column breaks the code still running",
    },
    Rule {
        name: rule::CONCURRENTLY_IN_TRANSACTION,
        severity: Severity::Error,
        summary: "CONCURRENTLY in a migration with run_in_transaction = true fails",
    },
    Rule {
        name: rule::UNKNOWN_RULE,
        severity: Severity::Warning,
        summary: "an allow comment names a rule that does not exist",
    },
];

/// The rule called `name`.
pub fn find_rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// One risky statement: where it is, which rule it breaks, why that matters, and the safer
/// form.
///
/// `Display` prints it the way compilers do:
///
/// ```text
/// migrations/20251008100712_add_pipeline_input_hash/up.sql:5:46: warning[setting-not-null]: `SET NOT NULL` on `pipeline.input_hash` scans every row of `pipeline` under an ACCESS EXCLUSIVE lock
///   why: PostgreSQL checks each existing row while it holds the ACCESS EXCLUSIVE lock that blocks every read and write of the table; on a large table that is an outage
///   help: add `CHECK (input_hash IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it in a later migration, then `SET NOT NULL` (PostgreSQL uses the valid check and skips the scan) and drop the check
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name (one of [`rule`]).
    pub rule: &'static str,
    /// The rule's severity.
    pub severity: Severity,
    /// The file, as given to lint (`migrations/<version>_<name>/up.sql`).
    pub path: String,
    /// 1-based line of the token the finding is about.
    pub line: usize,
    /// 1-based column (in characters) of that token.
    pub column: usize,
    /// What the statement does.
    pub message: String,
    /// Why that is risky.
    pub why: String,
    /// The safer way to make the same change.
    pub safer: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}\n  why: {}\n  help: {}",
            self.path,
            self.line,
            self.column,
            self.severity,
            self.rule,
            self.message,
            self.why,
            self.safer
        )
    }
}

/// Lints every migration of `chain`, root first, each against the schema the migrations
/// before it build. Findings come in chain order, and by position within a file.
///
/// Fails when a migration does not replay (the same error `Chain::schema_at_head` gives).
///
/// ```no_run
/// use std::path::Path;
/// use watcher_schema_core::chain::Chain;
/// use watcher_schema_core::lint::{lint_chain, Severity};
///
/// let chain = Chain::load(Path::new("migrations"))?;
/// let findings = lint_chain(&chain)?;
/// for finding in &findings {
///     eprintln!("{finding}");
/// }
/// let failed = findings.iter().any(|f| f.severity == Severity::Error);
/// # Ok::<(), watcher_schema_core::chain::ChainError>(())
/// ```
pub fn lint_chain(chain: &Chain) -> Result<Vec<Finding>, ChainError> {
    let mut schema = Schema::default();
    let mut linter = Linter::default();
    for migration in chain {
        linter
            .migration(&mut schema, migration)
            .map_err(|source| ChainError::Replay {
                dir: migration.dir.clone(),
                source,
            })?;
    }
    Ok(linter.findings)
}

/// Lints one migration against `before`, the schema it runs on: what the generator calls
/// on a migration it has just written, to print the findings as warnings.
///
/// Constraints in `before` count as validated: a `NOT VALID` constraint added by an earlier
/// migration is known only to [`lint_chain`], which reads the migrations in order.
///
/// ```
/// use std::path::PathBuf;
/// use watcher_schema_core::chain::Migration;
/// use watcher_schema_core::lint::lint_migration;
/// use watcher_schema_core::model::Schema;
/// use watcher_schema_core::replay::replay;
///
/// let mut before = Schema::default();
/// replay(&mut before, "CREATE TABLE pipeline (id serial PRIMARY KEY);", "up.sql")?;
/// let migration = Migration {
///     version: "20251008100712".into(),
///     name: "add_owner".into(),
///     dir: PathBuf::from("migrations/20251008100712_add_owner"),
///     parent: Some("20251005124405".into()),
///     up_sql: "ALTER TABLE pipeline ADD COLUMN owner text NOT NULL;\n".into(),
///     down_sql: "ALTER TABLE pipeline DROP COLUMN owner;\n".into(),
///     run_in_transaction: true,
/// };
/// let findings = lint_migration(&before, &migration)?;
/// assert_eq!(findings.len(), 1);
/// assert_eq!(findings[0].rule, "adding-not-null-column-without-default");
/// assert_eq!((findings[0].line, findings[0].column), (1, 33));
/// # Ok::<(), watcher_schema_core::replay::ReplayError>(())
/// ```
pub fn lint_migration(before: &Schema, migration: &Migration) -> Result<Vec<Finding>, ReplayError> {
    let mut schema = before.clone();
    let mut linter = Linter::default();
    linter.migration(&mut schema, migration)?;
    Ok(linter.findings)
}

/// What lint carries from one migration to the next.
#[derive(Default)]
struct Linter {
    /// `(table, constraint)` added `NOT VALID` and not validated since.
    not_valid: BTreeSet<(String, String)>,
    findings: Vec<Finding>,
}

impl Linter {
    /// Lints `migration`, leaving `schema` as its `up.sql` leaves it.
    fn migration(&mut self, schema: &mut Schema, migration: &Migration) -> Result<(), ReplayError> {
        let up_path = file_path(&migration.dir, "up.sql");
        let mut state = State::new(schema, &mut self.not_valid, migration.run_in_transaction);
        replay_each(schema, &migration.up_sql, &up_path, |now, statement| {
            state.statement(now, statement);
        })?;
        let up = state.finish();
        self.report(&migration.up_sql, &up_path, up);

        let down_path = file_path(&migration.dir, "down.sql");
        let down = rules::down(
            schema,
            &migration.down_sql,
            &down_path,
            migration.run_in_transaction,
        )?;
        self.report(&migration.down_sql, &down_path, down);
        Ok(())
    }

    /// Turns the pending findings of one file into findings, minus those its `allow`
    /// comments silence, plus one for every rule those comments name that does not exist.
    fn report(&mut self, sql: &str, path: &str, pending: Vec<Pending>) {
        let allows = Allows::read(sql);
        let offline = is_offline(sql);
        let mut findings: Vec<Finding> = pending
            .into_iter()
            .filter(|p| {
                let rule = p.text.rule;
                !(allows.allows(p.statement_line, rule) || allows.allows(p.line, rule))
            })
            .map(|p| p.into_finding(path, offline))
            .chain(allows.unknown().map(|u| u.into_finding(path)))
            .collect();
        findings.sort_by(|a, b| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)));
        self.findings.extend(findings);
    }
}

/// The comment that marks a migration file as written in the plain blocking form on
/// purpose (`-- watcher:offline: ...` on a line of its own): its blocking statements are
/// warnings, not errors. The generator writes it for `online = false` and `--offline-ddl`.
pub const OFFLINE_MARKER: &str = "watcher:offline";

/// Whether `sql` carries the [`OFFLINE_MARKER`] comment.
fn is_offline(sql: &str) -> bool {
    sql.lines().any(|line| {
        line.trim()
            .strip_prefix("--")
            .is_some_and(|c| c.trim_start().starts_with(OFFLINE_MARKER))
    })
}

fn file_path(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}
