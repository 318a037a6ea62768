//! Library side of the watcher-schema CLI.

pub mod introspect;
