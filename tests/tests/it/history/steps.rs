//! Every version of the history has the catalog it should: a fresh database upgraded to it
//! equals the chain replayed to it (the references at the seed and the head) and shows
//! each change exactly from its version on; downgrading from head one step at a time
//! passes back through every state and ends with nothing, enum types included.

use watcher_schema_tests::TestDb;

use super::{
    connect, downgrade_one, reference, replayed, sorted_columns, texts, upgrade_to, versions,
    CHANGES, HEAD, HEAD_SQL, SEED,
};
use crate::support::{assert_models_equal, assert_same, catalog, REFERENCE_SQL};

/// Something the catalog says about one object, as text (`None`: the object is absent).
enum Object {
    /// `format_type`, nullability and default of a column.
    Column(&'static str, &'static str),
    /// `pg_get_indexdef` of an index.
    Index(&'static str),
    /// `pg_get_constraintdef` of a constraint.
    Constraint(&'static str),
}

impl Object {
    fn read(&self, db: &TestDb) -> Option<String> {
        let query = match self {
            Object::Column(table, column) => format!(
                "SELECT format('%s %s%s', format_type(a.atttypid, a.atttypmod),
                               CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
                               coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), ''))
                 FROM pg_attribute a
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = to_regclass('{table}') AND a.attname = '{column}'
                   AND NOT a.attisdropped"
            ),
            Object::Index(name) => format!(
                "SELECT pg_get_indexdef(to_regclass('{name}'))
                 WHERE to_regclass('{name}') IS NOT NULL"
            ),
            Object::Constraint(name) => format!(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '{name}'"
            ),
        };
        let mut found = texts(db, &query);
        assert!(found.len() <= 1, "{} rows for {query}", found.len());
        found.pop()
    }
}

/// One fact of one change: what the catalog says before its version and from it on.
struct Fact {
    version: &'static str,
    object: Object,
    before: Option<&'static str>,
    after: Option<&'static str>,
}

const FACTS: &[Fact] = &[
    Fact {
        version: "20251007183231",
        object: Object::Column("pipeline_execution", "full_load"),
        before: Some("boolean NULL"),
        after: None,
    },
    Fact {
        version: "20251008100712",
        object: Object::Column("pipeline", "input_hash"),
        before: None,
        after: Some("character varying(20) NOT NULL"),
    },
    Fact {
        version: "20251011103728",
        object: Object::Column("address", "input_hash"),
        before: None,
        after: Some("character varying(20) NOT NULL"),
    },
    Fact {
        version: "20251018195622",
        object: Object::Column("address_lineage_closure", "lineage_path"),
        before: None,
        after: Some("integer[] NOT NULL"),
    },
    Fact {
        version: "20251018195622",
        object: Object::Index("ix_address_lineage_closure_depth_source_include"),
        before: Some(
            "CREATE INDEX ix_address_lineage_closure_depth_source_include ON \
             public.address_lineage_closure USING btree (source_address_id, depth) \
             INCLUDE (target_address_id)",
        ),
        after: Some(
            "CREATE INDEX ix_address_lineage_closure_depth_source_include ON \
             public.address_lineage_closure USING btree (source_address_id, depth) \
             INCLUDE (target_address_id, lineage_path)",
        ),
    },
    Fact {
        version: "20251018195622",
        object: Object::Index("ix_address_lineage_closure_depth_target_include"),
        before: Some(
            "CREATE INDEX ix_address_lineage_closure_depth_target_include ON \
             public.address_lineage_closure USING btree (target_address_id, depth) \
             INCLUDE (source_address_id)",
        ),
        after: Some(
            "CREATE INDEX ix_address_lineage_closure_depth_target_include ON \
             public.address_lineage_closure USING btree (target_address_id, depth) \
             INCLUDE (source_address_id, lineage_path)",
        ),
    },
    Fact {
        version: "20251019142513",
        object: Object::Column("address", "deprecated"),
        before: Some("boolean NOT NULL DEFAULT false"),
        after: None,
    },
    Fact {
        version: "20251019142513",
        object: Object::Column("address", "address_metadata"),
        before: None,
        after: Some("jsonb NULL"),
    },
    Fact {
        version: "20251021195850",
        object: Object::Constraint("address_lineage_closure_pkey"),
        before: Some("PRIMARY KEY (source_address_id, target_address_id)"),
        after: Some("PRIMARY KEY (source_address_id, target_address_id, depth)"),
    },
];

/// Asserts every fact of [`FACTS`] as it must read in a database at `version`.
#[track_caller]
fn assert_facts(db: &TestDb, version: &str) {
    let mut wrong = Vec::new();
    for fact in FACTS {
        let expected = if fact.version <= version {
            fact.after
        } else {
            fact.before
        };
        let actual = fact.object.read(db);
        if actual.as_deref() != expected {
            wrong.push(format!(
                "change {}: expected {expected:?}, the catalog says {actual:?}",
                fact.version
            ));
        }
    }
    assert!(wrong.is_empty(), "at {version}:\n{}", wrong.join("\n"));
}

#[test]
fn the_chain_is_the_seed_and_the_six_changes_in_order() {
    let mut expected = vec![SEED.to_string()];
    expected.extend(CHANGES.iter().map(|v| v.to_string()));
    assert_eq!(versions(), expected);
    assert_eq!(CHANGES.last(), Some(&HEAD));
    // Every fact belongs to one of the changes.
    assert!(FACTS.iter().all(|f| CHANGES.contains(&f.version)));
}

#[test]
fn a_fresh_database_at_each_version_has_that_version_s_catalog() {
    let all = versions();
    for (i, version) in all.iter().enumerate() {
        let db = TestDb::new();
        let mut conn = connect(&db);
        assert_eq!(upgrade_to(&mut conn, version), all[..=i]);
        let catalog = catalog(&db);
        // Column order included: replay appends added columns, as PostgreSQL does.
        assert_same(
            &format!("the chain replayed to {version}"),
            &replayed(version),
            &catalog,
        );
        if version == SEED {
            assert_same(
                "watcher-20251005124405.sql",
                &reference(REFERENCE_SQL, "watcher-20251005124405.sql"),
                &catalog,
            );
        }
        if version == HEAD {
            assert_models_equal(
                "watcher-20251021195850.sql (columns by name)",
                &sorted_columns(&reference(HEAD_SQL, "watcher-20251021195850.sql")),
                "the catalog (columns by name)",
                &sorted_columns(&catalog),
            );
        }
        assert_facts(&db, version);
    }
}

#[test]
fn downgrading_from_head_passes_through_every_state_and_ends_empty() {
    let all = versions();
    let db = TestDb::new();
    let mut conn = connect(&db);
    let mut states = Vec::new();
    for version in &all {
        assert_eq!(
            upgrade_to(&mut conn, version),
            std::slice::from_ref(version)
        );
        states.push(catalog(&db));
    }

    for i in (1..all.len()).rev() {
        assert_eq!(
            downgrade_one(&mut conn),
            all[i],
            "the newest applied migration"
        );
        let (version, now) = (&all[i - 1], catalog(&db));
        // A column a down migration restores comes back physically last.
        assert_models_equal(
            &format!("the catalog the upgrade left at {version}"),
            &sorted_columns(&states[i - 1]),
            &format!("the catalog after reverting {}", all[i]),
            &sorted_columns(&now),
        );
        assert_facts(&db, version);
    }

    assert_eq!(downgrade_one(&mut conn), SEED);
    let left = texts(
        &db,
        "SELECT format('%s %s', CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END,
                       c.relname)
         FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S')
           AND c.relname NOT LIKE '\\_\\_%'
         UNION ALL
         SELECT format('type %s', t.typname)
         FROM pg_type t
         WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'",
    );
    assert!(left.is_empty(), "base still has: {}", left.join(", "));
}
