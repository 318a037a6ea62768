//! Stage one of loading: every entry of the migrations directory → well-formed migrations.
//! Hands the link stage migrations sorted by version, or every problem with their files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::error::{ChainError, Problem};
use super::metadata;
use super::replaces;
use super::version::parse_version;
use super::Migration;
use super::{DOWN_SQL, UP_SQL};

/// Reads `dir`, checking names, files and metadata of every migration directory in it.
pub(super) fn scan(dir: &Path) -> Result<Vec<Migration>, ChainError> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(ChainError::NotADirectory { path: dir.into() }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ChainError::NotFound { path: dir.into() })
        }
        Err(source) => return Err(io_error(dir, source)),
    }

    let mut problems = Vec::new();
    // (version, name, path), sorted by directory name, which sorts by version first because
    // every version has the same length.
    let mut candidates = Vec::new();
    for (file_name, path) in visible_entries(dir).map_err(|source| io_error(dir, source))? {
        match fs::metadata(&path) {
            Err(source) => problems.push(Problem::Unreadable { path, source }),
            Ok(meta) if !meta.is_dir() => problems.push(Problem::StrayFile { path }),
            Ok(_) => match file_name
                .to_str()
                .ok_or("the name is not valid UTF-8".to_string())
            {
                Ok(name) => match parse_dir_name(name) {
                    Ok((version, name)) => candidates.push((version, name, path)),
                    Err(reason) => problems.push(Problem::BadName { path, reason }),
                },
                Err(reason) => problems.push(Problem::BadName { path, reason }),
            },
        }
    }

    let mut migrations = Vec::with_capacity(candidates.len());
    let (mut older, mut last): (Option<&str>, Option<&str>) = (None, None);
    for (version, name, path) in &candidates {
        let version = version.as_str();
        if last != Some(version) {
            (older, last) = (last, Some(version));
        }
        if let Some(migration) = read_migration(version, name, path, older, &mut problems) {
            migrations.push(migration);
        }
    }

    // A squash shares its version with the last migration it replaces; when both are
    // here, "replaced, delete it" is the explanation, not "duplicate version".
    let replaced_before = problems.len();
    replaces::check_replaced(&migrations, &mut problems);
    let explained: Vec<PathBuf> = problems[replaced_before..]
        .iter()
        .filter_map(|p| match p {
            Problem::Replaced { dir, .. } => Some(dir.clone()),
            _ => None,
        })
        .collect();

    // Diesel keys its ledger on the version alone, so two directories with one version
    // would be one migration to it.
    for group in candidates.chunk_by(|a, b| a.0 == b.0) {
        if group.len() > 1 && !group.iter().any(|c| explained.contains(&c.2)) {
            problems.push(Problem::DuplicateVersion {
                version: group[0].0.clone(),
                dirs: group.iter().map(|c| c.2.clone()).collect(),
            });
        }
    }

    if problems.is_empty() {
        Ok(migrations)
    } else {
        Err(ChainError::Invalid {
            dir: dir.into(),
            problems,
        })
    }
}

/// Splits `<version>_<name>`, checking the version is a UTC timestamp and the name is
/// lower-case `[a-z0-9_]+`; the error says what is wrong.
pub(crate) fn parse_dir_name(dir_name: &str) -> Result<(String, String), String> {
    let Some((version, name)) = dir_name.split_once('_') else {
        return Err("expected `<version>_<name>`, found no `_` in it".to_string());
    };
    parse_version(version)?;
    if name.is_empty() {
        return Err("the name after the version is empty".to_string());
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(format!(
            "the name `{name}` may hold only lower-case letters, digits and `_`"
        ));
    }
    Ok((version.to_string(), name.to_string()))
}

/// Reads one migration directory, recording its problems; `older` is the previous version
/// on disk, suggested as the parent when metadata.toml is missing.
fn read_migration(
    version: &str,
    name: &str,
    dir: &Path,
    older: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Option<Migration> {
    match visible_entries(dir) {
        Ok(entries) => {
            for (file_name, path) in entries {
                let known = [UP_SQL, DOWN_SQL, metadata::FILE_NAME];
                if !known.iter().any(|k| file_name == *k) {
                    problems.push(Problem::UnexpectedEntry { path });
                }
            }
        }
        Err(source) => {
            problems.push(Problem::Unreadable {
                path: dir.into(),
                source,
            });
            return None;
        }
    }

    let before = problems.len();
    let up_sql = read_file(dir, UP_SQL, problems, |dir| Problem::MissingUp { dir });
    let down_sql = read_file(dir, DOWN_SQL, problems, |dir| Problem::MissingDown { dir });
    let metadata_text = read_file(dir, metadata::FILE_NAME, problems, |dir| {
        Problem::MissingMetadata {
            dir,
            suggested_parent: older.map(str::to_string),
        }
    });

    let metadata_path = dir.join(metadata::FILE_NAME);
    let metadata = match metadata::parse(&metadata_text?) {
        Ok(metadata) => metadata,
        Err(errors) => {
            problems.extend(errors.into_iter().map(|e| Problem::Metadata {
                path: metadata_path.clone(),
                line: e.line,
                message: e.message,
            }));
            return None;
        }
    };
    // Diesel reads an absent key as `false`; a migration silently running outside a
    // transaction is how half-applied schemas happen, so the choice must be written down.
    let Some(run_in_transaction) = metadata.run_in_transaction else {
        problems.push(Problem::MissingRunInTransaction {
            path: metadata_path,
        });
        return None;
    };
    let up_sql = up_sql?;
    // A squash has the version of the last migration it replaces: that is what lets the
    // runner read "its row is in the ledger" as "every replaced migration ran".
    match replaces::replaced(&up_sql) {
        Err((line, message)) => problems.push(Problem::SquashHeader {
            path: dir.join(UP_SQL),
            line,
            message,
        }),
        Ok(list) => {
            if let Some(newest) = list.iter().map(|r| r.version.as_str()).max() {
                if newest != version {
                    problems.push(Problem::SquashHeader {
                        path: dir.join(UP_SQL),
                        line: 1,
                        message: format!(
                            "a squashed migration replaces up to its own version {version}, \
                             but this header lists {newest} as its newest"
                        ),
                    });
                }
            }
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Migration {
        version: version.to_string(),
        name: name.to_string(),
        dir: dir.into(),
        parent: metadata.down_revision,
        up_sql,
        down_sql: down_sql?,
        run_in_transaction,
    })
}

/// Reads `dir/file`, recording `missing(dir)` when it does not exist.
fn read_file(
    dir: &Path,
    file: &str,
    problems: &mut Vec<Problem>,
    missing: impl FnOnce(PathBuf) -> Problem,
) -> Option<String> {
    let path = dir.join(file);
    match fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            problems.push(missing(dir.into()));
            None
        }
        Err(source) => {
            problems.push(Problem::Unreadable { path, source });
            None
        }
    }
}

/// The entries of `dir` whose names do not start with `.` (Diesel skips them too, and the
/// writer's temporary directories are named so), sorted by name.
fn visible_entries(dir: &Path) -> io::Result<Vec<(std::ffi::OsString, PathBuf)>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if !name.as_encoded_bytes().starts_with(b".") {
            entries.push((name, entry.path()));
        }
    }
    entries.sort();
    Ok(entries)
}

fn io_error(path: &Path, source: io::Error) -> ChainError {
    ChainError::Io {
        path: path.into(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_well_formed_names() {
        assert_eq!(
            parse_dir_name("20251005124405_initial_schema"),
            Ok(("20251005124405".into(), "initial_schema".into()))
        );
        assert_eq!(
            parse_dir_name("20251005124405_2"),
            Ok(("20251005124405".into(), "2".into()))
        );
    }

    #[test]
    fn explains_malformed_names() {
        let reason = |n: &str| parse_dir_name(n).unwrap_err();
        assert!(reason("20251005124405").contains("no `_`"));
        assert!(reason("20251005124405_").contains("name after the version is empty"));
        assert!(reason("20251005_initial").contains("exactly 14 digits"));
        assert!(reason("20251005124405_Initial").contains("`Initial` may hold only"));
        assert!(reason("20251005124405_add-column").contains("`add-column` may hold only"));
        assert!(reason("00000000000000_diesel_initial_setup").contains("year 0000"));
    }
}
