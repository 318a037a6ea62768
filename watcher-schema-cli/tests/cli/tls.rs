//! TLS and libpq's other connection settings, on the TLS-only cluster (self-signed
//! certificate, `hostssl` only): every command connects the way libpq does.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use watcher_schema_tests::{tls_only, TLS_PASSWORD};

use crate::support::{run, Project, Run, V1, V2, V3};

/// libpq reads these from the environment; the tests set what they test.
const LIBPQ_ENV: [&str; 8] = [
    "PGSSLMODE",
    "PGSSLROOTCERT",
    "PGPASSFILE",
    "PGPASSWORD",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGHOST",
    "PGUSER",
];

/// The TLS-only cluster's port and certificate.
fn cluster() -> (u16, PathBuf) {
    let cluster = tls_only().cluster().expect("the TLS server is a cluster");
    let cert = cluster
        .root_cert()
        .expect("the TLS cluster has a certificate");
    (cluster.port(), cert)
}

/// `postgres://postgres[:password]@<host>:<port>/<db>?<params>`.
fn url(p: &Project, host: &str, password: bool, params: &str) -> String {
    let (port, _) = cluster();
    let password = if password {
        format!(":{TLS_PASSWORD}")
    } else {
        String::new()
    };
    format!(
        "postgres://postgres{password}@{host}:{port}/{}?{params}",
        p.db().name()
    )
}

/// The binary in `p` with `DATABASE_URL` = `url`, a clean libpq environment and `HOME` in
/// the project (no `~/.pgpass` or `~/.postgresql/root.crt` of the machine's).
fn command(p: &Project, url: &str, args: &[&str]) -> Command {
    let mut cmd = p.command(args);
    for var in LIBPQ_ENV {
        cmd.env_remove(var);
    }
    cmd.env("DATABASE_URL", url).env("HOME", p.path());
    cmd
}

/// Runs `args` with `url` and asserts the password shows nowhere in the output.
fn run_with(p: &Project, url: &str, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut cmd = command(p, url, args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let done = run(cmd);
    for (stream, text) in [("stdout", &done.stdout), ("stderr", &done.stderr)] {
        assert!(
            !text.contains(TLS_PASSWORD),
            "`{}` printed the password on {stream}:\n{text}",
            args.join(" ")
        );
    }
    done
}

/// Every command that talks to the database, in an order that leaves each one work to do.
fn every_command(p: &Project, url: &str, env: &[(&str, &Path)]) {
    let go = |args: &[&str]| run_with(p, url, args, env);
    go(&["current"]).ok().stdout_has("base (nothing applied)");
    go(&["upgrade", "+1"]).ok();
    go(&["check"]).code(3);
    go(&["upgrade", "head"]).ok();
    go(&["current"]).ok().stdout_has(V3);
    go(&["history", "--verbose"]).ok().stdout_has(V1);
    go(&["show", "head"]).ok();
    go(&["check"]).ok();
    go(&["check", "--format", "json"]).ok();
    go(&["downgrade", "-1"]).ok();
    assert_eq!(p.ledger(), [V1, V2]);
    go(&["stamp", "head"]).ok();
    assert_eq!(p.ledger(), [V1, V2, V3]);
    go(&["stamp", V2]).ok();
    go(&["upgrade"]).ok();
    p.db()
        .client()
        .batch_execute(&format!(
            "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); \
             INSERT INTO alembic_version VALUES ('{V2}');"
        ))
        .unwrap();
    // Introspection over TLS: the live schema is V3's, not V2's.
    go(&["stamp", "--from-alembic"])
        .code(24)
        .stderr_has(&format!("the database does not match revision {V2}"));
}

#[test]
fn every_command_works_with_sslmode_require() {
    let p = Project::with_tls_db();
    every_command(&p, &url(&p, "127.0.0.1", true, "sslmode=require"), &[]);
}

#[test]
fn every_command_works_with_verify_full_and_the_root_certificate() {
    let p = Project::with_tls_db();
    let (_, cert) = cluster();
    let params = format!("sslmode=verify-full&sslrootcert={}", cert.display());
    every_command(&p, &url(&p, "127.0.0.1", true, &params), &[]);
}

#[test]
fn verify_full_refuses_a_certificate_for_another_host() {
    let p = Project::with_tls_db();
    let (_, cert) = cluster();
    let params = format!("sslmode=verify-full&sslrootcert={}", cert.display());
    // The certificate is for 127.0.0.1, not for `localhost`.
    run_with(&p, &url(&p, "localhost", true, &params), &["current"], &[])
        .code(21)
        .stderr_has("does not match host name \"localhost\"")
        .stderr_has("help: the server's certificate was not accepted");
}

#[test]
fn sslmode_disable_is_told_the_server_requires_tls() {
    let p = Project::with_tls_db();
    for args in [
        &["current"][..],
        &["check"],
        &["upgrade"],
        &["stamp", "head"],
    ] {
        run_with(
            &p,
            &url(&p, "127.0.0.1", true, "sslmode=disable"),
            args,
            &[],
        )
        .code(21)
        .stderr_has("the server requires TLS here")
        .stderr_has("help: connect with `sslmode=require`");
    }
    // `PGSSLMODE` as libpq reads it, when the URL says nothing.
    let mut cmd = command(&p, &url(&p, "127.0.0.1", true, ""), &["current"]);
    cmd.env("PGSSLMODE", "disable");
    run(cmd).code(21).stderr_has("the server requires TLS here");
    assert!(p.ledger().is_empty());
}

/// A password file only its owner may read, as libpq requires.
fn pgpass(p: &Project, line: &str) -> PathBuf {
    let path = p.path().join("pgpass");
    fs::write(&path, format!("{line}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    path
}

#[test]
fn a_password_from_pgpassfile_works_and_is_never_printed() {
    let p = Project::with_tls_db();
    let (port, _) = cluster();
    let file = pgpass(&p, &format!("127.0.0.1:{port}:*:postgres:{TLS_PASSWORD}"));
    let env = [("PGPASSFILE", file.as_path())];
    every_command(&p, &url(&p, "127.0.0.1", false, "sslmode=require"), &env);

    let wrong = pgpass(
        &p,
        &format!("127.0.0.1:{port}:*:postgres:not-{TLS_PASSWORD}"),
    );
    let env = [("PGPASSFILE", wrong.as_path())];
    let refused = run_with(
        &p,
        &url(&p, "127.0.0.1", false, "sslmode=require"),
        &["current"],
        &env,
    );
    refused
        .code(22)
        .stderr_has("refused the credentials")
        .stderr_has("`PGPASSFILE`");
}

#[test]
fn a_service_file_names_the_whole_connection() {
    let p = Project::with_tls_db();
    let (port, cert) = cluster();
    let services = p.path().join("pg_service.conf");
    fs::write(
        &services,
        format!(
            "[watcher]\nhost=127.0.0.1\nport={port}\nuser=postgres\ndbname={}\n\
             sslmode=verify-full\nsslrootcert={}\n",
            p.db().name(),
            cert.display()
        ),
    )
    .unwrap();
    let file = pgpass(&p, &format!("127.0.0.1:{port}:*:postgres:{TLS_PASSWORD}"));
    let env = [
        ("PGSERVICEFILE", services.as_path()),
        ("PGPASSFILE", file.as_path()),
    ];
    run_with(&p, "service=watcher", &["upgrade"], &env).ok();
    run_with(&p, "service=watcher", &["check"], &env).ok();
    assert_eq!(p.ledger(), [V1, V2, V3]);
}
