//! Acceptance on Watcher's real migration chain (the workspace's `migrations/`, whatever it
//! holds): many `upgrade head` processes at once, upgrade → downgrade → upgrade of every
//! migration, the `--sql` script through `psql -1`, and adopting the Python service's
//! database with `stamp --from-alembic`. Facts come from the catalog via `introspect`.

use std::io::Write;
use std::process::{Command, Stdio};

use watcher_schema_cli::drift::live_schema;
use watcher_schema_cli::introspect::introspect;
use watcher_schema_core::chain::{checksum, Chain};
use watcher_schema_core::compare::describe_difference;
use watcher_schema_core::model::Schema;
use watcher_schema_core::replay::replay;
use watcher_schema_core::testing::sorted_columns;
use watcher_schema_tests::TestDb;

use crate::support::{connect, workspace, Project};

/// The seed revision: the reference dump's, and the one `alembic_version` names.
const SEED: &str = "20251005124405";

/// The project's chain as the CLI reads it.
fn chain(p: &Project) -> Chain {
    Chain::load(&p.migrations()).unwrap_or_else(|e| panic!("the real chain does not load: {e}"))
}

/// `(version, checksum of up.sql)` of every migration of `chain`, in order.
fn expected_ledger(chain: &Chain) -> Vec<(String, Option<String>)> {
    chain
        .iter()
        .map(|m| (m.version.clone(), Some(checksum(&m.up_sql))))
        .collect()
}

/// The ledger rows of `db`, `(version, checksum)` in version order.
fn ledger_rows(db: &TestDb) -> Vec<(String, Option<String>)> {
    db.client()
        .query(
            "SELECT version, checksum FROM __diesel_schema_migrations ORDER BY version",
            &[],
        )
        .unwrap_or_else(|e| panic!("cannot read the ledger of {}: {e}", db.name()))
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

/// The catalog of `db` as a model (the runner's ledger left out).
fn catalog(db: &TestDb) -> Schema {
    introspect(&mut connect(db)).unwrap_or_else(|e| panic!("introspection failed: {e}"))
}

/// The reference dump of `version` in `tests/data`, if there is one.
fn reference_sql(version: &str) -> Option<String> {
    let path = workspace().join(format!("tests/data/watcher-{version}.sql"));
    path.exists().then(|| {
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    })
}

/// Asserts that `actual` (named `what`) equals `expected`, column order included, listing
/// the differences in core's words.
#[track_caller]
fn assert_schema(what: &str, actual: &Schema, expected_name: &str, expected: &Schema) {
    if let Some(found) = describe_difference(actual, expected) {
        panic!("{what} differs from {expected_name} (`-` {what}, `+` {expected_name}):\n{found}");
    }
}

/// Asserts that `live` is the chain's head, and its reference dump when `tests/data` has
/// one: exactly at the seed; column order aside later, as an added column is physically last.
#[track_caller]
fn assert_at_head(live: &Schema, chain: &Chain) {
    let head = chain
        .schema_at_head()
        .unwrap_or_else(|e| panic!("the real chain does not replay: {e}"));
    assert_schema("the catalog", live, "the chain's head", &head);
    let Some(version) = chain.head().map(|m| &m.version) else {
        return;
    };
    let Some(sql) = reference_sql(version) else {
        return;
    };
    let name = format!("the reference dump at {version}");
    let mut reference = Schema::default();
    replay(&mut reference, &sql, &name).unwrap_or_else(|e| panic!("{name} does not replay: {e}"));
    if version == SEED {
        assert_schema("the catalog", live, &name, &reference);
    } else {
        assert_schema(
            "the catalog (column order aside)",
            &sorted_columns(live),
            &name,
            &sorted_columns(&reference),
        );
    }
}

/// `cmd` held at the start line: a shell waits for its stdin to close, then execs it, so
/// the replicas start together rather than one spawn apart.
fn at_the_start_line(cmd: Command) -> Command {
    let mut gated = Command::new("sh");
    gated
        .arg("-c")
        .arg(r#"read -r _; exec "$0" "$@""#)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        gated.current_dir(dir);
    }
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => gated.env(key, value),
            None => gated.env_remove(key),
        };
    }
    gated
}

#[test]
fn sixteen_upgrade_head_processes_started_together_apply_each_migration_once() {
    let p = Project::real_with_db();
    let chain = chain(&p);
    let mut replicas: Vec<_> = (0..16)
        .map(|_| {
            at_the_start_line(p.command(&["upgrade", "head"]))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start an upgrade process")
        })
        .collect();
    for replica in &mut replicas {
        // Closing stdin ends the shell's `read`: go.
        drop(replica.stdin.take());
    }
    let mut upgraded = Vec::new();
    for replica in replicas {
        let out = replica
            .wait_with_output()
            .expect("the upgrade process ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "a replica failed ({})\n--- stdout\n{stdout}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        upgraded.extend(stdout.lines().filter_map(|line| {
            let name = line.strip_prefix("upgrade ")?.split_whitespace().next()?;
            Some(name.to_owned())
        }));
    }
    upgraded.sort();
    let names: Vec<String> = chain.iter().map(|m| m.dir_name()).collect();
    assert_eq!(
        upgraded, names,
        "each migration ran once across all processes"
    );
    assert_eq!(ledger_rows(p.db()), expected_ledger(&chain));
    assert_at_head(&catalog(p.db()), &chain);
}

#[test]
fn every_migration_upgrades_downgrades_and_upgrades_to_the_same_catalog() {
    let p = Project::real_with_db();
    let chain = chain(&p);
    let mut before = catalog(p.db());
    for m in chain.iter() {
        let name = m.dir_name();
        p.run(&["upgrade", &m.version])
            .ok()
            .stdout_has(&format!("upgrade   {name}  "));
        let first = catalog(p.db());
        let replayed = chain
            .schema_at(&m.version)
            .unwrap_or_else(|e| panic!("the chain does not replay to {}: {e}", m.version));
        assert_schema(
            &format!("the catalog after upgrading to {name}"),
            &first,
            "the chain replayed to it",
            &replayed,
        );

        p.run(&["downgrade", "-1"])
            .ok()
            .stdout_has(&format!("downgrade {name}  "));
        // A column the downgrade brings back is physically last, wherever it was.
        assert_schema(
            &format!("the catalog after downgrading {name} (column order aside)"),
            &sorted_columns(&catalog(p.db())),
            "the catalog before its upgrade",
            &sorted_columns(&before),
        );

        p.run(&["upgrade", &m.version]).ok();
        assert_schema(
            &format!("the catalog after upgrading to {name} again"),
            &catalog(p.db()),
            "the catalog after the first upgrade",
            &first,
        );
        assert_eq!(p.ledger().last(), Some(&m.version));
        before = first;
    }
    assert_eq!(ledger_rows(p.db()), expected_ledger(&chain));
}

#[test]
fn upgrade_head_sql_through_psql_matches_upgrade_head() {
    let p = Project::real_with_db();
    let chain = chain(&p);
    p.run(&["upgrade", "head"]).ok();

    let script = p.run(&["upgrade", "head", "--sql"]);
    script.ok();
    let offline = TestDb::new();
    let mut psql = Command::new("psql")
        .args(["-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", offline.url()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("psql runs (install the PostgreSQL client tools)");
    psql.stdin
        .take()
        .expect("psql's stdin is piped")
        .write_all(script.stdout.as_bytes())
        .expect("psql reads the script");
    let out = psql.wait_with_output().expect("psql ends");
    assert!(
        out.status.success(),
        "psql -1 rejected the script ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    assert_schema(
        "the catalog built by psql",
        &catalog(&offline),
        "the one built by `upgrade head`",
        &catalog(p.db()),
    );
    assert_eq!(ledger_rows(&offline), ledger_rows(p.db()));
    assert_eq!(ledger_rows(&offline), expected_ledger(&chain));
    assert_at_head(&catalog(&offline), &chain);
    // The runner accepts the script's ledger: its checksums are the files'.
    p.run(&["upgrade", "head", "--database-url", offline.url()])
        .ok()
        .stdout_has("nothing to upgrade");
}

/// Builds the reference schema at the seed in the project's database and records the seed
/// in `alembic_version`, as the Python service left its databases.
fn python_service_database(p: &Project) {
    let sql = reference_sql(SEED).expect("tests/data has the seed's reference dump");
    p.db()
        .client()
        .batch_execute(&format!(
            "{sql};\nCREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);\n\
             INSERT INTO alembic_version VALUES ('{SEED}');"
        ))
        .unwrap_or_else(|e| panic!("the reference dump does not load: {e}"));
}

#[test]
fn adopts_the_python_services_database_then_upgrades_to_head() {
    let p = Project::real_with_db();
    let chain = chain(&p);
    python_service_database(&p);

    p.run(&["stamp", "--from-alembic"])
        .ok()
        .stdout_has(&format!(
            "adopt `alembic_version` says {SEED}, and the database matches it"
        ))
        .stdout_has(&format!("stamp     {SEED}_"));
    assert_eq!(p.ledger(), [SEED]);

    p.run(&["upgrade", "head"]).ok();
    let applied: Vec<String> = chain.iter().map(|m| m.version.clone()).collect();
    assert_eq!(p.ledger(), applied);
    // Stamped rows carry the checksum too, so later runs can tell an edited seed.
    assert_eq!(ledger_rows(p.db()), expected_ledger(&chain));
    let live =
        live_schema(&mut connect(p.db())).unwrap_or_else(|e| panic!("introspection failed: {e}"));
    assert_at_head(&live, &chain);
    p.run(&["check"]).ok();
}

#[test]
fn refuses_to_adopt_a_database_that_lacks_a_column_of_its_alembic_revision() {
    let p = Project::real_with_db();
    python_service_database(&p);
    p.db()
        .client()
        .batch_execute("ALTER TABLE address DROP COLUMN updated_at")
        .unwrap_or_else(|e| panic!("cannot drop the column: {e}"));

    p.run(&["stamp", "--from-alembic"])
        .code(24)
        .stderr_has(&format!("the database does not match revision {SEED}"))
        .stderr_has("column `address.updated_at` is not in the database");
    assert!(p.ledger().is_empty(), "nothing was stamped");
}
