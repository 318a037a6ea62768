//! Struct source (`#[watcher_table]`, `#[watcher_enum]`) → [`crate::model::Schema`].
