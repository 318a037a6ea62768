//! The progress record of online migrations (docs/ONLINE.md): `__watcher_schema_progress`
//! holds one row per migration partly applied in one direction, read to resume it.
//!
//! The SQL that writes it is built here once, for the runner and the `--sql` script alike,
//! so a script stopped halfway leaves a record the runner resumes from.

use std::time::{Duration, SystemTime};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};

use crate::error::RunError;
use crate::report::{Action, InProgress};

/// The progress table.
pub const PROGRESS_TABLE: &str = "__watcher_schema_progress";

/// Creates the progress table if it is missing; run under the migration lock, like the
/// ledger's setup, and also at the start of an offline script with online migrations.
pub(crate) const SETUP: &str = concat!(
    "CREATE TABLE IF NOT EXISTS __watcher_schema_progress (\n",
    "    version VARCHAR(50) PRIMARY KEY NOT NULL,\n",
    "    action text NOT NULL,\n",
    "    step integer NOT NULL,\n",
    "    steps integer NOT NULL,\n",
    "    updated_at timestamptz NOT NULL DEFAULT now()\n",
    ");\n",
);

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    version: String,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Integer)]
    step: i32,
    #[diesel(sql_type = Integer)]
    steps: i32,
    #[diesel(sql_type = BigInt)]
    updated_us: i64,
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

/// Creates the table (idempotent).
pub(crate) fn setup(conn: &mut PgConnection) -> Result<(), RunError> {
    conn.batch_execute(SETUP).map_err(RunError::database(
        "cannot create the progress table `__watcher_schema_progress`",
    ))
}

/// Every progress row, by version; none when the table does not exist. Reads only.
pub(crate) fn read(conn: &mut PgConnection) -> Result<Vec<InProgress>, RunError> {
    let Exists { exists } =
        sql_query("SELECT to_regclass('__watcher_schema_progress') IS NOT NULL AS exists")
            .get_result(conn)
            .map_err(RunError::database("cannot look for the progress table"))?;
    if !exists {
        return Ok(Vec::new());
    }
    let mut rows: Vec<Row> = sql_query(
        "SELECT version::text, action, step, steps, \
                (extract(epoch FROM updated_at) * 1000000)::int8 AS updated_us \
         FROM __watcher_schema_progress",
    )
    .load(conn)
    .map_err(RunError::database(
        "cannot read the progress table `__watcher_schema_progress`",
    ))?;
    rows.sort_unstable_by(|a, b| a.version.cmp(&b.version));
    Ok(rows
        .into_iter()
        .map(|r| InProgress {
            version: r.version,
            action: if r.action == "downgrade" {
                Action::Downgrade
            } else {
                Action::Upgrade
            },
            step: r.step.max(0) as usize,
            steps: r.steps.max(0) as usize,
            next: None,
            updated_at: SystemTime::UNIX_EPOCH + Duration::from_micros(r.updated_us.max(0) as u64),
        })
        .collect())
}

/// The statement recording that `step` of `steps` steps of `version` are done.
pub(crate) fn record_sql(version: &str, action: Action, step: usize, steps: usize) -> String {
    format!(
        "INSERT INTO __watcher_schema_progress (version, action, step, steps) \
         VALUES ({}, '{}', {step}, {steps}) \
         ON CONFLICT (version) DO UPDATE SET action = EXCLUDED.action, step = EXCLUDED.step, \
         steps = EXCLUDED.steps, updated_at = now()",
        literal(version),
        direction(action)
    )
}

/// The statement removing `version`'s record, once its last step is done.
pub(crate) fn clear_sql(version: &str) -> String {
    format!(
        "DELETE FROM __watcher_schema_progress WHERE version = {}",
        literal(version)
    )
}

fn direction(action: Action) -> &'static str {
    match action {
        Action::Downgrade => "downgrade",
        _ => "upgrade",
    }
}

/// A SQL string literal; versions are digits, but quotes are doubled anyway.
pub(crate) fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_the_next_step() {
        let mut p = InProgress {
            version: "1".into(),
            action: Action::Upgrade,
            step: 2,
            steps: 7,
            next: Some("backfill address.input_hash".into()),
            updated_at: SystemTime::UNIX_EPOCH,
        };
        assert_eq!(
            p.to_string(),
            "in progress, step 3/7: backfill address.input_hash"
        );
        p.action = Action::Downgrade;
        p.next = None;
        assert_eq!(p.to_string(), "downgrade in progress, step 3/7");
    }
}
