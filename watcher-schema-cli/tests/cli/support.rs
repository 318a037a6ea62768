//! A temporary project (fixture or real migrations and struct sources) and the real binary
//! run in it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::{Connection, PgConnection};
use tempfile::TempDir;
use watcher_schema_tests::{tls_only, TestDb};

/// The fixture chain's versions, oldest first.
pub const V1: &str = "20250101000000";
pub const V2: &str = "20250102000000";
pub const V3: &str = "20250103000000";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The workspace root, where the real `migrations/` and reference dumps live.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A project directory: `migrations/` and `watcher-schema/src/` copied from the fixtures,
/// optionally with its own fresh database.
pub struct Project {
    dir: TempDir,
    db: Option<TestDb>,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, printing both streams when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "exit code {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Asserts success.
    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.code(0)
    }

    /// Asserts that stdout contains `text`.
    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Run {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that stderr contains `text`.
    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Project {
    /// The fixture project, no database.
    pub fn new() -> Project {
        Project::copied(&fixtures().join("migrations"), &fixtures().join("src"))
    }

    /// Watcher's real project, no database: the workspace's `migrations/` (whatever the
    /// chain holds today) and the schema crate's struct sources.
    pub fn real() -> Project {
        Project::copied(
            &workspace().join("migrations"),
            &workspace().join("watcher-schema/src"),
        )
    }

    /// Watcher's real project with a fresh database in `DATABASE_URL`.
    pub fn real_with_db() -> Project {
        Project {
            db: Some(TestDb::new()),
            ..Project::real()
        }
    }

    /// A project of copies of `migrations` and the struct sources `src`.
    fn copied(migrations: &Path, src: &Path) -> Project {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(migrations, &dir.path().join("migrations"));
        copy_dir(src, &dir.path().join("watcher-schema/src"));
        Project { dir, db: None }
    }

    /// A project whose migrations are the runner's online fixture (docs/ONLINE.md: 20,000
    /// rows, then a seven-step online migration), with a fresh database.
    pub fn online() -> Project {
        let online = workspace().join("watcher-schema-runner/tests/fixtures/online");
        Project {
            db: Some(TestDb::new()),
            ..Project::copied(&online, &fixtures().join("src"))
        }
    }

    /// The fixture project with a fresh database in `DATABASE_URL`.
    pub fn with_db() -> Project {
        Project {
            db: Some(TestDb::new()),
            ..Project::new()
        }
    }

    /// The fixture project with a fresh database on the TLS-only cluster
    /// ([`watcher_schema_tests::tls_only`]); `DATABASE_URL` as the harness gives it, which
    /// the tests replace with the connection string under test.
    pub fn with_tls_db() -> Project {
        Project {
            db: Some(TestDb::on(tls_only())),
            ..Project::new()
        }
    }

    /// The project's root directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The migrations directory.
    pub fn migrations(&self) -> PathBuf {
        self.path().join("migrations")
    }

    /// The database (panics when the project has none).
    pub fn db(&self) -> &TestDb {
        self.db
            .as_ref()
            .expect("project made with Project::with_db")
    }

    /// A command for the binary, run in the project with the project's database (if any)
    /// and nothing inherited that could change its behaviour.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_watcher-schema"));
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1");
        if let Some(db) = &self.db {
            cmd.env("DATABASE_URL", db.url());
        }
        cmd
    }

    /// Runs the binary with `args` and collects what it did.
    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command(args))
    }

    /// Versions in the database's ledger, in order.
    pub fn ledger(&self) -> Vec<String> {
        let mut client = self.db().client();
        let exists: bool = client
            .query_one(
                "SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL",
                &[],
            )
            .unwrap()
            .get(0);
        if !exists {
            return Vec::new();
        }
        client
            .query(
                "SELECT version FROM __diesel_schema_migrations ORDER BY version",
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    }

    /// Names of the tables in `public` (the ledger aside), sorted.
    pub fn tables(&self) -> Vec<String> {
        self.db()
            .client()
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' \
                 AND tablename NOT LIKE '\\_\\_%' ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    }
}

/// A Diesel connection to `db`: the driver the binary uses, for calling its library.
pub fn connect(db: &TestDb) -> PgConnection {
    PgConnection::establish(db.url())
        .unwrap_or_else(|e| panic!("cannot connect to {} with Diesel: {e}", db.name()))
}

/// Runs a prepared command.
pub fn run(mut cmd: Command) -> Run {
    let out = cmd.output().expect("the watcher-schema binary runs");
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}
