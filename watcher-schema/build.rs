//! Validates `../migrations` as a linear chain and replays it to its head, then writes the
//! head model into `OUT_DIR` for `#[watcher_table]` to compare the structs against.
//!
//! A broken chain fails the build with the chain's own message, which names the files and
//! the fix. Every file and directory under `migrations/` is watched, so a new migration
//! always reruns this script (a known hole in diesel's and sqlx's build scripts).

use std::path::{Path, PathBuf};
use std::{env, fs, process};

use watcher_schema_core::chain::Chain;
use watcher_schema_core::head::write_head_model;
use watcher_schema_core::sql::render_schema;

const MIGRATIONS: &str = "../migrations";

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let dir = Path::new(MIGRATIONS);
    watch(dir);
    let chain = Chain::load(dir).map_err(|e| e.to_string())?;
    let schema = chain.schema_at_head().map_err(|e| e.to_string())?;
    let out_dir = env::var_os("OUT_DIR").ok_or("cargo did not set `OUT_DIR`")?;
    let head = chain.head().map(|m| m.version.as_str());
    write_head_model(Path::new(&out_dir), head, &render_schema(&schema))
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// `cargo:rerun-if-changed` for `path` and, for a directory, everything below it: a
/// directory's own mtime does not change when a file inside it is edited.
fn watch(path: &Path) {
    println!("cargo:rerun-if-changed={}", path.display());
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    children.sort();
    for child in children {
        watch(&child);
    }
}
