//! The `watcher-schema` binary: everything lives in the library so tests can reach it.

fn main() {
    std::process::exit(watcher_schema_cli::main());
}
