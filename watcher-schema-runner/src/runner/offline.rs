//! Migrations → the offline (`--sql`) script: the exact statements and ledger writes the
//! runner would execute, one transaction per migration, for `psql -1 -f`; with online
//! migrations in the range, their steps and progress records, for `psql -f` without `-1`.

use std::fmt::Write;
use std::time::Duration;

use crate::error::RunError;
use crate::progress::{self, literal};
use crate::report::Action;
use crate::script::MigrationScript;
use crate::target::Target;
use watcher_schema_core::replay::split_statements;
use watcher_schema_core::steps::{split, Step, StepKind};

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

/// The header of a script whose range holds online migrations.
const ONLINE_HEADER: &str = "\
-- Run with `psql -f FILE`, NOT with `psql -1`: this range holds online migrations
-- (`run_in_transaction = false`), whose steps each commit on their own (a repeated batch
-- commits inside its DO block, which PostgreSQL allows only outside a transaction block).
-- Every other migration is one transaction together with its ledger row, as online.
-- Each step of an online migration records itself in `__watcher_schema_progress` as the
-- runner does, so when the script stops (an error, a lock timeout) `watcher-schema
-- upgrade` (or `downgrade`) resumes at the next step. Statements wait at most
-- `lock_timeout` (set below) for a lock; a repeated batch retries, anything else stops
-- the script.
\\set ON_ERROR_STOP on
";

/// How many times a repeated batch in the script is tried when it waits too long for a
/// lock, as the runner's default.
const SCRIPT_TRIES: u32 = crate::runner::DEFAULT_LOCK_TRIES;

/// Renders the script for `migrations`, all in one direction, from `from` to `to`.
pub(crate) fn render(
    migrations: &[&MigrationScript],
    action: Action,
    from: &Target,
    to: &Target,
    lock_key: i64,
    lock_timeout: Duration,
) -> Result<String, RunError> {
    let mut out = String::new();
    let verb = if action == Action::Downgrade {
        "downgrade"
    } else {
        "upgrade"
    };
    let online = migrations.iter().any(|m| !m.run_in_transaction());
    // `write!` to a String cannot fail.
    let _ = writeln!(
        out,
        "-- watcher-schema offline script: {verb} from {from} to {to}, {} migration{}",
        migrations.len(),
        if migrations.len() == 1 { "" } else { "s" }
    );
    if online {
        out.push_str(ONLINE_HEADER);
        let _ = writeln!(out, "SET lock_timeout = '{}ms';", lock_timeout.as_millis());
    } else {
        out.push_str(HEADER);
    }
    let _ = write!(
        out,
        "\n-- ledger (Diesel's table plus checksum and duration) and the migration lock\n\
         BEGIN;\n\
         DO $$ BEGIN PERFORM pg_advisory_lock({lock_key}); END $$;\n\
         {}{}\
         COMMIT;\n",
        crate::ledger::SETUP,
        if online { progress::SETUP } else { "" },
    );
    for m in migrations {
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
        if !m.run_in_transaction() {
            let steps = split(sql).map_err(|error| RunError::Steps {
                file: file.clone(),
                error,
            })?;
            let _ = writeln!(
                out,
                "\n-- {verb} {} ({file}): online, {} step{}",
                m.name(),
                steps.len(),
                if steps.len() == 1 { "" } else { "s" }
            );
            render_steps(&mut out, m, action, &steps, &record);
            continue;
        }
        let _ = writeln!(out, "\n-- {verb} {} ({file})", m.name());
        out.push_str("BEGIN;\n");
        out.push_str(&terminated(sql));
        out.push_str(&record);
        out.push_str("\nCOMMIT;\n");
    }
    let _ = write!(
        out,
        "\nDO $$ BEGIN PERFORM pg_advisory_unlock({lock_key}); END $$;\n"
    );
    Ok(out)
}

/// The steps of one online migration, each followed by its progress record; the last
/// step's record is the ledger write and the record's removal, in one transaction.
fn render_steps(
    out: &mut String,
    m: &MigrationScript,
    action: Action,
    steps: &[Step<'_>],
    ledger: &str,
) {
    let n = steps.len();
    let version = m.version();
    let finish = format!("{};\n{ledger}\n", progress::clear_sql(version));
    if n == 0 {
        let _ = writeln!(out, "BEGIN;\n{finish}COMMIT;");
    }
    for (i, step) in steps.iter().enumerate() {
        let k = i + 1;
        let record = if k == n {
            finish.clone()
        } else {
            format!("{};\n", progress::record_sql(version, action, k, n))
        };
        let _ = writeln!(out, "-- step {k}/{n}: {} ({})", step.label(), step.kind);
        match step.kind {
            StepKind::Transaction => {
                out.push_str("BEGIN;\n");
                for statement in &step.statements {
                    let _ = writeln!(out, "{};", statement.text);
                }
                let _ = writeln!(out, "{record}COMMIT;");
            }
            StepKind::Single => {
                let statement = step.statements[0].text;
                match step.concurrent_index() {
                    Some(name) => render_index(out, name, statement),
                    None => {
                        let _ = writeln!(out, "{statement};");
                    }
                }
                if k == n {
                    let _ = writeln!(out, "BEGIN;\n{record}COMMIT;");
                } else {
                    out.push_str(&record);
                }
            }
            StepKind::Repeat => {
                render_repeat(out, step.statements[0].text);
                if k == n {
                    let _ = writeln!(out, "BEGIN;\n{record}COMMIT;");
                } else {
                    out.push_str(&record);
                }
            }
        }
    }
}

/// `CREATE INDEX CONCURRENTLY`, safe to run again as the runner makes it: an invalid index
/// of that name (an interrupted build) is dropped first, a valid one means done.
fn render_index(out: &mut String, name: &str, statement: &str) {
    let regclass = literal(name);
    let _ = write!(
        out,
        "SELECT EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass({regclass}) \
         AND NOT indisvalid) AS watcher_invalid,\n       \
         EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass({regclass}) \
         AND indisvalid) AS watcher_valid \\gset\n\
         \\if :watcher_invalid\n\
         DROP INDEX CONCURRENTLY IF EXISTS {name};\n\
         \\endif\n\
         \\if :watcher_valid\n\
         \\echo 'index {} exists and is valid: step skipped'\n\
         \\else\n\
         {statement};\n\
         \\endif\n",
        name.replace('\'', "")
    );
}

/// A repeated batch as a DO block that runs it, one transaction per run, until it
/// affects no row, retrying a run that waits too long for a lock.
fn render_repeat(out: &mut String, statement: &str) {
    let mut tag = "watcher".to_owned();
    while statement.contains(&format!("${tag}$")) {
        tag.push('_');
    }
    let _ = write!(
        out,
        "DO ${tag}$\n\
         DECLARE\n    \
             affected bigint;\n    \
             tries int := 0;\n\
         BEGIN\n    \
             LOOP\n        \
                 BEGIN\n            \
                     {statement};\n            \
                     GET DIAGNOSTICS affected = ROW_COUNT;\n        \
                 EXCEPTION WHEN lock_not_available OR deadlock_detected THEN\n            \
                     tries := tries + 1;\n            \
                     IF tries >= {SCRIPT_TRIES} THEN RAISE; END IF;\n            \
                     affected := -1;\n        \
                 END;\n        \
                 COMMIT;\n        \
                 EXIT WHEN affected = 0;\n        \
                 IF affected < 0 THEN\n            \
                     PERFORM pg_sleep(least(0.1 * 2 ^ (tries - 1), 5));\n        \
                 ELSE\n            \
                     tries := 0;\n        \
                 END IF;\n    \
             END LOOP;\n\
         END\n\
         ${tag}$;\n"
    );
}

/// The file's text as written, ending in a `;` and a newline so what follows it is a
/// statement of its own. A missing `;` goes on a line of its own, in case the file ends
/// in a `--` comment.
pub(crate) fn terminated(sql: &str) -> String {
    let text = sql.trim_end();
    let needs_semicolon = split_statements(text).last().is_some_and(|last| {
        let end = last.offset + last.text.len();
        !text[end..].trim_start().starts_with(';')
    });
    format!("{text}{}\n", if needs_semicolon { "\n;" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_online_steps_with_their_records_for_psql_without_single_transaction() {
        let online = MigrationScript::new(
            "2_online",
            "BEGIN;\nALTER TABLE t ADD c int;\nCOMMIT;\n\
             -- step: fill t.c\n-- watcher:repeat\nUPDATE t SET c = 1 WHERE ctid = ANY \
             (ARRAY(SELECT ctid FROM t WHERE c IS NULL LIMIT 10));\n\
             CREATE INDEX CONCURRENTLY ix_t_c ON t (c);\n",
            None,
            false,
        );
        let sql = render(
            &[&online],
            Action::Upgrade,
            &Target::Base,
            &Target::Head,
            1,
            Duration::from_millis(1500),
        )
        .unwrap();
        for expected in [
            "NOT with `psql -1`",
            "SET lock_timeout = '1500ms';",
            "CREATE TABLE IF NOT EXISTS __watcher_schema_progress",
            "-- upgrade 2_online (2_online/up.sql): online, 3 steps",
            "-- step 1/3: ALTER TABLE t ADD c int (transaction)\nBEGIN;\nALTER TABLE t ADD c int;\n\
             INSERT INTO __watcher_schema_progress (version, action, step, steps) VALUES ('2', \
             'upgrade', 1, 3)",
            "-- step 2/3: fill t.c (repeated batch)\nDO $watcher$",
            "EXCEPTION WHEN lock_not_available OR deadlock_detected THEN",
            "\\if :watcher_invalid\nDROP INDEX CONCURRENTLY IF EXISTS ix_t_c;\n\\endif",
            "BEGIN;\nDELETE FROM __watcher_schema_progress WHERE version = '2';\n\
             INSERT INTO __diesel_schema_migrations (version, checksum)",
        ] {
            assert!(sql.contains(expected), "`{expected}` in:\n{sql}");
        }
        assert!(!sql.contains("psql -1 -f FILE"), "{sql}");
    }

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
