//! Library side of the watcher-schema CLI.
