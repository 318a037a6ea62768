//! The integration tests of watcher-schema, as one binary (one link, one throwaway cluster).
//! Each test gets its own database from [`watcher_schema_tests::TestDb`].

mod harness;
mod introspect;
mod replay;
mod support;

// These need `sql::render` and `sql::render_schema`, which are not on main yet; they are
// wired in by the merge that brings them.
// mod generated;
// mod random;
// mod roundtrip;
