//! Validates `../migrations` as a linear chain, replays it to its head and writes the head
//! model into `OUT_DIR`, where `#[watcher_table]` compares the structs against it.
//!
//! A broken chain fails the build with the chain's own message, which names the files and
//! the fix. Every file and directory under `migrations/` is watched, so a new or edited
//! migration always reruns this script (a known hole in diesel's and sqlx's build scripts).

use std::path::{Path, PathBuf};
use std::{env, fs, process};

use watcher_schema_core::head::write_build_model;

const MIGRATIONS: &str = "../migrations";

fn main() {
    let dir = Path::new(MIGRATIONS);
    // Watch first: a chain that fails to load must still rerun once it is fixed.
    watch(dir);
    let Some(out_dir) = env::var_os("OUT_DIR") else {
        fail("cargo did not set `OUT_DIR`; run this build script through cargo");
    };
    if let Err(err) = write_build_model(dir, Path::new(&out_dir)) {
        fail(&err.to_string());
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    process::exit(1);
}

/// `cargo:rerun-if-changed` for `path` and everything below it.
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
