//! The integration tests of watcher-schema, as one binary (one link, one throwaway cluster).
//! Each test gets its own database from [`watcher_schema_tests::TestDb`].

mod boot;
mod check_agree;
mod expressions;
mod generated;
mod generator_rules;
mod harness;
mod history;
mod introspect;
mod layering;
mod online_rules;
mod populated_edits;
mod real_edits;
mod replay;
mod roundtrip;
mod schema_array;
mod schema_catalog;
mod schema_diesel;
mod schema_generated;
mod support;
