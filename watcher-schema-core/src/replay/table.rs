//! Replay step 3d: `CREATE TABLE` and `ALTER TABLE` → table, column and constraint ops,
//! with PostgreSQL's defaults (generated names, serial expansion, merged keys, passes).

use crate::model::{Check, Column, ForeignKey, Generated, PrimaryKey, Schema, Table, Unique};
use crate::op::Op;

use super::definition::{
    column_def, identity_kind, normalize_default, starts_table_constraint, table_constraint,
    ConstraintDef, ConstraintKind,
};
use super::lexer::{Pos, TokenKind};
use super::names::{sole_column, Namer};
use super::parser::{drop_behaviour, existing_table, Steps};
use super::parser::{Name, PResult, Parser};
use super::types;

/// `CREATE TABLE [IF NOT EXISTS] name (columns and constraints)`.
pub(crate) fn create_table(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("CREATE")?;
    p.expect_kw("TABLE")?;
    let if_not_exists = p.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = p.qualified("a table name")?;
    if let Some(kw) = p.peek_kw_in(&["AS", "OF", "PARTITION"]) {
        return Err(p.error(
            p.here(),
            format!("`CREATE TABLE ... {kw}` is not supported: replay needs the column list"),
        ));
    }
    p.expect_punct(b'(')?;
    let mut columns = Vec::new();
    let mut constraints = Vec::new();
    if !p.eat_punct(b')') {
        loop {
            if starts_table_constraint(p) {
                constraints.push(table_constraint(p)?);
            } else if p.peek_kw("LIKE") {
                return Err(p.error(
                    p.here(),
                    "`LIKE` in `CREATE TABLE` is not supported: list the columns".to_string(),
                ));
            } else {
                columns.push(column_def(p, schema, &mut constraints)?);
            }
            if !p.eat_punct(b',') {
                p.expect_punct(b')')?;
                break;
            }
        }
    }
    if let Some(kw) = p.peek_kw_in(&[
        "INHERITS",
        "PARTITION",
        "WITH",
        "WITHOUT",
        "TABLESPACE",
        "USING",
        "ON",
    ]) {
        return Err(p.error(
            p.here(),
            format!("`{kw}` in `CREATE TABLE` is not supported by the schema model"),
        ));
    }
    p.expect_end()?;
    if if_not_exists && super::names::relation_exists(schema, &name.value) {
        return Ok(());
    }

    let mut namer = Namer::new(schema);
    namer.claim_relation(&name.value);
    let mut table = Table::new(name.value.clone());
    for def in columns {
        let mut column = def.column;
        if def.serial {
            column.generated = Some(Generated::Serial {
                sequence: namer.sequence(&name.value, &def.name.value),
            });
        }
        table.columns.push(column);
    }
    let column_names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let constraints = merge_index_constraints(p, &name.value, constraints)?;
    let own_pk = constraints.iter().find_map(|c| match &c.kind {
        ConstraintKind::PrimaryKey(cols) => Some(cols.clone()),
        _ => None,
    });
    // PostgreSQL names checks when it creates the table, then the primary key and
    // unique indexes, then adds the foreign keys; the order decides numbered names.
    let mut ordered: Vec<&ConstraintDef> = constraints.iter().collect();
    ordered.sort_by_key(|def| match def.kind {
        ConstraintKind::Check(_) => 0,
        ConstraintKind::PrimaryKey(_) | ConstraintKind::Unique(_) => 1,
        ConstraintKind::ForeignKey { .. } => 2,
    });
    let mut ops = Vec::with_capacity(ordered.len());
    for def in ordered {
        let op = resolve_constraint(
            p,
            schema,
            &mut namer,
            &name.value,
            &column_names,
            own_pk.as_deref(),
            def,
        )?;
        ops.push((def.pos, op));
    }
    steps.push((name.pos, Op::CreateTable(table)));
    steps.extend(ops);
    Ok(())
}

/// PostgreSQL keeps one index per column list among a new table's primary key and
/// unique constraints (`a int UNIQUE PRIMARY KEY` gives only `t_pkey`); an unnamed
/// survivor takes the name of a named duplicate. The primary key comes first.
fn merge_index_constraints(
    p: &Parser<'_>,
    table: &str,
    constraints: Vec<ConstraintDef>,
) -> PResult<Vec<ConstraintDef>> {
    let mut pk_seen = false;
    for def in &constraints {
        if matches!(def.kind, ConstraintKind::PrimaryKey(_)) {
            if pk_seen {
                return Err(p.error(
                    def.pos,
                    format!("multiple primary keys for table `{table}` are not allowed"),
                ));
            }
            pk_seen = true;
        }
    }
    let (mut kept, rest): (Vec<_>, Vec<_>) = constraints
        .into_iter()
        .partition(|d| matches!(d.kind, ConstraintKind::PrimaryKey(_)));
    for def in rest {
        let ConstraintKind::Unique(columns) = &def.kind else {
            kept.push(def);
            continue;
        };
        let prior = kept.iter_mut().find(|k| match &k.kind {
            ConstraintKind::PrimaryKey(c) | ConstraintKind::Unique(c) => c == columns,
            _ => false,
        });
        match prior {
            Some(prior) => {
                if prior.name.is_none() {
                    prior.name = def.name;
                }
            }
            None => kept.push(def),
        }
    }
    Ok(kept)
}

/// Turns a constraint as written into its op, choosing its name if it has none.
/// `columns` are the table's columns (for naming checks); `own_pk` is the primary key
/// the statement gives the table, for `REFERENCES` the table itself without columns.
fn resolve_constraint(
    p: &Parser<'_>,
    schema: &Schema,
    namer: &mut Namer<'_>,
    table: &str,
    columns: &[&str],
    own_pk: Option<&[String]>,
    def: &ConstraintDef,
) -> PResult<Op> {
    let explicit = def.name.as_ref().map(|n| n.value.clone());
    let table = table.to_string();
    let op = match &def.kind {
        ConstraintKind::PrimaryKey(cols) => Op::AddPrimaryKey {
            key: PrimaryKey {
                name: explicit.unwrap_or_else(|| namer.primary_key(&table)),
                columns: cols.clone(),
            },
            table,
        },
        ConstraintKind::Unique(cols) => Op::AddUnique {
            unique: Unique {
                name: explicit.unwrap_or_else(|| namer.unique(&table, cols)),
                columns: cols.clone(),
            },
            table,
        },
        ConstraintKind::Check(expr) => Op::AddCheck {
            check: Check {
                name: explicit.unwrap_or_else(|| {
                    namer.check(&table, sole_column(expr.as_str(), columns.iter().copied()))
                }),
                expr: expr.clone(),
            },
            table,
        },
        ConstraintKind::ForeignKey {
            columns: cols,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        } => {
            if ref_table.value != table && !schema.tables.contains_key(&ref_table.value) {
                return Err(p.error(
                    ref_table.pos,
                    format!("referenced table `{}` does not exist", ref_table.value),
                ));
            }
            let ref_columns = match ref_columns {
                Some(c) => c.clone(),
                None => referenced_primary_key(p, schema, &table, own_pk, ref_table)?,
            };
            Op::AddForeignKey {
                key: ForeignKey {
                    name: explicit.unwrap_or_else(|| namer.foreign_key(&table, cols)),
                    columns: cols.clone(),
                    ref_table: ref_table.value.clone(),
                    ref_columns,
                    on_delete: *on_delete,
                    on_update: *on_update,
                },
                table,
            }
        }
    };
    if let Some(name) = &def.name {
        match def.kind {
            ConstraintKind::PrimaryKey(_) | ConstraintKind::Unique(_) => {
                namer.claim_relation(&name.value);
                namer.claim_constraint(&name.value);
            }
            _ => namer.claim_constraint(&name.value),
        }
    }
    Ok(op)
}

/// `REFERENCES t` without columns means `t`'s primary key.
fn referenced_primary_key(
    p: &Parser<'_>,
    schema: &Schema,
    table: &str,
    own_pk: Option<&[String]>,
    ref_table: &Name,
) -> PResult<Vec<String>> {
    let pk = if ref_table.value == table {
        own_pk.map(<[String]>::to_vec)
    } else {
        schema
            .tables
            .get(&ref_table.value)
            .and_then(|t| t.primary_key.as_ref())
            .map(|pk| pk.columns.clone())
    };
    pk.ok_or_else(|| {
        p.error(
            ref_table.pos,
            format!(
                "there is no primary key for referenced table `{}`; name the referenced columns",
                ref_table.value
            ),
        )
    })
}

/// PostgreSQL runs an `ALTER TABLE`'s actions in passes, not in the order written
/// (drops first, then type changes, new columns, then constraints); sorting the steps
/// by pass replays the same outcome, e.g. a constraint on a column added after it.
mod pass {
    pub const DROP: u8 = 0;
    pub const ALTER_TYPE: u8 = 1;
    pub const ADD_COLUMN: u8 = 4;
    pub const COLUMN_ATTRIBUTES: u8 = 6;
    pub const ADD_INDEX_CONSTRAINT: u8 = 7;
    pub const ADD_OTHER_CONSTRAINT: u8 = 9;
}

/// The table an `ALTER TABLE` works on and the steps it has collected.
struct AlterTable<'s> {
    schema: &'s Schema,
    table: &'s Table,
    namer: Namer<'s>,
    /// Columns added by earlier actions of the statement.
    added: Vec<String>,
    steps: Vec<(u8, Pos, Action)>,
}

/// A step of an `ALTER TABLE`; constraints are named only once the passes are in
/// order, as PostgreSQL names them when it runs them (after the drops).
enum Action {
    Op(Op),
    Constraint(ConstraintDef),
}

impl AlterTable<'_> {
    fn has_column(&self, name: &str) -> bool {
        self.table.column(name).is_some() || self.added.iter().any(|c| c == name)
    }

    fn push(&mut self, pass: u8, pos: Pos, op: Op) {
        self.steps.push((pass, pos, Action::Op(op)));
    }

    fn add_constraint(&mut self, def: ConstraintDef) {
        let pass = match def.kind {
            ConstraintKind::PrimaryKey(_) | ConstraintKind::Unique(_) => pass::ADD_INDEX_CONSTRAINT,
            _ => pass::ADD_OTHER_CONSTRAINT,
        };
        self.steps.push((pass, def.pos, Action::Constraint(def)));
    }

    /// Orders the steps by pass and names the constraints.
    fn finish(mut self, p: &Parser<'_>) -> PResult<Vec<(Pos, Op)>> {
        self.steps.sort_by_key(|(pass, _, _)| *pass);
        let columns: Vec<&str> = self
            .table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .chain(self.added.iter().map(String::as_str))
            .collect();
        // `REFERENCES` this table without columns: its primary key, maybe added here.
        let added_pk = self.steps.iter().find_map(|(_, _, action)| match action {
            Action::Constraint(ConstraintDef {
                kind: ConstraintKind::PrimaryKey(columns),
                ..
            }) => Some(columns.clone()),
            _ => None,
        });
        let own_pk = match &self.table.primary_key {
            Some(pk) => Some(pk.columns.clone()),
            None => added_pk,
        };
        let mut ops = Vec::with_capacity(self.steps.len());
        for (_, pos, action) in std::mem::take(&mut self.steps) {
            let op = match action {
                Action::Op(op) => op,
                Action::Constraint(def) => resolve_constraint(
                    p,
                    self.schema,
                    &mut self.namer,
                    &self.table.name,
                    &columns,
                    own_pk.as_deref(),
                    &def,
                )?,
            };
            ops.push((pos, op));
        }
        Ok(ops)
    }

    /// The foreign keys (table, name) into this table that `depends` picks.
    fn referencing(&self, depends: impl Fn(&Table, &ForeignKey) -> bool) -> Vec<(String, String)> {
        self.schema
            .tables
            .values()
            .flat_map(|t| t.foreign_keys.values().map(move |fk| (t, fk)))
            .filter(|(t, fk)| fk.ref_table == self.table.name && depends(t, fk))
            .map(|(t, fk)| (t.name.clone(), fk.name.clone()))
            .collect()
    }

    /// Drops foreign keys first, as `CASCADE` does.
    fn drop_foreign_keys(&mut self, pos: Pos, keys: Vec<(String, String)>) {
        for (table, name) in keys {
            self.push(pass::DROP, pos, Op::DropConstraint { table, name });
        }
    }

    /// The columns of constraint `name` of this table, if it is a primary key or unique.
    fn key_columns(&self, name: &str) -> Vec<String> {
        let t = self.table;
        match &t.primary_key {
            Some(pk) if pk.name == name => pk.columns.clone(),
            _ => t
                .uniques
                .get(name)
                .map(|u| u.columns.clone())
                .unwrap_or_default(),
        }
    }
}

/// `ALTER TABLE [IF EXISTS] [ONLY] name action, ...` or one of its `RENAME` forms.
pub(crate) fn alter_table(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("ALTER")?;
    p.expect_kw("TABLE")?;
    let if_exists = p.eat_kws(&["IF", "EXISTS"]);
    p.eat_kw("ONLY");
    let name = p.qualified("a table name")?;
    if p.peek()
        .is_some_and(|t| t.kind == TokenKind::Operator && p.text(t) == "*")
    {
        p.bump();
    }
    // pg_dump changes a sequence's owner with `ALTER TABLE`.
    let owner_only = p.peek_kw("OWNER") && p.peek_kw_nth(1, "TO") && p.peek_nth(3).is_none();
    if owner_only && super::names::relation_exists(schema, &name.value) {
        return Ok(());
    }
    // Without the table there is nothing to resolve the actions against.
    if if_exists && !schema.tables.contains_key(&name.value) {
        return Ok(());
    }
    let table = existing_table(schema, p, &name)?;
    if p.eat_kw("RENAME") {
        return rename(p, table, steps);
    }
    let mut alter = AlterTable {
        schema,
        table,
        namer: Namer::new(schema),
        added: Vec::new(),
        steps: Vec::new(),
    };
    loop {
        alter_action(p, &mut alter)?;
        if !p.eat_punct(b',') {
            break;
        }
    }
    p.expect_end()?;
    steps.extend(alter.finish(p)?);
    Ok(())
}

/// `RENAME TO new`, `RENAME CONSTRAINT a TO b`, `RENAME [COLUMN] a TO b`, after `RENAME`.
fn rename(p: &mut Parser<'_>, table: &Table, steps: &mut Steps) -> PResult<()> {
    let pos = p.here();
    let op = if p.eat_kw("TO") {
        Op::RenameTable {
            from: table.name.clone(),
            to: p.ident("a table name")?.value,
        }
    } else if p.eat_kw("CONSTRAINT") {
        let from = p.ident("a constraint name")?.value;
        p.expect_kw("TO")?;
        Op::RenameConstraint {
            table: table.name.clone(),
            from,
            to: p.ident("a constraint name")?.value,
        }
    } else {
        p.eat_kw("COLUMN");
        let from = p.ident("a column name")?.value;
        p.expect_kw("TO")?;
        Op::RenameColumn {
            table: table.name.clone(),
            from,
            to: p.ident("a column name")?.value,
        }
    };
    p.expect_end()?;
    steps.push((pos, op));
    Ok(())
}

/// `[CONSTRAINT name] {PRIMARY KEY | UNIQUE} USING INDEX index` after `ADD`, or `None`
/// (nothing read) when the constraint is written otherwise. Without a name, the constraint
/// takes the index's.
fn constraint_using_index(p: &mut Parser<'_>, table: &str) -> PResult<Option<Op>> {
    let skip = if p.peek_kw("CONSTRAINT") { 2 } else { 0 };
    let primary_key = p.peek_kw_nth(skip, "PRIMARY") && p.peek_kw_nth(skip + 1, "KEY");
    let kind_len = if primary_key { 2 } else { 1 };
    let unique = !primary_key && p.peek_kw_nth(skip, "UNIQUE");
    if !(primary_key || unique)
        || !p.peek_kw_nth(skip + kind_len, "USING")
        || !p.peek_kw_nth(skip + kind_len + 1, "INDEX")
    {
        return Ok(None);
    }
    let name = if p.eat_kw("CONSTRAINT") {
        Some(p.ident("a constraint name")?.value)
    } else {
        None
    };
    if primary_key {
        p.expect_kw("PRIMARY")?;
        p.expect_kw("KEY")?;
    } else {
        p.expect_kw("UNIQUE")?;
    }
    p.expect_kw("USING")?;
    p.expect_kw("INDEX")?;
    let index = p.ident("an index name")?.value;
    Ok(Some(Op::AddConstraintUsingIndex {
        table: table.to_string(),
        name: name.unwrap_or_else(|| index.clone()),
        index,
        primary_key,
    }))
}

/// One action of an `ALTER TABLE`.
fn alter_action(p: &mut Parser<'_>, alter: &mut AlterTable<'_>) -> PResult<()> {
    let pos = p.here();
    let tname = alter.table.name.clone();
    if p.eat_kw("ADD") {
        if let Some(op) = constraint_using_index(p, &tname)? {
            alter.push(pass::ADD_INDEX_CONSTRAINT, pos, op);
            return Ok(());
        }
        if starts_table_constraint(p) {
            alter.add_constraint(table_constraint(p)?);
            return Ok(());
        }
        p.eat_kw("COLUMN");
        let if_not_exists = p.eat_kws(&["IF", "NOT", "EXISTS"]);
        let mut constraints = Vec::new();
        let def = column_def(p, alter.schema, &mut constraints)?;
        if alter.has_column(&def.name.value) {
            if if_not_exists {
                return Ok(());
            }
            return Err(p.error(
                def.name.pos,
                format!("column `{tname}.{}` already exists", def.name.value),
            ));
        }
        let mut column = def.column;
        if def.serial {
            column.generated = Some(Generated::Serial {
                sequence: alter.namer.sequence(&tname, &def.name.value),
            });
        }
        alter.added.push(column.name.clone());
        alter.push(
            pass::ADD_COLUMN,
            def.name.pos,
            Op::AddColumn {
                table: tname,
                column,
            },
        );
        for c in constraints {
            alter.add_constraint(c);
        }
        Ok(())
    } else if p.eat_kw("DROP") {
        if p.eat_kw("CONSTRAINT") {
            let if_exists = p.eat_kws(&["IF", "EXISTS"]);
            let name = p.ident("a constraint name")?;
            let cascade = drop_behaviour(p);
            if !alter.table.has_constraint(&name.value) {
                if if_exists {
                    return Ok(());
                }
                return Err(p.error(
                    name.pos,
                    format!(
                        "constraint `{}` of table `{tname}` does not exist",
                        name.value
                    ),
                ));
            }
            // A foreign key depends on the primary key or unique constraint that
            // matches its referenced columns.
            let mut key = alter.key_columns(&name.value);
            key.sort();
            let dependents = alter.referencing(|t, fk| {
                let mut columns = fk.ref_columns.clone();
                columns.sort();
                !key.is_empty() && columns == key && !(t.name == tname && fk.name == name.value)
            });
            if let Some((table, fk)) = dependents.first().filter(|_| !cascade) {
                return Err(p.error(
                    name.pos,
                    format!(
                        "cannot drop constraint `{}` of table `{tname}`: constraint `{fk}` on \
                         table `{table}` depends on it (add `CASCADE` to drop both)",
                        name.value
                    ),
                ));
            }
            alter.drop_foreign_keys(name.pos, dependents);
            alter.namer.release(&name.value);
            alter.push(
                pass::DROP,
                name.pos,
                Op::DropConstraint {
                    table: tname,
                    name: name.value,
                },
            );
            return Ok(());
        }
        p.eat_kw("COLUMN");
        let if_exists = p.eat_kws(&["IF", "EXISTS"]);
        let name = p.ident("a column name")?;
        let cascade = drop_behaviour(p);
        if alter.table.column(&name.value).is_none() {
            if if_exists {
                return Ok(());
            }
            return Err(p.error(
                name.pos,
                format!("column `{tname}.{}` does not exist", name.value),
            ));
        }
        // Without `CASCADE`, applying the drop reports the dependent foreign key.
        if cascade {
            let dependents =
                alter.referencing(|t, fk| t.name != tname && fk.ref_columns.contains(&name.value));
            alter.drop_foreign_keys(name.pos, dependents);
        }
        alter.push(
            pass::DROP,
            name.pos,
            Op::DropColumn {
                table: tname,
                column: name.value,
            },
        );
        Ok(())
    } else if p.eat_kw("ALTER") {
        p.eat_kw("COLUMN");
        let column = p.ident("a column name")?;
        if !alter.has_column(&column.value) {
            return Err(p.error(
                column.pos,
                format!("column `{tname}.{}` does not exist", column.value),
            ));
        }
        alter_column(p, alter, column)
    } else if p.eat_kws(&["VALIDATE", "CONSTRAINT"]) {
        let name = p.ident("a constraint name")?;
        if !alter.table.has_constraint(&name.value) {
            return Err(p.error(
                name.pos,
                format!(
                    "constraint `{}` of table `{tname}` does not exist",
                    name.value
                ),
            ));
        }
        Ok(())
    } else if p.eat_kws(&["OWNER", "TO"]) {
        p.ident("a role name")?;
        Ok(())
    } else {
        let what = p.peek().map_or("", |t| p.text(t)).to_ascii_uppercase();
        Err(p.error(
            pos,
            format!(
                "unsupported `ALTER TABLE` action `{what}`: replay cannot see its effect on the \
                 schema"
            ),
        ))
    }
}

/// `ALTER [COLUMN] c` actions: type, default, nullability, identity.
fn alter_column(p: &mut Parser<'_>, alter: &mut AlterTable<'_>, column: Name) -> PResult<()> {
    let pos = p.here();
    let table = alter.table.name.clone();
    let existing = alter.table.column(&column.value);
    let cname = column.value.clone();
    if p.eat_kws(&["SET", "DATA", "TYPE"]) || p.eat_kw("TYPE") {
        let ty_pos = p.here();
        let ty = types::parse_type(p, alter.schema)?;
        if ty.serial {
            return Err(p.error(
                ty_pos,
                "`serial` types can only be used when a column is created; use `integer` \
                 and a sequence"
                    .to_string(),
            ));
        }
        if p.peek_kw("COLLATE") {
            return Err(p.error(
                p.here(),
                "collations are not supported by the schema model".to_string(),
            ));
        }
        let using = if p.eat_kw("USING") {
            Some(p.expr_until(&[], "a conversion expression")?)
        } else {
            None
        };
        alter.push(
            pass::ALTER_TYPE,
            pos,
            Op::AlterColumnType {
                table,
                column: cname,
                ty: ty.ty,
                using,
            },
        );
    } else if p.eat_kws(&["SET", "DEFAULT"]) {
        let default = normalize_default(p.expr_until(&[], "a default expression")?);
        let pass = if default.is_some() {
            pass::ADD_OTHER_CONSTRAINT
        } else {
            pass::DROP
        };
        alter.push(
            pass,
            pos,
            Op::SetDefault {
                table,
                column: cname,
                default,
            },
        );
    } else if p.eat_kws(&["DROP", "DEFAULT"]) {
        alter.push(
            pass::DROP,
            pos,
            Op::SetDefault {
                table,
                column: cname,
                default: None,
            },
        );
    } else if p.eat_kws(&["SET", "NOT", "NULL"]) {
        alter.push(
            pass::COLUMN_ATTRIBUTES,
            pos,
            Op::SetNullable {
                table,
                column: cname,
                nullable: false,
            },
        );
    } else if p.eat_kws(&["DROP", "NOT", "NULL"]) {
        alter.push(
            pass::DROP,
            pos,
            Op::SetNullable {
                table,
                column: cname,
                nullable: true,
            },
        );
    } else if p.eat_kws(&["ADD", "GENERATED"]) {
        let generated = identity_kind(p)?;
        alter.push(
            pass::ADD_OTHER_CONSTRAINT,
            pos,
            Op::SetGenerated {
                table,
                column: cname,
                generated: Some(generated),
            },
        );
    } else if p.eat_kws(&["SET", "GENERATED"]) {
        let generated = if p.eat_kw("ALWAYS") {
            Generated::IdentityAlways
        } else if p.eat_kws(&["BY", "DEFAULT"]) {
            Generated::IdentityByDefault
        } else {
            return Err(p.unexpected("`ALWAYS` or `BY DEFAULT`"));
        };
        if !existing.is_some_and(is_identity) {
            return Err(p.error(
                column.pos,
                format!("column `{table}.{cname}` is not an identity column"),
            ));
        }
        alter.push(
            pass::COLUMN_ATTRIBUTES,
            pos,
            Op::SetGenerated {
                table,
                column: cname,
                generated: Some(generated),
            },
        );
    } else if p.eat_kws(&["DROP", "IDENTITY"]) {
        let if_exists = p.eat_kws(&["IF", "EXISTS"]);
        if !existing.is_some_and(is_identity) {
            if if_exists {
                return Ok(());
            }
            return Err(p.error(
                column.pos,
                format!("column `{table}.{cname}` is not an identity column"),
            ));
        }
        alter.push(
            pass::DROP,
            pos,
            Op::SetGenerated {
                table,
                column: cname,
                generated: None,
            },
        );
    } else {
        return Err(p.error(
            pos,
            "unsupported `ALTER COLUMN` action: replay understands `TYPE`, `SET`/`DROP \
             DEFAULT`, `SET`/`DROP NOT NULL`, `ADD GENERATED`, `SET GENERATED` and `DROP \
             IDENTITY`"
                .to_string(),
        ));
    }
    Ok(())
}

fn is_identity(column: &Column) -> bool {
    matches!(
        column.generated,
        Some(Generated::IdentityAlways | Generated::IdentityByDefault)
    )
}
