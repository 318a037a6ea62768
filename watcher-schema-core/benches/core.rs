//! Figures for the core's hot paths (issue 2): replaying a 500-migration chain from disk,
//! and diffing two 1,000-table models. Run with `cargo bench -p watcher-schema-core`.
//! Prints the median and the slowest of several runs; it asserts nothing about time.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use watcher_schema_core::chain::{write_migration, Chain, NewMigration};
use watcher_schema_core::diff::diff;
use watcher_schema_core::model::{
    default_fkey_name, default_pkey_name, Check, Column, Expr, ForeignKey, Index, PrimaryKey,
    Schema, SqlType, Table,
};
use watcher_schema_core::op::apply;

const RUNS: usize = 15;

fn main() {
    let dir = std::env::temp_dir().join(format!("watcher-schema-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create bench dir");
    write_chain(&dir, 500);

    let (times, tables) = measure(|| {
        let chain = Chain::load(&dir).expect("valid chain");
        chain.schema_at_head().expect("replays").tables.len()
    });
    report(
        "load + replay a 500-migration chain",
        &times,
        &format!("{tables} tables at head"),
    );
    std::fs::remove_dir_all(&dir).expect("remove bench dir");

    let from = wide_schema(1000, false);
    let to = wide_schema(1000, true);
    let (times, ops) = measure(|| diff(&from, &to).len());
    report("diff two 1,000-table models", &times, &format!("{ops} ops"));
    let (times, ops) = measure(|| diff(&to, &from).len());
    report(
        "diff them the other way (down)",
        &times,
        &format!("{ops} ops"),
    );
    let (times, ops) = measure(|| diff(&Schema::default(), &to).len());
    report("diff empty → 1,000 tables", &times, &format!("{ops} ops"));

    // The figures mean nothing if the diff is wrong: check it lands exactly.
    let mut landed = from.clone();
    for op in diff(&from, &to) {
        apply(&mut landed, &op).expect("diff applies");
    }
    assert!(
        landed == to,
        "diff(from, to) applied to from does not give to"
    );
}

fn measure<T>(mut f: impl FnMut() -> T) -> (Vec<Duration>, T) {
    let mut out = f();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        out = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times, out)
}

fn report(what: &str, times: &[Duration], detail: &str) {
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    println!(
        "{what:<40} median {:>8.2} ms   max {:>8.2} ms   ({detail}, {RUNS} runs)",
        median.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

/// A chain like a long-lived service's: 20 tables first, then one small change per migration.
fn write_chain(dir: &Path, len: usize) {
    let mut parent: Option<String> = None;
    for i in 0..len {
        let version = format!("20250101{:02}{:02}00", i / 60, i % 60);
        let (name, up, down) = if i == 0 {
            let mut up = String::from("CREATE TYPE status AS ENUM ('s0');\n");
            for t in 0..20 {
                write!(
                    up,
                    "CREATE TABLE t{t} (\n  id bigserial NOT NULL,\n  name varchar(150) NOT NULL,\n  \
                     state status,\n  created_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,\n  \
                     CONSTRAINT t{t}_pkey PRIMARY KEY (id)\n);\n"
                )
                .unwrap();
            }
            ("initial".to_string(), up, "DROP TABLE t0;".to_string())
        } else {
            let t = i % 20;
            match i % 4 {
                0 => (
                    format!("add_c{i}"),
                    format!("ALTER TABLE t{t} ADD COLUMN c{i} integer;\nUPDATE t{t} SET c{i} = 0;"),
                    format!("ALTER TABLE t{t} DROP COLUMN c{i};"),
                ),
                1 => (
                    format!("index_{i}"),
                    format!("CREATE INDEX ix_{i} ON t{t} USING btree (name) INCLUDE (id) WHERE (id > {i});"),
                    format!("DROP INDEX ix_{i};"),
                ),
                2 => (
                    format!("label_{i}"),
                    format!("ALTER TYPE status ADD VALUE 's{i}';"),
                    "SELECT 1;".to_string(),
                ),
                _ => (
                    format!("check_{i}"),
                    format!("ALTER TABLE t{t} ADD CONSTRAINT ck_{i} CHECK ((id > 0));"),
                    format!("ALTER TABLE t{t} DROP CONSTRAINT ck_{i};"),
                ),
            }
        };
        write_migration(
            dir,
            &NewMigration {
                version: version.clone(),
                name,
                parent: parent.clone(),
                up_sql: up,
                down_sql: down,
                run_in_transaction: true,
            },
        )
        .expect("write migration");
        parent = Some(version);
    }
}

/// `n` tables of ten columns each, a foreign key to the previous table, two indexes and a
/// check; `edited` changes every tenth table (a column added, a type widened, an index
/// changed, a check dropped) and adds ten tables.
fn wide_schema(n: usize, edited: bool) -> Schema {
    let mut schema = Schema::default();
    let total = if edited { n + 10 } else { n };
    for i in 0..total {
        let name = format!("table_{i:04}");
        let mut t = Table::new(&name);
        let touched = edited && i % 10 == 0;
        t.columns.push(Column {
            nullable: false,
            ..Column::new("id", SqlType::BigInt)
        });
        for c in 0..9 {
            let ty = match c {
                0 if touched => SqlType::Varchar(Some(200)),
                0 => SqlType::Varchar(Some(100)),
                1 => SqlType::Integer,
                2 => SqlType::Timestamptz,
                3 => SqlType::Jsonb,
                4 => SqlType::Boolean,
                _ => SqlType::Text,
            };
            t.columns.push(Column::new(format!("c{c}"), ty));
        }
        if touched {
            t.columns.push(Column::new("added", SqlType::Integer));
        }
        t.primary_key = Some(PrimaryKey {
            name: default_pkey_name(&name),
            columns: vec!["id".into()],
        });
        if i > 0 {
            let fk = ForeignKey {
                name: default_fkey_name(&name, &["c1".into()]),
                columns: vec!["c1".into()],
                ref_table: format!("table_{:04}", i - 1),
                ref_columns: vec!["id".into()],
                on_delete: Default::default(),
                on_update: Default::default(),
            };
            t.foreign_keys.insert(fk.name.clone(), fk);
        }
        for (k, cols) in [(0, vec!["c0"]), (1, vec!["c1", "c2"])] {
            let ix = Index {
                name: format!("ix_{name}_{k}"),
                unique: false,
                method: "btree".into(),
                columns: cols.into_iter().map(String::from).collect(),
                include: if touched && k == 1 {
                    vec!["id".into()]
                } else {
                    vec![]
                },
                predicate: None,
            };
            t.indexes.insert(ix.name.clone(), ix);
        }
        if !touched {
            let ck = Check {
                name: format!("ck_{name}"),
                expr: Expr::new("c1 > 0"),
            };
            t.checks.insert(ck.name.clone(), ck);
        }
        schema.tables.insert(name, t);
    }
    schema
}
