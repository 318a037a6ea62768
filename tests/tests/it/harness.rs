//! The harness itself: databases are fresh and isolated, dropped with their `TestDb`, and a
//! server that cannot be had fails loudly with the fix.

use std::path::PathBuf;
use std::process::{Command, Output};

use diesel::{Connection, PgConnection, RunQueryDsl};
use watcher_schema_tests::{TestDb, DATABASE_PREFIX};

/// Set in a child test process that is expected to panic (see `run_child`).
const CHILD: &str = "WATCHER_HARNESS_CHILD";

fn with_postgres() -> Command {
    Command::new(env!("CARGO_BIN_EXE_with-postgres"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn database_exists(client: &mut postgres::Client, name: &str) -> bool {
    client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .expect("pg_database is readable")
        .get::<_, i64>(0)
        == 1
}

#[test]
fn two_test_databases_are_isolated() {
    let a = TestDb::new();
    let b = TestDb::new();
    assert_ne!(a.name(), b.name());
    assert!(a.name().starts_with(DATABASE_PREFIX), "{}", a.name());

    a.client()
        .batch_execute("CREATE TABLE only_in_a (id integer); INSERT INTO only_in_a VALUES (1)")
        .unwrap();
    let tables_in_b: i64 = b
        .client()
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        tables_in_b,
        0,
        "a table created in `{}` is visible in `{}`",
        a.name(),
        b.name()
    );
}

#[test]
fn a_new_database_is_empty() {
    let db = TestDb::new();
    let relations: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(relations, 0);
}

#[test]
fn dropping_a_test_db_drops_its_database() {
    let observer = TestDb::new();
    let mut client = observer.client();
    let db = TestDb::new();
    let name = db.name().to_string();
    // An open connection must not keep the database alive (WITH (FORCE)).
    let _open = db.client();
    assert!(database_exists(&mut client, &name));
    drop(db);
    assert!(
        !database_exists(&mut client, &name),
        "`{name}` survived its TestDb"
    );
}

#[test]
fn the_url_is_accepted_by_libpq() {
    let db = TestDb::new();
    db.client()
        .batch_execute("CREATE TABLE seen_by_diesel (id integer)")
        .unwrap();
    let mut conn = PgConnection::establish(db.url())
        .unwrap_or_else(|e| panic!("diesel rejected `{}`: {e}", db.url()));
    let inserted = diesel::sql_query("INSERT INTO seen_by_diesel VALUES (1), (2)")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(inserted, 2);
}

/// Runs this very test in a child process with `env`, where it is expected to panic.
fn run_child(test: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn a_bad_database_url_panics_with_the_fix() {
    if std::env::var_os(CHILD).is_some() {
        TestDb::new();
        return;
    }
    let out = run_child(
        "harness::a_bad_database_url_panics_with_the_fix",
        &[("DATABASE_URL", "mysql://root:secret@localhost/app")],
    );
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "the child did not fail:\n{stderr}");
    assert!(
        stderr.contains(
            "no test database: DATABASE_URL `mysql://root:***@localhost/app` is not usable: \
             it does not start with postgres:// or postgresql://"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: set it to a URL like postgres://"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "the password leaked:\n{stderr}");
}

#[test]
fn an_unreachable_server_panics_with_the_fix() {
    if std::env::var_os(CHILD).is_some() {
        TestDb::new();
        return;
    }
    let out = run_child(
        "harness::an_unreachable_server_panics_with_the_fix",
        &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/postgres")],
    );
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "the child did not fail:\n{stderr}");
    assert!(
        stderr.contains(
            "no test database: could not connect to PostgreSQL at `postgres://postgres@127.0.0.1:1/postgres`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("unset DATABASE_URL to use a throwaway cluster"),
        "{stderr}"
    );
}

#[test]
fn with_postgres_runs_the_command_against_a_fresh_database() {
    let out = with_postgres()
        .env_remove("DATABASE_URL")
        .args(["--", "sh", "-c", "echo \"$DATABASE_URL\"; exit 7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_string();
    assert!(url.starts_with("postgres://postgres@127.0.0.1:"), "{url}");
    // The cluster is gone once with-postgres has returned.
    let refused = postgres::Client::connect(&url, postgres::NoTls);
    assert!(refused.is_err(), "the cluster at `{url}` still runs");
}

#[test]
fn with_postgres_reports_a_missing_command() {
    let out = with_postgres()
        .env_remove("DATABASE_URL")
        .arg("/nonexistent/command")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(
        text(&out.stderr).contains("could not run `/nonexistent/command`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_killed_process_still_leaves_no_cluster_behind() {
    // The command kills with-postgres outright: only the watchdog can clean up now.
    let out = with_postgres()
        .env_remove("DATABASE_URL")
        .args(["sh", "-c", "echo \"$DATABASE_URL\"; kill -KILL $PPID"])
        .output()
        .unwrap();
    let url = text(&out.stdout).trim().to_string();
    assert!(
        url.starts_with("postgres://"),
        "{url}\n{}",
        text(&out.stderr)
    );
    let pid = url
        .rsplit('/')
        .next()
        .and_then(|db| db.strip_prefix(DATABASE_PREFIX))
        .and_then(|rest| rest.split('_').next())
        .expect("database names carry the pid");
    let dir = std::env::temp_dir().join(format!("watcher-pg-{pid}-0"));

    // Bounded wait for the watchdog: fast shutdown takes well under a second here.
    let gone = |dir: &PathBuf| !dir.exists();
    for _ in 0..600 {
        if gone(&dir) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(gone(&dir), "{} was not removed", dir.display());
    assert!(
        postgres::Client::connect(&url, postgres::NoTls).is_err(),
        "the cluster at `{url}` still runs"
    );
}

#[test]
fn with_database_url_set_databases_are_made_on_that_server() {
    let host = TestDb::new();
    let mut client = host.client();
    // A URL naming a database that does not exist: the harness falls back to `postgres`.
    let prefix = host.url().rsplit_once('/').unwrap().0.to_string();
    let out = with_postgres()
        .env("DATABASE_URL", format!("{prefix}/no_such_database"))
        .args(["sh", "-c", "echo \"$DATABASE_URL\""])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_string();
    let (server, name) = url.rsplit_once('/').unwrap();
    assert_eq!(
        server, prefix,
        "the database is not on DATABASE_URL's server"
    );
    assert!(name.starts_with(DATABASE_PREFIX), "{name}");
    // The database is dropped afterwards; the server, not ours to stop, still runs.
    assert!(
        !database_exists(&mut client, name),
        "`{name}` was left behind"
    );
}

#[test]
fn the_replicated_pair_needs_the_password_and_streams_to_a_hot_standby() {
    let pair = watcher_schema_tests::replicated();
    let url = pair.primary.url("postgres");
    let password = pair
        .primary
        .password()
        .expect("the primary requires a password");

    let wrong = url.replacen(&format!(":{password}@"), ":not-the-password@", 1);
    assert_ne!(wrong, url);
    let Err(error) = postgres::Client::connect(&wrong, postgres::NoTls) else {
        panic!("a wrong password is refused");
    };
    assert_eq!(
        error.as_db_error().map(|db| db.code().clone()),
        Some(postgres::error::SqlState::INVALID_PASSWORD),
        "{error:?}"
    );

    let mut primary = postgres::Client::connect(&url, postgres::NoTls).expect("right password");
    primary
        .batch_execute("CREATE TABLE IF NOT EXISTS harness_probe (id integer)")
        .unwrap();
    // The insert position: with synchronous_commit off, the commit record may not be
    // written yet, so the write position (`pg_current_wal_lsn`) can still be before it.
    let lsn: String = primary
        .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
        .unwrap()
        .get(0);

    let mut standby =
        postgres::Client::connect(&pair.standby.url("postgres"), postgres::NoTls).unwrap();
    let in_recovery: bool = standby
        .query_one("SELECT pg_is_in_recovery()", &[])
        .unwrap()
        .get(0);
    assert!(in_recovery, "the standby is in recovery");
    // Bounded wait for the standby to replay up to the primary's LSN (not a timing test).
    let replayed = (0..600).any(|_| {
        let caught_up: bool = standby
            .query_one(
                "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn",
                &[&lsn],
            )
            .unwrap()
            .get(0);
        if !caught_up {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        caught_up
    });
    assert!(replayed, "the standby never replayed {lsn}");
    let probe: bool = standby
        .query_one("SELECT to_regclass('harness_probe') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    assert!(probe, "the primary's table reached the standby");
    let write = standby.batch_execute("CREATE TABLE harness_write (id integer)");
    assert_eq!(
        write.expect_err("a standby is read-only").code(),
        Some(&postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION)
    );
}

#[derive(diesel::QueryableByName)]
struct Ssl {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    ssl: bool,
}

#[test]
fn the_tls_cluster_takes_tcp_connections_over_tls_only() {
    let server = watcher_schema_tests::tls_only();
    let db = TestDb::on(server);
    let cert = server
        .cluster()
        .and_then(|c| c.root_cert())
        .expect("the TLS cluster has a certificate");
    let refused = PgConnection::establish(&format!("{}?sslmode=disable", db.url()))
        .err()
        .expect("a connection without TLS is refused");
    assert!(refused.to_string().contains("no encryption"), "{refused}");
    let url = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        db.url(),
        cert.display()
    );
    let mut conn = PgConnection::establish(&url).expect("TLS with the certificate verified");
    let used: Ssl = diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .get_result(&mut conn)
        .unwrap();
    assert!(used.ssl, "the connection uses TLS");
    // The harness's own client goes over the Unix socket.
    db.client()
        .batch_execute("CREATE TABLE t (id integer)")
        .unwrap();
}
