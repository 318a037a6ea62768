//! The generator on databases full of rows (issue 11 §3): a random schema, populated (NULLs
//! where allowed, duplicates where no key forbids them, foreign keys to existing parents,
//! serial ids with gaps, enum values in use), then one to three random edits in a row, each
//! planned with the hints a user would write and run the way the runner runs it: up, down,
//! up again. After each run the catalog is the schema the structs declare and no row or
//! untouched value has changed. A refused plan must say which attribute fixes it.
//!
//! `WATCHER_PROPTEST_SEED` and `WATCHER_PROPTEST_CASES` override the fixed seed and the
//! number of cases; a failure prints the seed, the edit, the SQL and the database error.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use diesel::PgConnection;
use postgres::Client;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use watcher_schema_cli::introspect::introspect;
use watcher_schema_core::diff::{plan, Destructive, Hints, PlanError};
use watcher_schema_core::head::render_schema;
use watcher_schema_core::model::{Schema, Table};
use watcher_schema_core::op::Op;
use watcher_schema_core::quote::{quote_ident, quote_literal};
use watcher_schema_core::sql::render;
use watcher_schema_core::testing::strategy::{edit_sequence, schema};
use watcher_schema_core::testing::values::{distinct_values, literal};
use watcher_schema_tests::TestDb;

use crate::support::{connect, db_error, run_migration, shape_differences};

const DEFAULT_SEED: u64 = 20260104;
const DEFAULT_CASES: u32 = 200;

/// One text for everything in `public` the model describes, independent of column order
/// and object ids: equal fingerprints, equal catalogs. Cheaper than reading the catalog into
/// a model, so a state already compared once is recognised by it.
const FINGERPRINT: &str = "
SELECT coalesce(md5(string_agg(x, E'\\n' ORDER BY x)), '') FROM (
  SELECT 'type ' || t.typname || ' ' || coalesce(string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder), '') AS x
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_enum e ON e.enumtypid = t.oid
  WHERE n.nspname = 'public' AND t.typtype = 'e' GROUP BY t.typname
  UNION ALL
  SELECT 'rel ' || c.relname || ' ' || c.relkind::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || ' ' || a.attnotnull || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'con ' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'idx ' || pg_get_indexdef(x.indexrelid) || ' ' || x.indisvalid
  FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT 'seq ' || c.relname || ' ' || format_type(s.seqtypid, NULL) || ' ' || s.seqstart || ' '
         || s.seqincrement || ' ' || s.seqmax || ' ' || s.seqmin || ' ' || s.seqcycle || ' '
         || coalesce((SELECT r.relname || '.' || a.attname FROM pg_depend d
                      JOIN pg_class r ON r.oid = d.refobjid
                      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '')
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
) AS catalog";

/// One case: a schema, the migrations that follow it, and the seed of its rows.
#[derive(Debug, Clone)]
struct Case {
    from: Schema,
    migrations: Vec<Migration>,
    rows_seed: u64,
}

/// One migration of a case.
#[derive(Debug, Clone)]
struct Migration {
    /// The schema the structs declare after the edit.
    to: Schema,
    /// The operations of the edit (what the user changed, so what their hints say).
    ops: Vec<Op>,
    /// The user asks for the online forms.
    online: bool,
    /// How thorough the user's attributes are.
    user: User,
}

/// The hints a user writes for an edit.
#[derive(Debug, Clone, Copy)]
enum User {
    /// Every rename, confirmation and backfill the edit needs.
    Careful,
    /// No confirmation or backfill: the plan must refuse, saying which attribute to add.
    Forgetful,
    /// Renames written as drop + add, confirmed with `--allow-destructive`: the plain
    /// diff's shape of the edit.
    DropsAndAdds,
}

fn case() -> impl Strategy<Value = Case> {
    (schema(), 1..=3usize).prop_flat_map(|(from, len)| {
        let user = prop_oneof![
            8 => Just(User::Careful),
            1 => Just(User::Forgetful),
            1 => Just(User::DropsAndAdds),
        ];
        let flags = (proptest::bool::weighted(0.3), user);
        (
            Just(from.clone()),
            edit_sequence(from, len),
            proptest::collection::vec(flags, len),
            any::<u64>(),
        )
            .prop_map(|(from, sequence, flags, rows_seed)| Case {
                from,
                migrations: sequence
                    .into_iter()
                    .zip(flags)
                    .map(|((to, ops), (online, user))| Migration {
                        to,
                        ops,
                        online,
                        user,
                    })
                    .collect(),
                rows_seed,
            })
    })
}

/// What happened to the migrations of all cases.
#[derive(Debug, Default)]
struct Tally {
    applied: usize,
    refused: usize,
    /// The down stopped at its guard (rows no value can be restored into), as designed.
    guarded_downs: usize,
    /// Not run: the edit adds a key or check that rows written by an earlier migration of
    /// the case break (the user would clean the data first; no generator can).
    data_conflicts: usize,
    online: usize,
    rows: usize,
}

/// splitmix64: the rows of a case follow from its seed alone.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A column's name before the strategy renamed it (`c0_r_r` → `c0`): rows are written
/// once, for every schema of the case, so constraints are gathered under that name.
fn base(column: &str) -> &str {
    let mut name = column;
    while let Some(stripped) = name.strip_suffix("_r") {
        name = stripped;
    }
    name
}

/// The constraints rows must meet across every schema of a case, by table and base name.
#[derive(Debug, Default)]
struct Keys {
    /// Columns whose values must differ row to row (one per unique key suffices).
    distinct: BTreeSet<(String, String)>,
    /// Columns that must hold no NULL: a check says so, or a distinct column becomes NOT
    /// NULL (a constant backfill would give its NULL rows one value).
    not_null: BTreeSet<(String, String)>,
}

impl Keys {
    fn of(schemas: &[&Schema]) -> Keys {
        let mut keys = Keys::default();
        let mut ever_not_null = BTreeSet::new();
        for schema in schemas {
            for table in schema.tables.values() {
                let at = |c: &str| (table.name.clone(), base(c).to_string());
                for key in unique_keys(table) {
                    // The column with the most values carries the key's distinctness.
                    let best = key
                        .iter()
                        .filter_map(|c| table.column(c))
                        .max_by_key(|c| distinct_values(schema, &c.ty).unwrap_or(u64::MAX));
                    if let Some(column) = best {
                        keys.distinct.insert(at(&column.name));
                    }
                }
                for check in table.checks.values() {
                    if let Some(column) = check.expr.as_str().strip_suffix(" IS NOT NULL") {
                        keys.not_null.insert(at(column.trim_matches(['(', ')'])));
                    }
                }
                for column in table.columns.iter().filter(|c| !c.nullable) {
                    ever_not_null.insert(at(&column.name));
                }
            }
        }
        keys.not_null
            .extend(keys.distinct.intersection(&ever_not_null).cloned());
        keys
    }
}

/// Every unique key of `table`: primary key, unique constraints, unique indexes.
fn unique_keys(table: &Table) -> Vec<Vec<String>> {
    let mut keys: Vec<Vec<String>> = table
        .primary_key
        .iter()
        .map(|k| k.columns.clone())
        .collect();
    keys.extend(table.uniques.values().map(|u| u.columns.clone()));
    keys.extend(
        table
            .indexes
            .values()
            .filter(|i| i.unique)
            .map(|i| i.columns.clone()),
    );
    keys
}

/// The test's one database and its connections.
struct Db {
    _db: TestDb,
    client: Client,
    conn: PgConnection,
}

impl Db {
    fn new() -> Db {
        let db = TestDb::new();
        Db {
            client: db.client(),
            conn: connect(&db),
            _db: db,
        }
    }

    fn execute(&mut self, sql: &str) -> Result<(), String> {
        self.client
            .batch_execute(sql)
            .map_err(|e| format!("{}\n--- sql ---\n{sql}", db_error(&e)))
    }

    fn catalog(&mut self) -> Schema {
        introspect(&mut self.conn).unwrap_or_else(|e| panic!("introspection failed: {e}"))
    }

    /// Checks that the catalog is `expected`, returning its fingerprint. When the
    /// fingerprint is `verified` (that of a state already compared equal to `expected`),
    /// that is proof enough; otherwise the catalog is read and compared (the one
    /// comparison, column order aside), and the differences are the error.
    fn lands(&mut self, expected: &Schema, verified: Option<&str>) -> Result<String, String> {
        let fingerprint = self.fingerprint()?;
        if verified == Some(fingerprint.as_str()) {
            return Ok(fingerprint);
        }
        let found = shape_differences("the catalog", &self.catalog(), "the model", expected);
        match found.is_empty() {
            true => Ok(fingerprint),
            false => Err(format!("the catalog differs:\n{}", found.join("\n"))),
        }
    }

    fn fingerprint(&mut self) -> Result<String, String> {
        let row = self
            .client
            .query_one(FINGERPRINT, &[])
            .map_err(|e| db_error(&e))?;
        Ok(row.get(0))
    }

    fn count(&mut self, table: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM {}", quote_ident(table));
        self.client
            .query_one(&sql, &[])
            .unwrap_or_else(|e| panic!("{}: {sql}", db_error(&e)))
            .get(0)
    }

    /// Per table, in one query: `"<rows> <md5>"` of the given columns, independent of row
    /// order, or `"<rows>"` where no columns are given.
    fn rows(&mut self, tables: &[(String, Option<Vec<String>>)]) -> BTreeMap<String, String> {
        if tables.is_empty() {
            return BTreeMap::new();
        }
        let parts: Vec<String> = tables
            .iter()
            .map(|(table, columns)| {
                let table = quote_ident(table);
                match columns {
                    None => format!("(SELECT count(*)::text FROM {table})"),
                    Some(columns) => {
                        let mut list: Vec<String> =
                            columns.iter().map(|c| quote_ident(c).into_owned()).collect();
                        list.push("0".into());
                        format!(
                            "(SELECT count(*) || ' ' || coalesce(md5(string_agg(r, ',' ORDER BY r)), '') \
                             FROM (SELECT ROW({})::text AS r FROM {table}) AS rows)",
                            list.join(", ")
                        )
                    }
                }
            })
            .collect();
        let sql = format!("SELECT {}", parts.join(", "));
        let row = self
            .client
            .query_one(&sql, &[])
            .unwrap_or_else(|e| panic!("{}: {sql}", db_error(&e)));
        tables
            .iter()
            .enumerate()
            .map(|(i, (table, _))| (table.clone(), row.get(i)))
            .collect()
    }

    /// Fills the empty tables of `schema` among `tables`, parents first.
    fn populate(
        &mut self,
        schema: &Schema,
        tables: &BTreeSet<String>,
        keys: &Keys,
        rng: &mut Rng,
    ) -> Result<usize, String> {
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut written = 0;
        while done.len() < schema.tables.len() {
            let ready: Vec<&Table> = schema
                .tables
                .values()
                .filter(|t| !done.contains(t.name.as_str()))
                .filter(|t| {
                    t.foreign_keys
                        .values()
                        .all(|fk| fk.ref_table == t.name || done.contains(fk.ref_table.as_str()))
                })
                .collect();
            assert!(!ready.is_empty(), "foreign keys in a cycle: {schema:?}");
            for table in ready {
                done.insert(&table.name);
                if tables.contains(&table.name) && self.count(&table.name) == 0 {
                    written += self.fill(schema, table, keys, rng)?;
                }
            }
        }
        Ok(written)
    }

    /// Writes 5 to 30 rows into `table` (fewer when a unique column has fewer values),
    /// then deletes some of a serial or identity key's rows, leaving gaps.
    fn fill(
        &mut self,
        schema: &Schema,
        table: &Table,
        keys: &Keys,
        rng: &mut Rng,
    ) -> Result<usize, String> {
        let at = |c: &str| (table.name.clone(), base(c).to_string());
        let mut parents: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for fk in table.foreign_keys.values() {
            let sql = format!(
                "SELECT {}::text FROM {}",
                quote_ident(&fk.ref_columns[0]),
                quote_ident(&fk.ref_table)
            );
            let ids = self
                .client
                .query(&sql, &[])
                .map_err(|e| db_error(&e))?
                .iter()
                .map(|row| row.get(0))
                .collect();
            parents.insert(&fk.columns[0], ids);
        }
        let mut rows = 5 + rng.below(26);
        for column in &table.columns {
            if !keys.distinct.contains(&at(&column.name)) {
                continue;
            }
            let room = match parents.get(column.name.as_str()) {
                Some(ids) => Some(ids.len() as u64),
                None => distinct_values(schema, &column.ty),
            };
            rows = rows.min(room.unwrap_or(u64::MAX));
        }
        for column in &table.columns {
            let parent_ids = parents.get(column.name.as_str());
            if !column.nullable && parent_ids.is_some_and(Vec::is_empty) {
                rows = 0;
            }
        }
        if rows == 0 {
            return Ok(0);
        }
        let mut values = Vec::new();
        for row in 0..rows {
            let mut fields = Vec::new();
            for column in &table.columns {
                let distinct = keys.distinct.contains(&at(&column.name));
                let may_be_null = column.nullable && !keys.not_null.contains(&at(&column.name));
                let n = if distinct { row } else { rng.below(4) };
                let parent_ids = parents.get(column.name.as_str());
                // A default of a foreign-key column need not name a parent.
                let field = if column.generated.is_some()
                    || (column.default.is_some()
                        && parent_ids.is_none()
                        && !distinct
                        && rng.below(5) == 0)
                {
                    "DEFAULT".to_string()
                } else if may_be_null && rng.below(4) == 0 {
                    "NULL".to_string()
                } else if let Some(ids) = parent_ids {
                    match ids.is_empty() {
                        true => "NULL".to_string(),
                        false => quote_literal(&ids[(n as usize) % ids.len()]),
                    }
                } else {
                    literal(schema, &column.ty, n)
                };
                fields.push(field);
            }
            values.push(format!("({})", fields.join(", ")));
        }
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| quote_ident(&c.name).into_owned())
            .collect();
        let name = quote_ident(&table.name);
        self.execute(&format!(
            "INSERT INTO {name} ({}) VALUES {}",
            columns.join(", "),
            values.join(", ")
        ))?;
        let mut kept = rows as usize;
        if let Some(id) = table.columns.iter().find(|c| c.generated.is_some()) {
            let id = quote_ident(&id.name);
            let deleted = self
                .client
                .execute(&format!("DELETE FROM {name} WHERE {id} % 4 = 2"), &[])
                .map_err(|e| db_error(&e))?;
            kept -= deleted as usize;
        }
        Ok(kept)
    }
}

/// The hints a user would write for `ops`: renames as `renamed_from`, every drop and type
/// change confirmed, a backfill for each column that becomes NOT NULL without a default.
fn user_hints(from: &Schema, to: &Schema, ops: &[Op], online: bool, user: User) -> Hints {
    let mut hints = Hints {
        online,
        allow_destructive: matches!(user, User::DropsAndAdds),
        ..Hints::default()
    };
    // Renames compose (`c0` → `c0_r` → `c0_r_r`); a column dropped or added meanwhile is none.
    let mut renamed: BTreeMap<(String, String), String> = BTreeMap::new();
    for op in ops {
        match op {
            Op::RenameColumn {
                table,
                from: old,
                to: new,
            } => {
                let original = renamed
                    .iter()
                    .find(|((t, _), now)| t == table && *now == old)
                    .map(|(key, _)| key.1.clone())
                    .unwrap_or_else(|| old.clone());
                renamed.insert((table.clone(), original), new.clone());
            }
            Op::DropColumn { table, column } => {
                let original = renamed
                    .iter()
                    .find(|((t, _), now)| t == table && *now == column)
                    .map(|(key, _)| key.1.clone())
                    .unwrap_or_else(|| column.clone());
                renamed.remove(&(table.clone(), original.clone()));
                hints = hints.allow(Destructive::DropColumn {
                    table: table.clone(),
                    column: original,
                });
            }
            Op::DropTable { name } => {
                hints = hints.allow(Destructive::DropTable {
                    table: name.clone(),
                })
            }
            Op::AlterColumnType { table, column, .. } => {
                hints = hints.allow(Destructive::ChangeType {
                    table: table.clone(),
                    column: column.clone(),
                })
            }
            _ => {}
        }
    }
    if matches!(user, User::DropsAndAdds) {
        renamed.clear();
    }
    for ((table, old), new) in renamed {
        let existed = from.table(&table).is_some_and(|t| t.column(&old).is_some());
        let exists = to.table(&table).is_some_and(|t| t.column(&new).is_some());
        if existed && exists && old != new {
            hints = hints.rename_column(&table, &old, &new);
        }
    }
    for table in to.tables.values() {
        let Some(before) = from.table(&table.name) else {
            continue;
        };
        for column in &table.columns {
            let old = hints
                .column_renames
                .iter()
                .find(|((t, _), new)| *t == table.name && **new == column.name)
                .map_or(column.name.as_str(), |((_, old), _)| old.as_str());
            let was_nullable = before.column(old).is_none_or(|c| c.nullable);
            if !column.nullable && was_nullable && column.default.is_none() {
                hints = hints.backfill(&table.name, &column.name, &literal(to, &column.ty, 1));
            }
        }
    }
    if matches!(user, User::Forgetful) {
        // Renames stay (the fields say `renamed_from`); confirmations and fills do not.
        hints.allowed.clear();
        hints.backfills.clear();
    }
    hints
}

/// For each table both schemas have, the columns whose values the migration keeps: name in
/// `from`, name in `to` (renames followed), and whether the type changes (the values then
/// read differently until the way back restores the type).
fn columns_kept(
    from: &Schema,
    to: &Schema,
    hints: &Hints,
) -> BTreeMap<String, Vec<(String, String, bool)>> {
    let mut kept = BTreeMap::new();
    for table in from.tables.values() {
        let Some(after) = to.table(&table.name) else {
            continue;
        };
        let pairs = table
            .columns
            .iter()
            .filter_map(|c| {
                let new = hints
                    .column_renames
                    .get(&(table.name.clone(), c.name.clone()))
                    .unwrap_or(&c.name);
                let now = after.column(new)?;
                // A column made NOT NULL is backfilled: its NULLs change, by design.
                let tightened = c.nullable && !now.nullable;
                (!tightened).then(|| (c.name.clone(), new.clone(), c.ty != now.ty))
            })
            .collect();
        kept.insert(table.name.clone(), pairs);
    }
    kept
}

/// Whether `to` adds a unique key or a NOT NULL check on a column whose rows were not
/// written for it (a column added by a migration of the case holds NULL, a default or a
/// backfill, in every row).
fn breaks_rows(
    from: &Schema,
    to: &Schema,
    keys: &Keys,
    written: &BTreeSet<(String, String)>,
) -> bool {
    to.tables.values().any(|table| {
        let before = from.table(&table.name);
        let new_key = |key: &Vec<String>| {
            before.is_none_or(|b| !unique_keys(b).contains(key))
                && !key.iter().any(|c| {
                    let at = (table.name.clone(), base(c).to_string());
                    written.contains(&at) && keys.distinct.contains(&at)
                })
        };
        let new_check = table.checks.values().any(|check| {
            let Some(column) = check.expr.as_str().strip_suffix(" IS NOT NULL") else {
                return false;
            };
            let at = (table.name.clone(), base(column).to_string());
            !written.contains(&at) && before.is_some_and(|b| !b.checks.values().any(|c| c == check))
        });
        before.is_some() && (unique_keys(table).iter().any(new_key) || new_check)
    })
}

/// Every problem of a refusal names what it is about and the fix.
fn check_refusal(error: &PlanError, from: &Schema, to: &Schema) -> Result<(), TestCaseError> {
    for problem in &error.problems {
        let message = problem.to_string();
        let names_table = from
            .tables
            .keys()
            .chain(to.tables.keys())
            .any(|t| message.contains(&format!("`{t}")));
        let names_fix = message.contains("\nhelp: ")
            && (message.contains("#[watcher") || message.contains("--allow-destructive"));
        prop_assert!(
            names_table && names_fix,
            "a refusal without the field or the fix:\n{message}"
        );
    }
    Ok(())
}

/// Runs one case; every failure carries the edit, the SQL and the database error.
fn run_case(db: &mut Db, case: &Case, tally: &mut Tally) -> Result<(), TestCaseError> {
    let fail = |what: String| TestCaseError::fail(what);
    db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        .map_err(fail)?;
    db.execute(&render_schema(&case.from)).map_err(fail)?;
    // `render_schema` builds `from` (the round-trip tests hold it): its fingerprint is
    // what the way back must return to.
    let mut verified = db.fingerprint().map_err(fail)?;
    let schemas: Vec<&Schema> = std::iter::once(&case.from)
        .chain(case.migrations.iter().map(|m| &m.to))
        .collect();
    let keys = Keys::of(&schemas);
    let mut rng = Rng(case.rows_seed);
    let all: BTreeSet<String> = case.from.tables.keys().cloned().collect();
    tally.rows += db
        .populate(&case.from, &all, &keys, &mut rng)
        .map_err(fail)?;
    let mut written: BTreeSet<(String, String)> = columns_of(&case.from, &all);

    let mut from = case.from.clone();
    for (i, migration) in case.migrations.iter().enumerate() {
        let Migration {
            to,
            ops,
            online,
            user,
        } = migration;
        if from == *to {
            continue;
        }
        // A rename written as drop + add loses the values the rows were written with.
        let mut intact = written.clone();
        if matches!(user, User::DropsAndAdds) {
            for op in ops {
                if let Op::RenameColumn { table, to, .. } = op {
                    intact.remove(&(table.clone(), base(to).to_string()));
                }
            }
        }
        if breaks_rows(&from, to, &keys, &intact) {
            tally.data_conflicts += 1;
            return Ok(());
        }
        let hints = user_hints(&from, to, ops, *online, *user);
        let context = |sql: &str| {
            format!(
                "migration {} of {}{}\n--- the edit ---\n{ops:#?}\n--- differences (from, to) ---\n{}\n--- hints ---\n{hints:?}\n--- sql ---\n{sql}",
                i + 1,
                case.migrations.len(),
                if *online { " (online)" } else { "" },
                shape_differences("from", &from, "to", to).join("\n"),
            )
        };
        let plan = match plan(&from, to, &hints) {
            Ok(plan) => plan,
            Err(error) => {
                check_refusal(&error, &from, to)?;
                tally.refused += 1;
                return Ok(());
            }
        };
        tally.applied += 1;
        tally.online += usize::from(!plan.run_in_transaction);
        let kept = columns_kept(&from, to, &hints);
        let (up, down) = (render(&plan.up), render(&plan.down));

        // What the rows of `expected` should read: a table both sides have keeps its rows
        // and untouched values; one the migration creates, or drops and the way back
        // restores, is empty.
        // What to read of the rows of `expected` (`to` with `new_names`, else `from`): a
        // table both sides have keeps its rows and untouched values, those of columns that
        // change type too once the way back restores it; a table the migration creates, or
        // drops and the way back restores, is empty.
        let reading = |expected: &Schema,
                       new_names: bool,
                       retyped: bool|
         -> Vec<(String, Option<Vec<String>>)> {
            expected
                .tables
                .keys()
                .map(|table| {
                    let columns = kept.get(table).map(|columns| {
                        columns
                            .iter()
                            .filter(|(_, _, changes_type)| retyped || !changes_type)
                            .map(|(old, new, _)| if new_names { new } else { old }.clone())
                            .collect()
                    });
                    (table.clone(), columns)
                })
                .collect()
        };
        let before_down = db.rows(&reading(&from, false, true));
        let before_up = db.rows(&reading(&from, false, false));
        let expect = |expected: &Schema, new_names: bool| -> BTreeMap<String, String> {
            let before = if new_names { &before_up } else { &before_down };
            expected
                .tables
                .keys()
                .map(|table| {
                    let value = match kept.contains_key(table) {
                        true => before[table].clone(),
                        false => "0".to_string(),
                    };
                    (table.clone(), value)
                })
                .collect()
        };

        let run = |db: &mut Db, direction: &str, sql: &str| {
            run_migration(&mut db.client, sql, plan.run_in_transaction)
                .map_err(|e| fail(format!("{direction} failed: {e}\n{}", context(sql))))
        };
        // The catalog is `expected`, and every table kept its rows and untouched values.
        let landed = |db: &mut Db,
                      when: &str,
                      expected: &Schema,
                      verified: Option<&str>,
                      new_names: bool,
                      sql: &str|
         -> Result<String, TestCaseError> {
            let fingerprint = db
                .lands(expected, verified)
                .map_err(|e| fail(format!("{when}: {e}\n{}", context(sql))))?;
            let found = db.rows(&reading(expected, new_names, !new_names));
            prop_assert_eq!(
                &found,
                &expect(expected, new_names),
                "{}: rows or untouched values changed (`<rows> <md5>` per table; kept columns {:?})\n{}",
                when,
                &kept,
                context(sql)
            );
            Ok(fingerprint)
        };
        run(db, "up", &up)?;
        let upgraded = landed(db, "after up", to, None, true, &up)?;

        match run_migration(&mut db.client, &down, plan.run_in_transaction) {
            Err(e) if e.starts_with("P0001: cannot downgrade") => {
                // The guard stops the way back before it touches anything.
                landed(db, "after a guarded down", to, Some(&upgraded), true, &down)?;
                tally.guarded_downs += 1;
            }
            Err(e) => return Err(fail(format!("down failed: {e}\n{}", context(&down)))),
            Ok(()) => {
                landed(db, "after down", &from, Some(&verified), false, &down)?;
                run(db, "up again", &up)?;
                landed(db, "after up again", to, Some(&upgraded), true, &up)?;
            }
        }
        verified = upgraded;

        // Tables the migration created get rows before the next one.
        let new: BTreeSet<String> = to
            .tables
            .keys()
            .filter(|t| !from.tables.contains_key(*t))
            .cloned()
            .collect();
        tally.rows += db.populate(to, &new, &keys, &mut rng).map_err(fail)?;
        written.extend(columns_of(to, &new));
        from = to.clone();
    }
    Ok(())
}

/// `(table, base column)` of every column of `tables` in `schema`.
fn columns_of(schema: &Schema, tables: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    tables
        .iter()
        .filter_map(|t| schema.table(t))
        .flat_map(|t| {
            t.columns
                .iter()
                .map(|c| (t.name.clone(), base(&c.name).to_string()))
        })
        .collect()
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
    )
}

#[test]
fn random_edit_sequences_go_up_and_down_on_populated_databases() {
    let seed = env_number("WATCHER_PROPTEST_SEED").unwrap_or(DEFAULT_SEED);
    let cases = env_number("WATCHER_PROPTEST_CASES").map_or(DEFAULT_CASES, |n| n as u32);
    let config = Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        // Each shrinking step runs a case on the database: keep the search short.
        max_shrink_iters: 200,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let started = std::time::Instant::now();
    let db = RefCell::new(Db::new());
    let tally = RefCell::new(Tally::default());
    let result = runner.run(&case(), |case| {
        run_case(&mut db.borrow_mut(), &case, &mut tally.borrow_mut())
    });
    let tally = tally.into_inner();
    eprintln!(
        "{cases} cases (seed {seed}) in {:.1} s: {tally:?}",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}\nrerun with WATCHER_PROPTEST_SEED={seed} WATCHER_PROPTEST_CASES={cases}");
    }
    let planned = tally.applied + tally.refused;
    assert!(
        tally.applied * 10 >= planned * 6,
        "only {} of {planned} migrations were planned: the test has become vacuous",
        tally.applied
    );
}
