//! The shared core of watcher-schema: the schema model and every step that produces,
//! compares or prints it. Used by the proc macros, build scripts and the CLI alike.
//!
//! Data flows one way: struct source ([`structs`]) or migration SQL ([`replay`]) →
//! [`model::Schema`] → [`diff`] → [`op::Op`]s → [`sql`] text. [`chain`] reads and
//! validates the migration directory, [`steps`] cuts an online one into steps; [`lint`] finds
//! its statements that are risky on a database that holds data; [`compare`] is the one test of
//! whether two schemas are equal; [`diagram`] draws a schema as Mermaid or DOT.
#![warn(missing_docs)]

pub mod chain;
pub mod compare;
#[cfg(feature = "structs")]
pub mod diag;
pub mod diagram;
pub mod diff;
pub mod expr;
pub mod head;
pub mod lint;
pub mod model;
pub mod op;
pub mod quote;
pub mod replay;
pub mod sql;
pub mod squash;
pub mod steps;
#[cfg(feature = "structs")]
pub mod structs;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod type_change;
