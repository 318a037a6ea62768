//! Step: a [`diff`] made safe for databases that hold data, with its way back. Renames
//! instead of drop + add, backfills before `SET NOT NULL`, consent for destructive changes.
//! Hands a [`Plan`] (up, down, warnings) to the generator, or every [`Problem`] at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::column::typed_zero;
use super::diff;
use crate::model::{Column, Expr, Schema, SqlType};
use crate::op::{apply, Op, Rows};
use crate::quote::quote_literal;
use crate::type_change::keeps_values;
use online::Direction;

/// What the struct attributes and the command line say about the intent behind a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// `(table, column)` → the SQL expression that fills existing rows when the column
    /// becomes NOT NULL (`#[watcher(backfill = "...")]`).
    pub backfills: BTreeMap<(String, String), Expr>,
    /// `(table, column)` → how existing values convert when the column's type changes
    /// (`#[watcher(using = "...")]`), in place of the cast the generator would write.
    pub usings: BTreeMap<(String, String), Expr>,
    /// `(table, column)` → the SQL expression that fills existing rows when the way down
    /// brings the column back NOT NULL: a dropped column restored, or a loosened one
    /// tightened again (`#[watcher_table(down_backfill(column = "..."))]`). Without it the
    /// down uses the column's default or a typed zero, or stops when those cannot do.
    pub down_backfills: BTreeMap<(String, String), Expr>,
    /// `(table, column)` → how values convert back when the way down reverts the column's
    /// type change (`#[watcher(down_using = "...")]`), in place of the generator's cast.
    pub down_usings: BTreeMap<(String, String), Expr>,
    /// `(table, old column)` → new column name (`#[watcher(renamed_from = "old")]`);
    /// `table` is the table's new name.
    pub column_renames: BTreeMap<(String, String), String>,
    /// Old table name → new table name (`renamed_from` on `#[watcher_table]`).
    pub table_renames: BTreeMap<String, String>,
    /// Old enum type name → new name (`renamed_from` on `#[watcher_enum]`).
    pub enum_renames: BTreeMap<String, String>,
    /// `(enum, old label)` → new label (`#[watcher(renamed_from = "OLD")]` on a variant);
    /// `enum` is the type's new name.
    pub label_renames: BTreeMap<(String, String), String>,
    /// Destructive changes the user has confirmed one by one.
    pub allowed: BTreeSet<Destructive>,
    /// Every destructive change is confirmed (`--allow-destructive`).
    pub allow_destructive: bool,
    /// Build and drop indexes of existing tables `CONCURRENTLY` (outside a transaction).
    pub concurrent_indexes: bool,
    /// Write the online forms of docs/ONLINE.md for tables that already exist: no lock
    /// that blocks writers is held across a scan or a rewrite. The CLI sets it unless
    /// `--offline-ddl` is given; off, the plan is written in the plain transactional form.
    pub online: bool,
    /// Tables whose struct says `#[watcher_table(online = false)]`: the whole migration is
    /// written in the plain form, as with `online` off.
    pub offline_tables: BTreeSet<String>,
}

impl Hints {
    /// Fills existing rows of `table.column` with `expr` where it becomes NOT NULL.
    pub fn backfill(mut self, table: &str, column: &str, expr: &str) -> Hints {
        self.backfills
            .insert((table.to_string(), column.to_string()), Expr::new(expr));
        self
    }

    /// The way down fills existing rows of `table.column` with `expr` where it comes back
    /// NOT NULL (see [`Hints::down_backfills`]).
    pub fn down_backfill(mut self, table: &str, column: &str, expr: &str) -> Hints {
        self.down_backfills
            .insert((table.to_string(), column.to_string()), Expr::new(expr));
        self
    }

    /// The way down converts values of `table.column` back with `expr` (see
    /// [`Hints::down_usings`]).
    pub fn down_using(mut self, table: &str, column: &str, expr: &str) -> Hints {
        self.down_usings
            .insert((table.to_string(), column.to_string()), Expr::new(expr));
        self
    }

    /// Existing values of `table.column` convert with `expr` when its type changes.
    pub fn using(mut self, table: &str, column: &str, expr: &str) -> Hints {
        self.usings
            .insert((table.to_string(), column.to_string()), Expr::new(expr));
        self
    }

    /// Column `old` of `table` (the table's new name) is now called `new`.
    pub fn rename_column(mut self, table: &str, old: &str, new: &str) -> Hints {
        self.column_renames
            .insert((table.to_string(), old.to_string()), new.to_string());
        self
    }

    /// Table `old` is now called `new`.
    pub fn rename_table(mut self, old: &str, new: &str) -> Hints {
        self.table_renames.insert(old.to_string(), new.to_string());
        self
    }

    /// Enum type `old` is now called `new`.
    pub fn rename_enum(mut self, old: &str, new: &str) -> Hints {
        self.enum_renames.insert(old.to_string(), new.to_string());
        self
    }

    /// Label `old` of enum `name` (the type's new name) is now `new`.
    pub fn rename_label(mut self, name: &str, old: &str, new: &str) -> Hints {
        self.label_renames
            .insert((name.to_string(), old.to_string()), new.to_string());
        self
    }

    /// Confirms one destructive change.
    pub fn allow(mut self, change: Destructive) -> Hints {
        self.allowed.insert(change);
        self
    }

    /// Writes the online forms (see [`Hints::online`]).
    pub fn online(mut self) -> Hints {
        self.online = true;
        self
    }

    /// `table`'s struct says `online = false` (see [`Hints::offline_tables`]).
    pub fn offline(mut self, table: &str) -> Hints {
        self.offline_tables.insert(table.to_string());
        self
    }

    /// Whether `change` is confirmed.
    pub fn allows(&self, change: &Destructive) -> bool {
        self.allow_destructive || self.allowed.contains(change)
    }
}

/// A change that loses data, or may fail on it, and so needs the user's consent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Destructive {
    /// Dropping a table and its rows.
    DropTable {
        /// Table name.
        table: String,
    },
    /// Dropping a column and its values.
    DropColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// A type change that does not keep every value (narrowing, or another type).
    ChangeType {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// Replacing or dropping a primary key.
    ChangePrimaryKey {
        /// Table name.
        table: String,
    },
    /// Removing a label from an enum type.
    RemoveEnumLabel {
        /// Type name.
        name: String,
        /// The label removed.
        label: String,
    },
}

impl Destructive {
    /// The attribute that confirms this change in code, and where it goes; `None` for a
    /// dropped table, which has no struct left to carry it.
    pub fn confirmation(&self) -> Option<String> {
        Some(match self {
            Destructive::DropTable { .. } => return None,
            Destructive::DropColumn { table, column } => format!(
                "`#[watcher_table(allow_destructive(drop_column({column})))]` on the struct of `{table}`"
            ),
            Destructive::ChangeType { table, column } => format!(
                "`#[watcher_table(allow_destructive(change_type({column})))]` on the struct of `{table}`"
            ),
            Destructive::ChangePrimaryKey { table } => format!(
                "`#[watcher_table(allow_destructive(change_primary_key))]` on the struct of `{table}`"
            ),
            Destructive::RemoveEnumLabel { name, label } => format!(
                // `{label:?}` is the label as a Rust string literal, as the attribute takes it.
                "`#[watcher_enum(allow_destructive(remove_label({label:?})))]` on the enum of `{name}`"
            ),
        })
    }
}

/// A migration ready to write: both directions and what the user should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// From `from` to `to`.
    pub up: Vec<Op>,
    /// From `to` back to `from`, exactly.
    pub down: Vec<Op>,
    /// Risks the user accepted or should look at; one message each.
    pub warnings: Vec<String>,
    /// `false` when a statement cannot run inside a transaction block: the migration is
    /// then a sequence of steps (docs/ONLINE.md), each named by a `-- step:` comment.
    pub run_in_transaction: bool,
    /// Why the migration is written in the plain form although it takes locks that block
    /// writers of tables with rows for a scan or a rewrite (`online = false` on a struct,
    /// or `--offline-ddl`); `None` when it is online or has nothing that blocks.
    pub offline: Option<String>,
}

/// Everything that keeps a diff from becoming a safe migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// Every problem found, in schema order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanError {}

/// One reason a diff cannot be generated as it stands; its message ends in `help:` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A nullable column becomes NOT NULL with neither a backfill nor a default to fill the
    /// rows that hold NULL.
    MissingTighteningFill {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// A NOT NULL column without a default is added to a table that may hold rows.
    MissingBackfill {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// A dropped column of the same type this may be a rename of.
        maybe_renamed_from: Option<String>,
    },
    /// A destructive change the hints do not confirm.
    Destructive {
        /// The change.
        change: Destructive,
        /// What it does, as a message.
        what: String,
        /// The new name, when this drop may be a rename of an added table or column.
        maybe_renamed_to: Option<String>,
    },
    /// A type change that rewrites a table with rows under a lock that blocks it.
    RewritingTypeChange {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// The type now.
        from: String,
        /// The type the struct declares.
        to: String,
    },
    /// A column added to a table with rows with a value that differs per row, which
    /// PostgreSQL writes into every row under a lock that blocks the table.
    RewritingAdd {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// What makes the value differ per row.
        cause: String,
    },
    /// A rename hint that cannot apply.
    InvalidRename {
        /// The old name (`table` or `table.column`).
        old: String,
        /// The new name.
        new: String,
        /// Why not.
        reason: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::MissingBackfill {
                table,
                column,
                maybe_renamed_from,
            } => {
                write!(
                    f,
                    "column `{table}.{column}` is NOT NULL without a default, and existing rows \
                     of `{table}` have no value for it\n\
                     help: add `#[watcher(backfill = \"<sql expression>\")]` to the field, or give it a default"
                )?;
                if let Some(old) = maybe_renamed_from {
                    write!(
                        f,
                        "\nhelp: if it is `{table}.{old}` renamed, add `#[watcher(renamed_from = \"{old}\")]` instead"
                    )?;
                }
                Ok(())
            }
            Problem::MissingTighteningFill { table, column } => write!(
                f,
                "column `{table}.{column}` becomes NOT NULL, and rows of `{table}` that hold NULL \
                 have no value for it: `SET NOT NULL` would fail on the first one\n\
                 help: add `#[watcher(backfill = \"<sql expression>\")]` to the field (e.g. \
                 `backfill = \"''\"`), or give it a default, which fills those rows"
            ),
            Problem::Destructive {
                change,
                what,
                maybe_renamed_to,
            } => {
                match change.confirmation() {
                    Some(attribute) => write!(
                        f,
                        "{what}\nhelp: if that is intended, confirm it with {attribute}, \
                         or for the whole migration with `--allow-destructive`"
                    )?,
                    None => write!(
                        f,
                        "{what}\nhelp: if that is intended, confirm it with `--allow-destructive`"
                    )?,
                }
                match (change, maybe_renamed_to) {
                    (Destructive::DropColumn { table, column }, Some(new)) => write!(
                        f,
                        "\nhelp: if `{table}.{column}` was renamed to `{new}`, add \
                         `#[watcher(renamed_from = \"{column}\")]` to the field `{new}`"
                    ),
                    (Destructive::DropTable { table }, Some(new)) => write!(
                        f,
                        "\nhelp: if table `{table}` was renamed to `{new}`, add \
                         `renamed_from = \"{table}\"` to the `#[watcher_table]` of `{new}`"
                    ),
                    (Destructive::RemoveEnumLabel { name, label }, Some(new)) => write!(
                        f,
                        "\nhelp: if label {} of `{name}` was renamed to {}, add \
                         `#[watcher(renamed_from = {label:?})]` to its variant: the rows \
                         holding it keep it under the new name",
                        quote_literal(label),
                        quote_literal(new)
                    ),
                    _ => Ok(()),
                }
            }
            Problem::RewritingTypeChange {
                table,
                column,
                from,
                to,
            } => write!(
                f,
                "changing `{table}.{column}` from `{from}` to `{to}` rewrites every row of \
                 `{table}` under a lock that blocks its readers and writers until it ends\n\
                 help: on a big table, change it in steps over several migrations: add a column \
                 of type `{to}`, keep it in step with a trigger, fill it in batches, then swap \
                 the names in one short transaction\n\
                 help: on a small table, write this migration in the plain blocking form: \
                 `#[watcher_table(online = false)]` on the struct of `{table}`, or \
                 `revision --autogenerate --offline-ddl`"
            ),
            Problem::RewritingAdd {
                table,
                column,
                cause,
            } => write!(
                f,
                "adding `{table}.{column}` with {cause} rewrites every row of `{table}` under a \
                 lock that blocks its readers and writers until it ends\n\
                 help: on a big table, add it in steps over several migrations: nullable \
                 without a default, then the default (it applies to new rows only), then \
                 `#[watcher(backfill = \"...\")]` with NOT NULL to fill the rows in batches\n\
                 help: on a small table, write this migration in the plain blocking form: \
                 `#[watcher_table(online = false)]` on the struct of `{table}`, or \
                 `revision --autogenerate --offline-ddl`"
            ),
            Problem::InvalidRename { old, new, reason } => write!(
                f,
                "`{new}` cannot be renamed from `{old}`: {reason}\n\
                 help: remove the `renamed_from` attribute, or the declaration of `{old}`"
            ),
        }
    }
}

/// The safe migration from `from` to `to` under `hints`, or every problem in the way.
///
/// On top of [`diff`]: renames from the hints come first and are not drop + add; a NOT
/// NULL column added to an existing table is added nullable, backfilled, then set NOT
/// NULL; a destructive change needs consent and carries a comment in both directions;
/// `concurrent_indexes` builds indexes of existing tables `CONCURRENTLY`. The down plan
/// restores `from`, re-adding a dropped NOT NULL column with the same nullable, fill,
/// `SET NOT NULL` steps (its default, or a typed zero).
pub fn plan(from: &Schema, to: &Schema, hints: &Hints) -> Result<Plan, PlanError> {
    let mut cx = Planner {
        hints,
        problems: Vec::new(),
        warnings: Vec::new(),
        down_guards: Vec::new(),
        down_fills_used: BTreeSet::new(),
        down_usings_used: BTreeSet::new(),
    };
    let (renames, start) = cx.renames(from, to);
    let changes = destructive_changes(&start, to);
    let likely = LikelyRenames::find(&start, to);
    for (change, what) in &changes {
        if hints.allows(change) {
            continue;
        }
        let maybe_renamed_to = match change {
            Destructive::DropColumn { table, column } => likely
                .columns
                .get(&(table.clone(), column.clone()))
                .cloned(),
            Destructive::DropTable { table } => likely.tables.get(table).cloned(),
            Destructive::RemoveEnumLabel { name, label } => {
                likely.labels.get(&(name.clone(), label.clone())).cloned()
            }
            _ => None,
        };
        cx.problems.push(Problem::Destructive {
            change: change.clone(),
            what: what.clone(),
            maybe_renamed_to,
        });
    }
    cx.warn_allowed_likely_renames(&likely);
    cx.warn_unused_confirmations(&changes);

    let mut up = renames.clone();
    up.extend(cx.safe_up(&start, to, diff(&start, to), &changes, &likely));
    let mut down = cx.safe_down(to, &start, diff(to, &start), &changes);
    down.extend(renames.iter().rev().map(reverse_rename));
    cx.warn_unused_down_hints();
    // A constraint the rows break stops the migration before anything changes.
    let mut up = [guards::constraint_guards(from, &up, "upgrade"), up].concat();
    let mut down = [guards::constraint_guards(to, &down, "downgrade"), down].concat();

    let mut online_problems = Vec::new();
    let mut online_warnings = Vec::new();
    let online_up = online::online(
        from,
        up.clone(),
        Direction::Up,
        &mut online_problems,
        &mut online_warnings,
    );
    let online_down = online::online(
        to,
        down.clone(),
        Direction::Down,
        &mut online_problems,
        &mut online_warnings,
    );
    // Something would lock a table with rows for a scan or a rewrite in the plain form.
    let blocking =
        !online_problems.is_empty() || online_up.iter().chain(&online_down).any(Op::needs_own_step);
    let offline = cx.offline_reason(blocking);
    let online = hints.online && offline.is_none() && hints.offline_tables.is_empty();
    if online {
        up = online_up;
        down = online_down;
        cx.problems.extend(online_problems);
        cx.warnings.extend(online_warnings);
    }

    if !cx.problems.is_empty() {
        return Err(PlanError {
            problems: cx.problems,
        });
    }
    let concurrent = up.iter().chain(&down).any(Op::needs_own_step);
    if concurrent && !hints.online {
        cx.warnings.push(
            "indexes of existing tables are built and dropped CONCURRENTLY, so the migration \
             runs outside a transaction"
                .to_string(),
        );
    }
    let labels_used = new_labels_used(&up)
        .into_iter()
        .chain(new_labels_used(&down))
        .collect::<Vec<_>>();
    for (name, label) in &labels_used {
        cx.warnings.push(format!(
            "enum `{name}` gains label {} and this migration uses it; PostgreSQL cannot use \
             a label in the transaction that adds it, so the migration runs outside a transaction",
            quote_literal(label)
        ));
    }
    let run_in_transaction = !concurrent && labels_used.is_empty();
    if !run_in_transaction && online {
        up = online::name_steps(up);
        down = online::name_steps(down);
    }
    Ok(Plan {
        up,
        down,
        warnings: cx.warnings,
        run_in_transaction,
        offline,
    })
}

/// A `renamed_from` hint as [`Planner::rename_hint`] checks it: `[old, new]` present in
/// the migrations' schema, and declared by the structs.
struct RenameHint {
    /// `enum`, `label`, `table` or `column`.
    what: &'static str,
    /// The names as messages print them (`table.column`, `enum.'label'`).
    old: String,
    new: String,
    has: [bool; 2],
    declared: [bool; 2],
    op: Op,
}

struct Planner<'h> {
    hints: &'h Hints,
    problems: Vec<Problem>,
    warnings: Vec<String>,
    /// Stop signs the way back opens with: rows no value can be restored into.
    down_guards: Vec<Op>,
    /// The `down_backfill` hints the way back used.
    down_fills_used: BTreeSet<(String, String)>,
    /// The `down_using` hints the way back used.
    down_usings_used: BTreeSet<(String, String)>,
}

/// Drops and adds that look like renames the hints do not mention.
struct LikelyRenames {
    /// `(table, dropped column)` → the added column of the same type.
    columns: BTreeMap<(String, String), String>,
    /// Dropped table → the created table with the same columns.
    tables: BTreeMap<String, String>,
    /// `(enum, removed label)` → the added label in its place.
    labels: BTreeMap<(String, String), String>,
}

impl LikelyRenames {
    fn find(from: &Schema, to: &Schema) -> LikelyRenames {
        let mut columns = BTreeMap::new();
        for (name, t) in &to.tables {
            let Some(f) = from.tables.get(name) else {
                continue;
            };
            let dropped: Vec<&Column> = f
                .columns
                .iter()
                .filter(|c| t.column(&c.name).is_none())
                .collect();
            let added: Vec<&Column> = t
                .columns
                .iter()
                .filter(|c| f.column(&c.name).is_none())
                .collect();
            // Per type, as many dropped as added columns pair up in column order: one
            // rename, or several at once (`a, b` → `x, y` is `a` → `x` and `b` → `y`).
            let mut by_type: BTreeMap<&SqlType, (Vec<&Column>, Vec<&Column>)> = BTreeMap::new();
            for c in dropped {
                by_type.entry(&c.ty).or_default().0.push(c);
            }
            for c in added {
                by_type.entry(&c.ty).or_default().1.push(c);
            }
            for (olds, news) in by_type.values() {
                if olds.len() == news.len() {
                    for (old, new) in olds.iter().zip(news) {
                        columns.insert((name.clone(), old.name.clone()), new.name.clone());
                    }
                }
            }
        }
        let shape = |t: &crate::model::Table| {
            let mut cols: Vec<(String, SqlType)> = t
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.ty.clone()))
                .collect();
            cols.sort();
            cols
        };
        let mut tables = BTreeMap::new();
        for (name, f) in &from.tables {
            if to.tables.contains_key(name) {
                continue;
            }
            let mut candidates = to
                .tables
                .values()
                .filter(|t| !from.tables.contains_key(&t.name) && shape(t) == shape(f));
            if let (Some(new), None) = (candidates.next(), candidates.next()) {
                tables.insert(name.clone(), new.name.clone());
            }
        }
        // Per enum, as many removed as added labels pair up in order.
        let mut labels = BTreeMap::new();
        for (name, new) in &to.enums {
            let Some(old) = from.enums.get(name) else {
                continue;
            };
            let removed = old.labels.iter().filter(|l| !new.labels.contains(l));
            let added: Vec<&String> = new
                .labels
                .iter()
                .filter(|l| !old.labels.contains(l))
                .collect();
            if removed.clone().count() == added.len() {
                for (gone, came) in removed.zip(added) {
                    labels.insert((name.clone(), gone.clone()), came.clone());
                }
            }
        }
        LikelyRenames {
            columns,
            tables,
            labels,
        }
    }
}

/// Every destructive change from `from` to `to`, with a message saying what it does.
fn destructive_changes(from: &Schema, to: &Schema) -> Vec<(Destructive, String)> {
    let mut out = Vec::new();
    for (name, f) in &from.tables {
        let Some(t) = to.tables.get(name) else {
            out.push((
                Destructive::DropTable {
                    table: name.clone(),
                },
                format!("dropping table `{name}` loses every row in it"),
            ));
            continue;
        };
        for c in &f.columns {
            let change = |what| {
                (
                    Destructive::DropColumn {
                        table: name.clone(),
                        column: c.name.clone(),
                    },
                    what,
                )
            };
            match t.column(&c.name) {
                None => out.push(change(format!(
                    "dropping column `{name}.{}` loses its values",
                    c.name
                ))),
                Some(new) if !keeps_values(&c.ty, &new.ty, from, to) => out.push((
                    Destructive::ChangeType {
                        table: name.clone(),
                        column: c.name.clone(),
                    },
                    format!(
                        "changing `{name}.{}` from `{}` to `{}` can reject or alter its values",
                        c.name, c.ty, new.ty
                    ),
                )),
                Some(_) => {}
            }
        }
        if let Some(pk) = &f.primary_key {
            // Under another name with the same columns it is renamed, which loses nothing.
            if t.primary_key.as_ref().map(|k| &k.columns) != Some(&pk.columns) {
                let new = t.primary_key.as_ref().map_or("none".to_string(), |k| {
                    format!("({})", k.columns.join(", "))
                });
                out.push((
                    Destructive::ChangePrimaryKey {
                        table: name.clone(),
                    },
                    format!(
                        "changing the primary key of `{name}` from ({}) to {new} drops the old \
                         key's guarantee and fails on duplicate rows",
                        pk.columns.join(", ")
                    ),
                ));
            }
        }
    }
    for (name, old) in &from.enums {
        let Some(new) = to.enums.get(name) else {
            continue;
        };
        for label in old.labels.iter().filter(|l| !new.labels.contains(l)) {
            out.push((
                Destructive::RemoveEnumLabel {
                    name: name.clone(),
                    label: label.clone(),
                },
                format!(
                    "removing label {} from enum `{name}` fails on rows that hold it",
                    quote_literal(label)
                ),
            ));
        }
    }
    out
}

/// [`constrained`]'s reason for a foreign-key column: one value that exists in the parent
/// (a default) fills every row.
const UNDER_FOREIGN_KEY: &str = "under a foreign key";

/// Why one value cannot fill `column` in every row: the constraint it is under.
fn constrained(schema: &Schema, table: &str, column: &str) -> Option<&'static str> {
    let t = schema.table(table)?;
    let has = |columns: &[String]| columns.iter().any(|c| c == column);
    if t.primary_key.as_ref().is_some_and(|pk| has(&pk.columns)) {
        Some("part of the primary key")
    } else if t.uniques.values().any(|u| has(&u.columns))
        || t.indexes.values().any(|i| i.unique && has(&i.columns))
    {
        Some("unique")
    } else if t.foreign_keys.values().any(|fk| has(&fk.columns)) {
        Some(UNDER_FOREIGN_KEY)
    } else {
        None
    }
}

/// The attribute that gives the way back a fill for `column`, with an example that fits
/// a unique column: the text or number of the table's one-column key.
fn down_fill_attribute(schema: &Schema, table: &str, column: &Column) -> String {
    let key = schema
        .table(table)
        .and_then(|t| t.primary_key.as_ref())
        .and_then(|pk| match pk.columns.as_slice() {
            [one] if *one != column.name => Some(one.clone()),
            _ => None,
        });
    let example = match (&column.ty, key) {
        (SqlType::Text | SqlType::Varchar(_), Some(key)) => {
            format!("'{}-' || {key}", column.name)
        }
        (ty, Some(key)) if ty.is_integer() => key,
        _ => "<sql expression>".to_string(),
    };
    format!(
        "`#[watcher_table(down_backfill({} = {example:?}))]` on the struct of `{table}`",
        column.name
    )
}

fn needs_fill(column: &Column) -> bool {
    !column.nullable && column.default.is_none() && column.generated.is_none()
}

fn reverse_rename(op: &Op) -> Op {
    match op {
        Op::RenameTable { from, to } => Op::RenameTable {
            from: to.clone(),
            to: from.clone(),
        },
        Op::RenameColumn { table, from, to } => Op::RenameColumn {
            table: table.clone(),
            from: to.clone(),
            to: from.clone(),
        },
        Op::RenameEnum { from, to } => Op::RenameEnum {
            from: to.clone(),
            to: from.clone(),
        },
        Op::RenameEnumValue { name, from, to } => Op::RenameEnumValue {
            name: name.clone(),
            from: to.clone(),
            to: from.clone(),
        },
        other => other.clone(),
    }
}

/// `AddColumn` nullable, fill, `SET NOT NULL`: adding a NOT NULL column to a full table.
fn add_filled(table: &str, column: &Column, fill: Expr) -> [Op; 3] {
    [
        Op::AddColumn {
            table: table.to_string(),
            column: Column {
                nullable: true,
                ..column.clone()
            },
        },
        Op::Backfill {
            table: table.to_string(),
            column: column.name.clone(),
            expr: fill,
        },
        Op::SetNullable {
            table: table.to_string(),
            column: column.name.clone(),
            nullable: false,
        },
    ]
}

impl Planner<'_> {
    /// Applies the rename hints that still apply to a copy of `from`: the ops, and the
    /// schema the rest of the diff starts from. Hints already applied by an earlier
    /// migration (new name present, old name gone) are skipped silently.
    fn renames(&mut self, from: &Schema, to: &Schema) -> (Vec<Op>, Schema) {
        let hints = self.hints;
        let mut start = from.clone();
        let mut ops = Vec::new();
        // Types first, then labels under the types' new names, tables, then columns
        // under the tables' new names.
        for (old, new) in &hints.enum_renames {
            let hint = RenameHint {
                what: "enum",
                old: old.clone(),
                new: new.clone(),
                has: [start.enums.contains_key(old), start.enums.contains_key(new)],
                declared: [to.enums.contains_key(old), to.enums.contains_key(new)],
                op: Op::RenameEnum {
                    from: old.clone(),
                    to: new.clone(),
                },
            };
            self.rename_hint(&mut start, &mut ops, hint);
        }
        for ((name, old), new) in &hints.label_renames {
            let (Some(e), Some(to_e)) = (start.enums.get(name), to.enums.get(name)) else {
                continue;
            };
            let has = |labels: &[String], label: &str| labels.iter().any(|l| l == label);
            let hint = RenameHint {
                what: "label",
                old: format!("{name}.{}", quote_literal(old)),
                new: format!("{name}.{}", quote_literal(new)),
                has: [has(&e.labels, old), has(&e.labels, new)],
                declared: [has(&to_e.labels, old), has(&to_e.labels, new)],
                op: Op::RenameEnumValue {
                    name: name.clone(),
                    from: old.clone(),
                    to: new.clone(),
                },
            };
            self.rename_hint(&mut start, &mut ops, hint);
        }
        for (old, new) in &hints.table_renames {
            let hint = RenameHint {
                what: "table",
                old: old.clone(),
                new: new.clone(),
                has: [
                    start.tables.contains_key(old),
                    start.tables.contains_key(new),
                ],
                declared: [to.tables.contains_key(old), to.tables.contains_key(new)],
                op: Op::RenameTable {
                    from: old.clone(),
                    to: new.clone(),
                },
            };
            self.rename_hint(&mut start, &mut ops, hint);
        }
        for ((table, old), new) in &hints.column_renames {
            let (Some(t), Some(to_t)) = (start.tables.get(table), to.tables.get(table)) else {
                continue;
            };
            let hint = RenameHint {
                what: "column",
                old: format!("{table}.{old}"),
                new: format!("{table}.{new}"),
                has: [t.column(old).is_some(), t.column(new).is_some()],
                declared: [to_t.column(old).is_some(), to_t.column(new).is_some()],
                op: Op::RenameColumn {
                    table: table.clone(),
                    from: old.clone(),
                    to: new.clone(),
                },
            };
            self.rename_hint(&mut start, &mut ops, hint);
        }
        (ops, start)
    }

    /// Applies one rename hint to `start`, or says why it cannot apply. One already applied
    /// by an earlier migration (new name present, old name gone) is skipped silently.
    fn rename_hint(&mut self, start: &mut Schema, ops: &mut Vec<Op>, hint: RenameHint) {
        let RenameHint {
            what,
            old,
            new,
            has: [has_old, has_new],
            declared: [old_declared, new_declared],
            op,
        } = hint;
        let reason = if !has_old {
            if !has_new {
                let made = if matches!(what, "table" | "enum") {
                    "created"
                } else {
                    "added"
                };
                self.warnings.push(format!(
                    "{what} `{new}` is renamed from `{old}`, but the migrations have neither: it \
                     is {made}"
                ));
            }
            return;
        } else if old_declared {
            format!("{what} `{old}` is still declared")
        } else if has_new {
            format!("the migrations already have a {what} `{new}`")
        } else if !new_declared {
            format!("no {what} `{new}` is declared")
        } else {
            self.rename(start, ops, op);
            return;
        };
        self.problems
            .push(Problem::InvalidRename { old, new, reason });
    }

    fn rename(&mut self, start: &mut Schema, ops: &mut Vec<Op>, op: Op) {
        match apply(start, &op) {
            Ok(()) => ops.push(op),
            Err(e) => {
                let (old, new) = match &op {
                    Op::RenameColumn { table, from, to } => {
                        (format!("{table}.{from}"), format!("{table}.{to}"))
                    }
                    Op::RenameTable { from, to } | Op::RenameEnum { from, to } => {
                        (from.clone(), to.clone())
                    }
                    Op::RenameEnumValue { name, from, to } => (
                        format!("{name}.{}", quote_literal(from)),
                        format!("{name}.{}", quote_literal(to)),
                    ),
                    _ => unreachable!("only renames come here"),
                };
                self.problems.push(Problem::InvalidRename {
                    old,
                    new,
                    reason: e.to_string(),
                });
            }
        }
    }

    /// Allowed drops that look like renames still deserve a word.
    fn warn_allowed_likely_renames(&mut self, likely: &LikelyRenames) {
        for ((table, old), new) in &likely.columns {
            let change = Destructive::DropColumn {
                table: table.clone(),
                column: old.clone(),
            };
            if self.hints.allows(&change) {
                self.warnings.push(format!(
                    "`{table}.{old}` is dropped and `{table}.{new}` added with the same type; if \
                     it is a rename, add `#[watcher(renamed_from = \"{old}\")]` to the field `{new}`"
                ));
            }
        }
        for (old, new) in &likely.tables {
            let change = Destructive::DropTable { table: old.clone() };
            if self.hints.allows(&change) {
                self.warnings.push(format!(
                    "table `{old}` is dropped and `{new}` created with the same columns; if it \
                     is a rename, add `renamed_from = \"{old}\"` to the `#[watcher_table]` of `{new}`"
                ));
            }
        }
    }

    /// A confirmation in code outlives the migration it was written for; once that
    /// migration exists it confirms nothing, and left in place it would confirm the next
    /// such change without anyone reading about it.
    fn warn_unused_confirmations(&mut self, changes: &[(Destructive, String)]) {
        for allowed in &self.hints.allowed {
            if changes.iter().any(|(change, _)| change == allowed) {
                continue;
            }
            let what = allowed
                .confirmation()
                .unwrap_or_else(|| format!("the confirmation of {allowed:?}"));
            self.warnings.push(format!(
                "{what} confirms no change of this migration; remove it, so that it cannot \
                 confirm a later one unread"
            ));
        }
    }

    /// A `down_backfill` that fills nothing, or a `down_using` that converts nothing, is,
    /// like a confirmation, left over from an earlier migration (or names the wrong column).
    fn warn_unused_down_hints(&mut self) {
        type Key = (String, String);
        fn unused<'h>(given: &'h BTreeMap<Key, Expr>, used: &BTreeSet<Key>) -> Vec<&'h Key> {
            given.keys().filter(|k| !used.contains(*k)).collect()
        }
        let hints = self.hints;
        for (table, column) in unused(&hints.down_backfills, &self.down_fills_used) {
            self.warnings.push(format!(
                "`down_backfill({column} = ...)` on the struct of `{table}` fills nothing in \
                 this migration (its down brings no `{table}.{column}` back NOT NULL); remove \
                 it, so that it cannot fill a later one unread"
            ));
        }
        for (table, column) in unused(&hints.down_usings, &self.down_usings_used) {
            self.warnings.push(format!(
                "`down_using` on `{table}.{column}` converts nothing in this migration (its \
                 down changes no type of `{table}.{column}`); remove it, so that it cannot \
                 convert a later one unread"
            ));
        }
    }

    /// Why the plan is written in the plain form although `blocking`, and the warning an
    /// `online = false` attribute earns: it is for one migration, like a confirmation.
    fn offline_reason(&mut self, blocking: bool) -> Option<String> {
        let tables = &self.hints.offline_tables;
        if !tables.is_empty() {
            let structs = tables
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let attribute =
                format!("`#[watcher_table(online = false)]` on the struct of {structs}");
            self.warnings.push(if blocking {
                format!(
                    "{attribute} writes this migration in the plain form, which blocks writers \
                     of tables with rows while it runs; remove it once the migration is \
                     generated, so that later ones are online again"
                )
            } else {
                format!(
                    "{attribute} changes nothing in this migration; remove it, so that it \
                     cannot make a later one block writers unread"
                )
            });
            return blocking.then_some(attribute);
        }
        (blocking && !self.hints.online).then(|| "`--offline-ddl`".to_string())
    }

    fn concurrently(&self, existing: bool) -> bool {
        self.hints.concurrent_indexes && existing
    }

    /// The up direction: fills, comments on confirmed losses, concurrent indexes.
    fn safe_up(
        &mut self,
        from: &Schema,
        to: &Schema,
        ops: Vec<Op>,
        changes: &[(Destructive, String)],
        likely: &LikelyRenames,
    ) -> Vec<Op> {
        let allowed: BTreeMap<&Destructive, &String> = changes
            .iter()
            .filter(|(c, _)| self.hints.allows(c))
            .map(|(c, what)| (c, what))
            .collect();
        let confirmed = |change: Destructive| {
            allowed
                .get(&change)
                .map(|what| Op::Comment(format!("destructive: {what}")))
        };
        let mut out = Vec::with_capacity(ops.len());
        for op in ops {
            match op {
                Op::AddColumn { table, column } if needs_fill(&column) => {
                    let key = (table.clone(), column.name.clone());
                    match self.hints.backfills.get(&key) {
                        Some(fill) => out.extend(add_filled(&table, &column, fill.clone())),
                        None => {
                            let maybe_renamed_from = likely
                                .columns
                                .iter()
                                .find(|((t, _), new)| *t == table && **new == column.name)
                                .map(|((_, old), _)| old.clone());
                            self.problems.push(Problem::MissingBackfill {
                                table: table.clone(),
                                column: column.name.clone(),
                                maybe_renamed_from,
                            });
                            out.push(Op::AddColumn { table, column });
                        }
                    }
                }
                Op::SetNullable {
                    table,
                    column,
                    nullable: false,
                } => {
                    // Rows holding NULL need a value: the backfill, else the column's
                    // default (which PostgreSQL gives new rows only). Without either the
                    // `SET NOT NULL` would fail on the first such row: refuse.
                    let key = (table.clone(), column.clone());
                    let default = to
                        .table(&table)
                        .and_then(|t| t.column(&column))
                        .and_then(|c| c.default.clone());
                    match self.hints.backfills.get(&key).cloned().or(default) {
                        Some(fill) => out.push(Op::Backfill {
                            table: table.clone(),
                            column: column.clone(),
                            expr: fill,
                        }),
                        None => self.problems.push(Problem::MissingTighteningFill {
                            table: table.clone(),
                            column: column.clone(),
                        }),
                    }
                    out.push(Op::SetNullable {
                        table,
                        column,
                        nullable: false,
                    });
                }
                Op::DropTable { ref name } => {
                    out.extend(confirmed(Destructive::DropTable {
                        table: name.clone(),
                    }));
                    out.push(op);
                }
                Op::DropColumn {
                    ref table,
                    ref column,
                } => {
                    out.extend(confirmed(Destructive::DropColumn {
                        table: table.clone(),
                        column: column.clone(),
                    }));
                    out.push(op);
                }
                Op::AlterColumnType {
                    table,
                    column,
                    ty,
                    using,
                } => {
                    out.extend(confirmed(Destructive::ChangeType {
                        table: table.clone(),
                        column: column.clone(),
                    }));
                    let key = (table.clone(), column.clone());
                    let using = self.hints.usings.get(&key).cloned().or(using);
                    out.push(Op::AlterColumnType {
                        table,
                        column,
                        ty,
                        using,
                    });
                }
                Op::DropConstraint {
                    ref table,
                    ref name,
                } if is_primary_key(from, table, name) => {
                    out.extend(confirmed(Destructive::ChangePrimaryKey {
                        table: table.clone(),
                    }));
                    out.push(op);
                }
                Op::RenameEnum {
                    from: ref enum_name,
                    ..
                } if to.enums.contains_key(enum_name) => {
                    for (change, _) in changes {
                        if let Destructive::RemoveEnumLabel { name, .. } = change {
                            if name == enum_name {
                                out.extend(confirmed(change.clone()));
                            }
                        }
                    }
                    out.push(op);
                }
                other => out.push(self.index_concurrency(other, from)),
            }
        }
        out
    }

    /// The down direction (`from` is the upgraded schema, `to` the original): restores
    /// dropped columns with a fill, and says in comments what cannot come back.
    fn safe_down(
        &mut self,
        from: &Schema,
        to: &Schema,
        ops: Vec<Op>,
        up_changes: &[(Destructive, String)],
    ) -> Vec<Op> {
        let up_changed_type: BTreeSet<(&str, &str)> = up_changes
            .iter()
            .filter_map(|(c, _)| match c {
                Destructive::ChangeType { table, column } => {
                    Some((table.as_str(), column.as_str()))
                }
                _ => None,
            })
            .collect();
        let mut out = Vec::with_capacity(ops.len());
        for op in ops {
            match op {
                Op::AddColumn { table, mut column } => {
                    // `ADD COLUMN ... DEFAULT` writes the default into every row. A nullable
                    // column under a key comes back NULL instead, its default set after:
                    // one value in every row breaks a unique key, and need not be a parent's.
                    let later_default = match column.default {
                        Some(_)
                            if column.nullable
                                && constrained(to, &table, &column.name).is_some()
                                && crate::lint::rewrite_on_add(&column).is_none() =>
                        {
                            column.default.take()
                        }
                        _ => None,
                    };
                    let name = column.name.clone();
                    // A default fills the rows as the column is added, unless it cannot
                    // (then `restore_value` guards the way back).
                    let fill = (!column.nullable && column.generated.is_none())
                        .then(|| self.restore_value(to, &table, &column, false))
                        .flatten()
                        .filter(|_| column.default.is_none());
                    match fill {
                        Some(value) => {
                            out.push(Op::Comment(format!(
                                "restores column `{table}.{}` dropped by the upgrade, with {value} \
                                 in existing rows: its old values cannot come back",
                                column.name
                            )));
                            out.extend(add_filled(&table, &column, value));
                        }
                        None => {
                            out.push(Op::Comment(format!(
                                "restores column `{table}.{}` dropped by the upgrade: its old \
                                 values cannot come back",
                                column.name
                            )));
                            out.push(Op::AddColumn {
                                table: table.clone(),
                                column,
                            });
                        }
                    }
                    if let Some(default) = later_default {
                        out.push(Op::SetDefault {
                            table,
                            column: name,
                            default: Some(default),
                        });
                    }
                }
                Op::CreateTable(ref t) => {
                    out.push(Op::Comment(format!(
                        "restores table `{}` dropped by the upgrade, empty: its rows cannot come back",
                        t.name
                    )));
                    out.push(op);
                }
                Op::DropColumn {
                    ref table,
                    ref column,
                } => {
                    out.push(Op::Comment(format!(
                        "drops column `{table}.{column}` added by the upgrade, with its values"
                    )));
                    out.push(op);
                }
                Op::DropTable { ref name } => {
                    out.push(Op::Comment(format!(
                        "drops table `{name}` created by the upgrade, with its rows"
                    )));
                    out.push(op);
                }
                Op::AlterColumnType {
                    ref table,
                    ref column,
                    ref ty,
                    ..
                } => {
                    let key = (table.clone(), column.clone());
                    let down_using = self.hints.down_usings.get(&key).cloned();
                    if down_using.is_some() {
                        self.down_usings_used.insert(key);
                    }
                    if up_changed_type.contains(&(table.as_str(), column.as_str())) {
                        out.push(Op::Comment(format!(
                            "`{table}.{column}` returns to `{ty}`: values the upgrade altered \
                             cannot come back"
                        )));
                    } else if let Some(current) = column_type(from, table, column) {
                        if !keeps_values(current, ty, from, to) {
                            out.push(Op::Comment(format!(
                                "`{table}.{column}` narrows back to `{ty}`, which fails on values \
                                 that do not fit"
                            )));
                        }
                    }
                    out.push(match (op, down_using) {
                        (
                            Op::AlterColumnType {
                                table, column, ty, ..
                            },
                            Some(using),
                        ) => Op::AlterColumnType {
                            table,
                            column,
                            ty,
                            using: Some(using),
                        },
                        (op, _) => op,
                    });
                }
                Op::SetNullable {
                    ref table,
                    ref column,
                    nullable: false,
                } => {
                    // Rows may have gained NULLs since the upgrade; the way back must not fail.
                    let restored = to.tables.get(table).and_then(|t| t.column(column));
                    if let Some(value) =
                        restored.and_then(|c| self.restore_value(to, table, c, true))
                    {
                        out.push(Op::Comment(format!(
                            "rows that hold NULL in `{table}.{column}` get {value}"
                        )));
                        out.push(Op::Backfill {
                            table: table.clone(),
                            column: column.clone(),
                            expr: value,
                        });
                    }
                    out.push(op);
                }
                Op::DropConstraint {
                    ref table,
                    ref name,
                } if is_primary_key(from, table, name) => {
                    // Rows written since the upgrade only had to satisfy the new key.
                    if let Some(key) = to.tables.get(table).and_then(|t| t.primary_key.as_ref()) {
                        out.push(Op::Comment(format!(
                            "restores the primary key ({}) of `{table}`: fails if rows written \
                             since the upgrade share a key",
                            key.columns.join(", ")
                        )));
                    }
                    out.push(op);
                }
                Op::RenameEnum {
                    from: ref enum_name,
                    ..
                } if to.enums.contains_key(enum_name) => {
                    let (now, before) = (from.enums.get(enum_name), to.enums.get(enum_name));
                    if let (Some(now), Some(before)) = (now, before) {
                        for label in now.labels.iter().filter(|l| !before.labels.contains(l)) {
                            out.push(Op::Comment(format!(
                                "removes label {} from enum `{enum_name}`, added by the upgrade: \
                                 fails on rows that hold it",
                                quote_literal(label)
                            )));
                        }
                    }
                    out.push(op);
                }
                other => out.push(self.index_concurrency(other, from)),
            }
        }
        // The guards run first, on the tables as the upgrade left them.
        let mut guarded: Vec<Op> = std::mem::take(&mut self.down_guards)
            .into_iter()
            .filter(
                |g| matches!(g, Op::RefuseIfRows { table, .. } if from.tables.contains_key(table)),
            )
            .collect();
        guarded.extend(out);
        guarded
    }

    /// What existing rows get when `column` comes back NOT NULL: the `down_backfill` hint,
    /// else its default, else a typed zero. One value cannot fill a column under a primary
    /// key or unique constraint or index (a default serves it only when it differs per
    /// row); under a foreign key the default is trusted to name an existing row, a zero is
    /// not. Where no value does, the way back opens with a guard that stops it, before
    /// anything runs, when rows would need one (`null_only`: those holding NULL), and the
    /// user is told which attribute gives a fill.
    fn restore_value(
        &mut self,
        schema: &Schema,
        table: &str,
        column: &Column,
        null_only: bool,
    ) -> Option<Expr> {
        let key = (table.to_string(), column.name.clone());
        if let Some(fill) = self.hints.down_backfills.get(&key) {
            self.down_fills_used.insert(key);
            return Some(fill.clone());
        }
        let why = constrained(schema, table, &column.name);
        if let Some(default) = &column.default {
            // A default that is one value for every row (a constant, or a stable call such
            // as `CURRENT_TIMESTAMP`) fills a unique or key column of one row only; one that
            // differs per row may fill them all.
            let one_value = why.is_some_and(|w| w != UNDER_FOREIGN_KEY)
                && crate::lint::rewrite_on_add(column).is_none();
            if !one_value {
                return Some(default.clone());
            }
        }
        if let Some(why) = why {
            let rows = if null_only {
                format!("rows of `{table}` that hold NULL in `{}`", column.name)
            } else {
                format!("the rows `{table}` holds")
            };
            let attribute = down_fill_attribute(schema, table, column);
            self.down_guards.push(Op::RefuseIfRows {
                table: table.to_string(),
                rows: if null_only {
                    Rows::Null(column.name.clone())
                } else {
                    Rows::Any
                },
                reason: format!(
                    "cannot downgrade: column `{table}.{}` comes back NOT NULL and {why}, and \
                     no value fills {rows}; nothing was changed. Empty them, or edit this \
                     down.sql to fill the column with values the constraints accept (the \
                     generator writes that fill from {attribute})",
                    column.name
                ),
            });
            self.warnings.push(format!(
                "on the way down `{table}.{}` comes back NOT NULL and {why}: no one value \
                 fills existing rows, so the downgrade stops before it changes anything when \
                 `{table}` has such rows; to fill them instead, add {attribute} and generate \
                 again",
                column.name
            ));
            return None;
        }
        let labels = match &column.ty {
            SqlType::Enum(name) => schema.enums.get(name).map(|e| e.labels.as_slice()),
            _ => None,
        };
        let value = typed_zero(&column.ty, labels);
        if value.is_none() {
            self.warnings.push(format!(
                "`{table}.{}` comes back NOT NULL on the way down with no value to fill existing \
                 rows with (enum `{}` has no labels); the downgrade fails if `{table}` has rows",
                column.name, column.ty
            ));
        }
        value
    }

    /// Marks index builds and drops on tables that exist before `ops` run as concurrent.
    fn index_concurrency(&self, op: Op, before: &Schema) -> Op {
        match op {
            Op::CreateIndex {
                table,
                index,
                concurrently,
            } => Op::CreateIndex {
                concurrently: concurrently || self.concurrently(before.tables.contains_key(&table)),
                table,
                index,
            },
            Op::DropIndex { name, concurrently } => Op::DropIndex {
                concurrently: concurrently || self.concurrently(true),
                name,
            },
            other => other,
        }
    }
}

fn is_primary_key(schema: &Schema, table: &str, name: &str) -> bool {
    schema
        .tables
        .get(table)
        .and_then(|t| t.primary_key.as_ref())
        .is_some_and(|pk| pk.name == name)
}

fn column_type<'s>(schema: &'s Schema, table: &str, column: &str) -> Option<&'s SqlType> {
    schema.tables.get(table)?.column(column).map(|c| &c.ty)
}

/// Enum labels that `ops` add and then use (in a default, check, fill, predicate or cast):
/// PostgreSQL rejects a new label in the transaction that added it.
fn new_labels_used(ops: &[Op]) -> Vec<(String, String)> {
    let mut added: Vec<(String, String)> = Vec::new();
    let mut used = Vec::new();
    for op in ops {
        if let Op::AddEnumValue { name, label, .. } = op {
            added.push((name.clone(), label.clone()));
            continue;
        }
        let texts = expressions(op);
        for (name, label) in &added {
            let literal = quote_literal(label);
            if texts.iter().any(|t| t.contains(&literal))
                && !used.contains(&(name.clone(), label.clone()))
            {
                used.push((name.clone(), label.clone()));
            }
        }
    }
    used
}

/// The SQL expressions an op writes.
fn expressions(op: &Op) -> Vec<&str> {
    match op {
        Op::CreateTable(t) => t
            .columns
            .iter()
            .filter_map(|c| c.default.as_ref().map(Expr::as_str))
            .chain(t.checks.values().map(|c| c.expr.as_str()))
            .chain(
                t.indexes
                    .values()
                    .filter_map(|ix| ix.predicate.as_ref().map(Expr::as_str)),
            )
            .collect(),
        Op::AddColumn { column, .. } => column.default.iter().map(Expr::as_str).collect(),
        Op::SetDefault { default, .. } => default.iter().map(Expr::as_str).collect(),
        Op::AlterColumnType { using, .. } => using.iter().map(Expr::as_str).collect(),
        Op::Backfill { expr, .. } => vec![expr.as_str()],
        Op::AddCheck { check, .. } => vec![check.expr.as_str()],
        Op::CreateIndex { index, .. } => index
            .predicate
            .iter()
            .map(Expr::as_str)
            .chain(index.columns.iter().map(String::as_str))
            .collect(),
        _ => Vec::new(),
    }
}

mod guards;
mod online;
#[cfg(test)]
mod rules;
#[cfg(test)]
mod tests;
