//! The one random-schema generator of the workspace's property tests: random schemas and
//! random edits, built through `op::apply` so that every one is a state the model accepts,
//! and shaped so that PostgreSQL accepts it too (the integration tests run them there).

use crate::model::{
    default_fkey_name, default_pkey_name, default_unique_name, Check, Column, EnumType, Expr,
    FkAction, ForeignKey, Generated, Index, PrimaryKey, Schema, SqlType, Table, Unique,
};
use crate::op::{apply, LabelPosition, Op};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index as Pick;

/// Column types, with a default in the form the catalog prints it (or none).
fn type_choices() -> Vec<(SqlType, Option<&'static str>)> {
    use SqlType::*;
    vec![
        (SmallInt, Some("0")),
        (Integer, Some("0")),
        (BigInt, Some("0")),
        (Boolean, Some("false")),
        (Real, None),
        (Double, None),
        (Numeric(Some((10, 2))), None),
        (Varchar(Some(20)), Some("'x'::character varying")),
        (Varchar(None), None),
        (Char(2), None),
        (Text, Some("'x'::text")),
        (Date, None),
        (Time, None),
        (Timestamp, None),
        (Timestamptz, Some("CURRENT_TIMESTAMP")),
        (Interval, None),
        (Uuid, None),
        (Json, None),
        (Jsonb, Some("'{}'::jsonb")),
        (Bytea, None),
        (Array(Box::new(Integer)), None),
        (Array(Box::new(Text)), None),
        (Enum("e0".into()), Some("'l0'::e0")),
        (Array(Box::new(Enum("e0".into()))), None),
    ]
}

/// Whether btree can index the type (json has no ordering).
fn indexable(ty: &SqlType) -> bool {
    match ty {
        SqlType::Json => false,
        SqlType::Array(inner) => indexable(inner),
        _ => true,
    }
}

const ACTIONS: [FkAction; 5] = [
    FkAction::NoAction,
    FkAction::Restrict,
    FkAction::Cascade,
    FkAction::SetNull,
    FkAction::SetDefault,
];

#[derive(Debug, Clone)]
struct ColumnSpec {
    ty: Pick,
    nullable: bool,
    default: bool,
}

fn column_spec() -> impl Strategy<Value = ColumnSpec> {
    (any::<Pick>(), any::<bool>(), any::<bool>()).prop_map(|(ty, nullable, default)| ColumnSpec {
        ty,
        nullable,
        default,
    })
}

#[derive(Debug, Clone)]
struct IndexSpec {
    columns: Vec<Pick>,
    include: Option<Pick>,
    unique: bool,
    partial: bool,
}

fn index_spec() -> impl Strategy<Value = IndexSpec> {
    (
        vec(any::<Pick>(), 1..3),
        proptest::option::of(any::<Pick>()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(columns, include, unique, partial)| IndexSpec {
            columns,
            include,
            unique,
            partial,
        })
}

/// How a table's surrogate key `id` is made, if it has one.
#[derive(Debug, Clone, Copy)]
enum IdKind {
    None,
    Serial,
    BigSerial,
    Identity,
}

#[derive(Debug, Clone)]
struct TableSpec {
    id: IdKind,
    columns: Vec<ColumnSpec>,
    reference: Option<(Pick, Pick, Pick, bool)>,
    unique: Option<Pick>,
    check: Option<Pick>,
    indexes: Vec<IndexSpec>,
}

fn table_spec() -> impl Strategy<Value = TableSpec> {
    (
        prop_oneof![
            Just(IdKind::None),
            Just(IdKind::Serial),
            Just(IdKind::BigSerial),
            Just(IdKind::Identity)
        ],
        vec(column_spec(), 1..5),
        proptest::option::of((any::<Pick>(), any::<Pick>(), any::<Pick>(), any::<bool>())),
        proptest::option::of(any::<Pick>()),
        proptest::option::of(any::<Pick>()),
        vec(index_spec(), 0..3),
    )
        .prop_map(
            |(id, columns, reference, unique, check, indexes)| TableSpec {
                id,
                columns,
                reference,
                unique,
                check,
                indexes,
            },
        )
}

/// A random schema: up to two enum types and one to four tables.
pub fn schema() -> impl Strategy<Value = Schema> {
    (vec(1..4usize, 0..3), vec(table_spec(), 1..5)).prop_map(|(enums, tables)| {
        let mut schema = Schema::default();
        for (i, labels) in enums.into_iter().enumerate() {
            let labels = (0..labels).map(|l| format!("l{l}")).collect();
            let op = Op::CreateEnum(EnumType {
                name: format!("e{i}"),
                labels,
            });
            apply(&mut schema, &op).expect("fresh enum names");
        }
        for (i, spec) in tables.iter().enumerate() {
            let table = build_table(&schema, &format!("t{i}"), spec);
            // The model refuses what PostgreSQL would: keep only what it accepts.
            let _ = apply(&mut schema, &Op::CreateTable(table));
        }
        schema
    })
}

/// A column of the type `pick` chooses (text where the enum it names does not exist).
fn build_column(schema: &Schema, name: String, spec: &ColumnSpec) -> Column {
    let choices = type_choices();
    let (mut ty, default) = choices[spec.ty.index(choices.len())].clone();
    let mut default = default.filter(|_| spec.default).map(Expr::new);
    if mentions_missing_enum(schema, &ty) {
        ty = SqlType::Text;
        default = None;
    }
    Column {
        nullable: spec.nullable,
        default,
        ..Column::new(name, ty)
    }
}

fn mentions_missing_enum(schema: &Schema, ty: &SqlType) -> bool {
    match ty {
        SqlType::Enum(name) => !schema.enums.contains_key(name),
        SqlType::Array(inner) => mentions_missing_enum(schema, inner),
        _ => false,
    }
}

fn build_table(schema: &Schema, name: &str, spec: &TableSpec) -> Table {
    let mut table = Table::new(name);
    let id_type = match spec.id {
        IdKind::None => None,
        IdKind::BigSerial => Some(SqlType::BigInt),
        IdKind::Serial | IdKind::Identity => Some(SqlType::Integer),
    };
    if let Some(ty) = &id_type {
        let generated = match spec.id {
            IdKind::Identity => Generated::IdentityByDefault,
            _ => Generated::Serial {
                sequence: crate::model::default_sequence_name(name, "id"),
            },
        };
        table.columns.push(Column {
            nullable: false,
            generated: Some(generated),
            ..Column::new("id", ty.clone())
        });
        table.primary_key = Some(PrimaryKey {
            name: default_pkey_name(name),
            columns: vec!["id".into()],
        });
    }
    for (i, column) in spec.columns.iter().enumerate() {
        table
            .columns
            .push(build_column(schema, format!("c{i}"), column));
    }
    if table.primary_key.is_none() && indexable(&table.columns[0].ty) {
        table.columns[0].nullable = false;
        table.primary_key = Some(PrimaryKey {
            name: default_pkey_name(name),
            columns: vec![table.columns[0].name.clone()],
        });
    }

    // A foreign key to an earlier table with a single-column surrogate key.
    let targets: Vec<&Table> = schema
        .tables
        .values()
        .filter(|t| t.column("id").is_some_and(|c| c.generated.is_some()))
        .collect();
    if let (Some((target, on_delete, on_update, nullable)), false) =
        (&spec.reference, targets.is_empty())
    {
        let target = targets[target.index(targets.len())];
        let column = format!("{}_id", target.name);
        let ty = target.column("id").expect("filtered on it").ty.clone();
        table.columns.push(Column {
            nullable: *nullable,
            ..Column::new(column.clone(), ty)
        });
        let columns = vec![column];
        let key = ForeignKey {
            name: default_fkey_name(name, &columns),
            columns,
            ref_table: target.name.clone(),
            ref_columns: vec!["id".into()],
            on_delete: ACTIONS[on_delete.index(ACTIONS.len())],
            on_update: ACTIONS[on_update.index(ACTIONS.len())],
        };
        table.foreign_keys.insert(key.name.clone(), key);
    }

    let keyable: Vec<String> = table
        .columns
        .iter()
        .filter(|c| indexable(&c.ty))
        .map(|c| c.name.clone())
        .collect();
    if let (Some(pick), false) = (&spec.unique, keyable.is_empty()) {
        let columns = vec![keyable[pick.index(keyable.len())].clone()];
        let unique = Unique {
            name: default_unique_name(name, &columns),
            columns,
        };
        if !table.has_constraint(&unique.name) && !is_primary_key(&table, &unique.columns) {
            table.uniques.insert(unique.name.clone(), unique);
        }
    }
    if let Some(pick) = &spec.check {
        let column = &table.columns[pick.index(table.columns.len())].name;
        let check = Check {
            name: format!("ck_{name}_{column}"),
            expr: Expr::new(&format!("{column} IS NOT NULL")),
        };
        table.checks.insert(check.name.clone(), check);
    }
    for (i, spec) in spec.indexes.iter().enumerate() {
        if let Some(index) = build_index(&table, &format!("ix_{name}_{i}"), spec, &keyable) {
            table.indexes.insert(index.name.clone(), index);
        }
    }
    table
}

fn is_primary_key(table: &Table, columns: &[String]) -> bool {
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns == columns)
}

fn build_index(table: &Table, name: &str, spec: &IndexSpec, keyable: &[String]) -> Option<Index> {
    if keyable.is_empty() {
        return None;
    }
    let mut columns: Vec<String> = Vec::new();
    for pick in &spec.columns {
        let column = &keyable[pick.index(keyable.len())];
        if !columns.contains(column) {
            columns.push(column.clone());
        }
    }
    let include = spec
        .include
        .as_ref()
        .map(|pick| table.columns[pick.index(table.columns.len())].name.clone())
        .filter(|c| !columns.contains(c))
        .into_iter()
        .collect();
    let predicate = spec
        .partial
        .then(|| Expr::new(&format!("{} IS NOT NULL", columns[0])));
    Some(Index {
        name: name.into(),
        unique: spec.unique,
        method: "btree".into(),
        columns,
        include,
        predicate,
    })
}

/// One random change to a schema.
#[derive(Debug, Clone)]
enum Edit {
    AddColumn(Pick, ColumnSpec),
    DropColumn(Pick, Pick),
    ToggleNullable(Pick, Pick),
    ToggleDefault(Pick, Pick),
    WidenColumn(Pick, Pick),
    ChangeType(Pick, Pick, Pick),
    RenameColumn(Pick, Pick),
    AddIndex(Pick, IndexSpec),
    DropIndex(Pick, Pick),
    AddCheck(Pick, Pick),
    DropCheck(Pick, Pick),
    AddEnumLabel(Pick, Option<Pick>),
    AddTable(TableSpec),
    DropTable(Pick),
}

fn edit() -> impl Strategy<Value = Edit> {
    let p = || any::<Pick>();
    prop_oneof![
        (p(), column_spec()).prop_map(|(t, c)| Edit::AddColumn(t, c)),
        (p(), p()).prop_map(|(t, c)| Edit::DropColumn(t, c)),
        (p(), p()).prop_map(|(t, c)| Edit::ToggleNullable(t, c)),
        (p(), p()).prop_map(|(t, c)| Edit::ToggleDefault(t, c)),
        (p(), p()).prop_map(|(t, c)| Edit::WidenColumn(t, c)),
        (p(), p(), p()).prop_map(|(t, c, ty)| Edit::ChangeType(t, c, ty)),
        (p(), p()).prop_map(|(t, c)| Edit::RenameColumn(t, c)),
        (p(), index_spec()).prop_map(|(t, i)| Edit::AddIndex(t, i)),
        (p(), p()).prop_map(|(t, i)| Edit::DropIndex(t, i)),
        (p(), p()).prop_map(|(t, c)| Edit::AddCheck(t, c)),
        (p(), p()).prop_map(|(t, c)| Edit::DropCheck(t, c)),
        (p(), proptest::option::of(p())).prop_map(|(e, at)| Edit::AddEnumLabel(e, at)),
        table_spec().prop_map(Edit::AddTable),
        p().prop_map(Edit::DropTable),
    ]
}

/// `from` after one to four random edits (an edit the model refuses is skipped).
pub fn edited(from: Schema) -> impl Strategy<Value = Schema> {
    edits(from).prop_map(|(schema, _)| schema)
}

/// [`edited`], with the operations that made it, in order: what a migration between the
/// two would do, and the intent (renames, drops) a user's hints would state.
pub fn edits(from: Schema) -> impl Strategy<Value = (Schema, Vec<Op>)> {
    vec(edit(), 1..5).prop_map(move |edits| {
        let mut schema = from.clone();
        let mut ops = Vec::new();
        for edit in &edits {
            for op in edit_ops(&schema, edit) {
                let mut next = schema.clone();
                if apply(&mut next, &op).is_ok() {
                    schema = next;
                    ops.push(op);
                }
            }
        }
        (schema, ops)
    })
}

/// `len` successive [`edits`] of `from`: a sequence of migrations, each entry the schema it
/// leads to and its operations.
pub fn edit_sequence(from: Schema, len: usize) -> BoxedStrategy<Vec<(Schema, Vec<Op>)>> {
    if len == 0 {
        return Just(Vec::new()).boxed();
    }
    edits(from)
        .prop_flat_map(move |(to, ops)| {
            edit_sequence(to.clone(), len - 1).prop_map(move |rest| {
                let mut all = vec![(to.clone(), ops.clone())];
                all.extend(rest);
                all
            })
        })
        .boxed()
}

/// Two random schemas over the same names (`t0`.., `e0`..): a migration's `from` and `to`,
/// as far apart as two independent schemas are.
pub fn schema_pair() -> impl Strategy<Value = (Schema, Schema)> {
    (schema(), schema())
}

/// Whether another table's foreign key points at `table` (or at `table.column`).
fn referenced(schema: &Schema, table: &str, column: Option<&str>) -> bool {
    schema.tables.values().any(|t| {
        t.foreign_keys.values().any(|fk| {
            fk.ref_table == table && column.is_none_or(|c| fk.ref_columns.iter().any(|r| r == c))
        })
    })
}

fn edit_ops(schema: &Schema, edit: &Edit) -> Vec<Op> {
    let tables: Vec<&Table> = schema.tables.values().collect();
    let table = |pick: &Pick| tables[pick.index(tables.len())];
    let column = |t: &Table, pick: &Pick| t.columns[pick.index(t.columns.len())].clone();
    if tables.is_empty() && !matches!(edit, Edit::AddTable(_) | Edit::AddEnumLabel(..)) {
        return Vec::new();
    }
    match edit {
        Edit::AddColumn(t, spec) => {
            let t = table(t);
            let name = format!("a{}", t.columns.len());
            vec![Op::AddColumn {
                table: t.name.clone(),
                column: build_column(schema, name, spec),
            }]
        }
        Edit::DropColumn(t, c) => {
            let t = table(t);
            let c = column(t, c);
            let in_key = t
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(&c.name))
                || t.foreign_keys
                    .values()
                    .any(|fk| fk.columns.contains(&c.name));
            if in_key || referenced(schema, &t.name, Some(&c.name)) || t.columns.len() == 1 {
                return Vec::new();
            }
            vec![Op::DropColumn {
                table: t.name.clone(),
                column: c.name,
            }]
        }
        Edit::ToggleNullable(t, c) => {
            let t = table(t);
            let c = column(t, c);
            if c.generated.is_some() {
                return Vec::new();
            }
            vec![Op::SetNullable {
                table: t.name.clone(),
                column: c.name,
                nullable: !c.nullable,
            }]
        }
        Edit::ToggleDefault(t, c) => {
            let t = table(t);
            let c = column(t, c);
            let choices = type_choices();
            let default = match c.default {
                Some(_) => None,
                None => choices
                    .iter()
                    .find(|(ty, _)| *ty == c.ty)
                    .and_then(|(_, d)| d.map(Expr::new)),
            };
            if c.generated.is_some() || default == c.default {
                return Vec::new();
            }
            vec![Op::SetDefault {
                table: t.name.clone(),
                column: c.name,
                default,
            }]
        }
        Edit::WidenColumn(t, c) => {
            let t = table(t);
            let c = column(t, c);
            let ty = match &c.ty {
                SqlType::Varchar(Some(n)) => SqlType::Varchar(Some(n + 10)),
                SqlType::SmallInt => SqlType::Integer,
                SqlType::Text => SqlType::Varchar(None),
                _ => return Vec::new(),
            };
            if c.generated.is_some() || c.default.is_some() {
                return Vec::new();
            }
            vec![Op::AlterColumnType {
                table: t.name.clone(),
                column: c.name,
                ty,
                using: None,
            }]
        }
        Edit::ChangeType(t, c, pick) => {
            // Changes PostgreSQL converts both ways by assignment casts, for values that
            // fit either type: what a confirmed type change does to rows.
            let t = table(t);
            let c = column(t, c);
            let choices: &[SqlType] = match &c.ty {
                SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => {
                    &[SqlType::Integer, SqlType::BigInt, SqlType::Text]
                }
                SqlType::Varchar(_) | SqlType::Text => &[
                    SqlType::Text,
                    SqlType::Varchar(Some(40)),
                    SqlType::Varchar(None),
                ],
                SqlType::Real | SqlType::Double | SqlType::Numeric(_) => {
                    &[SqlType::Double, SqlType::Numeric(Some((12, 2)))]
                }
                _ => return Vec::new(),
            };
            let ty = choices[pick.index(choices.len())].clone();
            let in_foreign_key = t
                .foreign_keys
                .values()
                .any(|fk| fk.columns.contains(&c.name))
                || referenced(schema, &t.name, Some(&c.name));
            if c.generated.is_some() || c.default.is_some() || in_foreign_key || ty == c.ty {
                return Vec::new();
            }
            vec![Op::AlterColumnType {
                table: t.name.clone(),
                column: c.name,
                ty,
                using: None,
            }]
        }
        Edit::RenameColumn(t, c) => {
            let t = table(t);
            let c = column(t, c);
            if c.generated.is_some() {
                return Vec::new();
            }
            vec![Op::RenameColumn {
                table: t.name.clone(),
                from: c.name.clone(),
                to: format!("{}_r", c.name),
            }]
        }
        Edit::AddIndex(t, spec) => {
            let t = table(t);
            let keyable: Vec<String> = t
                .columns
                .iter()
                .filter(|c| indexable(&c.ty))
                .map(|c| c.name.clone())
                .collect();
            let name = format!("ix_{}_e{}", t.name, t.indexes.len());
            build_index(t, &name, spec, &keyable)
                .map(|index| Op::CreateIndex {
                    table: t.name.clone(),
                    index,
                    concurrently: false,
                })
                .into_iter()
                .collect()
        }
        Edit::DropIndex(t, i) => {
            let t = table(t);
            let names: Vec<&String> = t.indexes.keys().collect();
            if names.is_empty() {
                return Vec::new();
            }
            vec![Op::DropIndex {
                name: names[i.index(names.len())].clone(),
                concurrently: false,
            }]
        }
        Edit::AddCheck(t, c) => {
            let t = table(t);
            let c = column(t, c);
            vec![Op::AddCheck {
                table: t.name.clone(),
                check: Check {
                    name: format!("ck_{}_{}_e", t.name, c.name),
                    expr: Expr::new(&format!("{} IS NOT NULL", c.name)),
                },
            }]
        }
        Edit::DropCheck(t, i) => {
            let t = table(t);
            let names: Vec<&String> = t.checks.keys().collect();
            if names.is_empty() {
                return Vec::new();
            }
            vec![Op::DropConstraint {
                table: t.name.clone(),
                name: names[i.index(names.len())].clone(),
            }]
        }
        Edit::AddEnumLabel(e, at) => {
            let enums: Vec<&EnumType> = schema.enums.values().collect();
            if enums.is_empty() {
                return Vec::new();
            }
            let e = enums[e.index(enums.len())];
            let position = at
                .as_ref()
                .map(|pick| LabelPosition::Before(e.labels[pick.index(e.labels.len())].clone()));
            vec![Op::AddEnumValue {
                name: e.name.clone(),
                label: format!("l{}", e.labels.len()),
                position,
            }]
        }
        Edit::AddTable(spec) => {
            let name = format!("t{}", schema.tables.len() + 10);
            vec![Op::CreateTable(build_table(schema, &name, spec))]
        }
        Edit::DropTable(t) => {
            let t = table(t);
            if referenced(schema, &t.name, None) {
                return Vec::new();
            }
            vec![Op::DropTable {
                name: t.name.clone(),
            }]
        }
    }
}
