//! Squashing: the chain up to a revision → one migration with the same effect, whose `up.sql`
//! header names every version it replaces with the checksum it was applied with. Hands the
//! CLI's `squash` the files to write, and the chain reader and the runner that header.
//!
//! The squashed migration takes the version of the last migration it replaces, and has no
//! parent: later migrations keep their `down_revision`, a fresh database's ledger ends at
//! the same version as before, and the chain stays one line.
//!
//! The list of replaced versions lives in `up.sql`, not in `metadata.toml`: Diesel's
//! `embed_migrations!` keeps only `run_in_transaction` of the metadata, so a service at boot
//! would never see it, while `up.sql` reaches every reader whole (and its checksum covers
//! the list). The header lines are SQL comments, so Diesel and PostgreSQL ignore them:
//!
//! ```text
//! -- squash of 20251005124405_initial .. 20251011103728_add_address_input_hash
//! -- watcher-schema:replaces 20251005124405 <sha256 of its up.sql>
//! -- watcher-schema:replaces 20251007183231 <sha256 of its up.sql>
//! ```

use crate::compare::describe_difference;
use std::fs;
use std::path::{Path, PathBuf};

use crate::chain::{
    checksum, write_files, Chain, ChainError, LostStatement, Migration, NewMigration, Replaced,
    REPLACES, UP_SQL,
};
use crate::diff::diff;
use crate::head::render_schema;
use crate::model::Schema;
use crate::replay::{replay, split_statements};
use crate::sql::render;

/// A squash ready to write: the new migration and the directories it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squash {
    /// The squashed migration: version of the last one replaced, no parent.
    pub migration: NewMigration,
    /// The directories of the migrations it replaces, root first.
    pub replaced_dirs: Vec<PathBuf>,
    /// Every version it replaces, with checksums (earlier squashes' lists included).
    pub replaced: Vec<Replaced>,
}

/// The name of every squashed migration's directory, after its version.
pub const SQUASHED_NAME: &str = "squashed";

/// Builds the migration that replaces the chain from its root up to `to` (a version):
/// `up.sql` creates the schema at `to` from nothing, `down.sql` drops it all.
///
/// An earlier squash in the range passes on its own list, so a database that applied
/// the original migrations is still recognised after a second squash. The new `up.sql`
/// is replayed before anything is written and must rebuild the schema at `to` exactly.
pub fn squash(chain: &Chain, to: &str) -> Result<Squash, ChainError> {
    let position = chain
        .position(to)
        .ok_or_else(|| ChainError::UnknownVersion {
            version: to.to_string(),
            dir: chain.dir().into(),
        })?;
    let range = &chain.migrations()[..=position];
    if range.len() < 2 {
        return Err(ChainError::NothingToSquash {
            version: to.to_string(),
        });
    }
    let lost: Vec<LostStatement> = range.iter().flat_map(lost_statements).collect();
    if !lost.is_empty() {
        return Err(ChainError::SquashLoses { statements: lost });
    }
    let mut list: Vec<Replaced> = Vec::new();
    for m in range {
        for entry in m.replaced().into_iter().chain([Replaced {
            version: m.version.clone(),
            checksum: checksum(&m.up_sql),
        }]) {
            if !list.contains(&entry) {
                list.push(entry);
            }
        }
    }

    let schema = chain.schema_at(to)?;
    let (first, last) = (&range[0], &range[range.len() - 1]);
    let mut up_sql = format!(
        "-- squash of {} .. {}\n\
         -- written by `watcher-schema squash`: the schema at {}, created from nothing.\n\
         -- A database that applied every migration listed below is at this one; the\n\
         -- runner folds their ledger rows into this migration's row.\n",
        first.dir_name(),
        last.dir_name(),
        last.version
    );
    for entry in &list {
        up_sql.push_str(&format!("{REPLACES}{} {}\n", entry.version, entry.checksum));
    }
    up_sql.push('\n');
    up_sql.push_str(&render_schema(&schema));
    let down_sql = format!(
        "-- revert: squash of {} .. {}\n-- drops every object the squash creates, with its rows\n\n{}",
        first.dir_name(),
        last.dir_name(),
        render(&diff(&schema, &Schema::default()))
    );

    // The proof of "same effect": what replay makes of the new file is the schema at `to`,
    // and its down.sql leaves nothing.
    let origin = format!("{}_{SQUASHED_NAME}/up.sql", last.version);
    let mut rebuilt = Schema::default();
    replay(&mut rebuilt, &up_sql, &origin).map_err(|source| ChainError::Replay {
        dir: origin.clone().into(),
        source,
    })?;
    let mut emptied = rebuilt.clone();
    replay(
        &mut emptied,
        &down_sql,
        &origin.replace("up.sql", "down.sql"),
    )
    .map_err(|source| ChainError::Replay {
        dir: origin.clone().into(),
        source,
    })?;
    if let Some(difference) = describe_difference(&schema, &rebuilt)
        .or_else(|| describe_difference(&Schema::default(), &emptied))
    {
        return Err(ChainError::SquashDiffers {
            version: to.to_string(),
            difference,
        });
    }

    Ok(Squash {
        migration: NewMigration {
            version: last.version.clone(),
            name: SQUASHED_NAME.to_string(),
            parent: None,
            up_sql,
            down_sql,
            run_in_transaction: true,
        },
        replaced_dirs: range.iter().map(|m| m.dir.clone()).collect(),
        replaced: list,
    })
}

/// Statements of `m`'s `up.sql` whose effect a squash would lose on a fresh database.
///
/// The squash renders the schema model, which holds no rows, privileges or comments, so a
/// statement that creates any of them is lost: `INSERT`, `MERGE`, `COPY`, a `WITH` (it may
/// write), `GRANT`, `REVOKE`, `COMMENT`, and a `SELECT` that calls something once. What
/// changes only existing rows (`UPDATE`, `DELETE`, `TRUNCATE`, the generator's backfills
/// and `SELECT setval(...) FROM <table>`) does nothing on a fresh database, whose tables
/// stay empty because nothing above may insert, so dropping it is exact. Session and
/// transaction statements have no lasting effect.
fn lost_statements(m: &Migration) -> Vec<LostStatement> {
    const LOST: &[&str] = &[
        "INSERT", "MERGE", "COPY", "WITH", "GRANT", "REVOKE", "COMMENT",
    ];
    split_statements(&m.up_sql)
        .into_iter()
        .filter_map(|statement| {
            let keyword = statement
                .text
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let lost = LOST.contains(&keyword.as_str())
                || (keyword == "SELECT" && !runs_per_row(statement.text));
            lost.then(|| LostStatement {
                path: m.dir.join(UP_SQL),
                line: statement.line,
                keyword,
            })
        })
        .collect()
}

/// Whether a `SELECT` ends in `FROM <table>`, so that it runs once per row of that table.
fn runs_per_row(select: &str) -> bool {
    let upper = select.to_ascii_uppercase();
    upper.rfind(" FROM ").is_some_and(|at| {
        let table = select[at + 6..].trim();
        !table.is_empty()
            && table
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '"'))
    })
}

/// Writes `squash` into the chain in `dir`: the new migration replaces the directories it
/// replaces, which are deleted. Returns the new directory.
///
/// The new files are written into a hidden directory first; the replaced directories are
/// moved into a hidden one; the new one is renamed into place and the chain reloaded. Only
/// when it loads are the replaced directories deleted; otherwise everything is moved back.
pub fn write_squash(dir: &Path, squash: &Squash) -> Result<PathBuf, ChainError> {
    let spec = &squash.migration;
    let dir_name = format!("{}_{}", spec.version, spec.name);
    let target = dir.join(&dir_name);
    let pid = std::process::id();
    let temp = dir.join(format!(".{dir_name}.tmp-{pid}"));
    let aside = dir.join(format!(".squash-replaced.tmp-{pid}"));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ChainError::Io { path, source }
    };

    // A leftover from a crashed squash may hold the only copy of the migrations it
    // replaced: never delete it, say where it is.
    if aside.symlink_metadata().is_ok() {
        return Err(ChainError::AlreadyExists { path: aside });
    }
    if let Err(error) = write_files(&temp, spec) {
        let _ = fs::remove_dir_all(&temp);
        return Err(error);
    }
    if let Err(source) = fs::create_dir(&aside) {
        let _ = fs::remove_dir_all(&temp);
        return Err(ChainError::Io {
            path: aside,
            source,
        });
    }
    let mut moved = Vec::new();
    let mut result = Ok(());
    for from in &squash.replaced_dirs {
        let to = aside.join(from.file_name().unwrap_or_default());
        if let Err(source) = fs::rename(from, &to) {
            result = Err(ChainError::Io {
                path: from.clone(),
                source,
            });
            break;
        }
        moved.push((from.clone(), to));
    }
    let result = result
        .and_then(|()| {
            if target.symlink_metadata().is_ok() {
                return Err(ChainError::AlreadyExists {
                    path: target.clone(),
                });
            }
            fs::rename(&temp, &target).map_err(io(&target))
        })
        .and_then(|()| Chain::load(dir).map(|_| ()));
    match result {
        Ok(()) => {
            fs::remove_dir_all(&aside).map_err(io(&aside))?;
            Ok(target)
        }
        Err(error) => {
            // Best effort: put the chain back as it was; the error says what went wrong.
            if !temp.exists() {
                let _ = fs::remove_dir_all(&target);
            }
            let _ = fs::remove_dir_all(&temp);
            for (from, to) in moved.iter().rev() {
                let _ = fs::rename(to, from);
            }
            let _ = fs::remove_dir(&aside);
            Err(error)
        }
    }
}

#[cfg(test)]
mod on_disk {
    use super::*;
    use crate::chain::{write_migration, ChainError, Problem};

    /// A directory with a three-migration chain, removed on drop.
    struct Dir(PathBuf);

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn chain_of_three(tag: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("watcher-squash-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let steps = [
            (
                "20250101000000",
                "CREATE TABLE a (id serial PRIMARY KEY);\n",
                "DROP TABLE a;\n",
            ),
            (
                "20250102000000",
                "ALTER TABLE a ADD COLUMN note text;\n",
                "ALTER TABLE a DROP COLUMN note;\n",
            ),
            (
                "20250103000000",
                "CREATE TABLE b (id integer PRIMARY KEY REFERENCES a (id));\n",
                "DROP TABLE b;\n",
            ),
        ];
        let mut parent = None;
        for (version, up, down) in steps {
            write_migration(
                &dir,
                &NewMigration {
                    version: version.into(),
                    name: "m".into(),
                    parent: parent.clone(),
                    up_sql: up.into(),
                    down_sql: down.into(),
                    run_in_transaction: true,
                },
            )
            .unwrap();
            parent = Some(version.to_string());
        }
        Dir(dir)
    }

    #[test]
    fn squash_keeps_later_migrations_and_the_schema() {
        let dir = chain_of_three("keep");
        let before = Chain::load(&dir.0).unwrap();
        let squash = squash(&before, "20250102000000").unwrap();
        assert_eq!(squash.replaced.len(), 2);
        assert_eq!(
            squash.replaced[0].checksum,
            checksum(&before.migrations()[0].up_sql)
        );
        let written = write_squash(&dir.0, &squash).unwrap();
        assert!(written.ends_with("20250102000000_squashed"));

        let after = Chain::load(&dir.0).unwrap();
        let names: Vec<String> = after.iter().map(|m| m.dir_name()).collect();
        assert_eq!(names, ["20250102000000_squashed", "20250103000000_m"]);
        assert_eq!(after.migrations()[0].parent, None);
        assert_eq!(after.migrations()[0].replaced(), squash.replaced);
        assert_eq!(
            before.schema_at_head().unwrap(),
            after.schema_at_head().unwrap()
        );

        // Squashing the squash and the rest passes the first list on.
        let again = crate::squash::squash(&after, "20250103000000").unwrap();
        let versions: Vec<&str> = again.replaced.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(
            versions,
            [
                "20250101000000",
                "20250102000000",
                "20250102000000",
                "20250103000000"
            ]
        );
        assert!(matches!(
            crate::squash::squash(&after, "20250102000000"),
            Err(ChainError::NothingToSquash { .. })
        ));
    }

    #[test]
    fn refuses_to_drop_rows_and_privileges_but_not_backfills() {
        let dir = chain_of_three("lost");
        let second = dir.0.join("20250102000000_m/up.sql");
        fs::write(
            &second,
            "ALTER TABLE a ADD COLUMN note text;\n\
             UPDATE a SET note = 'x' WHERE note IS NULL;\n\
             SELECT setval(pg_get_serial_sequence('a', 'id'), coalesce(max(id), 0) + 1, false) FROM a;\n\
             INSERT INTO a (note) VALUES ('seed');\n\
             GRANT SELECT ON a TO reader;\n\
             SELECT setval('a_id_seq', 1000);\n",
        )
        .unwrap();
        let chain = Chain::load(&dir.0).unwrap();
        let err = squash(&chain, "20250103000000").unwrap_err();
        let ChainError::SquashLoses { statements } = &err else {
            panic!("expected SquashLoses, got {err}");
        };
        let found: Vec<(usize, &str)> = statements
            .iter()
            .map(|s| (s.line, s.keyword.as_str()))
            .collect();
        assert_eq!(found, [(4, "INSERT"), (5, "GRANT"), (6, "SELECT")]);
        let text = err.to_string();
        assert!(
            text.contains("20250102000000_m/up.sql:4: `INSERT`"),
            "{text}"
        );
        // Up to the migration before it, nothing is lost.
        assert!(squash(&chain, "20250101000000")
            .is_err_and(|e| matches!(e, ChainError::NothingToSquash { .. })));
    }

    /// Every file under `dir`, hidden ones included, with its contents.
    fn tree(dir: &Path) -> Vec<(PathBuf, String)> {
        let mut files = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(tree(&path));
            } else {
                files.push((path.clone(), fs::read_to_string(&path).unwrap()));
            }
        }
        files.sort();
        files
    }

    #[test]
    fn a_failed_write_leaves_the_directory_as_it_was() {
        let dir = chain_of_three("rollback");
        let chain = Chain::load(&dir.0).unwrap();
        let before = tree(&dir.0);

        // The chain does not load afterwards (a replaced directory is left in place): all
        // moves are undone.
        let mut partial = squash(&chain, "20250102000000").unwrap();
        partial.replaced_dirs.truncate(1);
        let err = write_squash(&dir.0, &partial).unwrap_err();
        assert!(err.to_string().contains("is replaced by"), "{err}");
        assert_eq!(tree(&dir.0), before);

        // A leftover from a crashed squash is never deleted.
        let leftover = dir
            .0
            .join(format!(".squash-replaced.tmp-{}", std::process::id()));
        fs::create_dir(&leftover).unwrap();
        let full = squash(&chain, "20250102000000").unwrap();
        let err = write_squash(&dir.0, &full).unwrap_err();
        assert!(matches!(&err, ChainError::AlreadyExists { path } if *path == leftover));
        fs::remove_dir(&leftover).unwrap();
        assert_eq!(tree(&dir.0), before);
    }

    #[test]
    fn a_header_must_end_at_its_own_version() {
        let dir = chain_of_three("own");
        let up = dir.0.join("20250103000000_m/up.sql");
        let text = fs::read_to_string(&up).unwrap();
        fs::write(
            &up,
            format!("{REPLACES}20250104000000 {}\n{text}", "a".repeat(64)),
        )
        .unwrap();
        let err = Chain::load(&dir.0).unwrap_err();
        assert!(
            err.to_string()
                .contains("lists 20250104000000 as its newest"),
            "{err}"
        );
    }

    #[test]
    fn a_replaced_directory_beside_its_squash_is_named() {
        let dir = chain_of_three("beside");
        let chain = Chain::load(&dir.0).unwrap();
        let squash = squash(&chain, "20250103000000").unwrap();
        // Write the squash where the replaced migrations stay, as a bad merge would.
        let copy = dir
            .0
            .join("..")
            .join(format!("watcher-squash-beside-copy-{}", std::process::id()));
        let _ = fs::remove_dir_all(&copy);
        fs::create_dir_all(&copy).unwrap();
        let _copy = Dir(copy.clone());
        for m in &chain {
            let to = copy.join(m.dir_name());
            fs::create_dir(&to).unwrap();
            for file in ["up.sql", "down.sql", "metadata.toml"] {
                fs::copy(m.dir.join(file), to.join(file)).unwrap();
            }
        }
        write_files(&copy.join("20250103000000_squashed"), &squash.migration).unwrap();
        let err = Chain::load(&copy).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.problems().len(), 3, "{text}");
        assert!(
            err.problems()
                .iter()
                .all(|p| matches!(p, Problem::Replaced { .. })),
            "{text}"
        );
        assert!(
            text.contains("is replaced by the squashed migration")
                && text.contains("20250103000000_squashed"),
            "{text}"
        );
    }
}
