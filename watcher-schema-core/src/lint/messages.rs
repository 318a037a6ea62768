//! Lint's words: for each kind of finding, what the statement does, why that is risky and
//! the safer form. Written once here; `rules.rs` decides when each applies.

use crate::model::SqlType;
use crate::sql::{quote_ident, quote_literal};

use super::rule;

/// The words of one finding.
pub(super) struct Text {
    pub rule: &'static str,
    pub message: String,
    pub why: String,
    pub safer: String,
}

fn text(
    rule: &'static str,
    message: String,
    why: impl Into<String>,
    safer: impl Into<String>,
) -> Text {
    Text {
        rule,
        message,
        why: why.into(),
        safer: safer.into(),
    }
}

const EXCLUSIVE: &str = "the ACCESS EXCLUSIVE lock that blocks every read and write of the table";

const REWRITE_WHY: &str = "`ALTER COLUMN ... TYPE` rewrites the table and rebuilds its \
     indexes under an ACCESS EXCLUSIVE lock: nothing reads or writes the table until it is done";

const RENAME_WHY: &str = "the old name is gone the moment the migration commits, while \
     replicas still running the previous release keep using it";

const RENAME_SAFER: &str = "expand and contract: add the new name beside the old one (a new \
     column kept in sync, or a view for a table), deploy code that uses it, then remove the old \
     name in a later migration";

/// The safer form for a constraint that scans existing rows.
fn not_valid_safer(table: &str, name: &str, blocks: &str) -> String {
    format!(
        "add it with `NOT VALID` (new rows are checked at once), then `ALTER TABLE {} VALIDATE \
         CONSTRAINT {}` in a step of its own (after the add commits), which checks the old rows \
         without blocking {blocks}; `revision --autogenerate` writes both",
        quote_ident(table),
        quote_ident(name)
    )
}

pub(super) fn dropping_table(table: &str) -> Text {
    text(
        rule::DROPPING_TABLE,
        format!("dropping table `{table}` deletes it and every row in it"),
        "the rows cannot come back (a down migration restores the table, empty), and code \
         still running against the old schema fails the moment the table is gone",
        "first deploy code that no longer uses the table; back it up (`upgrade --backup \
         DIR`), then drop it in a later migration",
    )
}

pub(super) fn dropping_column(table: &str, column: &str) -> Text {
    text(
        rule::DROPPING_COLUMN,
        format!("dropping column `{table}.{column}` deletes its values"),
        "the values cannot come back (a down migration restores the column, not its data), \
         and code still running against the old schema fails on every query that names the \
         column",
        "first deploy code that neither reads nor writes the column; back up the values you \
         may need, then drop it in a later migration",
    )
}

/// A type change that keeps every value but rewrites the table.
pub(super) fn rewriting_type(table: &str, column: &str, from: &SqlType, to: &SqlType) -> Text {
    text(
        rule::CHANGING_COLUMN_TYPE,
        format!("changing `{table}.{column}` from `{from}` to `{to}` rewrites `{table}`"),
        REWRITE_WHY,
        TYPE_SAFER,
    )
}

/// A type change that may not keep every value.
pub(super) fn narrowing_type(table: &str, column: &str, from: &SqlType, to: &SqlType) -> Text {
    text(
        rule::CHANGING_COLUMN_TYPE,
        format!(
            "changing `{table}.{column}` from `{from}` to `{to}` may fail on or change \
             existing values, and rewrites `{table}`"
        ),
        format!(
            "values the new type cannot hold make the migration fail (or a `USING` expression \
             changes them); {REWRITE_WHY}"
        ),
        TYPE_SAFER,
    )
}

const TYPE_SAFER: &str = "add a column of the new type, fill it in batches and keep it in \
     sync, move the code over, then drop the old column in a later migration";

pub(super) fn dropping_enum_labels(
    table: &str,
    column: &str,
    from: &str,
    to: &str,
    lost: &[&String],
) -> Text {
    let labels: Vec<String> = lost.iter().map(|l| quote_literal(l)).collect();
    text(
        rule::DROPPING_ENUM_LABEL,
        format!(
            "moving `{table}.{column}` from enum `{from}` to `{to}` drops the label{} {}",
            if labels.len() == 1 { "" } else { "s" },
            labels.join(", ")
        ),
        "rows holding a dropped label make the cast fail (or lose their value to whatever \
         `USING` maps it to), and the type change rewrites the table under an ACCESS \
         EXCLUSIVE lock",
        "first move the rows off the dropped labels with an `UPDATE` in a migration of its \
         own, and deploy code that no longer writes them; then swap the type",
    )
}

pub(super) fn setting_not_null(table: &str, column: &str) -> Text {
    text(
        rule::SETTING_NOT_NULL,
        format!(
            "`SET NOT NULL` on `{table}.{column}` scans every row of `{table}` under an ACCESS \
             EXCLUSIVE lock"
        ),
        format!(
            "PostgreSQL checks each existing row while it holds {EXCLUSIVE}; on a large table \
             that is an outage"
        ),
        format!(
            "add `CHECK ({} IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it in a step of its \
             own, then `SET NOT NULL` (PostgreSQL uses the valid check and skips the scan) and \
             drop the check; `revision --autogenerate` writes these steps",
            quote_ident(column)
        ),
    )
}

pub(super) fn not_null_without_default(table: &str, column: &str) -> Text {
    text(
        rule::ADDING_NOT_NULL_COLUMN_WITHOUT_DEFAULT,
        format!(
            "adding NOT NULL column `{table}.{column}` without a default fails when `{table}` \
             has rows"
        ),
        "existing rows would hold NULL in a NOT NULL column, so PostgreSQL refuses the \
         statement on any populated table: it works on an empty development database and \
         fails in production",
        "add the column nullable, fill the existing rows (`UPDATE ... WHERE ... IS NULL`), \
         then `SET NOT NULL`; the generator writes these steps when the struct field says how \
         to fill existing rows",
    )
}

/// `cause` says what computes a value per row: a volatile default, a serial's `nextval`.
pub(super) fn volatile_default(table: &str, column: &str, cause: &str) -> Text {
    text(
        rule::VOLATILE_DEFAULT,
        format!(
            "adding `{table}.{column}` with {cause} computes a value for every existing row, \
             rewriting `{table}`"
        ),
        "a default that differs per row is computed for each existing row, so PostgreSQL \
         rewrites the table and its indexes under an ACCESS EXCLUSIVE lock; a constant or \
         stable default (`now()`, `CURRENT_TIMESTAMP`) is stored once and costs nothing",
        "add the column without that default, `SET DEFAULT` it so that new rows get it, then \
         fill the existing rows in batches",
    )
}

pub(super) fn foreign_key(table: &str, name: &str, ref_table: &str) -> Text {
    text(
        rule::FOREIGN_KEY_WITHOUT_NOT_VALID,
        format!(
            "adding foreign key `{name}` to `{table}` checks every row of `{table}` while it \
             blocks writes to `{table}` and `{ref_table}`"
        ),
        "without `NOT VALID`, PostgreSQL checks every existing row while it holds a SHARE ROW \
         EXCLUSIVE lock on both tables: inserts, updates and deletes wait for the whole scan",
        not_valid_safer(table, name, "writes"),
    )
}

pub(super) fn check(table: &str, name: &str) -> Text {
    text(
        rule::CHECK_WITHOUT_NOT_VALID,
        format!(
            "adding check `{name}` to `{table}` scans every row of `{table}` under an ACCESS \
             EXCLUSIVE lock"
        ),
        format!(
            "without `NOT VALID`, PostgreSQL checks every existing row while it holds {EXCLUSIVE}"
        ),
        not_valid_safer(table, name, "reads or writes"),
    )
}

/// `VALIDATE CONSTRAINT` in the transaction that added the constraint `NOT VALID`;
/// `rule` is the foreign key's or the check's.
pub(super) fn validating_in_same_transaction(rule: &'static str, name: &str) -> Text {
    text(
        rule,
        format!(
            "`VALIDATE CONSTRAINT {name}` runs in the transaction that added it `NOT VALID`, \
             so the lock the add took is held while every row is checked"
        ),
        "`NOT VALID` keeps the add's lock short only if the transaction commits before the \
         validation starts",
        "validate it in a step of its own, once the `NOT VALID` constraint is committed (a \
         migration with `run_in_transaction = false`, or a later one)",
    )
}

pub(super) fn adding_primary_key(table: &str, name: &str) -> Text {
    text(
        rule::MODIFYING_CONSTRAINT,
        format!(
            "adding primary key `{name}` to `{table}` builds its index under an ACCESS \
             EXCLUSIVE lock"
        ),
        "every read and write of the table waits while the index is built and each row is \
         checked for NULLs, and repeated or NULL keys in existing rows make the migration fail",
        "check first that the key columns hold no NULLs and no repeats (a unique index built \
         beforehand with `CREATE UNIQUE INDEX CONCURRENTLY` finds repeats without locking the \
         table), and run the change when the table is quiet",
    )
}

pub(super) fn adding_unique(table: &str, name: &str, columns: &[String]) -> Text {
    text(
        rule::MODIFYING_CONSTRAINT,
        format!(
            "adding unique constraint `{name}` to `{table}` builds its index under an ACCESS \
             EXCLUSIVE lock"
        ),
        "every read and write of the table waits while the index is built, and repeated \
         values in existing rows make the migration fail",
        format!(
            "build a unique index instead, `CREATE UNIQUE INDEX CONCURRENTLY ... ON {} ({})`, \
             in a migration with `run_in_transaction = false`",
            quote_ident(table),
            columns
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

/// What kind of constraint a dropped one is, which decides what its absence allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
}

pub(super) fn dropping_constraint(table: &str, name: &str, kind: ConstraintKind) -> Text {
    let safer = match kind {
        // A table has one primary key: the new one cannot come first.
        ConstraintKind::PrimaryKey => {
            "drop it only once no code relies on it; to change the key, first build a unique \
             index on the new key columns with `CREATE UNIQUE INDEX CONCURRENTLY` (in a \
             migration with `run_in_transaction = false`), so that rows stay unique while the \
             key is replaced"
        }
        _ => {
            "drop it only once no code relies on it; to change it, add the new constraint \
             before dropping the old one, so that the table is never without it"
        }
    };
    let (what, why) = match kind {
        ConstraintKind::PrimaryKey => (
            "primary key",
            "repeated and NULL keys can be written from then on, and foreign keys or `ON \
             CONFLICT` clauses that rely on the key fail; adding it back rebuilds the index \
             under an ACCESS EXCLUSIVE lock",
        ),
        ConstraintKind::Unique => (
            "unique constraint",
            "repeated values can be written from then on, and foreign keys or `ON CONFLICT` \
             clauses that rely on it fail; adding it back rebuilds the index under an ACCESS \
             EXCLUSIVE lock",
        ),
        ConstraintKind::ForeignKey => (
            "foreign key",
            "rows pointing at missing rows can be written from then on; adding it back checks \
             every row",
        ),
        ConstraintKind::Check => (
            "check",
            "rows breaking the rule can be written from then on; adding it back scans every \
             row under an ACCESS EXCLUSIVE lock",
        ),
    };
    text(
        rule::MODIFYING_CONSTRAINT,
        format!("dropping {what} `{name}` of `{table}` stops PostgreSQL enforcing it"),
        why,
        safer,
    )
}

pub(super) fn creating_index(table: &str, name: &str, unique: bool) -> Text {
    let verb = if unique {
        "CREATE UNIQUE INDEX"
    } else {
        "CREATE INDEX"
    };
    text(
        rule::NON_CONCURRENT_INDEX,
        format!("`{verb}` of `{name}` blocks writes to `{table}` until the index is built"),
        "a plain `CREATE INDEX` holds a SHARE lock for the whole build: every insert, update \
         and delete on the table waits",
        format!(
            "`{verb} CONCURRENTLY`, in a migration of its own with `run_in_transaction = false` \
             in metadata.toml (`revision --autogenerate` writes both)"
        ),
    )
}

pub(super) fn dropping_index(table: &str, name: &str) -> Text {
    text(
        rule::NON_CONCURRENT_INDEX,
        format!("`DROP INDEX` of `{name}` locks `{table}` against reads and writes"),
        "a plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the table: it waits for the \
         queries running on it and blocks every new one meanwhile",
        "`DROP INDEX CONCURRENTLY`, in a migration of its own with `run_in_transaction = \
         false` in metadata.toml",
    )
}

pub(super) fn renaming_table(from: &str, to: &str) -> Text {
    text(
        rule::RENAMING,
        format!("renaming table `{from}` to `{to}` breaks code that still uses `{from}`"),
        RENAME_WHY,
        RENAME_SAFER,
    )
}

pub(super) fn renaming_column(table: &str, from: &str, to: &str) -> Text {
    text(
        rule::RENAMING,
        format!("renaming column `{table}.{from}` to `{to}` breaks code that still uses `{from}`"),
        RENAME_WHY,
        RENAME_SAFER,
    )
}

/// `verb` is the statement's leading words (`CREATE INDEX`).
pub(super) fn concurrently_in_transaction(verb: &str) -> Text {
    text(
        rule::CONCURRENTLY_IN_TRANSACTION,
        format!(
            "`{verb} CONCURRENTLY` cannot run inside a transaction block, and this migration \
             runs in one (`run_in_transaction = true`)"
        ),
        "PostgreSQL refuses `CONCURRENTLY` inside a transaction, so the migration fails at run \
         time on every database",
        "set `run_in_transaction = false` in the migration's metadata.toml, and keep the \
         migration to its index statements: outside a transaction, nothing else in it is \
         rolled back when one fails",
    )
}

/// `known` lists the rules that exist.
pub(super) fn unknown_rule(name: &str, known: &[&str]) -> Text {
    text(
        rule::UNKNOWN_RULE,
        format!("`{name}` is not a lint rule, so this comment allows nothing"),
        "a misspelt rule name leaves in place the finding it was meant to silence",
        format!("name one of: {}", known.join(", ")),
    )
}
