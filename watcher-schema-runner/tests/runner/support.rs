//! Test support: fixture directories, a Diesel connection, catalog dumps. Databases come
//! from the workspace harness, `watcher_schema_tests::TestDb`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::PgConnection;
use diesel_migrations::FileBasedMigrations;
use postgres::Client;
use watcher_schema_runner::Runner;
pub use watcher_schema_tests::TestDb;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A Diesel connection to the test database.
pub fn connect(db: &TestDb) -> PgConnection {
    Runner::connect(db.url()).expect("diesel connects to the test database")
}

/// The fixture migration directory `name`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A runner over a migrations directory, read at run time as the CLI does.
pub fn runner(dir: &Path) -> Runner {
    let source = FileBasedMigrations::from_path(dir).expect("fixture directory exists");
    Runner::new(&source).expect("fixture migrations read")
}

/// A copy of fixture `name` that the test may edit, removed when dropped.
pub struct TempMigrations {
    pub path: PathBuf,
}

impl TempMigrations {
    pub fn copy(name: &str) -> TempMigrations {
        let path = std::env::temp_dir().join(format!(
            "watcher-runner-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        copy_dir(&fixture(name), &path);
        TempMigrations { path }
    }

    pub fn file(&self, relative: &str) -> PathBuf {
        self.path.join(relative)
    }

    pub fn edit(&self, relative: &str, edit: impl FnOnce(String) -> String) {
        let file = self.file(relative);
        let text = fs::read_to_string(&file).expect("fixture file exists");
        fs::write(&file, edit(text)).expect("write fixture file");
    }
}

impl Drop for TempMigrations {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create temp dir");
    for entry in fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// The ledger as (version, checksum) pairs, read without Diesel.
pub fn ledger(client: &mut Client) -> Vec<(String, Option<String>)> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL",
            &[],
        )
        .expect("probe ledger")
        .get(0);
    if !exists {
        return Vec::new();
    }
    client
        .query(
            "SELECT version::text, checksum FROM __diesel_schema_migrations ORDER BY version",
            &[],
        )
        .expect("read ledger")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

/// The versions in the ledger.
pub fn versions(client: &mut Client) -> Vec<String> {
    ledger(client).into_iter().map(|(v, _)| v).collect()
}

/// Everything the catalog says about the `public` schema, one fact a line, sorted, so two
/// dumps compare as text and a difference prints readably. The ledger and the progress
/// table are left out, and
/// columns are numbered by order, not `attnum`, which dropped columns leave gaps in.
pub fn catalog(client: &mut Client) -> String {
    let queries = [
        "SELECT 'relation ' || c.relkind::text || ' ' || c.relname::text FROM pg_class c \
         WHERE c.relnamespace = 'public'::regnamespace \
           AND c.relname NOT LIKE '__diesel_schema_migrations%' \
           AND c.relname NOT LIKE '__watcher_schema_progress%'",
        "SELECT 'column ' || table_name::text || '.' || column_name::text \
                || ' #' || (row_number() OVER (PARTITION BY table_name \
                                              ORDER BY ordinal_position))::text \
                || ' ' || data_type::text \
                || ' null=' || is_nullable::text \
                || ' default=' || coalesce(column_default::text, '-') \
         FROM information_schema.columns WHERE table_schema = 'public' \
           AND table_name NOT IN ('__diesel_schema_migrations', '__watcher_schema_progress')",
        "SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' \
                || pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
           AND conrelid::regclass::text NOT IN ('__diesel_schema_migrations', '__watcher_schema_progress')",
        "SELECT 'index ' || indexdef::text FROM pg_indexes WHERE schemaname = 'public' \
           AND tablename NOT IN ('__diesel_schema_migrations', '__watcher_schema_progress')",
        "SELECT 'valid ' || indexrelid::regclass::text || ' ' || indisvalid::text FROM pg_index \
         WHERE indrelid::regclass::text NOT IN ('__diesel_schema_migrations', '__watcher_schema_progress') \
           AND indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)",
        "SELECT 'enum ' || t.typname::text || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) \
         FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname",
    ];
    let mut lines: Vec<String> = queries
        .iter()
        .flat_map(|q| client.query(*q, &[]).expect("catalog query"))
        .map(|row| row.get::<_, String>(0))
        .collect();
    lines.sort();
    lines.join("\n")
}

/// Asserts two catalog dumps are equal, printing the lines that differ.
pub fn assert_same_catalog(before: &str, after: &str) {
    if before == after {
        return;
    }
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let mut diff = String::new();
    for line in &old {
        if !new.contains(line) {
            diff.push_str(&format!("- {line}\n"));
        }
    }
    for line in &new {
        if !old.contains(line) {
            diff.push_str(&format!("+ {line}\n"));
        }
    }
    panic!("the catalog changed:\n{diff}");
}

/// Advisory locks held by anyone in this database.
pub fn advisory_locks(client: &mut Client) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .expect("count advisory locks")
        .get(0)
}
