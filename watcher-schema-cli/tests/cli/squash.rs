//! `squash` on Watcher's real chain (a temp copy of `migrations/`, whatever it holds): a
//! fresh database, one at head and one at 20251011103728, each migrated with the old chain,
//! end at the catalog and ledger they had before the squash, and the boot
//! (`Runner::run_pending`), `current`, `history`, `check`, `upgrade` and `downgrade` agree.
//! A database that applied part of a squash, or a version nobody knows, is refused with 24.
//! Facts come from the catalog, never from the SQL text of the migrations.

use diesel_migrations::FileBasedMigrations;
use watcher_schema_cli::introspect::introspect;
use watcher_schema_core::chain::{checksum, Chain};
use watcher_schema_core::model::Schema;
use watcher_schema_core::testing::sorted_columns;
use watcher_schema_runner::{RunError, Runner};
use watcher_schema_tests::TestDb;

use crate::support::{connect, Project, Run};

/// The revision the issue names for the partly-migrated database.
const MIDPOINT: &str = "20251011103728";

/// The catalog of `db` as a model (the ledger left out).
fn catalog(db: &TestDb) -> Schema {
    introspect(&mut connect(db)).unwrap_or_else(|e| panic!("introspection failed: {e}"))
}

/// `(version, checksum)` rows of `db`'s ledger, in version order.
fn ledger(db: &TestDb) -> Vec<(String, Option<String>)> {
    db.client()
        .query(
            "SELECT version, checksum FROM __diesel_schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

/// `(version, checksum of up.sql)` of every migration in `p`'s chain: the ledger a fresh
/// database has once upgraded to head.
fn chain_ledger(p: &Project) -> Vec<(String, Option<String>)> {
    Chain::load(&p.migrations())
        .unwrap()
        .iter()
        .map(|m| (m.version.clone(), Some(checksum(&m.up_sql))))
        .collect()
}

#[track_caller]
fn assert_catalog(what: &str, actual: &Schema, expected: &Schema) {
    if let Some(difference) = watcher_schema_core::compare::describe_difference(expected, actual) {
        panic!("the catalog of {what} differs (- expected, + actual):\n{difference}");
    }
}

/// The service's boot over the project's migrations, as `embed_migrations!` would give them.
fn boot(p: &Project, db: &TestDb) -> Result<watcher_schema_runner::Report, RunError> {
    let source = FileBasedMigrations::from_path(p.migrations()).unwrap();
    let mut conn = Runner::connect(db.url()).unwrap();
    Runner::new(&source).unwrap().run_pending(&mut conn)
}

/// The binary against `db` instead of the project's own database.
fn on(p: &Project, db: &TestDb, args: &[&str]) -> Run {
    let mut args = args.to_vec();
    args.extend(["--database-url", db.url()]);
    p.run(&args)
}

/// A database migrated by the binary to `target` with `p`'s chain as it is now.
fn migrated(p: &Project, target: &str) -> TestDb {
    let db = TestDb::new();
    on(p, &db, &["upgrade", target]).ok();
    db
}

/// `current --format json` agrees that `db` is at `version` with nothing pending or unknown.
#[track_caller]
fn assert_current(p: &Project, db: &TestDb, version: &str) {
    let doc = on(p, db, &["current", "--format", "json"]).ok().json();
    assert_eq!(doc["current"], version, "{doc:#}");
    assert_eq!(doc["at_head"], true, "{doc:#}");
    assert_eq!(doc["unknown_applied"], serde_json::json!([]), "{doc:#}");
}

/// `current`, `history` and `check` on `db` all say: at head, everything applied, no drift.
#[track_caller]
fn assert_commands_agree_at_head(p: &Project, db: &TestDb) {
    let head = Chain::load(&p.migrations())
        .unwrap()
        .head()
        .unwrap()
        .version
        .clone();
    assert_current(p, db, &head);
    let history = on(p, db, &["history", "--format", "json"]).ok().json();
    let applied: Vec<bool> = history["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["applied"].as_bool().unwrap())
        .collect();
    assert!(applied.iter().all(|&a| a), "{history:#}");
    assert_eq!(
        history["unknown_applied"],
        serde_json::json!([]),
        "{history:#}"
    );
    on(p, db, &["check"]).ok();
}

#[test]
fn squash_to_head_serves_a_fresh_database_and_one_at_head() {
    let p = Project::real();
    let before = Chain::load(&p.migrations()).unwrap();
    let head = before.head().unwrap().version.clone();
    let at_head = migrated(&p, "head");
    let part = migrated(&p, MIDPOINT);
    let stamped = migrated(&p, "head");
    let unknown = migrated(&p, "head");
    unknown
        .client()
        .execute(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('20991231000000')",
            &[],
        )
        .unwrap();
    let head_catalog = catalog(&at_head);
    let part_ledger = ledger(&part);

    p.run(&["squash"])
        .ok()
        .stdout_has(&format!("squashed {} migrations", before.len()));
    let after = Chain::load(&p.migrations()).unwrap();
    assert_eq!(after.len(), 1);
    let squashed = &after.migrations()[0];
    assert_eq!(squashed.version, head);
    let replaced: Vec<String> = squashed.replaced().into_iter().map(|r| r.version).collect();
    let old: Vec<String> = before.iter().map(|m| m.version.clone()).collect();
    assert_eq!(replaced, old);
    assert_catalog(
        "the squashed chain's head",
        &after.schema_at_head().unwrap(),
        &head_catalog,
    );

    // A fresh database applies the one migration and ends where the old chain did.
    let fresh = TestDb::new();
    on(&p, &fresh, &["upgrade"]).ok();
    assert_catalog("a fresh database", &catalog(&fresh), &head_catalog);
    assert_eq!(ledger(&fresh), chain_ledger(&p));
    assert_commands_agree_at_head(&p, &fresh);

    // The database at head: the read-only commands see it at head before anything is
    // written; the boot runs nothing and folds the ledger into the fresh database's.
    assert_commands_agree_at_head(&p, &at_head);
    assert_eq!(
        ledger(&at_head).len(),
        old.len(),
        "read-only commands wrote the ledger"
    );
    let report = boot(&p, &at_head).unwrap();
    assert!(report.migrations.is_empty(), "{report}");
    assert_eq!(ledger(&at_head), chain_ledger(&p));
    assert_catalog("the database at head", &catalog(&at_head), &head_catalog);
    assert_commands_agree_at_head(&p, &at_head);
    on(&p, &at_head, &["upgrade"]).ok();
    assert_eq!(ledger(&at_head), chain_ledger(&p));

    // Down and up again through the squash.
    on(&p, &at_head, &["downgrade", "base"]).ok();
    assert!(catalog(&at_head).tables.is_empty());
    assert!(ledger(&at_head).is_empty());
    on(&p, &at_head, &["upgrade"]).ok();
    assert_catalog(
        "the database at head, down and up",
        &catalog(&at_head),
        &head_catalog,
    );

    // `stamp` writes the ledger under the lock too, so it folds as well.
    on(&p, &stamped, &["stamp", "head"]).ok();
    assert_eq!(ledger(&stamped), chain_ledger(&p));

    // Rolling back to the binary from before the squash: it refuses the folded ledger
    // until its `stamp head` writes the old rows back; the squash folds them again.
    let unsquashed = Project::real();
    on(&unsquashed, &stamped, &["upgrade"]).code(24);
    on(&unsquashed, &stamped, &["stamp", "head"]).ok();
    assert_eq!(ledger(&stamped), chain_ledger(&unsquashed));
    on(&unsquashed, &stamped, &["check"]).ok();
    on(&p, &stamped, &["upgrade"]).ok();
    assert_eq!(ledger(&stamped), chain_ledger(&p));

    // Part of the squash applied: its SQL is gone, so boot and CLI refuse, and say why.
    on(&p, &part, &["upgrade"])
        .code(24)
        .stderr_has(&format!("upgrade to {head} with a binary"));
    assert!(matches!(
        boot(&p, &part),
        Err(RunError::PartlySquashed { .. })
    ));
    assert_eq!(ledger(&part), part_ledger, "a refusal changed the ledger");
    on(&p, &part, &["check"]).code(24);

    // A version neither the squash nor the chain knows.
    on(&p, &unknown, &["upgrade"])
        .code(24)
        .stderr_has("20991231000000")
        .stderr_has("does not know");
    assert!(matches!(
        boot(&p, &unknown),
        Err(RunError::UnknownApplied { .. })
    ));
    assert_eq!(
        ledger(&unknown).len(),
        old.len() + 1,
        "a refused ledger was folded"
    );
    on(&p, &unknown, &["current"])
        .ok()
        .stdout_has("20991231000000 is applied but not in");
}

#[test]
fn squash_to_a_midpoint_keeps_later_migrations() {
    let p = Project::real();
    let at_head = migrated(&p, "head");
    let at_mid = migrated(&p, MIDPOINT);
    let head_catalog = catalog(&at_head);
    let mid_catalog = catalog(&at_mid);
    let later: Vec<String> = Chain::load(&p.migrations())
        .unwrap()
        .iter()
        .filter(|m| m.version.as_str() > MIDPOINT)
        .map(|m| m.version.clone())
        .collect();

    p.run(&["squash", "--to", MIDPOINT])
        .ok()
        .stdout_has(&format!("{MIDPOINT}_squashed"));
    let chain = Chain::load(&p.migrations()).unwrap();
    assert_eq!(chain.len(), 1 + later.len());
    assert_eq!(chain.migrations()[0].version, MIDPOINT);
    assert_eq!(chain.migrations()[1].parent.as_deref(), Some(MIDPOINT));

    // The database at the squash point is at the squash, with the rest pending.
    let doc = on(&p, &at_mid, &["current", "--format", "json"])
        .ok()
        .json();
    assert_eq!(doc["current"], MIDPOINT, "{doc:#}");
    assert_eq!(doc["pending"], serde_json::json!(later), "{doc:#}");
    assert_eq!(doc["unknown_applied"], serde_json::json!([]), "{doc:#}");
    on(&p, &at_mid, &["check"]).code(3);
    on(&p, &at_mid, &["upgrade"]).ok();
    assert_catalog(
        "the database at the midpoint, upgraded",
        &catalog(&at_mid),
        &head_catalog,
    );
    assert_eq!(ledger(&at_mid), chain_ledger(&p));
    assert_commands_agree_at_head(&p, &at_mid);

    // The database at head boots without running anything.
    let report = boot(&p, &at_head).unwrap();
    assert!(report.migrations.is_empty(), "{report}");
    assert_eq!(ledger(&at_head), chain_ledger(&p));
    assert_commands_agree_at_head(&p, &at_head);

    // A fresh database through the squash, then the rest, matches step by step.
    let fresh = TestDb::new();
    let first = boot(&p, &TestDb::new()).unwrap();
    assert_eq!(first.migrations.len(), chain.len());
    on(&p, &fresh, &["upgrade", "+1"]).ok();
    assert_catalog(
        "a fresh database at the squash",
        &catalog(&fresh),
        &mid_catalog,
    );
    on(&p, &fresh, &["upgrade"]).ok();
    assert_catalog("a fresh database at head", &catalog(&fresh), &head_catalog);
    assert_eq!(ledger(&fresh), chain_ledger(&p));

    // Downgrades walk back to the squash, and through it.
    // A down.sql that re-adds a column puts it last, as PostgreSQL does: order aside.
    on(&p, &at_head, &["downgrade", MIDPOINT]).ok();
    assert_catalog(
        "the database at head, downgraded (column order aside)",
        &sorted_columns(&catalog(&at_head)),
        &sorted_columns(&mid_catalog),
    );
    assert_current_is(&p, &at_head, MIDPOINT);
    on(&p, &at_head, &["downgrade", "-1"]).ok();
    assert!(catalog(&at_head).tables.is_empty());
    assert!(ledger(&at_head).is_empty());
}

#[track_caller]
fn assert_current_is(p: &Project, db: &TestDb, version: &str) {
    let doc = on(p, db, &["current", "--format", "json"]).ok().json();
    assert_eq!(doc["current"], version, "{doc:#}");
}

#[test]
fn squash_refuses_the_root_and_unknown_revisions() {
    let p = Project::real();
    let root = Chain::load(&p.migrations()).unwrap().migrations()[0]
        .version
        .clone();
    p.run(&["squash", "--to", &root])
        .code(14)
        .stderr_has("nothing to squash");
    p.run(&["squash", "--to", "20990101000000"]).code(10);

    // Seed rows in a replaced migration would be lost on a fresh database: refused, 13.
    let second = Chain::load(&p.migrations()).unwrap().migrations()[1].clone();
    let up = second.dir.join("up.sql");
    let original = std::fs::read_to_string(&up).unwrap();
    std::fs::write(
        &up,
        format!("{original}\nINSERT INTO address_type (name) VALUES ('seed');\n"),
    )
    .unwrap();
    p.run(&["squash"])
        .code(13)
        .stderr_has("`INSERT`")
        .stderr_has("--to <version>");
    std::fs::write(&up, original).unwrap();
    assert_eq!(
        Chain::load(&p.migrations()).unwrap().len(),
        std::fs::read_dir(p.migrations()).unwrap().count()
    );

    // A replaced directory back beside its squash (a bad merge) is a broken chain.
    p.run(&["squash"]).ok();
    let old = crate::support::workspace().join("migrations");
    let root_dir = std::fs::read_dir(&old)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&root)
        })
        .unwrap();
    let copy = p.migrations().join(root_dir.file_name().unwrap());
    std::fs::create_dir(&copy).unwrap();
    for file in ["up.sql", "down.sql", "metadata.toml"] {
        std::fs::copy(root_dir.join(file), copy.join(file)).unwrap();
    }
    p.run(&["history"])
        .code(11)
        .stderr_has("is replaced by the squashed migration");
}
