//! The migration chain reader, validator and writer against real directories: every way a
//! chain breaks, with the message a user reads, and the happy paths around it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use watcher_schema_core::chain::{write_migration, Chain, ChainError, NewMigration, Problem};

/// A migrations directory in the system temp dir, removed when dropped.
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(test: &str) -> Fixture {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!(
            "watcher-schema-chain-{test}-{}-{unique}",
            std::process::id()
        ));
        if root.exists() {
            fs::remove_dir_all(&root).expect("remove a stale fixture");
        }
        fs::create_dir_all(&root).expect("create the fixture directory");
        Fixture { root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `path(rel)` as messages print it.
    fn shown(&self, rel: &str) -> String {
        self.path(rel).display().to_string()
    }

    /// Writes a complete, valid migration `dir_name` with the given parent.
    fn migration(&self, dir_name: &str, parent: Option<&str>) -> &Fixture {
        let version = &dir_name[..dir_name.find('_').unwrap_or(dir_name.len())];
        self.file(
            &format!("{dir_name}/up.sql"),
            &format!("CREATE TABLE t{version} (id integer);\n"),
        );
        self.file(
            &format!("{dir_name}/down.sql"),
            &format!("DROP TABLE t{version};\n"),
        );
        let mut metadata = String::from("run_in_transaction = true\n");
        if let Some(parent) = parent {
            metadata.push_str(&format!("down_revision = \"{parent}\"\n"));
        }
        self.file(&format!("{dir_name}/metadata.toml"), &metadata)
    }

    fn file(&self, rel: &str, contents: &str) -> &Fixture {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create fixture subdirectory");
        }
        fs::write(&path, contents).expect("write fixture file");
        self
    }

    fn remove(&self, rel: &str) -> &Fixture {
        fs::remove_file(self.path(rel)).expect("remove fixture file");
        self
    }

    fn load(&self) -> Result<Chain, ChainError> {
        Chain::load(&self.root)
    }

    /// Loads, expecting failure; returns the error.
    fn error(&self) -> ChainError {
        match self.load() {
            Ok(chain) => panic!(
                "expected {} to be rejected, but it loaded: {:?}",
                self.root.display(),
                chain.iter().map(|m| m.dir_name()).collect::<Vec<_>>()
            ),
            Err(err) => err,
        }
    }

    /// Loads, expecting exactly one problem; returns it with its message.
    fn single_problem(&self) -> (Problem, String) {
        let err = self.error();
        let message = err.to_string();
        let ChainError::Invalid { mut problems, .. } = err else {
            panic!("expected an invalid chain, got: {message}");
        };
        assert_eq!(problems.len(), 1, "expected one problem, got:\n{message}");
        (problems.remove(0), message)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

const V1: &str = "20251005124405";
const V2: &str = "20251007183231";
const V3: &str = "20251008100712";
const V4: &str = "20251011103728";

fn at(version_secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(version_secs)
}

// ---- broken chains -------------------------------------------------------------------

#[test]
fn rejects_second_child_of_one_parent() {
    let fx = Fixture::new("branch");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_drop_full_load", Some(V1))
        .migration("20251008100712_add_input_hash", Some(V1));
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::Branch { ref children, .. } if children.len() == 2));
    assert_eq!(
        message,
        format!(
            "the chain branches: `{}` and `{}` have the same parent `{}`\n  \
             help: run `watcher-schema merge` to rebase 20251008100712_add_input_hash onto \
             20251007183231_drop_full_load and keep the chain linear",
            fx.shown("20251007183231_drop_full_load"),
            fx.shown("20251008100712_add_input_hash"),
            fx.shown("20251005124405_initial"),
        )
    );
}

#[test]
fn rejects_a_cycle_of_parents() {
    let fx = Fixture::new("cycle");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_a", Some(V3))
        .migration("20251008100712_b", Some(V2));
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::Cycle { ref dirs } if dirs.len() == 2));
    assert!(
        message.starts_with(
            "the `down_revision` links form a cycle: 20251007183231_a -> 20251008100712_b -> \
             20251007183231_a (each arrow points to the parent)"
        ),
        "{message}"
    );
    assert!(message.contains("a migration's parent must be an older migration"));
}

#[test]
fn rejects_a_migration_that_is_its_own_parent() {
    let fx = Fixture::new("self-cycle");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_loop", Some(V2));
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::Cycle { ref dirs } if dirs.len() == 1));
    assert!(
        message.contains("form a cycle: 20251007183231_loop -> 20251007183231_loop"),
        "{message}"
    );
}

#[test]
fn rejects_a_cycle_that_leaves_no_root() {
    let fx = Fixture::new("cycle-no-root");
    fx.migration("20251005124405_a", Some(V3))
        .migration("20251007183231_b", Some(V1))
        .migration("20251008100712_c", Some(V2));
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::Cycle { ref dirs } if dirs.len() == 3));
    assert!(
        message.contains(
            "form a cycle: 20251005124405_a -> 20251008100712_c -> 20251007183231_b -> \
             20251005124405_a"
        ),
        "{message}"
    );
}

#[test]
fn rejects_a_parent_that_does_not_exist() {
    let fx = Fixture::new("missing-parent");
    fx.migration("20251005124405_initial", None)
        .migration("20251008100712_add_input_hash", Some(V2));
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::MissingParent { ref parent, .. } if parent == V2));
    assert_eq!(
        message,
        format!(
            "`{}` has `down_revision = \"20251007183231\"`, but no migration has version \
             20251007183231\n  help: set `down_revision` to the version of an existing \
             migration, or restore the missing one",
            fx.shown("20251008100712_add_input_hash")
        )
    );
}

#[test]
fn reports_why_migrations_are_unreachable_not_each_orphan() {
    // `b` is cut off by its missing parent and `c` hangs below `b`: one cause, one problem.
    let fx = Fixture::new("unreachable");
    fx.migration("20251005124405_initial", None)
        .migration("20251008100712_b", Some(V2))
        .migration("20251011103728_c", Some(V3));
    let (problem, _) = fx.single_problem();
    assert!(
        matches!(problem, Problem::MissingParent { ref dir, .. } if dir.ends_with("20251008100712_b"))
    );
}

#[test]
fn rejects_a_migration_without_down_sql() {
    let fx = Fixture::new("missing-down");
    fx.migration("20251005124405_initial", None)
        .remove("20251005124405_initial/down.sql");
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::MissingDown { .. }));
    assert_eq!(
        message,
        format!(
            "`{}` has no down.sql\n  help: every migration must be reversible: add down.sql \
             that undoes up.sql",
            fx.shown("20251005124405_initial")
        )
    );
}

#[test]
fn rejects_a_migration_without_up_sql() {
    let fx = Fixture::new("missing-up");
    fx.migration("20251005124405_initial", None)
        .remove("20251005124405_initial/up.sql");
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::MissingUp { .. }));
    assert!(
        message.starts_with(&format!(
            "`{}` has no up.sql",
            fx.shown("20251005124405_initial")
        )),
        "{message}"
    );
}

#[test]
fn rejects_two_directories_with_one_version() {
    let fx = Fixture::new("duplicate");
    fx.migration("20251005124405_initial", None)
        .migration("20251005124405_initial_again", None);
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::DuplicateVersion { ref version, .. } if version == V1));
    assert!(
        message.starts_with(&format!(
            "version 20251005124405 is used by `{}` and `{}`\n  help: give all but one a new, \
             later version",
            fx.shown("20251005124405_initial"),
            fx.shown("20251005124405_initial_again")
        )),
        "{message}"
    );
}

#[test]
fn rejects_a_version_that_is_not_fourteen_digits() {
    let fx = Fixture::new("short-version");
    fx.migration("20251005_initial", None);
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::BadName { .. }));
    assert_eq!(
        message,
        format!(
            "`{}` is not named like a migration: the version must be exactly 14 digits (a UTC \
             timestamp `yyyymmddhhmmss` such as `20251005124405`), found `20251005`\n  \
             help: rename it to `<yyyymmddhhmmss>_<name>` with a UTC timestamp and a name in \
             [a-z0-9_]",
            fx.shown("20251005_initial")
        )
    );
}

#[test]
fn rejects_upper_case_and_missing_names() {
    let fx = Fixture::new("bad-names");
    fx.migration("20251005124405_Initial", None)
        .migration("20251007183231", Some(V1))
        .migration("20251008100712_", Some(V2));
    let err = fx.error();
    let message = err.to_string();
    assert_eq!(err.problems().len(), 3, "{message}");
    assert!(err
        .problems()
        .iter()
        .all(|p| matches!(p, Problem::BadName { .. })));
    assert!(message.contains("the name `Initial` may hold only lower-case letters, digits and `_`"));
    assert!(message.contains(&format!(
        "`{}` is not named like a migration: expected `<version>_<name>`, found no `_` in it",
        fx.shown("20251007183231")
    )));
    assert!(message.contains("the name after the version is empty"));
}

#[test]
fn rejects_a_version_that_is_not_a_real_timestamp() {
    let fx = Fixture::new("bad-timestamp");
    // `diesel setup` creates this one; watcher-schema does not use it.
    fx.migration("00000000000000_diesel_initial_setup", None)
        .migration("20251305124405_thirteenth_month", None);
    let err = fx.error();
    let message = err.to_string();
    assert_eq!(err.problems().len(), 2, "{message}");
    assert!(message.contains(
        "version `00000000000000` is not a UTC timestamp `yyyymmddhhmmss`: year 0000 is out \
         of range"
    ));
    assert!(message.contains("month 13 is out of range"));
}

#[test]
fn rejects_malformed_metadata_with_file_and_line() {
    let fx = Fixture::new("bad-metadata");
    fx.migration("20251005124405_initial", None).file(
        "20251005124405_initial/metadata.toml",
        "# ok\nrun_in_transaction = yes\ndown_revision: \"x\"\n",
    );
    let err = fx.error();
    let message = err.to_string();
    let metadata = fx.shown("20251005124405_initial/metadata.toml");
    assert_eq!(err.problems().len(), 2, "{message}");
    assert!(matches!(
        err.problems()[0],
        Problem::Metadata { line: 2, .. }
    ));
    assert!(message.contains(&format!(
        "{metadata}:2: `run_in_transaction` must be `true` or `false`, found `yes`"
    )));
    assert!(message.contains(&format!(
        "{metadata}:3: expected `key = value`, found `down_revision: \"x\"`"
    )));
}

#[test]
fn rejects_unknown_metadata_keys() {
    let fx = Fixture::new("unknown-key");
    fx.migration("20251005124405_initial", None).file(
        "20251005124405_initial/metadata.toml",
        "run_in_transaction = true\nrevision = \"20251005124405\"\n",
    );
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::Metadata { line: 2, .. }));
    assert!(message.ends_with(
        ":2: unknown key `revision`; metadata.toml takes only `run_in_transaction` and \
         `down_revision`"
    ));
}

#[test]
fn rejects_metadata_without_run_in_transaction() {
    let fx = Fixture::new("no-run-in-transaction");
    fx.migration("20251005124405_initial", None)
        .file("20251005124405_initial/metadata.toml", "# the root\n");
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::MissingRunInTransaction { .. }));
    assert_eq!(
        message,
        format!(
            "`{}` does not set `run_in_transaction`, so diesel would run the migration outside \
             a transaction\n  help: add `run_in_transaction = true` (or `false` for statements \
             such as CREATE INDEX CONCURRENTLY)",
            fx.shown("20251005124405_initial/metadata.toml")
        )
    );
}

#[test]
fn rejects_missing_metadata_and_suggests_the_older_neighbour() {
    let fx = Fixture::new("no-metadata");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_drop_full_load", Some(V1))
        .remove("20251007183231_drop_full_load/metadata.toml");
    let (problem, message) = fx.single_problem();
    assert!(matches!(
        problem,
        Problem::MissingMetadata { suggested_parent: Some(ref p), .. } if p == V1
    ));
    assert!(
        message.ends_with(
            "help: add metadata.toml with `run_in_transaction = true` and \
             `down_revision = \"20251005124405\"` (the next older migration)"
        ),
        "{message}"
    );
}

#[test]
fn rejects_two_roots_and_names_them() {
    let fx = Fixture::new("two-roots");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_second_root", None);
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::MultipleRoots { ref dirs } if dirs.len() == 2));
    assert_eq!(
        message,
        format!(
            "the chain has 2 roots (migrations without `down_revision`): `{}` and `{}`\n  \
             help: only the oldest migration may omit `down_revision`; set it in the others' \
             metadata.toml",
            fx.shown("20251005124405_initial"),
            fx.shown("20251007183231_second_root")
        )
    );
}

#[test]
fn rejects_a_child_older_than_its_parent() {
    let fx = Fixture::new("version-order");
    // The links say initial -> later -> earlier, but `earlier` predates `later`.
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_earlier", Some(V3))
        .migration("20251008100712_later", Some(V1));
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::VersionOrder { .. }));
    assert_eq!(
        message,
        format!(
            "`{}` is older than its parent `{}`, but versions must increase along the chain\n  \
             help: give it a version newer than 20251008100712_later or fix its \
             `down_revision`",
            fx.shown("20251007183231_earlier"),
            fx.shown("20251008100712_later")
        )
    );
}

#[test]
fn rejects_a_stray_file_beside_the_migrations() {
    let fx = Fixture::new("stray-file");
    fx.migration("20251005124405_initial", None)
        .file("20251007183231_forgot_the_directory.sql", "SELECT 1;\n");
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::StrayFile { .. }));
    assert!(message.starts_with(&format!(
        "`{}` is not a migration directory\n  help: move it out of the migrations directory",
        fx.shown("20251007183231_forgot_the_directory.sql")
    )));
}

#[test]
fn rejects_an_unexpected_file_inside_a_migration() {
    let fx = Fixture::new("unexpected-entry");
    fx.migration("20251005124405_initial", None)
        .file("20251005124405_initial/up.sql.orig", "")
        .file("20251005124405_initial/notes/readme.md", "");
    let err = fx.error();
    let message = err.to_string();
    assert_eq!(err.problems().len(), 2, "{message}");
    assert!(message.contains(&format!(
        "`{}` does not belong in a migration\n    help: a migration holds only up.sql, \
         down.sql and metadata.toml",
        fx.shown("20251005124405_initial/notes")
    )));
    assert!(message.contains(&fx.shown("20251005124405_initial/up.sql.orig")));
}

#[test]
fn rejects_sql_that_is_not_utf8() {
    let fx = Fixture::new("not-utf8");
    fx.migration("20251005124405_initial", None);
    fs::write(
        fx.path("20251005124405_initial/up.sql"),
        b"SELECT '\xff';\n",
    )
    .unwrap();
    let (problem, message) = fx.single_problem();
    assert!(matches!(problem, Problem::Unreadable { .. }));
    assert!(message.starts_with(&format!(
        "cannot read `{}`: ",
        fx.shown("20251005124405_initial/up.sql")
    )));
}

#[test]
fn reports_every_problem_of_a_stage_together() {
    let fx = Fixture::new("many");
    fx.migration("20251005124405_initial", None)
        .remove("20251005124405_initial/down.sql")
        .migration("2025_bad", Some(V1))
        .file("notes.txt", "todo")
        .migration("20251007183231_no_flag", Some(V1))
        .file(
            "20251007183231_no_flag/metadata.toml",
            "down_revision = \"20251005124405\"\n",
        );
    let err = fx.error();
    let message = err.to_string();
    let kinds: Vec<&str> = err
        .problems()
        .iter()
        .map(|p| match p {
            Problem::BadName { .. } => "bad name",
            Problem::StrayFile { .. } => "stray file",
            Problem::MissingDown { .. } => "missing down",
            Problem::MissingRunInTransaction { .. } => "missing flag",
            other => panic!("unexpected problem {other:?}"),
        })
        .collect();
    // Directory entries in name order, then each migration's files in version order.
    assert_eq!(
        kinds,
        ["bad name", "stray file", "missing down", "missing flag"]
    );
    assert!(
        message.starts_with(&format!(
            "4 problems in migrations directory `{}`:\n- `{}` is not named like a migration",
            fx.root.display(),
            fx.shown("2025_bad")
        )),
        "{message}"
    );
    assert!(message.contains("\n    help: "), "{message}");
}

#[test]
fn checks_links_only_once_every_directory_is_well_formed() {
    // The second root would be a link problem, but the stage before it already failed: its
    // missing down.sql is all that is reported, so fixes come in a sensible order.
    let fx = Fixture::new("gate");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_second_root", None)
        .remove("20251007183231_second_root/down.sql");
    let (problem, _) = fx.single_problem();
    assert!(matches!(problem, Problem::MissingDown { .. }));
    fx.file("20251007183231_second_root/down.sql", "");
    let (problem, _) = fx.single_problem();
    assert!(matches!(problem, Problem::MultipleRoots { .. }));
}

#[test]
fn reports_link_problems_together() {
    let fx = Fixture::new("many-links");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_a", Some(V1))
        .migration("20251008100712_b", Some(V1))
        .migration("20251011103728_orphan", Some("20251010000000"))
        .migration("20251018195622_root", None);
    let err = fx.error();
    let kinds: Vec<&str> = err
        .problems()
        .iter()
        .map(|p| match p {
            Problem::MultipleRoots { .. } => "roots",
            Problem::MissingParent { .. } => "parent",
            Problem::Branch { .. } => "branch",
            other => panic!("unexpected problem {other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["roots", "parent", "branch"], "{err}");
}

#[test]
fn rejects_a_missing_directory() {
    let fx = Fixture::new("no-dir");
    let missing = fx.path("migrations");
    let err = Chain::load(&missing).unwrap_err();
    assert!(matches!(err, ChainError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "migrations directory `{}` does not exist\n  help: create it (an empty directory \
             is an empty chain) or point watcher-schema at the right one",
            missing.display()
        )
    );
}

#[test]
fn rejects_a_file_given_as_the_directory() {
    let fx = Fixture::new("file-as-dir");
    fx.file("migrations", "");
    let err = Chain::load(&fx.path("migrations")).unwrap_err();
    assert!(matches!(err, ChainError::NotADirectory { .. }));
    assert!(err
        .to_string()
        .ends_with("is not a directory, so it cannot hold migrations"));
}

// ---- valid chains --------------------------------------------------------------------

#[test]
fn an_empty_directory_is_an_empty_chain() {
    let fx = Fixture::new("empty");
    let chain = fx.load().unwrap();
    assert!(chain.is_empty());
    assert!(chain.head().is_none());
    assert_eq!(chain.schema_at_head().unwrap(), Default::default());
    assert_eq!(
        chain.new_version(at(1_759_668_245)),
        "20251005124405",
        "an empty chain takes the clock as it is"
    );
}

#[test]
fn loads_migrations_in_chain_order() {
    let fx = Fixture::new("order");
    fx.migration("20251011103728_add_address_input_hash", Some(V3))
        .migration("20251005124405_initial", None)
        .migration("20251008100712_add_pipeline_input_hash", Some(V2))
        .migration("20251007183231_drop_full_load", Some(V1))
        // Hidden entries are not migrations, for Diesel or for us.
        .file(".gitkeep", "")
        .file(".20251012000000_half_written.tmp-1/up.sql", "");
    let chain = fx.load().unwrap();
    let versions: Vec<&str> = chain.iter().map(|m| m.version.as_str()).collect();
    assert_eq!(versions, [V1, V2, V3, V4]);
    let parents: Vec<Option<&str>> = chain.iter().map(|m| m.parent.as_deref()).collect();
    assert_eq!(parents, [None, Some(V1), Some(V2), Some(V3)]);

    let head = chain.head().unwrap();
    assert_eq!(head.dir_name(), "20251011103728_add_address_input_hash");
    assert_eq!(head.name, "add_address_input_hash");
    assert_eq!(head.dir, fx.path("20251011103728_add_address_input_hash"));
    assert_eq!(head.up_sql, "CREATE TABLE t20251011103728 (id integer);\n");
    assert_eq!(head.down_sql, "DROP TABLE t20251011103728;\n");
    assert!(head.run_in_transaction);
    assert_eq!(
        chain.find(V2).map(|m| m.name.as_str()),
        Some("drop_full_load")
    );
    assert_eq!(chain.position(V3), Some(2));
    assert!(chain.find("20251007183230").is_none());
    assert_eq!((&chain).into_iter().count(), 4);
}

#[test]
fn reads_run_in_transaction_false() {
    let fx = Fixture::new("no-transaction");
    fx.migration("20251005124405_initial", None).file(
        "20251005124405_initial/metadata.toml",
        "run_in_transaction = false # CREATE INDEX CONCURRENTLY\n",
    );
    let chain = fx.load().unwrap();
    assert!(!chain.migrations()[0].run_in_transaction);
}

#[test]
fn schema_at_an_unknown_version_names_it() {
    let fx = Fixture::new("unknown-version");
    fx.migration("20251005124405_initial", None);
    let err = fx.load().unwrap().schema_at("20251005124406").unwrap_err();
    assert!(matches!(err, ChainError::UnknownVersion { .. }));
    assert!(err.to_string().starts_with("no migration in `"));
    assert!(err.to_string().contains("has version 20251005124406"));
}

// ---- writing -------------------------------------------------------------------------

fn spec(version: &str, name: &str, parent: Option<&str>) -> NewMigration {
    NewMigration {
        version: version.into(),
        name: name.into(),
        parent: parent.map(Into::into),
        up_sql: format!("CREATE TABLE {name} (id integer);\r\n"),
        down_sql: format!("DROP TABLE {name};\n"),
        run_in_transaction: true,
    }
}

/// The entries of `dir`, hidden ones included, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn writes_migrations_that_load_back_unchanged() {
    let fx = Fixture::new("write");
    let first = write_migration(&fx.root, &spec(V1, "initial", None)).unwrap();
    assert_eq!(first, fx.path("20251005124405_initial"));
    let mut second = spec(V2, "drop_full_load", Some(V1));
    second.run_in_transaction = false;
    write_migration(&fx.root, &second).unwrap();

    assert_eq!(
        fs::read_to_string(fx.path("20251007183231_drop_full_load/metadata.toml")).unwrap(),
        "# written by watcher-schema; `down_revision` links the chain like Alembic's\n\
         run_in_transaction = false\n\
         down_revision = \"20251005124405\"\n"
    );
    assert_eq!(
        fs::read_to_string(first.join("metadata.toml")).unwrap(),
        "# written by watcher-schema; `down_revision` links the chain like Alembic's\n\
         run_in_transaction = true\n"
    );
    // Nothing left behind but the two migrations.
    assert_eq!(
        entries(&fx.root),
        ["20251005124405_initial", "20251007183231_drop_full_load"]
    );

    let chain = fx.load().unwrap();
    let written: Vec<NewMigration> = chain
        .iter()
        .map(|m| NewMigration {
            version: m.version.clone(),
            name: m.name.clone(),
            parent: m.parent.clone(),
            up_sql: m.up_sql.clone(),
            down_sql: m.down_sql.clone(),
            run_in_transaction: m.run_in_transaction,
        })
        .collect();
    assert_eq!(written, [spec(V1, "initial", None), second]);
}

#[test]
fn diesel_reads_the_metadata_we_write() {
    let fx = Fixture::new("diesel-metadata");
    write_migration(&fx.root, &spec(V1, "initial", None)).unwrap();
    let mut concurrent = spec(V2, "concurrent_index", Some(V1));
    concurrent.run_in_transaction = false;
    write_migration(&fx.root, &concurrent).unwrap();

    // Diesel's own reader (used by `embed_migrations!` and diesel_cli) parses real TOML,
    // ignores `down_revision`, and falls back to `true` only when the file fails to parse;
    // reading `false` back proves it parsed ours.
    let read = |dir: &str| {
        migrations_internals::TomlMetadata::read_from_file(&fx.path(dir).join("metadata.toml"))
            .unwrap_or_else(|e| panic!("diesel cannot read {dir}/metadata.toml: {e}"))
            .run_in_transaction
    };
    assert!(read("20251005124405_initial"));
    assert!(!read("20251007183231_concurrent_index"));
}

#[test]
fn refuses_to_write_anything_but_the_next_migration() {
    let fx = Fixture::new("write-refusals");
    write_migration(&fx.root, &spec(V2, "initial", None)).unwrap();

    let err = write_migration(&fx.root, &spec(V3, "stale", None)).unwrap_err();
    assert!(matches!(err, ChainError::ParentNotHead { .. }));
    assert_eq!(
        err.to_string(),
        "cannot write migration `20251008100712_stale`: it continues from an empty chain but \
         the chain's head is 20251007183231\n  help: generate it again against the current \
         head"
    );

    let err = write_migration(&fx.root, &spec(V1, "older", Some(V2))).unwrap_err();
    assert!(matches!(err, ChainError::VersionNotAfterHead { .. }));
    assert!(err
        .to_string()
        .starts_with("cannot write migration `20251005124405_older`: its version is not newer"));

    let err = write_migration(&fx.root, &spec("2025", "short", Some(V2))).unwrap_err();
    assert!(matches!(err, ChainError::BadNewMigration { .. }));
    assert!(err.to_string().contains("exactly 14 digits"));

    let err = write_migration(&fx.root, &spec(V3, "Add Column", Some(V2))).unwrap_err();
    assert!(err
        .to_string()
        .contains("the name `Add Column` may hold only"));

    assert_eq!(entries(&fx.root), ["20251007183231_initial"]);
}

#[test]
fn never_overwrites_an_existing_directory() {
    let fx = Fixture::new("write-exists");
    write_migration(&fx.root, &spec(V1, "initial", None)).unwrap();
    // Whatever sits at the target name is refused before anything is written: here an empty
    // directory, which the reader reports as a migration without files.
    fs::create_dir(fx.path("20251007183231_next")).unwrap();
    let err = write_migration(&fx.root, &spec(V2, "next", Some(V1))).unwrap_err();
    assert!(
        matches!(
            err.problems(),
            [
                Problem::MissingUp { .. },
                Problem::MissingDown { .. },
                Problem::MissingMetadata { .. }
            ]
        ),
        "{err}"
    );
    assert!(fx
        .path("20251007183231_next")
        .read_dir()
        .unwrap()
        .next()
        .is_none());
    assert_eq!(
        entries(&fx.root),
        ["20251005124405_initial", "20251007183231_next"]
    );
}

#[test]
fn refuses_to_write_into_a_broken_chain() {
    let fx = Fixture::new("write-broken");
    fx.migration("20251005124405_initial", None)
        .remove("20251005124405_initial/down.sql");
    let err = write_migration(&fx.root, &spec(V2, "next", Some(V1))).unwrap_err();
    assert!(
        matches!(err.problems(), [Problem::MissingDown { .. }]),
        "{err}"
    );
    assert!(!fx.path("20251007183231_next").exists());
}

#[test]
fn new_versions_increase_even_when_the_clock_does_not() {
    let fx = Fixture::new("new-version");
    // A clock stuck one second before the initial migration: every new version must still
    // be newer than the head, so the chain stays valid.
    let stuck = at(1_759_668_244);
    write_migration(&fx.root, &spec(V1, "initial", None)).unwrap();
    let mut previous = V1.to_string();
    for name in ["a", "b", "c"] {
        let chain = fx.load().unwrap();
        let version = chain.new_version(stuck);
        assert!(version > previous, "{version} after {previous}");
        write_migration(&fx.root, &spec(&version, name, Some(&previous))).unwrap();
        previous = version;
    }
    let chain = fx.load().unwrap();
    let versions: Vec<&str> = chain.iter().map(|m| m.version.as_str()).collect();
    assert_eq!(
        versions,
        [V1, "20251005124406", "20251005124407", "20251005124408"]
    );
    // A clock ahead of the head is taken as it is.
    assert_eq!(
        chain.new_version(at(1_759_668_245 + 3600)),
        "20251005134405"
    );
}

// ---- replaying -----------------------------------------------------------------------

#[test]
fn replays_the_chain_up_to_any_version() {
    let fx = Fixture::new("replay");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_second", Some(V1))
        .file(
            "20251007183231_second/up.sql",
            "ALTER TABLE t20251005124405 ADD COLUMN name text NOT NULL;\n\
             CREATE TABLE t20251007183231 (id integer);\n",
        );
    let chain = fx.load().unwrap();

    let first = chain.schema_at(V1).unwrap();
    assert_eq!(first.tables.keys().collect::<Vec<_>>(), ["t20251005124405"]);
    assert_eq!(first.tables["t20251005124405"].columns.len(), 1);

    let head = chain.schema_at_head().unwrap();
    assert_eq!(head, chain.schema_at(V2).unwrap());
    assert_eq!(
        head.tables.keys().collect::<Vec<_>>(),
        ["t20251005124405", "t20251007183231"]
    );
    let name = head.tables["t20251005124405"].column("name").unwrap();
    assert!(!name.nullable);
}

#[test]
fn rejects_an_unsupported_statement_in_up_sql() {
    let fx = Fixture::new("replay-unsupported");
    fx.migration("20251005124405_initial", None)
        .migration("20251007183231_add_view", Some(V1))
        .file(
            "20251007183231_add_view/up.sql",
            "-- a view is not part of the schema model\n\
             SELECT 1;\n\
             CREATE VIEW v AS SELECT id FROM t20251005124405;\n",
        );
    let chain = fx.load().unwrap();
    // Up to the migration before it, the chain replays.
    assert!(chain.schema_at(V1).is_ok());

    let err = chain.schema_at_head().unwrap_err();
    let ChainError::Replay { dir, source } = &err else {
        panic!("expected a replay error, got: {err}");
    };
    assert_eq!(dir, &fx.path("20251007183231_add_view"));
    assert_eq!((source.line, source.column), (3, 1));
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot replay migration 20251007183231_add_view: {}:3:1: unsupported statement \
             `CREATE VIEW`",
            fx.shown("20251007183231_add_view/up.sql")
        )),
        "{message}"
    );
}
