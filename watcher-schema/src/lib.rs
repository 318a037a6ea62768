//! The Watcher schema.

// The macros name this crate's items as `::watcher_schema::…`, also when it expands them.
extern crate self as watcher_schema;

pub use watcher_schema_macros::{schema, watcher_enum, watcher_table};

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
