//! The `watcher-schema` binary: everything lives in the library so tests can reach it.

fn main() {
    restore_sigpipe();
    std::process::exit(watcher_schema_cli::main());
}

/// Rust ignores SIGPIPE, so `println!` panics when the reader has gone
/// (`watcher-schema history | head`). Like other Unix tools, end quietly instead.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
