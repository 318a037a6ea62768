//! Migrations → the offline (`--sql`) script: the exact statements and ledger writes the
//! runner would execute, one transaction per migration, for `psql -1 -f`.

use std::fmt::Write;

use crate::report::Action;
use crate::script::MigrationScript;
use crate::target::Target;
use watcher_schema_core::replay::split_statements;

/// How the script behaves; printed at its top so whoever runs it knows.
const HEADER: &str = "\
-- Run with `psql -1 -f FILE` (or `psql -f FILE`); it stops at the first error.
-- Each migration is one transaction together with its ledger row, as when the runner
-- applies it online. Under `psql -1` the first BEGIN below joins the transaction psql
-- opened (psql warns \"there is already a transaction in progress\") and the first COMMIT
-- ends it; psql's own final COMMIT then warns \"there is no transaction in progress\".
-- Both warnings are expected: a failure rolls back only the migration it is in, and the
-- migrations before it stay applied and recorded, exactly as online. A migration with
-- `run_in_transaction = false` runs outside any transaction, after the first COMMIT.
\\set ON_ERROR_STOP on
";

/// Renders the script for `steps`, all in one direction, from `from` to `to`.
pub(crate) fn render(
    steps: &[&MigrationScript],
    action: Action,
    from: &Target,
    to: &Target,
    lock_key: i64,
) -> String {
    let mut out = String::new();
    let verb = if action == Action::Downgrade {
        "downgrade"
    } else {
        "upgrade"
    };
    // `write!` to a String cannot fail.
    let _ = writeln!(
        out,
        "-- watcher-schema offline script: {verb} from {from} to {to}, {} migration{}",
        steps.len(),
        if steps.len() == 1 { "" } else { "s" }
    );
    out.push_str(HEADER);
    let _ = write!(
        out,
        "\n-- ledger (Diesel's table plus checksum and duration) and the migration lock\n\
         BEGIN;\n\
         DO $$ BEGIN PERFORM pg_advisory_lock({lock_key}); END $$;\n\
         {}\
         COMMIT;\n",
        crate::ledger::SETUP,
    );
    for m in steps {
        let (sql, file, record) = match action {
            Action::Downgrade => (
                m.down().unwrap_or_default(),
                m.down_file(),
                format!(
                    "DELETE FROM __diesel_schema_migrations WHERE version = {};",
                    literal(m.version())
                ),
            ),
            _ => (
                m.up(),
                m.up_file(),
                format!(
                    "INSERT INTO __diesel_schema_migrations (version, checksum) VALUES ({}, {});",
                    literal(m.version()),
                    literal(m.checksum())
                ),
            ),
        };
        let _ = writeln!(out, "\n-- {verb} {} ({file})", m.name());
        if m.run_in_transaction() {
            out.push_str("BEGIN;\n");
        } else {
            out.push_str("-- runs outside a transaction (`run_in_transaction = false`)\n");
        }
        out.push_str(&terminated(sql));
        out.push_str(&record);
        out.push('\n');
        if m.run_in_transaction() {
            out.push_str("COMMIT;\n");
        }
    }
    let _ = write!(
        out,
        "\nDO $$ BEGIN PERFORM pg_advisory_unlock({lock_key}); END $$;\n"
    );
    out
}

/// The file's text as written, ending in a `;` and a newline so what follows it is a
/// statement of its own. A missing `;` goes on a line of its own, in case the file ends
/// in a `--` comment.
fn terminated(sql: &str) -> String {
    let text = sql.trim_end();
    let needs_semicolon = split_statements(text).last().is_some_and(|last| {
        let end = last.offset + last.text.len();
        !text[end..].trim_start().starts_with(';')
    });
    format!("{text}{}\n", if needs_semicolon { "\n;" } else { "" })
}

/// A SQL string literal. Versions are digits and checksums hex, so this never has to
/// escape anything in practice; it doubles quotes anyway rather than trust that.
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminates_the_last_statement_once() {
        assert_eq!(terminated("SELECT 1"), "SELECT 1\n;\n");
        assert_eq!(terminated("SELECT 1;\n\n"), "SELECT 1;\n");
        assert_eq!(terminated("SELECT 1; -- done"), "SELECT 1; -- done\n");
        assert_eq!(
            terminated("SELECT 1 -- no semicolon"),
            "SELECT 1 -- no semicolon\n;\n"
        );
    }
}
