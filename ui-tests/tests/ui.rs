//! The compiler's view of `#[watcher_table]`, `#[watcher_enum]` and `schema!`: cases that
//! must compile, and cases whose errors are pinned in `.stderr` files beside them.
//!
//! Bless changed messages with `TRYBUILD=overwrite cargo test -p ui-tests`, then review the
//! `.stderr` diff like code: it is what users read.

use std::env;

#[test]
fn ui() {
    // The cases name fixture migrations as `migrations = "tests/ui/fixtures/..."`; trybuild
    // compiles them in a generated crate elsewhere, so the macros resolve relative paths
    // against this crate instead (the variable reaches rustc through cargo).
    env::set_var("WATCHER_SCHEMA_ROOT", env!("CARGO_MANIFEST_DIR"));

    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    for category in [
        "attr",
        "types",
        "schema",
        "same-query",
        "drift-table",
        "drift-column",
        "drift-type",
        "drift-index",
        "drift-constraint",
        "drift-fk",
        "drift-pk",
        "drift-enum",
    ] {
        t.compile_fail(format!("tests/ui/{category}/*.rs"));
    }
}
