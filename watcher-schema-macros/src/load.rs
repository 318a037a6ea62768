//! Where the migration model comes from: the head model build.rs wrote into `OUT_DIR`, or
//! a migrations directory named by `migrations = "..."`. Hands a [`HeadModel`] to expand.
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

/// Overrides the base of relative `migrations = "..."` paths (default: the expanding
/// crate's `CARGO_MANIFEST_DIR`). trybuild compiles cases in a generated project, whose
/// manifest directory is not the one the fixtures sit in.
pub const ROOT_ENV: &str = "WATCHER_SCHEMA_ROOT";

/// Loads the model for one expansion: from `migrations` when given, else from `OUT_DIR`.
pub fn load(migrations: Option<&Spanned<String>>) -> Result<Arc<HeadModel>, syn::Error> {
    match migrations {
        Some(dir) => from_migrations(dir),
        None => from_out_dir(),
    }
}

fn from_out_dir() -> Result<Arc<HeadModel>, syn::Error> {
    let no_model = |why: &str| {
        syn::Error::new(
            Span::call_site(),
            format!(
                "no migration model to check this struct against: {why}\nhelp: in build.rs, call `watcher_schema_core::head::write_build_model(Path::new(\"migrations\"), out_dir)`, or name a migrations directory: `#[watcher_table(migrations = \"migrations\")]`"
            ),
        )
    };
    let out_dir = env::var_os("OUT_DIR")
        .ok_or_else(|| no_model("`OUT_DIR` is not set (the crate has no build script)"))?;
    let path = Path::new(&out_dir).join(HEAD_MODEL_FILE);
    if !path.is_file() {
        return Err(no_model(&format!(
            "build.rs did not write `{}`",
            path.display()
        )));
    }
    cached(&path, std::slice::from_ref(&path), || {
        head::read_head_model(&path).map_err(|err| err.to_string())
    })
    .map_err(|msg| syn::Error::new(Span::call_site(), msg))
}

fn from_migrations(dir: &Spanned<String>) -> Result<Arc<HeadModel>, syn::Error> {
    let base = env::var_os(ROOT_ENV)
        .or_else(|| env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = base.join(&dir.value);
    let files = directory_files(&path);
    cached(&path, &files, || {
        let chain = Chain::load(&path).map_err(|err| err.to_string())?;
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
    use super::unindent;

    #[test]
    fn chain_messages_lose_their_terminal_indent() {
        assert_eq!(
            unindent("migrations directory `m` does not exist\n  help: create it"),
            "migrations directory `m` does not exist\nhelp: create it"
        );
    }
}
