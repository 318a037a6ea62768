//! Compile-time behaviour of watcher-schema, pinned by trybuild (see `tests/`).
