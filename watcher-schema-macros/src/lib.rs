//! `#[watcher_table]` and `#[watcher_enum]`.
