//! Lint's rules: one replayed statement (its ops, and its tokens) with the schema before
//! it → [`Pending`] findings. Hands them to `lint.rs`, which applies the `allow` comments.
//!
//! A rule fires only on objects that existed before the migration ([`Existing`]): an object
//! the migration creates is empty, so whatever the migration does to it is cheap; so is a
//! table a guard has just proven empty (the generator's down guard for a column no value
//! can fill stops the migration when the table has any row).

use std::collections::BTreeSet;

use crate::model::{Check, Column, Expr, ForeignKey, Generated, Schema, SqlType};
use crate::op::{Op, Rows};
use crate::replay::{Pos, Replayed};
use crate::sql::select_rows;
use crate::type_change::{keeps_values, rewrites};

use super::messages::{self, ConstraintKind, Text};
use super::tokens::{is_column, is_not_null_check, volatile_call, Statement};
use super::{find_rule, rule, Finding, Severity};

/// A finding before its file is known and the `allow` comments are applied.
pub(super) struct Pending {
    pub text: Text,
    /// 1-based line and column of the token the finding is about.
    pub line: usize,
    pub column: usize,
    /// 1-based line of the statement's first token, where `allow` comments end.
    pub statement_line: usize,
    /// The statement holds a lock that blocks writers of a table with rows across a scan
    /// or a rewrite: an error unless the migration is marked offline.
    pub blocking: bool,
    /// The table whose primary key the statement drops; no finding if the file adds the
    /// table a new key (a key replaced, as the generator's swap does, is not a key lost).
    pub dropped_key: Option<String>,
}

impl Pending {
    fn new(st: &Statement<'_>, pos: Pos, text: Text) -> Pending {
        Pending {
            text,
            line: pos.line,
            column: pos.column,
            statement_line: st.line(),
            blocking: false,
            dropped_key: None,
        }
    }

    /// The finding in `path`; `offline` when the migration says it blocks on purpose.
    pub(super) fn into_finding(self, path: &str, offline: bool) -> Finding {
        let blocking = self.blocking && !offline;
        let Text {
            rule,
            message,
            why,
            safer,
        } = self.text;
        Finding {
            rule,
            severity: if blocking {
                Severity::Error
            } else {
                find_rule(rule).map_or(Severity::Warning, |r| r.severity)
            },
            path: path.to_string(),
            line: self.line,
            column: self.column,
            message,
            why,
            safer,
        }
    }
}

/// The objects that existed before the migration, under the names they have now: a rename
/// within the migration carries an object's age over to its new name.
struct Existing {
    tables: BTreeSet<String>,
    columns: BTreeSet<(String, String)>,
    constraints: BTreeSet<(String, String)>,
    indexes: BTreeSet<String>,
}

impl Existing {
    fn of(schema: &Schema) -> Existing {
        let mut existing = Existing {
            tables: BTreeSet::new(),
            columns: BTreeSet::new(),
            constraints: BTreeSet::new(),
            indexes: BTreeSet::new(),
        };
        for t in schema.tables.values() {
            let pair = |name: &String| (t.name.clone(), name.clone());
            existing.tables.insert(t.name.clone());
            existing
                .columns
                .extend(t.columns.iter().map(|c| pair(&c.name)));
            let constraints = (t.primary_key.iter().map(|pk| &pk.name))
                .chain(t.foreign_keys.keys())
                .chain(t.uniques.keys())
                .chain(t.checks.keys());
            existing.constraints.extend(constraints.map(pair));
            existing.indexes.extend(t.indexes.keys().cloned());
        }
        existing
    }

    /// Forgets `table` and what is on it: past a guard that stops on any row, it is
    /// empty, like a table the migration creates.
    fn forget_table(&mut self, now: &Schema, table: &str) {
        self.tables.remove(table);
        self.columns.retain(|(t, _)| t != table);
        self.constraints.retain(|(t, _)| t != table);
        if let Some(t) = now.table(table) {
            for index in t.indexes.keys() {
                self.indexes.remove(index);
            }
        }
    }

    fn has_table(&self, table: &str) -> bool {
        self.tables.contains(table)
    }

    fn has_column(&self, table: &str, column: &str) -> bool {
        self.columns
            .contains(&(table.to_string(), column.to_string()))
    }

    fn has_constraint(&self, table: &str, name: &str) -> bool {
        self.constraints
            .contains(&(table.to_string(), name.to_string()))
    }
}

/// Renames `from` to `to` in `set`, if it is there.
fn rename(set: &mut BTreeSet<String>, from: &str, to: &str) {
    if set.remove(from) {
        set.insert(to.to_string());
    }
}

/// Renames `(table, from)` to `(table, to)` in `set`, if it is there.
fn rename_in(set: &mut BTreeSet<(String, String)>, table: &str, from: &str, to: &str) {
    if set.remove(&(table.to_string(), from.to_string())) {
        set.insert((table.to_string(), to.to_string()));
    }
}

/// Moves every `(from, name)` of `set` to `(to, name)`.
fn rename_table_in(set: &mut BTreeSet<(String, String)>, from: &str, to: &str) {
    let moved: Vec<(String, String)> = set.iter().filter(|(t, _)| t == from).cloned().collect();
    for key in moved {
        set.remove(&key);
        set.insert((to.to_string(), key.1));
    }
}

/// The rules' state while one migration's `up.sql` is replayed.
pub(super) struct State<'a> {
    existing: Existing,
    /// `(table, constraint)` added `NOT VALID` and not validated since, across migrations.
    not_valid: &'a mut BTreeSet<(String, String)>,
    /// The part of `not_valid` this migration added.
    added_not_valid: BTreeSet<(String, String)>,
    run_in_transaction: bool,
    pending: Vec<Pending>,
    /// Tables this file gives a primary key.
    keyed: BTreeSet<String>,
}

impl<'a> State<'a> {
    /// The state for a migration that runs on `schema`.
    pub(super) fn new(
        schema: &Schema,
        not_valid: &'a mut BTreeSet<(String, String)>,
        run_in_transaction: bool,
    ) -> State<'a> {
        State {
            existing: Existing::of(schema),
            not_valid,
            added_not_valid: BTreeSet::new(),
            run_in_transaction,
            pending: Vec::new(),
            keyed: BTreeSet::new(),
        }
    }

    /// The findings, in the order they were made.
    pub(super) fn finish(self) -> Vec<Pending> {
        let keyed = self.keyed;
        self.pending
            .into_iter()
            .filter(|p| !p.dropped_key.as_ref().is_some_and(|t| keyed.contains(t)))
            .collect()
    }

    fn push(&mut self, st: &Statement<'_>, pos: Pos, text: Text) {
        self.pending.push(Pending::new(st, pos, text));
    }

    /// Checks one statement of `up.sql`; `now` is the schema before it.
    pub(super) fn statement(&mut self, now: &Schema, replayed: &Replayed<'_>) {
        let st = Statement {
            src: replayed.src,
            tokens: replayed.tokens,
        };
        if self.run_in_transaction {
            self.pending.extend(concurrently_in_transaction(&st));
        }
        if let Some(table) = proven_empty(now, &st) {
            self.existing.forget_table(now, &table);
            return;
        }
        self.validate(now, &st);
        // A table dropped by the statement takes its constraints with it: those drops are
        // part of the table's.
        let dropped: BTreeSet<&str> = replayed
            .steps
            .iter()
            .filter_map(|(_, op)| match op {
                Op::DropTable { name } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        for (pos, op) in replayed.steps {
            if let Some((at, text)) = self.judge(now, &st, *pos, op, &dropped) {
                self.push(&st, at, text);
                if let Some(last) = self.pending.last_mut() {
                    last.blocking = blocks(op);
                    if let Op::DropConstraint { table, name } = op {
                        if constraint_kind(now, table, name) == ConstraintKind::PrimaryKey {
                            last.dropped_key = Some(table.clone());
                        }
                    }
                }
            }
            match op {
                Op::AddPrimaryKey { table, .. }
                | Op::AddConstraintUsingIndex {
                    table,
                    primary_key: true,
                    ..
                } => {
                    self.keyed.insert(table.clone());
                }
                _ => {}
            }
            self.track(op);
        }
    }

    /// The finding one op of the statement makes, if any, and the token it points at.
    fn judge(
        &mut self,
        now: &Schema,
        st: &Statement<'_>,
        pos: Pos,
        op: &Op,
        dropped: &BTreeSet<&str>,
    ) -> Option<(Pos, Text)> {
        let e = &self.existing;
        let text = match op {
            Op::DropTable { name } if e.has_table(name) => messages::dropping_table(name),
            Op::DropColumn { table, column } if e.has_column(table, column) => {
                messages::dropping_column(table, column)
            }
            Op::AlterColumnType {
                table,
                column,
                ty,
                using,
            } if e.has_column(table, column) => {
                let from = now.table(table)?.column(column)?;
                type_change(now, table, from, ty, using.as_ref())?
            }
            Op::SetNullable {
                table,
                column,
                nullable: false,
            } if e.has_table(table) && !self.proven_not_null(now, table, column) => {
                messages::setting_not_null(table, column)
            }
            Op::AddColumn { table, column } if e.has_table(table) => add_column(table, column)?,
            Op::AddForeignKey { table, key } => self.add_foreign_key(st, pos, table, key)?,
            Op::AddCheck { table, check } => self.add_check(st, pos, table, check)?,
            Op::AddPrimaryKey { table, key } if e.has_table(table) => {
                messages::adding_primary_key(table, &key.name)
            }
            Op::AddUnique { table, unique } if e.has_table(table) => {
                messages::adding_unique(table, &unique.name, &unique.columns)
            }
            Op::DropConstraint { table, name }
                if e.has_constraint(table, name) && !dropped.contains(table.as_str()) =>
            {
                messages::dropping_constraint(table, name, constraint_kind(now, table, name))
            }
            Op::CreateIndex {
                table,
                index,
                concurrently: false,
            } if e.has_table(table) => {
                // `CONCURRENTLY` goes right after `INDEX`: point there.
                let at = st.find_keyword("INDEX").map_or(pos, |t| t.pos);
                return Some((
                    at,
                    messages::creating_index(table, &index.name, index.unique),
                ));
            }
            Op::DropIndex {
                name,
                concurrently: false,
            } if e.indexes.contains(name) => {
                messages::dropping_index(now.index_owner(name).unwrap_or("its table"), name)
            }
            Op::RenameTable { from, to } if e.has_table(from) => messages::renaming_table(from, to),
            Op::RenameColumn { table, from, to } if e.has_column(table, from) => {
                messages::renaming_column(table, from, to)
            }
            _ => return None,
        };
        Some((pos, text))
    }

    /// `foreign-key-without-not-valid`; a `NOT VALID` key is remembered until validated.
    fn add_foreign_key(
        &mut self,
        st: &Statement<'_>,
        pos: Pos,
        table: &str,
        key: &ForeignKey,
    ) -> Option<Text> {
        if st.not_valid_at(pos) {
            self.add_not_valid(table, &key.name);
            return None;
        }
        self.existing
            .has_table(table)
            .then(|| messages::foreign_key(table, &key.name, &key.ref_table))
    }

    /// `check-without-not-valid`; a `NOT VALID` check is remembered until validated.
    fn add_check(
        &mut self,
        st: &Statement<'_>,
        pos: Pos,
        table: &str,
        check: &Check,
    ) -> Option<Text> {
        if st.not_valid_at(pos) {
            self.add_not_valid(table, &check.name);
            return None;
        }
        self.existing
            .has_table(table)
            .then(|| messages::check(table, &check.name))
    }

    /// Whether PostgreSQL knows without a scan that `column` holds no NULL: it is NOT NULL
    /// already (the statement changes nothing), or a valid check proves it (PostgreSQL 12
    /// and later use the check instead of scanning).
    fn proven_not_null(&self, now: &Schema, table: &str, column: &str) -> bool {
        now.table(table).is_some_and(|t| {
            t.column(column).is_some_and(|c| !c.nullable)
                || t.checks.values().any(|check| {
                    is_not_null_check(&check.expr, column)
                        && !self
                            .not_valid
                            .contains(&(table.to_string(), check.name.clone()))
                })
        })
    }

    fn add_not_valid(&mut self, table: &str, name: &str) {
        let key = (table.to_string(), name.to_string());
        self.not_valid.insert(key.clone());
        self.added_not_valid.insert(key);
    }

    /// `VALIDATE CONSTRAINT` makes a constraint valid. Run in the transaction that added it
    /// `NOT VALID`, it scans while that transaction still holds the add's lock, which is
    /// what `NOT VALID` was for: the rule of the constraint's kind fires.
    fn validate(&mut self, now: &Schema, st: &Statement<'_>) {
        let Some((table, constraints)) = st.validated() else {
            return;
        };
        for (pos, name) in constraints {
            let key = (table.clone(), name);
            self.not_valid.remove(&key);
            if !(self.added_not_valid.remove(&key) && self.run_in_transaction) {
                continue;
            }
            let rule = match constraint_kind(now, &table, &key.1) {
                ConstraintKind::ForeignKey => rule::FOREIGN_KEY_WITHOUT_NOT_VALID,
                _ => rule::CHECK_WITHOUT_NOT_VALID,
            };
            self.push(
                st,
                pos,
                messages::validating_in_same_transaction(rule, &key.1),
            );
        }
    }

    /// Follows the objects that predate the migration, and the `NOT VALID` constraints,
    /// through renames and drops.
    fn track(&mut self, op: &Op) {
        let e = &mut self.existing;
        match op {
            Op::RenameTable { from, to } => {
                rename(&mut e.tables, from, to);
                rename_table_in(&mut e.columns, from, to);
                rename_table_in(&mut e.constraints, from, to);
                rename_table_in(self.not_valid, from, to);
                rename_table_in(&mut self.added_not_valid, from, to);
            }
            Op::RenameColumn { table, from, to } => rename_in(&mut e.columns, table, from, to),
            Op::RenameConstraint { table, from, to } => {
                rename_in(&mut e.constraints, table, from, to);
                rename_in(self.not_valid, table, from, to);
                rename_in(&mut self.added_not_valid, table, from, to);
            }
            Op::RenameIndex { from, to } => rename(&mut e.indexes, from, to),
            Op::DropTable { name } => {
                e.tables.remove(name);
                e.columns.retain(|(t, _)| t != name);
                e.constraints.retain(|(t, _)| t != name);
                self.not_valid.retain(|(t, _)| t != name);
                self.added_not_valid.retain(|(t, _)| t != name);
            }
            Op::DropColumn { table, column } => {
                e.columns.remove(&(table.clone(), column.clone()));
            }
            Op::DropConstraint { table, name } => {
                let key = (table.clone(), name.clone());
                e.constraints.remove(&key);
                self.not_valid.remove(&key);
                self.added_not_valid.remove(&key);
            }
            Op::DropIndex { name, .. } => {
                e.indexes.remove(name);
            }
            _ => {}
        }
    }
}

/// `adding-not-null-column-without-default` and `volatile-default`, for a column added to
/// an existing table.
fn add_column(table: &str, column: &Column) -> Option<Text> {
    let name = &column.name;
    if !column.nullable && column.default.is_none() && column.generated.is_none() {
        return Some(messages::not_null_without_default(table, name));
    }
    let cause = rewrite_on_add(column)?;
    Some(messages::volatile_default(table, name, &cause))
}

/// Why adding `column` to a table with rows rewrites the table (a value that differs per
/// row must be written into each), or `None` when PostgreSQL stores one value in the
/// catalog instead.
pub(crate) fn rewrite_on_add(column: &Column) -> Option<String> {
    Some(match (&column.generated, &column.default) {
        (Some(Generated::Serial { .. }), _) => {
            "a serial type (its default `nextval` is volatile)".to_string()
        }
        (Some(Generated::IdentityAlways | Generated::IdentityByDefault), _) => {
            "an identity (each row draws from its sequence)".to_string()
        }
        (None, Some(default)) => {
            let call = volatile_call(default)?;
            format!("the volatile default `{default}` (`{call}` differs per row)")
        }
        (None, None) => return None,
    })
}

/// `changing-column-type` and `dropping-enum-label`, for an existing column `from`.
fn type_change(
    now: &Schema,
    table: &str,
    from: &Column,
    to: &SqlType,
    using: Option<&Expr>,
) -> Option<Text> {
    let column = &from.name;
    if let (SqlType::Enum(old), SqlType::Enum(new)) = (&from.ty, to) {
        if let (Some(old_type), Some(new_type)) = (now.enums.get(old), now.enums.get(new)) {
            let lost: Vec<&String> = (old_type.labels.iter())
                .filter(|l| !new_type.labels.contains(l))
                .collect();
            if !lost.is_empty() {
                return Some(messages::dropping_enum_labels(
                    table, column, old, new, &lost,
                ));
            }
        }
    }
    let plain = using.is_none_or(|u| is_column(u, column));
    if plain && !rewrites(&from.ty, to) {
        return None;
    }
    // Both types exist at this statement: `now` knows the labels of either enum.
    Some(if keeps_values(&from.ty, to, now, now) {
        messages::rewriting_type(table, column, &from.ty, to)
    } else {
        messages::narrowing_type(table, column, &from.ty, to)
    })
}

/// The kind of constraint `name` of `table` (a check when it is none of the others).
fn constraint_kind(now: &Schema, table: &str, name: &str) -> ConstraintKind {
    let Some(t) = now.table(table) else {
        return ConstraintKind::Check;
    };
    if t.primary_key.as_ref().is_some_and(|pk| pk.name == name) {
        ConstraintKind::PrimaryKey
    } else if t.uniques.contains_key(name) {
        ConstraintKind::Unique
    } else if t.foreign_keys.contains_key(name) {
        ConstraintKind::ForeignKey
    } else {
        ConstraintKind::Check
    }
}

/// `concurrently-in-transaction`, for a migration that runs in a transaction.
fn concurrently_in_transaction(st: &Statement<'_>) -> Option<Pending> {
    let (verb, token) = st.concurrently()?;
    Some(Pending::new(
        st,
        token.pos,
        messages::concurrently_in_transaction(verb),
    ))
}

/// Checks `down.sql`. It undoes a change by design (drops what `up.sql` added), so only
/// statements that fail outright are reported.
pub(super) fn down(
    before: &Schema,
    sql: &str,
    path: &str,
    run_in_transaction: bool,
) -> Result<Vec<Pending>, crate::replay::ReplayError> {
    // Constraints left `NOT VALID` by earlier migrations do not matter on the way down.
    let mut not_valid = BTreeSet::new();
    let mut state = State::new(before, &mut not_valid, run_in_transaction);
    crate::replay::replay_each(&mut before.clone(), sql, path, |now, statement| {
        state.statement(now, statement);
    })?;
    Ok(state
        .finish()
        .into_iter()
        .filter(|p| p.blocking || p.text.rule == rule::CONCURRENTLY_IN_TRANSACTION)
        .collect())
}

/// The table a `DO` block proves empty: a guard that raises when `SELECT 1 FROM table`
/// finds a row, as [`Op::RefuseIfRows`] with [`Rows::Any`] renders.
fn proven_empty(now: &Schema, st: &Statement<'_>) -> Option<String> {
    let [first, body] = st.tokens else {
        return None;
    };
    if !first.is_keyword(st.src, "DO") {
        return None;
    }
    let body = body.text(st.src);
    now.tables.keys().find_map(|table| {
        let test = format!("IF EXISTS ({}) THEN", select_rows(table, &Rows::Any, true));
        body.contains(&test).then(|| table.clone())
    })
}

/// Whether `op`, when lint reports it on a table with rows, holds a lock that blocks the
/// table's writers across a scan or a rewrite (drops and renames take their lock briefly).
fn blocks(op: &Op) -> bool {
    matches!(
        op,
        Op::AlterColumnType { .. }
            | Op::SetNullable { .. }
            | Op::AddColumn { .. }
            | Op::AddForeignKey { .. }
            | Op::AddCheck { .. }
            | Op::AddPrimaryKey { .. }
            | Op::AddUnique { .. }
            | Op::CreateIndex { .. }
            | Op::DropIndex { .. }
    )
}
