//! `migrations/` holds generated SQL only: the chain's head migration is, byte for byte,
//! what `watcher-schema revision --autogenerate` writes from the `watcher-schema` structs
//! on top of the migrations before it; every earlier one is what the same generator
//! writes between the models of its parent and of itself, with the structs' history keys.

use std::fs;
use std::path::{Path, PathBuf};

use watcher_schema_cli::args::{Command, GlobalArgs, RevisionArgs};
use watcher_schema_cli::commands::{self, migration_sql, Context};
use watcher_schema_cli::output::Styles;
use watcher_schema_cli::source::Sources;
use watcher_schema_core::chain::Chain;
use watcher_schema_core::diff::{plan, Hints};

/// The workspace root, where `migrations/` and `watcher-schema/src/` are.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// A directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        // A leftover from a killed run would make the generator see extra migrations.
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let path = entry.expect("a directory entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        fs::copy(&path, &target).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
    }
}

#[test]
fn head_migration_is_what_the_generator_writes() {
    let migrations = root().join("migrations");
    let chain = Chain::load(&migrations).unwrap_or_else(|e| panic!("{e}"));
    let head = chain.head().expect("migrations/ has a head migration");
    // `revision -m MESSAGE` writes `-- MESSAGE` as the first line of up.sql.
    let message = head
        .up_sql
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("-- "))
        .unwrap_or_else(|| {
            panic!(
                "{}/up.sql does not start with `-- <message>`",
                head.dir_name()
            )
        });

    let scratch = TempDir::new("watcher-schema-regenerate");
    let regenerated = scratch.0.join("migrations");
    fs::create_dir_all(&regenerated).expect("create the scratch migrations/");
    for earlier in &chain.migrations()[..chain.len() - 1] {
        copy_dir(&earlier.dir, &regenerated.join(earlier.dir_name()));
    }
    let ctx = Context::new(
        GlobalArgs {
            dir: Some(regenerated.clone()),
            database_url: None,
        },
        Styles::plain(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let revision = RevisionArgs {
        message: message.to_string(),
        rev_id: Some(head.version.clone()),
        autogenerate: true,
        allow_destructive: true,
        concurrently: false,
        offline_ddl: false,
        schema_src: Some(root().join("watcher-schema/src")),
    };
    commands::run(Command::Revision(revision), &ctx)
        .unwrap_or_else(|e| panic!("revision --autogenerate failed: {e}"));

    for file in ["up.sql", "down.sql", "metadata.toml"] {
        let read = |dir: &Path| {
            let path = dir.join(head.dir_name()).join(file);
            fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        };
        let (committed, generated) = (read(&migrations), read(&regenerated));
        if let Some(difference) = first_difference(&committed, &generated) {
            panic!(
                "migrations/{}/{file} is not what the generator writes from the structs \
                 (regenerate it instead of editing it); {difference}",
                head.dir_name()
            );
        }
    }
}

#[test]
fn every_migration_after_the_seed_is_what_the_online_generator_writes() {
    let chain = Chain::load(&root().join("migrations")).unwrap_or_else(|e| panic!("{e}"));
    // The keys the structs still carry (backfills) and the consent each change was given.
    let flags = Hints {
        allow_destructive: true,
        online: true,
        ..Hints::default()
    };
    let (_, hints) = Sources::read(&root().join("watcher-schema/src"))
        .and_then(|sources| sources.schema_and_hints(flags))
        .unwrap_or_else(|e| panic!("{e}"));
    for pair in chain.migrations().windows(2) {
        let (parent, migration) = (&pair[0], &pair[1]);
        let model = |version: &str| chain.schema_at(version).unwrap_or_else(|e| panic!("{e}"));
        let plan = plan(&model(&parent.version), &model(&migration.version), &hints)
            .unwrap_or_else(|e| panic!("{}: {e}", migration.dir_name()));
        let message = migration
            .up_sql
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("-- "))
            .unwrap_or_else(|| panic!("{}/up.sql has no message line", migration.dir_name()));
        let (up, down) = migration_sql(message, &plan);
        for (file, committed, generated) in [
            ("up.sql", &migration.up_sql, &up),
            ("down.sql", &migration.down_sql, &down),
        ] {
            if let Some(difference) = first_difference(committed, generated) {
                if std::env::var_os("BLESS").is_some() {
                    let path = migration.dir.join(file);
                    fs::write(&path, generated)
                        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
                    continue;
                }
                panic!(
                    "migrations/{}/{file} is not what the online generator writes (regenerate \
                     it with `BLESS=1 cargo test -p watcher-schema-tests --test it \
                     schema_generated` instead of editing it); {difference}",
                    migration.dir_name()
                );
            }
        }
        assert_eq!(
            migration.run_in_transaction,
            plan.run_in_transaction,
            "{}/metadata.toml",
            migration.dir_name()
        );
    }
}

/// Where two texts first differ, by line, or `None` when they are byte-identical.
fn first_difference(committed: &str, generated: &str) -> Option<String> {
    if committed == generated {
        return None;
    }
    let (mut left, mut right) = (committed.split('\n'), generated.split('\n'));
    for number in 1.. {
        let (l, r) = (left.next(), right.next());
        if l != r {
            return Some(format!(
                "line {number}:\n- committed: {l:?}\n+ generated: {r:?}"
            ));
        }
    }
    unreachable!("different texts differ in some line")
}
