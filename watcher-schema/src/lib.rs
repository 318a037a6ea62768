//! The Watcher schema.
