//! The migrations of the `watcher-schema` crate, applied by its embedded runner to an empty
//! PostgreSQL up to 20251005124405, build exactly the reference schema of that revision;
//! reverting them to base leaves no table, sequence or enum type behind. Facts come from the
//! catalog, not Diesel. The history after it is held by `history_steps`.

use std::collections::BTreeMap;

use diesel::{Connection, PgConnection};
use watcher_schema::{Action, Target};
use watcher_schema_core::model::Schema;
use watcher_schema_core::replay::replay;
use watcher_schema_tests::TestDb;

use crate::support::{assert_same, catalog, db_error, execute, REFERENCE_SQL};

/// The catalog queries whose text must agree between the migrated database and the
/// reference, one fact per row; the migration ledger is left out.
const FACTS: &[(&str, &str)] = &[
    (
        "column",
        "SELECT format('%s #%s %s %s %s%s', c.relname, a.attnum, a.attname,
                       format_type(a.atttypid, a.atttypmod),
                       CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
                       coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), ''))
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
           AND a.attnum > 0 AND NOT a.attisdropped",
    ),
    (
        "constraint",
        "SELECT format('%s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
         FROM pg_constraint c
         WHERE c.connamespace = 'public'::regnamespace",
    ),
    (
        "index",
        "SELECT pg_get_indexdef(i.indexrelid)
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relnamespace = 'public'::regnamespace",
    ),
    (
        "sequence",
        "SELECT format('%s %s start %s increment %s min %s max %s cache %s cycle %s owned by %s.%s',
                       s.seqrelid::regclass, format_type(s.seqtypid, NULL), s.seqstart,
                       s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                       d.refobjid::regclass, a.attname)
         FROM pg_sequence s
         JOIN pg_class c ON c.oid = s.seqrelid
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
              AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
         LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE c.relnamespace = 'public'::regnamespace",
    ),
    (
        "enum",
        "SELECT format('%s (%s)', t.typname,
                       string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder))
         FROM pg_type t
         JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE t.typnamespace = 'public'::regnamespace
         GROUP BY t.typname",
    ),
];

/// Objects of the runner's bookkeeping, which are not part of the schema.
fn is_bookkeeping(fact: &str) -> bool {
    fact.contains("__diesel_schema_migrations") || fact.contains("__watcher")
}

/// Every fact of [`FACTS`] in `db`, sorted, by kind.
fn catalog_facts(db: &TestDb) -> BTreeMap<&'static str, Vec<String>> {
    let mut client = db.client();
    FACTS
        .iter()
        .map(|(kind, query)| {
            let rows = client
                .query(*query, &[])
                .unwrap_or_else(|e| panic!("catalog query for {kind}s failed: {}", db_error(&e)));
            let mut facts: Vec<String> = rows
                .iter()
                .map(|row| row.get::<_, String>(0))
                .filter(|fact| !is_bookkeeping(fact))
                .collect();
            facts.sort();
            (*kind, facts)
        })
        .collect()
}

/// The revision the reference schema `watcher-20251005124405.sql` describes.
const SEED: &str = "20251005124405";

/// Applies the embedded migrations up to [`SEED`] to `db` through the crate's runner.
fn migrate(db: &TestDb) -> PgConnection {
    let mut conn = PgConnection::establish(db.url())
        .unwrap_or_else(|e| panic!("diesel could not connect to {}: {e}", db.name()));
    let report = watcher_schema::runner()
        .and_then(|runner| runner.upgrade_to(&mut conn, &Target::Version(SEED.into())))
        .unwrap_or_else(|e| panic!("the embedded migrations failed: {e}"));
    let ran: Vec<(&str, &Action)> = report
        .migrations
        .iter()
        .map(|m| (m.name.as_str(), &m.action))
        .collect();
    assert_eq!(ran, [("20251005124405_initial", &Action::Upgrade)]);
    conn
}

#[test]
fn migrations_build_the_reference_model() {
    let db = TestDb::new();
    migrate(&db);
    let mut reference = Schema::default();
    replay(&mut reference, REFERENCE_SQL, "watcher-20251005124405.sql")
        .unwrap_or_else(|e| panic!("the reference does not replay: {e}"));
    assert_same("the reference schema", &reference, &catalog(&db));
}

#[test]
fn migrations_build_the_reference_catalog_text() {
    let migrated = TestDb::new();
    migrate(&migrated);
    let reference = TestDb::new();
    execute(&reference, REFERENCE_SQL);

    let (ours, theirs) = (catalog_facts(&migrated), catalog_facts(&reference));
    let mut differences = Vec::new();
    for (kind, expected) in &theirs {
        let actual = &ours[kind];
        assert!(!expected.is_empty(), "the reference has no {kind}s");
        differences.extend(
            expected
                .iter()
                .filter(|f| !actual.contains(f))
                .map(|f| format!("- {kind}: {f}")),
        );
        differences.extend(
            actual
                .iter()
                .filter(|f| !expected.contains(f))
                .map(|f| format!("+ {kind}: {f}")),
        );
    }
    assert!(
        differences.is_empty(),
        "the migrated catalog differs from the reference (`-` reference only, `+` migrated only):\n{}",
        differences.join("\n")
    );
}

#[test]
fn downgrade_to_base_leaves_no_table_sequence_or_enum() {
    let db = TestDb::new();
    let mut conn = migrate(&db);
    // 12 tables, the 8 sequences of their serial keys, 2 enum types.
    assert_eq!(schema_objects(&db).len(), 22, "{:?}", schema_objects(&db));
    let report = watcher_schema::runner()
        .and_then(|runner| runner.downgrade_to(&mut conn, &Target::Base))
        .unwrap_or_else(|e| panic!("downgrade to base failed: {e}"));
    assert_eq!(report.migrations.len(), 1, "{report}");
    assert_eq!(report.migrations[0].action, Action::Downgrade);

    let left = schema_objects(&db);
    assert!(
        left.is_empty(),
        "down.sql left these behind: {}",
        left.join(", ")
    );
}

/// The tables, sequences and enum types in `public`, but the runner's bookkeeping.
fn schema_objects(db: &TestDb) -> Vec<String> {
    db.client()
        .query(
            "SELECT format('%s %s', CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END,
                           c.relname)
             FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S')
             UNION ALL
             SELECT format('type %s', t.typname)
             FROM pg_type t
             WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'",
            &[],
        )
        .unwrap_or_else(|e| panic!("catalog query failed: {}", db_error(&e)))
        .iter()
        .map(|row| row.get::<_, String>(0))
        .filter(|object| !is_bookkeeping(object))
        .collect()
}
