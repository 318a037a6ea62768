//! Where the migration model comes from: the head model build.rs wrote into `OUT_DIR`, or
//! a migrations directory named by `migrations = "..."`. Hands a [`HeadModel`] and the
//! files it was read from to expand.
//!
//! One rustc process expands many structs against one model, so models are cached per
//! path, keyed also by the files' modification times (rust-analyzer keeps the process).

use std::collections::HashMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use proc_macro2::Span;
use watcher_schema_core::chain::Chain;
use watcher_schema_core::head::{self, HeadModel, HEAD_MODEL_FILE};
use watcher_schema_core::structs::attr::Spanned;

use crate::expand::Loaded;

/// Overrides the base of relative `migrations = "..."` paths (default: the expanding
/// crate's `CARGO_MANIFEST_DIR`). trybuild compiles cases in a generated project, whose
/// manifest directory is not the one the fixtures sit in.
pub const ROOT_ENV: &str = "WATCHER_SCHEMA_ROOT";

/// Loads the model for one expansion: from `migrations` when given, else from `OUT_DIR`.
pub fn load(migrations: Option<&Spanned<String>>) -> Loaded {
    match migrations {
        Some(dir) => {
            let path = migrations_dir(dir);
            let files = directory_files(&path);
            let model = from_migrations(dir, &path, &files);
            // Directories are in the cache key but cannot be `include_bytes!`ed.
            let files = files.into_iter().filter(|f| f.is_file()).collect();
            Loaded { model, files }
        }
        None => {
            let file = env::var_os("OUT_DIR").map(|dir| Path::new(&dir).join(HEAD_MODEL_FILE));
            Loaded {
                model: from_out_dir(file.as_deref()),
                files: file.into_iter().filter(|f| f.is_file()).collect(),
            }
        }
    }
}

fn from_out_dir(path: Option<&Path>) -> Result<Arc<HeadModel>, syn::Error> {
    let no_model = |why: &str| {
        syn::Error::new(
            Span::call_site(),
            format!(
                "no migration model to check this struct against: {why}\nhelp: in build.rs, call `watcher_schema_core::head::write_build_model(Path::new(\"migrations\"), out_dir)`, or name a migrations directory: `#[watcher_table(migrations = \"migrations\")]`"
            ),
        )
    };
    let path =
        path.ok_or_else(|| no_model("`OUT_DIR` is not set (the crate has no build script)"))?;
    if !path.is_file() {
        return Err(no_model(&format!(
            "build.rs did not write `{}`",
            path.display()
        )));
    }
    cached(path, &[path.to_path_buf()], || {
        head::read_head_model(path).map_err(|err| err.to_string())
    })
    .map_err(|msg| syn::Error::new(Span::call_site(), msg))
}

/// The absolute path of `migrations = "..."`: `include_bytes!` resolves a relative path
/// against the source file, not the manifest directory.
fn migrations_dir(dir: &Spanned<String>) -> PathBuf {
    let base = env::var_os(ROOT_ENV)
        .or_else(|| env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = base.join(&dir.value);
    std::path::absolute(&path).unwrap_or(path)
}

fn from_migrations(
    dir: &Spanned<String>,
    path: &Path,
    files: &[PathBuf],
) -> Result<Arc<HeadModel>, syn::Error> {
    cached(path, files, || {
        let chain = Chain::load(path).map_err(|err| err.to_string())?;
        let schema = chain.schema_at_head().map_err(|err| err.to_string())?;
        Ok(HeadModel {
            head: chain.head().map(|m| m.version.clone()),
            schema,
        })
    })
    .map_err(|msg| syn::Error::new(dir.span, unindent(&msg)))
}

/// A chain error names its directory and files itself, and indents its `help:` line for a
/// terminal; rustc indents the lines of a message on its own, so the indent goes.
fn unindent(msg: &str) -> String {
    let lines: Vec<&str> = msg.lines().map(str::trim_start).collect();
    lines.join("\n")
}

/// Every file under `dir` (one level of migration directories), for the cache key.
fn directory_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match fs::read_dir(&path) {
            Ok(inner) => files.extend(inner.flatten().map(|e| e.path())),
            Err(_) => files.push(path),
        }
    }
    files.push(dir.to_path_buf());
    files.sort();
    files
}

type Stamp = Vec<(PathBuf, Option<SystemTime>)>;

struct Cached {
    stamp: Stamp,
    model: Arc<HeadModel>,
}

fn cached(
    key: &Path,
    files: &[PathBuf],
    load: impl FnOnce() -> Result<HeadModel, String>,
) -> Result<Arc<HeadModel>, String> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Cached>>> = OnceLock::new();
    let stamp: Stamp = files
        .iter()
        .map(|f| (f.clone(), fs::metadata(f).and_then(|m| m.modified()).ok()))
        .collect();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| {
        c.get(key)
            .filter(|c| c.stamp == stamp)
            .map(|c| Arc::clone(&c.model))
    }) {
        return Ok(hit);
    }
    let model = Arc::new(load()?);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(
            key.to_path_buf(),
            Cached {
                stamp,
                model: Arc::clone(&model),
            },
        );
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use proc_macro2::Span;
    use watcher_schema_core::structs::attr::Spanned;

    use super::{load, unindent};

    #[test]
    fn every_migration_file_is_reported_by_its_absolute_path() {
        let dir = std::env::temp_dir().join(format!("watcher-load-{}", std::process::id()));
        let migration = dir.join("20250101000000_initial");
        fs::create_dir_all(&migration).expect("temp dir is writable");
        for (name, text) in [
            ("up.sql", "CREATE TABLE t (id serial PRIMARY KEY);"),
            ("down.sql", "DROP TABLE t;"),
            ("metadata.toml", "message = \"initial\"\n"),
        ] {
            fs::write(migration.join(name), text).expect("temp file is writable");
        }
        let value = Spanned {
            value: dir.to_string_lossy().into_owned(),
            span: Span::call_site(),
        };
        let loaded = load(Some(&value));
        fs::remove_dir_all(&dir).expect("temp dir is removable");
        let expected: Vec<_> = ["down.sql", "metadata.toml", "up.sql"]
            .iter()
            .map(|f| migration.join(f))
            .collect();
        assert_eq!(loaded.files, expected);
    }

    #[test]
    fn a_missing_directory_tracks_nothing_and_says_so() {
        let value = Spanned {
            value: "/nonexistent/watcher-migrations".to_string(),
            span: Span::call_site(),
        };
        let loaded = load(Some(&value));
        assert!(loaded.files.is_empty());
        let Err(err) = loaded.model else {
            panic!("a missing directory is an error");
        };
        assert!(
            err.to_string().contains("/nonexistent/watcher-migrations"),
            "{err}"
        );
    }

    #[test]
    fn chain_messages_lose_their_terminal_indent() {
        assert_eq!(
            unindent("migrations directory `m` does not exist\n  help: create it"),
            "migrations directory `m` does not exist\nhelp: create it"
        );
    }
}
