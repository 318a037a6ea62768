use proptest::prelude::*;

use super::*;
use crate::model::{Check, Expr, FkAction, ForeignKey, PrimaryKey, Unique};
use crate::op::{apply, SequenceOf};
use crate::testing::{after_migration, assert_schema_eq, strategy};

pub(super) fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

pub(super) fn not_null(name: &str, ty: SqlType) -> Column {
    Column {
        nullable: false,
        ..Column::new(name, ty)
    }
}

pub(super) fn serial(table: &str, name: &str) -> Column {
    Column {
        nullable: false,
        generated: Some(Generated::Serial {
            sequence: crate::model::default_sequence_name(table, name),
        }),
        ..Column::new(name, SqlType::Integer)
    }
}

/// `name (id serial primary key, columns...)`.
pub(super) fn table(name: &str, columns: Vec<Column>) -> Table {
    let mut t = Table::new(name);
    t.columns.push(serial(name, "id"));
    t.columns.extend(columns);
    t.primary_key = Some(PrimaryKey {
        name: format!("{name}_pkey"),
        columns: vec!["id".into()],
    });
    t
}

pub(super) fn with_fk(mut t: Table, column: &str, target: &str) -> Table {
    let fk = ForeignKey {
        name: format!("{}_{column}_fkey", t.name),
        columns: vec![column.into()],
        ref_table: target.into(),
        ref_columns: vec!["id".into()],
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
    };
    t.foreign_keys.insert(fk.name.clone(), fk);
    t
}

pub(super) fn with_index(mut t: Table, name: &str, columns: &[&str], include: &[&str]) -> Table {
    let ix = Index {
        name: name.into(),
        unique: false,
        method: "btree".into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        include: include.iter().map(|c| c.to_string()).collect(),
        predicate: None,
    };
    t.indexes.insert(ix.name.clone(), ix);
    t
}

pub(super) fn schema(enums: &[(&str, &[&str])], tables: Vec<Table>) -> Schema {
    let mut s = Schema::default();
    for (name, labels) in enums {
        s.enums.insert(
            name.to_string(),
            crate::model::EnumType {
                name: name.to_string(),
                labels: labels.iter().map(|l| l.to_string()).collect(),
            },
        );
    }
    for t in tables {
        s.tables.insert(t.name.clone(), t);
    }
    s
}

/// Applies `ops` to a copy of `from`, panicking with the op that fails.
pub(super) fn migrate(from: &Schema, ops: &[Op]) -> Schema {
    let mut s = from.clone();
    for op in ops {
        if let Err(e) = apply(&mut s, op) {
            panic!("{e}\nat {op:?}\nin {ops:#?}");
        }
    }
    s
}

/// Up reaches `to`, down returns to `from`, and each direction is the diff's own.
fn assert_round_trip(from: &Schema, to: &Schema) -> Vec<Op> {
    let up = diff(from, to);
    let upgraded = migrate(from, &up);
    assert_schema_eq(&upgraded, &after_migration(from, to));
    let down = diff(to, from);
    let downgraded = migrate(&upgraded, &down);
    assert_schema_eq(&downgraded, &after_migration(&upgraded, from));
    up
}

/// A short label per op, for order assertions.
fn label(op: &Op) -> String {
    match op {
        Op::CreateEnum(e) => format!("create type {}", e.name),
        Op::DropEnum { name } => format!("drop type {name}"),
        Op::RenameEnum { from, to } => format!("rename type {from} {to}"),
        Op::AddEnumValue { name, label, .. } => format!("add value {name}.{label}"),
        Op::CreateTable(t) => format!("create table {}", t.name),
        Op::DropTable { name } => format!("drop table {name}"),
        Op::AddColumn { table, column } => format!("add column {table}.{}", column.name),
        Op::DropColumn { table, column } => format!("drop column {table}.{column}"),
        Op::AlterColumnType { table, column, .. } => format!("type {table}.{column}"),
        Op::SetNullable { table, column, .. } => format!("nullable {table}.{column}"),
        Op::SetDefault { table, column, .. } => format!("default {table}.{column}"),
        Op::AddForeignKey { key, .. } => format!("add fk {}", key.name),
        Op::AddPrimaryKey { key, .. } => format!("add pk {}", key.name),
        Op::DropConstraint { name, .. } => format!("drop constraint {name}"),
        Op::CreateIndex { index, .. } => format!("create index {}", index.name),
        Op::DropIndex { name, .. } => format!("drop index {name}"),
        other => format!("{other:?}"),
    }
}

fn labels(ops: &[Op]) -> Vec<String> {
    ops.iter().map(label).collect()
}

#[test]
fn diff_of_equal_schemas_is_empty() {
    let s = schema(
        &[("mood", &["a", "b"])],
        vec![table(
            "pipeline",
            vec![col("m", SqlType::Enum("mood".into()))],
        )],
    );
    assert_eq!(diff(&s, &s), []);
}

#[test]
fn creates_enums_before_tables_and_referenced_tables_first() {
    let to = schema(
        &[("datepartenum", &["DAY", "WEEK"])],
        vec![
            with_fk(
                table(
                    "pipeline",
                    vec![not_null("pipeline_type_id", SqlType::Integer)],
                ),
                "pipeline_type_id",
                "pipeline_type",
            ),
            table(
                "pipeline_type",
                vec![col(
                    "freshness_datepart",
                    SqlType::Enum("datepartenum".into()),
                )],
            ),
            with_fk(
                table("address", vec![not_null("pipeline_id", SqlType::Integer)]),
                "pipeline_id",
                "pipeline",
            ),
        ],
    );
    let up = assert_round_trip(&Schema::default(), &to);
    assert_eq!(
        labels(&up),
        [
            "create type datepartenum",
            "create table pipeline_type",
            "create table pipeline",
            "create table address",
            "add fk address_pipeline_id_fkey",
            "add fk pipeline_pipeline_type_id_fkey",
        ]
    );
}

#[test]
fn drops_referencing_tables_first_and_enums_last() {
    let full = schema(
        &[("datepartenum", &["DAY"])],
        vec![
            table(
                "a_type",
                vec![col("d", SqlType::Enum("datepartenum".into()))],
            ),
            with_fk(
                table("b", vec![col("a_type_id", SqlType::Integer)]),
                "a_type_id",
                "a_type",
            ),
            with_fk(table("c", vec![col("b_id", SqlType::Integer)]), "b_id", "b"),
        ],
    );
    let down = diff(&full, &Schema::default());
    assert_eq!(
        labels(&down),
        [
            "drop table c",
            "drop table b",
            "drop table a_type",
            "drop type datepartenum"
        ]
    );
    assert_round_trip(&full, &Schema::default());
}

#[test]
fn tables_in_a_reference_cycle_are_created_and_dropped() {
    let to = schema(
        &[],
        vec![
            with_fk(table("x", vec![col("y_id", SqlType::Integer)]), "y_id", "y"),
            with_fk(table("y", vec![col("x_id", SqlType::Integer)]), "x_id", "x"),
        ],
    );
    let up = assert_round_trip(&Schema::default(), &to);
    assert_eq!(
        labels(&up),
        [
            "create table x",
            "create table y",
            "add fk x_y_id_fkey",
            "add fk y_x_id_fkey"
        ]
    );
    assert_eq!(
        labels(&diff(&to, &Schema::default())),
        [
            "drop constraint y_x_id_fkey",
            "drop table x",
            "drop table y"
        ]
    );
}

#[test]
fn indexes_follow_their_new_table() {
    let to = schema(
        &[],
        vec![with_index(
            table("t", vec![col("a", SqlType::Text)]),
            "ix_t_a",
            &["a"],
            &[],
        )],
    );
    assert_eq!(
        labels(&assert_round_trip(&Schema::default(), &to)),
        ["create table t", "create index ix_t_a"]
    );
}

#[test]
fn changed_index_is_dropped_and_recreated_under_its_name() {
    let closure = |include: &[&str]| {
        let t = table(
            "address_lineage_closure",
            vec![
                not_null("source_address_id", SqlType::Integer),
                not_null("depth", SqlType::Integer),
                not_null("lineage_path", SqlType::Array(Box::new(SqlType::Integer))),
            ],
        );
        let key = ["source_address_id", "depth"];
        with_index(t, "ix_depth_source_include", &key, include)
    };
    let from = schema(&[], vec![closure(&["id"])]);
    let to = schema(&[], vec![closure(&["id", "lineage_path"])]);
    assert_eq!(
        labels(&assert_round_trip(&from, &to)),
        [
            "drop index ix_depth_source_include",
            "create index ix_depth_source_include"
        ]
    );
}

#[test]
fn column_changes_in_one_table_add_alter_then_drop() {
    let from = schema(
        &[],
        vec![table(
            "pipeline_execution",
            vec![
                col("full_load", SqlType::Boolean),
                col("hour_recorded", SqlType::Text),
            ],
        )],
    );
    let to = schema(
        &[],
        vec![table(
            "pipeline_execution",
            vec![
                not_null("hour_recorded", SqlType::Integer),
                col("throughput", SqlType::Numeric(Some((12, 4)))),
            ],
        )],
    );
    let up = assert_round_trip(&from, &to);
    assert_eq!(
        up,
        [
            Op::AddColumn {
                table: "pipeline_execution".into(),
                column: col("throughput", SqlType::Numeric(Some((12, 4)))),
            },
            Op::AlterColumnType {
                table: "pipeline_execution".into(),
                column: "hour_recorded".into(),
                ty: SqlType::Integer,
                using: Some(Expr::new("hour_recorded::integer")),
            },
            Op::SetNullable {
                table: "pipeline_execution".into(),
                column: "hour_recorded".into(),
                nullable: false,
            },
            Op::DropColumn {
                table: "pipeline_execution".into(),
                column: "full_load".into(),
            },
        ]
    );
}

#[test]
fn a_default_is_dropped_around_a_type_change() {
    let with_default = |ty: SqlType, default: &str| {
        let mut c = col("state", ty);
        c.default = Some(Expr::new(default));
        schema(&[], vec![table("t", vec![c])])
    };
    let from = with_default(SqlType::Text, "'1'::text");
    let to = with_default(SqlType::Integer, "1");
    assert_eq!(
        labels(&assert_round_trip(&from, &to)),
        ["default t.state", "type t.state", "default t.state"]
    );
}

#[test]
fn enum_label_additions_keep_their_place() {
    let from = schema(&[("datepartenum", &["HOUR", "DAY"])], vec![]);
    let to = schema(
        &[("datepartenum", &["MINUTE", "HOUR", "DAY", "WEEK", "MONTH"])],
        vec![],
    );
    let up = assert_round_trip(&from, &to);
    let value = |label: &str, position: LabelPosition| Op::AddEnumValue {
        name: "datepartenum".into(),
        label: label.into(),
        position: Some(position),
    };
    assert_eq!(
        up,
        [
            value("MINUTE", LabelPosition::Before("HOUR".into())),
            value("WEEK", LabelPosition::After("DAY".into())),
            value("MONTH", LabelPosition::After("WEEK".into())),
        ]
    );
}

#[test]
fn removing_or_reordering_labels_swaps_the_type() {
    let mood = |labels: &'static [&'static str]| {
        let mut c = not_null("m", SqlType::Enum("mood".into()));
        c.default = Some(Expr::new("'b'::mood"));
        let mut t = table(
            "t",
            vec![
                c,
                col("ms", SqlType::Array(Box::new(SqlType::Enum("mood".into())))),
            ],
        );
        t.checks.insert(
            "ck_m".into(),
            Check {
                name: "ck_m".into(),
                expr: Expr::new("m <> 'a'::mood"),
            },
        );
        schema(&[("mood", labels)], vec![t])
    };
    let from = mood(&["a", "b", "c"]);
    let to = mood(&["c", "b", "a"]);
    let up = assert_round_trip(&from, &to);
    assert_eq!(
        labels(&up),
        [
            "rename type mood mood__old",
            "create type mood",
            "drop constraint ck_m",
            "default t.m",
            "type t.m",
            "default t.m",
            "type t.ms",
            "AddCheck { table: \"t\", check: Check { name: \"ck_m\", expr: Expr(\"m <> 'a'::mood\") } }",
            "drop type mood__old",
        ]
    );
    let usings: Vec<String> = up
        .iter()
        .filter_map(|op| match op {
            Op::AlterColumnType { using, .. } => using.as_ref().map(|u| u.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(usings, ["m::text::mood", "ms::text[]::mood[]"]);
    assert_round_trip(&from, &mood(&["b"]));
}

#[test]
fn primary_key_change_rebuilds_the_foreign_keys_on_it() {
    let parent = |pk: &[&str]| {
        let mut t = table("address", vec![not_null("code", SqlType::Integer)]);
        t.primary_key = Some(PrimaryKey {
            name: "address_pkey".into(),
            columns: pk.iter().map(|c| c.to_string()).collect(),
        });
        t.uniques.insert(
            "uq_address_id".into(),
            Unique {
                name: "uq_address_id".into(),
                columns: vec!["id".into()],
            },
        );
        t
    };
    let child = with_fk(
        table("lineage", vec![col("address_id", SqlType::Integer)]),
        "address_id",
        "address",
    );
    let from = schema(&[], vec![parent(&["id"]), child.clone()]);
    let to = schema(&[], vec![parent(&["id", "code"]), child]);
    assert_eq!(
        labels(&assert_round_trip(&from, &to)),
        [
            "drop constraint lineage_address_id_fkey",
            "drop constraint address_pkey",
            "add pk address_pkey",
            "add fk lineage_address_id_fkey",
        ]
    );
}

#[test]
fn a_referenced_key_changing_type_keeps_its_foreign_keys_while_they_still_compare() {
    let with = |key: SqlType, reference: SqlType| {
        let mut parent = table("address", vec![]);
        parent.columns[0].ty = key;
        let child = with_fk(
            table("lineage", vec![col("address_id", reference)]),
            "address_id",
            "address",
        );
        schema(&[], vec![parent, child])
    };
    // integer → bigint on either side: PostgreSQL keeps the key across `ALTER ... TYPE`.
    let from = with(SqlType::Integer, SqlType::Integer);
    let up = assert_round_trip(&from, &with(SqlType::BigInt, SqlType::Integer));
    assert_eq!(
        labels(&up),
        [
            "type address.id",
            "AlterSequenceType { name: \"address_id_seq\", ty: BigInt }"
        ]
    );
    let up = assert_round_trip(&from, &with(SqlType::BigInt, SqlType::BigInt));
    assert!(!labels(&up).iter().any(|l| l.contains("fkey")), "{up:#?}");
    // integer → text on both sides: in between, the sides would not compare.
    let up = assert_round_trip(&from, &with(SqlType::Text, SqlType::Text));
    assert_eq!(
        labels(&up)
            .iter()
            .filter(|l| l.contains("fkey"))
            .collect::<Vec<_>>(),
        [
            "drop constraint lineage_address_id_fkey",
            "add fk lineage_address_id_fkey"
        ]
    );
}

#[test]
fn serial_becomes_identity_and_back() {
    let with = |generated: Option<Generated>| {
        let mut t = table("t", vec![]);
        t.columns[0].generated = generated;
        schema(&[], vec![t])
    };
    let from = with(Some(Generated::Serial {
        sequence: "t_id_seq".into(),
    }));
    let to = with(Some(Generated::IdentityAlways));
    let up = assert_round_trip(&from, &to);
    assert_eq!(
        up,
        [
            Op::SetDefault {
                table: "t".into(),
                column: "id".into(),
                default: None,
            },
            // The serial's sequence keeps its position until the identity takes it.
            Op::RenameSequence {
                from: "t_id_seq".into(),
                to: "t_id_seq_old".into(),
            },
            Op::SetSequenceOwner {
                name: "t_id_seq_old".into(),
                owned_by: None,
            },
            Op::SetGenerated {
                table: "t".into(),
                column: "id".into(),
                generated: Some(Generated::IdentityAlways),
            },
            Op::ContinueSequence {
                table: "t".into(),
                column: "id".into(),
                from: SequenceOf::Named("t_id_seq_old".into()),
                to: SequenceOf::Identity,
            },
            Op::DropSequence {
                name: "t_id_seq_old".into(),
            },
        ]
    );
    let down = diff(&to, &from);
    assert_eq!(
        labels(&down),
        [
            "CreateSequence(Sequence { name: \"t_id_seq_new\", ty: Integer, owned_by: None })",
            "ContinueSequence { table: \"t\", column: \"id\", from: Identity, to: Named(\"t_id_seq_new\") }",
            "SetGenerated { table: \"t\", column: \"id\", generated: None }",
            "RenameSequence { from: \"t_id_seq_new\", to: \"t_id_seq\" }",
            "SetSequenceOwner { name: \"t_id_seq\", owned_by: Some((\"t\", \"id\")) }",
            "default t.id",
        ]
    );
    assert_eq!(
        crate::sql::render(&up[4..5]),
        "SELECT setval(pg_get_serial_sequence('t', 'id'), greatest(coalesce(max(id), 0) + 1, \
         nextval('t_id_seq_old')), false) FROM t;\n"
    );
}

#[test]
fn an_identity_that_changes_kind_keeps_its_position() {
    let with = |generated| {
        let mut t = table("t", vec![]);
        t.columns[0].generated = Some(generated);
        schema(&[], vec![t])
    };
    let up = assert_round_trip(
        &with(Generated::IdentityAlways),
        &with(Generated::IdentityByDefault),
    );
    assert_eq!(
        labels(&up),
        [
            "CreateSequence(Sequence { name: \"t_id_seq_old\", ty: Integer, owned_by: None })",
            "ContinueSequence { table: \"t\", column: \"id\", from: Identity, to: Named(\"t_id_seq_old\") }",
            "SetGenerated { table: \"t\", column: \"id\", generated: None }",
            "SetGenerated { table: \"t\", column: \"id\", generated: Some(IdentityByDefault) }",
            "ContinueSequence { table: \"t\", column: \"id\", from: Named(\"t_id_seq_old\"), to: Identity }",
            "DropSequence { name: \"t_id_seq_old\" }",
        ]
    );
}

#[test]
fn serial_that_changes_type_takes_its_sequence_along_keeping_it() {
    let with = |ty: SqlType| {
        let mut t = table("t", vec![]);
        t.columns[0].ty = ty;
        schema(&[], vec![t])
    };
    let up = assert_round_trip(&with(SqlType::Integer), &with(SqlType::BigInt));
    assert_eq!(
        up,
        [
            Op::AlterColumnType {
                table: "t".into(),
                column: "id".into(),
                ty: SqlType::BigInt,
                using: None,
            },
            Op::AlterSequenceType {
                name: "t_id_seq".into(),
                ty: SqlType::BigInt,
            },
        ]
    );
}

#[test]
fn free_sequences_are_created_owned_and_dropped() {
    let mut to = schema(&[], vec![table("t", vec![col("n", SqlType::BigInt)])]);
    to.sequences.insert(
        "counter".into(),
        Sequence {
            name: "counter".into(),
            ty: SqlType::BigInt,
            owned_by: Some(("t".into(), "n".into())),
        },
    );
    let from = schema(&[], vec![table("t", vec![])]);
    let up = assert_round_trip(&from, &to);
    assert_eq!(
        labels(&up),
        [
            "CreateSequence(Sequence { name: \"counter\", ty: BigInt, owned_by: None })",
            "add column t.n",
            "SetSequenceOwner { name: \"counter\", owned_by: Some((\"t\", \"n\")) }",
        ]
    );
    // Dropping the owning column takes the sequence along: no explicit drop.
    assert_eq!(labels(&diff(&to, &from)), ["drop column t.n"]);
}

#[test]
fn column_order_is_ignored() {
    let from = schema(
        &[],
        vec![table(
            "t",
            vec![col("a", SqlType::Text), col("b", SqlType::Text)],
        )],
    );
    let to = schema(
        &[],
        vec![table(
            "t",
            vec![col("b", SqlType::Text), col("a", SqlType::Text)],
        )],
    );
    assert_eq!(diff(&from, &to), []);
}

#[test]
fn an_index_moving_between_tables_is_dropped_before_it_is_created() {
    let from = schema(
        &[],
        vec![
            with_index(
                table("a", vec![col("x", SqlType::Text)]),
                "ix_x",
                &["x"],
                &[],
            ),
            table("b", vec![col("x", SqlType::Text)]),
        ],
    );
    let to = schema(
        &[],
        vec![
            table("a", vec![col("x", SqlType::Text)]),
            with_index(
                table("b", vec![col("x", SqlType::Text)]),
                "ix_x",
                &["x"],
                &[],
            ),
        ],
    );
    assert_eq!(
        labels(&assert_round_trip(&from, &to)),
        ["drop index ix_x", "create index ix_x"]
    );
}

#[test]
fn swapped_enum_name_fits_in_an_identifier() {
    assert_eq!(swapped_enum_name("mood"), "mood__old");
    let long = "e".repeat(63);
    let swapped = swapped_enum_name(&long);
    assert_eq!(swapped.len(), 63);
    assert!(swapped.ends_with("__old"));
}

#[test]
fn diffing_large_models_stays_linear() {
    // Not a timing assertion: a quadratic lookup over 1,000 tables would show up as a
    // test run measured in minutes. The figures are printed by the `diff` benchmark.
    let big = |n: usize, ty: SqlType| {
        let tables = (0..1000)
            .map(|i| {
                let t = table(&format!("t{i:04}"), vec![col("v", ty.clone())]);
                if i > 0 {
                    with_fk(t, "id", &format!("t{:04}", (i * 7) % n))
                } else {
                    t
                }
            })
            .collect();
        schema(&[], tables)
    };
    let (a, b) = (big(1000, SqlType::Text), big(999, SqlType::Integer));
    let up = diff(&a, &b);
    assert_eq!(
        up.iter()
            .filter(|op| matches!(op, Op::AlterColumnType { .. }))
            .count(),
        1000
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn applying_the_diff_reaches_the_target((a, b) in strategy::schema_pair()) {
        let up = diff(&a, &b);
        let upgraded = try_migrate(&a, &up)?;
        check_same(&upgraded, &after_migration(&a, &b))?;
        let down = diff(&b, &a);
        let downgraded = try_migrate(&upgraded, &down)?;
        check_same(&downgraded, &after_migration(&upgraded, &a))?;
        prop_assert_eq!(diff(&upgraded, &b), vec![]);
    }

    #[test]
    fn creating_from_nothing_reaches_the_schema(s in strategy::schema()) {
        let created = try_migrate(&Schema::default(), &diff(&Schema::default(), &s))?;
        check_same(&created, &s)?;
        let dropped = try_migrate(&created, &diff(&s, &Schema::default()))?;
        check_same(&dropped, &Schema::default())?;
    }
}

fn try_migrate(from: &Schema, ops: &[Op]) -> Result<Schema, TestCaseError> {
    let mut s = from.clone();
    for op in ops {
        apply(&mut s, op)
            .map_err(|e| TestCaseError::fail(format!("{e}\nat {op:?}\nin {ops:#?}")))?;
    }
    Ok(s)
}

fn check_same(actual: &Schema, expected: &Schema) -> Result<(), TestCaseError> {
    match crate::compare::describe_difference(actual, expected) {
        None => Ok(()),
        Some(d) => Err(TestCaseError::fail(format!(
            "schemas differ (- actual, + expected):\n{d}"
        ))),
    }
}

/// Replays `ops` as the SQL `render` writes for them, on a copy of `from`.
fn try_replay(from: &Schema, ops: &[Op], origin: &str) -> Result<Schema, TestCaseError> {
    let sql = crate::sql::render(ops);
    let mut s = from.clone();
    crate::replay::replay(&mut s, &sql, origin)
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- {origin} ---\n{sql}")))?;
    Ok(s)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn replaying_the_rendered_diff_reaches_the_target((a, b) in strategy::schema_pair()) {
        let upgraded = try_replay(&a, &diff(&a, &b), "up.sql")?;
        check_same(&upgraded, &after_migration(&a, &b))?;
        let downgraded = try_replay(&upgraded, &diff(&b, &a), "down.sql")?;
        check_same(&downgraded, &after_migration(&upgraded, &a))?;
    }

    #[test]
    fn replaying_the_rendered_schema_gives_the_schema(s in strategy::schema()) {
        let created = try_replay(&Schema::default(), &diff(&Schema::default(), &s), "up.sql")?;
        check_same(&created, &s)?;
        prop_assert_eq!(crate::head::render_schema(&s), crate::sql::render(&diff(&Schema::default(), &s)));
    }
}
