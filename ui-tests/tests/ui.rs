//! Compile-time behaviour of `#[watcher_table]`, `#[watcher_enum]` and `schema!`: each
//! `.stderr` file is the specification of what a user reads.
//! Bless with `TRYBUILD=overwrite cargo test -p ui-tests` and review the diff like code.

#[test]
fn ui() {
    // Cases name their fixture migrations relative to this crate, but trybuild compiles them
    // in a generated project elsewhere: point the macros back here.
    std::env::set_var("WATCHER_SCHEMA_ROOT", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    for category in [
        "attr",
        "drift-column",
        "drift-enum",
        "drift-fk",
        "schema",
        "type",
    ] {
        t.compile_fail(format!("tests/ui/{category}/*.rs"));
    }
}
