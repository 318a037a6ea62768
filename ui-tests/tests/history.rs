//! Compile-time behaviour of the history keys (`backfill`, `renamed_from`,
//! `allow_destructive(...)`): accepted and stripped, never a cause of drift, and each
//! misuse named at its token. Bless with `TRYBUILD=overwrite cargo test -p ui-tests`.

#[test]
fn history_keys() {
    // Cases name their fixture migrations relative to this crate, but trybuild compiles them
    // in a generated project elsewhere: point the macros back here.
    std::env::set_var("WATCHER_SCHEMA_ROOT", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/history/pass/*.rs");
    t.compile_fail("tests/ui/history/*.rs");
}
