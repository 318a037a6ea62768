use proptest::prelude::*;

use super::*;
use crate::replay::replay;
use crate::testing::{check_mermaid_er, strategy};

fn schema(sql: &str) -> Schema {
    let mut schema = Schema::default();
    replay(&mut schema, sql, "test.sql").unwrap_or_else(|e| panic!("{e}"));
    schema
}

const JOBS: &str = "
CREATE TYPE cadence AS ENUM ('HOURLY', 'DAILY');
CREATE TABLE job (
    id serial PRIMARY KEY,
    name varchar(150) NOT NULL UNIQUE,
    cadence cadence,
    weight double precision,
    price numeric(10,2)
);
CREATE TABLE job_run (
    id bigserial PRIMARY KEY,
    job_id integer NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    parent_id bigint REFERENCES job_run (id),
    tags text[]
);
";

#[test]
fn mermaid_draws_tables_keys_foreign_keys_and_enums() {
    let text = render(&schema(JOBS), Format::Mermaid);
    assert_eq!(
        text,
        r#"erDiagram
    job {
        serial id PK
        varchar(150) name UK
        cadence cadence "nullable"
        double_precision weight "nullable"
        numeric(10_2) price "nullable"
    }
    job ||--o{ job_run : "job_id"
    job_run |o--o{ job_run : "parent_id"
    job_run {
        bigserial id PK
        integer job_id FK
        bigint parent_id FK "nullable"
        text[] tags "nullable"
    }
    cadence {
        enum labels "HOURLY, DAILY"
    }
"#
    );
    check_mermaid_er(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
}

#[test]
fn dot_joins_columns_and_points_enum_columns_at_their_type() {
    let text = render(&schema(JOBS), Format::Dot);
    assert!(text.starts_with("digraph schema {\n"), "{text}");
    assert!(text.ends_with("}\n"), "{text}");
    for line in [
        r#"    "job_run":"job_id" -> "job":"id" [label="job_run_job_id_fkey"];"#,
        r#"    "job_run":"parent_id" -> "job_run":"id" [label="job_run_parent_id_fkey"];"#,
        r#"    "job":"cadence" -> "cadence" [style=dashed, arrowhead=empty];"#,
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
    }
    assert!(
        text.contains(
            r##"<TD PORT="name" ALIGN="LEFT" BGCOLOR="#ffffff">name varchar(150) UK</TD>"##
        ),
        "{text}"
    );
    assert!(text.contains("<I>enum</I> <B>cadence</B>"), "{text}");
}

#[test]
fn a_migration_marks_what_it_adds_drops_and_changes() {
    let before = schema(JOBS);
    let mut after = before.clone();
    replay(
        &mut after,
        "CREATE TABLE owner (id serial PRIMARY KEY);
         ALTER TABLE job ADD COLUMN owner_id integer REFERENCES owner (id);
         ALTER TABLE job DROP COLUMN weight;
         ALTER TABLE job ALTER COLUMN price TYPE numeric(12,2);
         ALTER TYPE cadence ADD VALUE 'WEEKLY';
         DROP TABLE job_run;",
        "up.sql",
    )
    .unwrap();

    let changes = Changes::between(&before, &after);
    let col = |t: &str, c: &str| changes.columns.get(&(t.to_owned(), c.to_owned())).copied();
    assert_eq!(changes.tables.get("owner"), Some(&Change::Added));
    assert_eq!(changes.tables.get("job_run"), Some(&Change::Dropped));
    assert_eq!(changes.tables.get("job"), Some(&Change::Changed));
    assert_eq!(col("job", "owner_id"), Some(Change::Added));
    assert_eq!(col("job", "weight"), Some(Change::Dropped));
    assert_eq!(col("job", "price"), Some(Change::Changed));
    assert_eq!(col("job", "name"), None);
    assert_eq!(changes.enums.get("cadence"), Some(&Change::Changed));

    let mermaid = render_changes(&before, &after, Format::Mermaid);
    check_mermaid_er(&mermaid).unwrap_or_else(|e| panic!("{e}\n{mermaid}"));
    for line in [
        r#"        integer owner_id FK "nullable, added""#,
        r#"        double_precision weight "nullable, dropped""#,
        r#"        numeric(12_2) price "nullable, changed""#,
        "    classDef added fill:#d4f7d4,stroke:#2e7d32",
        "    class owner added",
        "    class job_run dropped",
        "    class job,cadence changed",
    ] {
        assert!(
            mermaid.lines().any(|l| l == line),
            "no `{line}` in\n{mermaid}"
        );
    }
    // The dropped table is drawn from the schema before the migration.
    assert!(mermaid.contains("    job_run {\n"), "{mermaid}");

    let dot = render_changes(&before, &after, Format::Dot);
    assert!(
        dot.contains("<S>weight double precision <I>nullable</I></S>"),
        "{dot}"
    );
    assert!(dot.contains("<B>owner</B> (added)"), "{dot}");
    assert!(dot.contains("<B>job_run</B> (dropped)"), "{dot}");
}

#[test]
fn an_unchanged_schema_has_no_marks() {
    let s = schema(JOBS);
    assert!(Changes::between(&s, &s).is_empty());
    assert_eq!(
        render_changes(&s, &s, Format::Mermaid),
        render(&s, Format::Mermaid)
    );
}

#[test]
fn names_and_labels_that_need_escaping_stay_inside_their_quotes() {
    let s = schema(
        r#"CREATE TYPE "Mood" AS ENUM ('a "quoted" label', 'x<y');
           CREATE TABLE "odd table" ("a&b" "Mood" NOT NULL, "_x" integer);
           CREATE TABLE "2fa" (id integer);"#,
    );
    let mermaid = render(&s, Format::Mermaid);
    check_mermaid_er(&mermaid).unwrap_or_else(|e| panic!("{e}\n{mermaid}"));
    assert!(
        mermaid.contains("    odd_table {\n        Mood a_b\n"),
        "{mermaid}"
    );
    let dot = render(&s, Format::Dot);
    assert!(dot.contains(r#""odd table" [label="#), "{dot}");
    assert!(dot.contains("a&amp;b Mood<"), "{dot}");
    assert!(dot.contains("a &quot;quoted&quot; label"), "{dot}");
    assert!(dot.contains("x&lt;y"), "{dot}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every schema the shared generator makes, and every change between two of them,
    /// draws as valid Mermaid.
    #[test]
    fn every_random_schema_and_change_draws_as_valid_mermaid((from, to) in strategy::schema_pair()) {
        let text = render(&to, Format::Mermaid);
        prop_assert!(check_mermaid_er(&text).is_ok(), "{:?}\n{}", check_mermaid_er(&text), text);
        let text = render_changes(&from, &to, Format::Mermaid);
        prop_assert!(check_mermaid_er(&text).is_ok(), "{:?}\n{}", check_mermaid_er(&text), text);
    }
}
