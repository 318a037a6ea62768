//! Every attribute key of the grammar, named once. [`super::attr`] matches on these
//! constants; the `*_KEYS` lists feed the "unknown key" messages.
//!
//! Adding a key: a constant here, its entry in the list of the place it belongs, and one
//! branch in `attr.rs`.

use std::fmt;

use syn::{Ident, Path};

/// An attribute key, compared against idents and paths without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol(pub &'static str);

impl Symbol {
    /// The key as written.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The helper attribute on fields and variants: `#[watcher(...)]`.
pub const WATCHER: Symbol = Symbol("watcher");
/// The attribute macro on structs: `#[watcher_table(...)]`.
pub const WATCHER_TABLE: Symbol = Symbol("watcher_table");
/// The attribute macro on enums: `#[watcher_enum(...)]`.
pub const WATCHER_ENUM: Symbol = Symbol("watcher_enum");

/// `name = "..."`: table, enum type, index or constraint name.
pub const NAME: Symbol = Symbol("name");
/// `primary_key`: a field flag, or the struct-level list `primary_key(a, b)`.
pub const PRIMARY_KEY: Symbol = Symbol("primary_key");
/// `index(...)`.
pub const INDEX: Symbol = Symbol("index");
/// `unique_index(...)`, or the flag `unique` inside `index(...)`.
pub const UNIQUE_INDEX: Symbol = Symbol("unique_index");
/// `unique(...)` (a constraint), or the flag inside `index(...)`.
pub const UNIQUE: Symbol = Symbol("unique");
/// `check(name = "...", expr = "...")`.
pub const CHECK: Symbol = Symbol("check");
/// `migrations = "dir"`: where the macro reads the migration chain itself.
pub const MIGRATIONS: Symbol = Symbol("migrations");
/// `same_query = "fk_related_tables" | "all_tables" | "none";` in `schema!`: which tables
/// Diesel may use in one query (Diesel CLI's `allow_tables_to_appear_in_same_query_config`).
pub const SAME_QUERY: Symbol = Symbol("same_query");
/// `group(a, b)` in `schema!`: tables queried together beyond the foreign keys.
pub const GROUP: Symbol = Symbol("group");
/// `columns(a, b, "lower(name)")`.
pub const COLUMNS: Symbol = Symbol("columns");
/// `include(a, b)`.
pub const INCLUDE: Symbol = Symbol("include");
/// `where = "..."`: a partial-index predicate.
pub const WHERE: Symbol = Symbol("where");
/// `method = "btree"`.
pub const METHOD: Symbol = Symbol("method");
/// `expr = "..."`: a check constraint's expression.
pub const EXPR: Symbol = Symbol("expr");

/// `serial` / `serial = false`.
pub const SERIAL: Symbol = Symbol("serial");
/// `identity` / `identity = "always" | "by_default"`.
pub const IDENTITY: Symbol = Symbol("identity");
/// `default = "<sql expr>"`.
pub const DEFAULT: Symbol = Symbol("default");
/// `max_length = 150`.
pub const MAX_LENGTH: Symbol = Symbol("max_length");
/// `sql_type = "varchar"`.
pub const SQL_TYPE: Symbol = Symbol("sql_type");
/// `precision = 12`.
pub const PRECISION: Symbol = Symbol("precision");
/// `scale = 4`.
pub const SCALE: Symbol = Symbol("scale");
/// `references = Struct` or `references = "table"`.
pub const REFERENCES: Symbol = Symbol("references");
/// `references_column = "id"`.
pub const REFERENCES_COLUMN: Symbol = Symbol("references_column");
/// `on_delete = "cascade"`.
pub const ON_DELETE: Symbol = Symbol("on_delete");
/// `on_update = "cascade"`.
pub const ON_UPDATE: Symbol = Symbol("on_update");
/// `foreign_key_name = "..."`.
pub const FOREIGN_KEY_NAME: Symbol = Symbol("foreign_key_name");
/// `column = "sql_name"`: the column's name when it differs from the field's.
pub const COLUMN: Symbol = Symbol("column");

/// `backfill = "<sql expr>"`: what existing rows get when the column becomes NOT NULL.
pub const BACKFILL: Symbol = Symbol("backfill");
/// `using = "<sql expr>"`: how existing values convert when the column's type changes.
pub const USING: Symbol = Symbol("using");
/// `down_using = "<sql expr>"`: how values convert back when the way down reverts the
/// column's type change.
pub const DOWN_USING: Symbol = Symbol("down_using");
/// `renamed_from = "old"`: the column's or table's name before a rename.
pub const RENAMED_FROM: Symbol = Symbol("renamed_from");
/// `allow_destructive(...)`: the data-losing changes the user confirms.
pub const ALLOW_DESTRUCTIVE: Symbol = Symbol("allow_destructive");
/// `online = false`: the next generated migration is written in the plain blocking form.
pub const ONLINE: Symbol = Symbol("online");
/// `down_backfill(column = "<sql expr>")`: what the way down fills a column coming back
/// NOT NULL with.
pub const DOWN_BACKFILL: Symbol = Symbol("down_backfill");
/// `drop_column(a, b)` inside `allow_destructive(...)`.
pub const DROP_COLUMN: Symbol = Symbol("drop_column");
/// `change_type(a, b)` inside `allow_destructive(...)`.
pub const CHANGE_TYPE: Symbol = Symbol("change_type");
/// `change_primary_key` inside `allow_destructive(...)`.
pub const CHANGE_PRIMARY_KEY: Symbol = Symbol("change_primary_key");
/// `remove_label("A", "B")` inside an enum's `allow_destructive(...)`.
pub const REMOVE_LABEL: Symbol = Symbol("remove_label");

/// `rename_all = "SCREAMING_SNAKE_CASE"` on an enum.
pub const RENAME_ALL: Symbol = Symbol("rename_all");
/// `rename = "LABEL"` on a variant.
pub const RENAME: Symbol = Symbol("rename");

/// Keys of `#[watcher_table(...)]`.
pub const TABLE_KEYS: &[Symbol] = &[
    NAME,
    PRIMARY_KEY,
    INDEX,
    UNIQUE_INDEX,
    UNIQUE,
    CHECK,
    MIGRATIONS,
    RENAMED_FROM,
    ALLOW_DESTRUCTIVE,
    ONLINE,
    DOWN_BACKFILL,
];
/// Keys inside `index(...)` and `unique_index(...)`.
pub const INDEX_KEYS: &[Symbol] = &[NAME, UNIQUE, COLUMNS, INCLUDE, WHERE, METHOD];
/// Keys inside `unique(...)`.
pub const UNIQUE_KEYS: &[Symbol] = &[NAME, COLUMNS];
/// Keys inside `check(...)`.
pub const CHECK_KEYS: &[Symbol] = &[NAME, EXPR];
/// Keys of `#[watcher(...)]` on a field.
pub const FIELD_KEYS: &[Symbol] = &[
    PRIMARY_KEY,
    SERIAL,
    IDENTITY,
    DEFAULT,
    MAX_LENGTH,
    SQL_TYPE,
    PRECISION,
    SCALE,
    REFERENCES,
    REFERENCES_COLUMN,
    ON_DELETE,
    ON_UPDATE,
    FOREIGN_KEY_NAME,
    COLUMN,
    BACKFILL,
    USING,
    DOWN_USING,
    RENAMED_FROM,
];
/// Keys of `#[watcher_enum(...)]`.
pub const ENUM_KEYS: &[Symbol] = &[
    NAME,
    RENAME_ALL,
    MIGRATIONS,
    ALLOW_DESTRUCTIVE,
    RENAMED_FROM,
];
/// Keys inside a table's `allow_destructive(...)`.
pub const TABLE_DESTRUCTIVE_KEYS: &[Symbol] = &[DROP_COLUMN, CHANGE_TYPE, CHANGE_PRIMARY_KEY];
/// Keys inside an enum's `allow_destructive(...)`.
pub const ENUM_DESTRUCTIVE_KEYS: &[Symbol] = &[REMOVE_LABEL];
/// Keys of `schema!`, before its table modules.
pub const SCHEMA_KEYS: &[Symbol] = &[MIGRATIONS, SAME_QUERY];
/// Keys of `#[watcher(...)]` on an enum variant.
pub const VARIANT_KEYS: &[Symbol] = &[RENAME, RENAMED_FROM];

/// "`a`, `b`, `c`": a key list for messages.
pub fn list(keys: &[Symbol]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    quoted.join(", ")
}

/// The key closest to a misspelt `word`, if one is close enough to be the likely intent.
pub fn closest(word: &str, keys: &[Symbol]) -> Option<Symbol> {
    keys.iter()
        .map(|&k| (edit_distance(word, k.0), k))
        .filter(|&(d, k)| d <= (k.0.len() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Edit distance counting a swap of neighbours as one edit (optimal string alignment),
/// since `nmae` for `name` is the typical slip. The key lists are short: a full table is fine.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_key_only_when_close() {
        assert_eq!(closest("max_lenght", FIELD_KEYS), Some(MAX_LENGTH));
        assert_eq!(closest("primary", FIELD_KEYS), None);
        assert_eq!(closest("refrences", FIELD_KEYS), Some(REFERENCES));
        assert_eq!(closest("nmae", TABLE_KEYS), Some(NAME));
        assert_eq!(closest("zzzz", TABLE_KEYS), None);
    }

    #[test]
    fn symbols_compare_with_idents_and_paths() {
        let ident: Ident = syn::parse_quote!(serial);
        let path: Path = syn::parse_quote!(serial);
        assert!(ident == SERIAL);
        assert!(path == SERIAL);
        assert!(path != IDENTITY);
        assert_eq!(list(&[NAME, EXPR]), "`name`, `expr`");
    }
}
