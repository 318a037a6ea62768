//! Compile-time behaviour of `#[watcher_table]`, `#[watcher_enum]` and `schema!`, pinned by
//! trybuild: what compiles, and every error message a user can read, with its span.
//!
//! `tests/ui.rs` runs the cases under `tests/ui/`:
//!
//! - `pass/`: code that must compile and whose Diesel code must type-check in use (joins,
//!   inserts through `New<Struct>`, updates, composite keys, enum/jsonb/numeric/array filters).
//! - one folder per kind of mistake, one mistake per file, each with its `.stderr`:
//!   `attr/` (malformed, unknown or repeated keys, bad values), `types/` (unsupported field
//!   types), `schema/` (names, keys and references that cannot work), and `drift-*/` (the
//!   struct and the migrations disagree: table, column, type, index, constraint, foreign
//!   key, primary key, enum).
//! - `fixtures/<name>/migrations/`: the migration chains the cases compare against, named
//!   with `migrations = "tests/ui/fixtures/<name>/migrations"`. `fixtures/watcher/` also
//!   holds `src/schema.rs`, the structs its chain was generated from with
//!   `watcher-schema revision --autogenerate --schema-src ...`; cases include it by `#[path]`.
//!
//! Bless changed messages with `TRYBUILD=overwrite cargo test -p ui-tests`, then review the
//! `.stderr` diff like code: it is the specification of what users read. Two of them
//! (`types/not-an-enum`, `schema/fk-not-a-table`) quote rustc's list of the schema crate's
//! own tables and enums, so they change when that crate gains one.
