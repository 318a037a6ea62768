//! The online forms of a plan (docs/ONLINE.md): each op that would lock a table that
//! already holds rows for a scan or a rewrite becomes steps that do not block its writers.
//! Tables created in the same migration are empty and keep the plain forms.

use std::collections::BTreeSet;

use crate::diff::rewrites;
use crate::lint;
use crate::model::{object_name, Check, Column, Expr, Index, Schema};
use crate::op::{apply, is_plain_identifier, Op, Rows};
use crate::quote::quote_ident;

use super::Problem;

/// Which way a plan goes: a down plan also undoes an up plan that stopped part way, so
/// its drops and adds are written `IF [NOT] EXISTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Up,
    Down,
}

/// `ops` (which lead from `before`) in their online forms; rewriting type changes up are
/// refused into `problems`, down only warned about.
pub(super) fn online(
    before: &Schema,
    ops: Vec<Op>,
    direction: Direction,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
) -> Vec<Op> {
    let mut cx = Online {
        state: before.clone(),
        created: BTreeSet::new(),
        replaced: BTreeSet::new(),
        deferred_keys: Vec::new(),
        direction,
    };
    let mut out = Vec::with_capacity(ops.len());
    let mut i = 0;
    while i < ops.len() {
        let (emitted, used) = cx.rewrite(&ops[i..], problems, warnings);
        for op in &emitted {
            // The plain plan applied; its online form leads to the same schema.
            let _ = apply(&mut cx.state, op);
        }
        out.extend(emitted);
        i += used;
    }
    out
}

struct Online {
    /// The schema as the ops so far leave it.
    state: Schema,
    /// Tables created by this plan: empty, so plain forms are fine.
    created: BTreeSet<String>,
    /// Indexes already rebuilt under their name, whose `CreateIndex` is skipped.
    replaced: BTreeSet<String>,
    /// Primary keys whose drop waits for the new key, to swap both in one transaction.
    deferred_keys: Vec<Op>,
    direction: Direction,
}

impl Online {
    fn existing(&self, table: &str) -> bool {
        self.state.tables.contains_key(table) && !self.created.contains(table)
    }

    /// A drop or added column, guarded with `IF [NOT] EXISTS` on the way down.
    fn guarded(&self, op: Op) -> Op {
        match self.direction {
            Direction::Down => Op::IfExists(Box::new(op)),
            Direction::Up => op,
        }
    }

    /// The online form of `ops[0]` (looking at the ops after it), and how many ops it stands for.
    fn rewrite(
        &mut self,
        ops: &[Op],
        problems: &mut Vec<Problem>,
        warnings: &mut Vec<String>,
    ) -> (Vec<Op>, usize) {
        let op = ops[0].clone();
        match op {
            Op::CreateTable(ref t) => {
                self.created.insert(t.name.clone());
                (vec![op], 1)
            }
            Op::RenameTable { ref from, ref to } => {
                if self.created.remove(from) {
                    self.created.insert(to.clone());
                }
                (vec![op], 1)
            }
            Op::AddColumn {
                ref table,
                ref column,
            } if self.existing(table) => {
                match filled(ops, table, &column.name) {
                    Some(fill) if fill.is_constant() && column.default.is_none() => {
                        // A constant default is stored once in the catalog: no row is written.
                        let with_default = Column {
                            nullable: false,
                            default: Some(fill.clone()),
                            ..column.clone()
                        };
                        let add = Op::AddColumn {
                            table: table.clone(),
                            column: with_default,
                        };
                        let drop_default = Op::SetDefault {
                            table: table.clone(),
                            column: column.name.clone(),
                            default: None,
                        };
                        (vec![self.guarded(add), drop_default], 3)
                    }
                    Some(fill) => {
                        let mut out = vec![self.guarded(op.clone())];
                        out.extend(not_null_steps(table, &column.name, Some(fill)));
                        (out, 3)
                    }
                    None => {
                        let mut out = Vec::new();
                        if let Some(cause) = lint::rewrite_on_add(column) {
                            match self.direction {
                                Direction::Up => problems.push(Problem::RewritingAdd {
                                    table: table.clone(),
                                    column: column.name.clone(),
                                    cause,
                                }),
                                Direction::Down => {
                                    warnings.push(format!(
                                        "the downgrade adds `{table}.{}` back with {cause}, \
                                         which rewrites `{table}` under a lock that blocks its \
                                         readers and writers",
                                        column.name
                                    ));
                                    out.push(Op::Comment(format!(
                                        "watcher-schema: allow {}",
                                        lint::rule::VOLATILE_DEFAULT
                                    )));
                                }
                            }
                        }
                        out.push(self.guarded(op.clone()));
                        (out, 1)
                    }
                }
            }
            Op::Backfill {
                ref table,
                ref column,
                ref expr,
            } if self.existing(table) && sets_not_null(ops.get(1), table, column) => {
                (not_null_steps(table, column, Some(expr.clone())), 2)
            }
            Op::SetNullable {
                ref table,
                ref column,
                nullable: false,
            } if self.existing(table) => (not_null_steps(table, column, None), 1),
            Op::CreateIndex {
                ref table,
                ref index,
                ..
            } if self.existing(table) => {
                if self.replaced.contains(&index.name) {
                    (Vec::new(), 1)
                } else if self.state.index_owner(&index.name).is_some() {
                    (replace_index(table, index), 1)
                } else {
                    (vec![concurrent(op)], 1)
                }
            }
            Op::DropIndex { ref name, .. }
                if self
                    .state
                    .index_owner(name)
                    .is_some_and(|t| self.existing(t)) =>
            {
                let table = self.state.index_owner(name).unwrap_or_default().to_string();
                let rebuilt = ops[1..].iter().find_map(|later| match later {
                    Op::CreateIndex {
                        table: t, index, ..
                    } if *t == table && index.name == *name => Some(index.clone()),
                    _ => None,
                });
                match rebuilt {
                    // Build the new definition now when its columns exist, else where the
                    // plain plan creates it; the old index serves queries until the swap.
                    Some(index) if self.has_columns(&table, &index) => {
                        self.replaced.insert(index.name.clone());
                        (replace_index(&table, &index), 1)
                    }
                    Some(_) => (Vec::new(), 1),
                    None => (vec![Op::IfExists(Box::new(concurrent(op)))], 1),
                }
            }
            Op::AddUnique {
                ref table,
                ref unique,
            } if self.existing(table) => {
                let index = unique_index(&unique.name, &unique.columns);
                let steps = vec![
                    Op::IfExists(Box::new(Op::DropIndex {
                        name: index.name.clone(),
                        concurrently: true,
                    })),
                    Op::CreateIndex {
                        table: table.clone(),
                        index: index.clone(),
                        concurrently: true,
                    },
                    Op::AddConstraintUsingIndex {
                        table: table.clone(),
                        name: unique.name.clone(),
                        index: index.name,
                        primary_key: false,
                    },
                ];
                (steps, 1)
            }
            Op::DropConstraint {
                ref table,
                ref name,
            } if self.existing(table)
                && self.is_primary_key(table, name)
                && ops[1..]
                    .iter()
                    .any(|o| matches!(o, Op::AddPrimaryKey { table: t, .. } if t == table)) =>
            {
                self.deferred_keys.push(self.guarded(op.clone()));
                (Vec::new(), 1)
            }
            Op::AddPrimaryKey { ref table, ref key } if self.existing(table) => {
                let index = unique_index(&key.name, &key.columns);
                let mut swap: Vec<Op> = std::mem::take(&mut self.deferred_keys);
                swap.push(Op::AddConstraintUsingIndex {
                    table: table.clone(),
                    name: key.name.clone(),
                    index: index.name.clone(),
                    primary_key: true,
                });
                let steps = vec![
                    Op::IfExists(Box::new(Op::DropIndex {
                        name: index.name.clone(),
                        concurrently: true,
                    })),
                    Op::CreateIndex {
                        table: table.clone(),
                        index,
                        concurrently: true,
                    },
                    Op::Transaction(swap),
                ];
                (steps, 1)
            }
            Op::AddCheck {
                ref table,
                check: Check { ref name, .. },
            }
            | Op::AddForeignKey {
                ref table,
                key: crate::model::ForeignKey { ref name, .. },
            } if self.existing(table) => {
                let validate = Op::ValidateConstraint {
                    table: table.clone(),
                    name: name.clone(),
                };
                (vec![Op::NotValid(Box::new(op.clone())), validate], 1)
            }
            Op::AlterColumnType {
                ref table,
                ref column,
                ref ty,
                ref using,
            } if self.existing(table) => {
                let from = self
                    .state
                    .table(table)
                    .and_then(|t| t.column(column))
                    .map(|c| c.ty.clone());
                let rewriting = using.is_some() || from.as_ref().is_some_and(|f| rewrites(f, ty));
                let mut out = Vec::new();
                if rewriting {
                    let from = from.map_or_else(String::new, |f| f.to_string());
                    match self.direction {
                        Direction::Up => problems.push(Problem::RewritingTypeChange {
                            table: table.clone(),
                            column: column.clone(),
                            from,
                            to: ty.to_string(),
                        }),
                        Direction::Down => {
                            warnings.push(format!(
                                "the downgrade changes `{table}.{column}` back to `{ty}` in \
                                 place, which scans or rewrites `{table}` under a lock that \
                                 blocks its readers and writers"
                            ));
                            // The only way back, reviewed here: lint is told so.
                            out.push(Op::Comment(format!(
                                "watcher-schema: allow {}, {}",
                                lint::rule::CHANGING_COLUMN_TYPE,
                                lint::rule::DROPPING_ENUM_LABEL
                            )));
                        }
                    }
                }
                out.push(op);
                (out, 1)
            }
            Op::DropConstraint {
                ref table,
                ref name,
            } if self.existing(table) && self.direction == Direction::Down => {
                let mut out = vec![self.guarded(op.clone())];
                if self.has_index(table, name) {
                    // The index an up that stopped part way built for this constraint.
                    out.push(Op::IfExists(Box::new(Op::DropIndex {
                        name: object_name(name, None, "new"),
                        concurrently: true,
                    })));
                }
                (out, 1)
            }
            Op::DropColumn { ref table, .. } if self.existing(table) => {
                (vec![self.guarded(op.clone())], 1)
            }
            other => (vec![other], 1),
        }
    }

    fn is_primary_key(&self, table: &str, name: &str) -> bool {
        self.state
            .table(table)
            .and_then(|t| t.primary_key.as_ref())
            .is_some_and(|pk| pk.name == name)
    }

    /// Whether constraint `name` of `table` is a primary key or unique constraint.
    fn has_index(&self, table: &str, name: &str) -> bool {
        self.state.table(table).is_some_and(|t| {
            t.uniques.contains_key(name) || t.primary_key.as_ref().is_some_and(|pk| pk.name == name)
        })
    }

    /// Whether every column `index` names exists in `table` now.
    fn has_columns(&self, table: &str, index: &Index) -> bool {
        let Some(t) = self.state.table(table) else {
            return false;
        };
        index
            .columns
            .iter()
            .filter(|c| is_plain_identifier(c))
            .chain(&index.include)
            .all(|c| t.column(c).is_some())
    }
}

/// The fill of `column` when `ops` go on `Backfill` + `SET NOT NULL` of it (the plain
/// plan's way of adding a NOT NULL column to a table with rows).
fn filled(ops: &[Op], table: &str, column: &str) -> Option<Expr> {
    match ops.get(1) {
        Some(Op::Backfill {
            table: t,
            column: c,
            expr,
        }) if t == table && c == column && sets_not_null(ops.get(2), table, column) => {
            Some(expr.clone())
        }
        _ => None,
    }
}

fn sets_not_null(op: Option<&Op>, table: &str, column: &str) -> bool {
    matches!(op, Some(Op::SetNullable { table: t, column: c, nullable: false }) if t == table && c == column)
}

/// Fill in batches (when there is a fill), keep new NULLs out with a `NOT VALID` check,
/// fill what was skipped or written meanwhile, validate without blocking writes; then
/// `SET NOT NULL` skips its scan thanks to the valid check, which is dropped with it.
fn not_null_steps(table: &str, column: &str, fill: Option<Expr>) -> Vec<Op> {
    let check = Check {
        name: object_name(table, Some(column), "not_null"),
        expr: Expr::new(&format!("{} IS NOT NULL", quote_ident(column))),
    };
    let batch = fill.map(|expr| Op::BackfillBatch {
        table: table.to_string(),
        column: column.to_string(),
        expr,
    });
    let mut out: Vec<Op> = batch.iter().cloned().collect();
    out.push(Op::NotValid(Box::new(Op::AddCheck {
        table: table.to_string(),
        check: check.clone(),
    })));
    out.extend(batch);
    out.push(Op::ValidateConstraint {
        table: table.to_string(),
        name: check.name.clone(),
    });
    out.push(Op::Transaction(vec![
        Op::SetNullable {
            table: table.to_string(),
            column: column.to_string(),
            nullable: false,
        },
        Op::DropConstraint {
            table: table.to_string(),
            name: check.name,
        },
    ]));
    out
}

/// An index changed under the same name: leftovers of an interrupted run cleared, the new
/// definition built beside the old one, the names swapped in one short transaction, the
/// old one dropped. Each step is safe whichever of them ran before, so the same steps
/// serve up, down, and a down after an up that stopped part way.
fn replace_index(table: &str, index: &Index) -> Vec<Op> {
    let new = object_name(&index.name, None, "new");
    let old = object_name(&index.name, None, "old");
    let drop = |name: &str| {
        Op::IfExists(Box::new(Op::DropIndex {
            name: name.to_string(),
            concurrently: true,
        }))
    };
    vec![
        drop(&new),
        drop(&old),
        Op::CreateIndex {
            table: table.to_string(),
            index: Index {
                name: new.clone(),
                ..index.clone()
            },
            concurrently: true,
        },
        Op::Transaction(vec![
            Op::RenameIndex {
                from: index.name.clone(),
                to: old.clone(),
            },
            Op::RenameIndex {
                from: new,
                to: index.name.clone(),
            },
        ]),
        drop(&old),
    ]
}

/// The unique index a constraint `name` on `columns` takes over: `<name>_new` until then.
fn unique_index(name: &str, columns: &[String]) -> Index {
    Index {
        name: object_name(name, None, "new"),
        unique: true,
        method: "btree".to_string(),
        columns: columns.to_vec(),
        include: Vec::new(),
        predicate: None,
    }
}

fn concurrent(op: Op) -> Op {
    match op {
        Op::CreateIndex { table, index, .. } => Op::CreateIndex {
            table,
            index,
            concurrently: true,
        },
        Op::DropIndex { name, .. } => Op::DropIndex {
            name,
            concurrently: true,
        },
        other => other,
    }
}

/// `ops` with a `-- step: <what it does>` comment before each statement, after the
/// comments already there: the runner names the step with it (docs/ONLINE.md).
///
/// A statement outside `BEGIN`/`COMMIT` is recorded done only after it commits, so an
/// interruption between the two runs it again: one that fails when repeated (`ADD COLUMN`,
/// `ADD CONSTRAINT ... NOT VALID`, a rename) becomes a transaction of its own, which commits
/// with its record.
pub(super) fn name_steps(ops: Vec<Op>) -> Vec<Op> {
    let mut out = Vec::with_capacity(ops.len() * 2);
    for op in ops {
        if !matches!(op, Op::Comment(_)) {
            out.push(Op::Comment(format!("step: {}", describe(&op))));
        }
        out.push(if repeatable(&op) {
            op
        } else {
            Op::Transaction(vec![op])
        });
    }
    out
}

/// Whether `op` may run outside a transaction: it cannot (`CONCURRENTLY`), or running it
/// again after it committed does no harm (the runner also makes an interrupted
/// `CREATE INDEX CONCURRENTLY` safe to repeat).
fn repeatable(op: &Op) -> bool {
    match op {
        Op::Comment(_)
        | Op::Transaction(_)
        | Op::IfExists(_)
        | Op::BackfillBatch { .. }
        | Op::Backfill { .. }
        | Op::RefuseIfRows { .. }
        | Op::ValidateConstraint { .. } => true,
        Op::CreateIndex { concurrently, .. } | Op::DropIndex { concurrently, .. } => *concurrently,
        _ => false,
    }
}

/// What `op` does, in a few words.
fn describe(op: &Op) -> String {
    match op {
        Op::AddColumn { table, column } => format!("add column {table}.{}", column.name),
        Op::DropColumn { table, column } => format!("drop column {table}.{column}"),
        Op::SetDefault {
            table,
            column,
            default: None,
        } => format!("drop the default of {table}.{column}"),
        Op::SetNullable {
            table,
            column,
            nullable,
        } => {
            if *nullable {
                format!("drop NOT NULL of {table}.{column}")
            } else {
                format!("set {table}.{column} NOT NULL")
            }
        }
        Op::BackfillBatch { table, column, .. } => format!("fill {table}.{column} in batches"),
        Op::NotValid(inner) => format!("{}, NOT VALID", describe(inner)),
        Op::AddCheck { table, check } => format!("add check {} to {table}", check.name),
        Op::AddForeignKey { table, key } => format!("add foreign key {} to {table}", key.name),
        Op::ValidateConstraint { name, .. } => format!("validate {name}"),
        Op::DropConstraint { table, name } => format!("drop constraint {name} of {table}"),
        Op::CreateIndex { index, .. } => format!("build index {}", index.name),
        Op::DropIndex { name, .. } => format!("drop index {name}"),
        Op::RenameIndex { from, to } => format!("rename index {from} to {to}"),
        Op::AddConstraintUsingIndex {
            table,
            name,
            index,
            primary_key,
        } => format!(
            "make {index} the {} {name} of {table}",
            if *primary_key {
                "primary key"
            } else {
                "unique constraint"
            }
        ),
        Op::IfExists(inner) => describe(inner),
        Op::RefuseIfRows { table, rows, .. } => match rows {
            Rows::Any | Rows::Null(_) => format!(
                "stop before anything changes if {table} has rows nothing can be restored into"
            ),
            Rows::Duplicate { .. } => {
                format!("stop before anything changes if rows of {table} share a new unique key")
            }
            Rows::Orphan { .. } => {
                format!("stop before anything changes if rows of {table} refer to no row")
            }
            Rows::Violating(_) => {
                format!("stop before anything changes if rows of {table} break a new check")
            }
        },
        Op::Transaction(ops) => match ops.as_slice() {
            [Op::RenameIndex { from: name, .. }, Op::RenameIndex { from: new, .. }] => {
                format!("swap {new} in as {name}")
            }
            _ => ops.iter().map(describe).collect::<Vec<_>>().join("; "),
        },
        other => {
            // The statement itself says it best.
            let sql = crate::sql::render(std::slice::from_ref(other));
            let first = sql.lines().find(|l| !l.starts_with("--")).unwrap_or("");
            first.trim_end_matches(';').to_string()
        }
    }
}
