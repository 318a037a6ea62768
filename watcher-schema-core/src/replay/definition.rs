//! Replay step 3c: column definitions and constraints as written, the grammar that
//! `CREATE TABLE` and `ALTER TABLE ... ADD` share. Hands [`ColumnDef`]s and
//! [`ConstraintDef`]s (names not yet chosen) to [`super::table`].

use crate::model::{Column, Expr, FkAction, Generated, Schema};

use super::lexer::{Pos, TokenKind};
use super::parser::{Name, PResult, Parser, SyntaxError};
use super::types;

/// Key words that end a column's `DEFAULT` expression: the next column constraint.
const DEFAULT_STOP: &[&str] = &[
    "NOT",
    "NULL",
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "REFERENCES",
    "CHECK",
    "GENERATED",
    "COLLATE",
    "DEFAULT",
];

/// A constraint as written, before its name is chosen.
#[derive(Debug)]
pub(crate) struct ConstraintDef {
    /// `CONSTRAINT name`, if given.
    pub name: Option<Name>,
    pub kind: ConstraintKind,
    /// Where the constraint starts, for errors applying it.
    pub pos: Pos,
}

#[derive(Debug)]
pub(crate) enum ConstraintKind {
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
    ForeignKey {
        columns: Vec<String>,
        ref_table: Name,
        /// `None`: the referenced table's primary key.
        ref_columns: Option<Vec<String>>,
        on_delete: FkAction,
        on_update: FkAction,
    },
    Check(Expr),
}

/// A column definition; its constraints go to the statement's constraint list.
pub(crate) struct ColumnDef {
    pub name: Name,
    pub column: Column,
    /// A `serial` type: the caller names the sequence.
    pub serial: bool,
}

/// Whether a table element (or `ALTER TABLE ... ADD`) starts a table constraint.
pub(crate) fn starts_table_constraint(p: &Parser<'_>) -> bool {
    p.peek_kw_in(&["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK"])
        .is_some()
        || p.peek_kw("EXCLUDE")
            && (p.peek_kw_nth(1, "USING")
                || p.peek_nth(1)
                    .is_some_and(|t| t.kind == TokenKind::Punct(b'(')))
}

/// `[CONSTRAINT n] PRIMARY KEY (..) | UNIQUE (..) | FOREIGN KEY (..) REFERENCES .. | CHECK (..)`.
pub(crate) fn table_constraint(p: &mut Parser<'_>) -> PResult<ConstraintDef> {
    let pos = p.here();
    let name = if p.eat_kw("CONSTRAINT") {
        Some(p.ident("a constraint name")?)
    } else {
        None
    };
    let kind = if p.eat_kws(&["PRIMARY", "KEY"]) {
        let columns = p.ident_list("a column name")?;
        index_constraint_tail(p)?;
        ConstraintKind::PrimaryKey(columns)
    } else if p.eat_kw("UNIQUE") {
        nulls_distinct(p)?;
        let columns = p.ident_list("a column name")?;
        index_constraint_tail(p)?;
        ConstraintKind::Unique(columns)
    } else if p.eat_kws(&["FOREIGN", "KEY"]) {
        let columns = p.ident_list("a column name")?;
        p.expect_kw("REFERENCES")?;
        references(p, columns)?
    } else if p.eat_kw("CHECK") {
        check(p)?
    } else if p.peek_kw("EXCLUDE") {
        return Err(p.error(
            p.here(),
            "`EXCLUDE` constraints are not supported by the schema model".to_string(),
        ));
    } else {
        return Err(p.unexpected("`PRIMARY KEY`, `UNIQUE`, `FOREIGN KEY` or `CHECK`"));
    };
    Ok(ConstraintDef { name, kind, pos })
}

/// What may follow a primary key or unique column list: storage options the model
/// has no place for are refused rather than dropped.
fn index_constraint_tail(p: &mut Parser<'_>) -> PResult<()> {
    if let Some(kw) = p.peek_kw_in(&["INCLUDE", "WITH", "USING"]) {
        return Err(p.error(
            p.here(),
            format!(
                "`{kw}` on a primary key or unique constraint is not supported by the schema \
                 model (a unique index can have `INCLUDE`)"
            ),
        ));
    }
    constraint_attributes(p)
}

/// `NULLS DISTINCT` is the default; `NULLS NOT DISTINCT` has no place in the model.
fn nulls_distinct(p: &mut Parser<'_>) -> PResult<()> {
    if p.eat_kws(&["NULLS", "DISTINCT"]) {
        return Ok(());
    }
    if p.peek_kw("NULLS") {
        return Err(p.error(
            p.here(),
            "`NULLS NOT DISTINCT` is not supported by the schema model".to_string(),
        ));
    }
    Ok(())
}

/// `CHECK (expr)` after `CHECK`.
fn check(p: &mut Parser<'_>) -> PResult<ConstraintKind> {
    let expr = p.paren_expr("a check expression")?;
    if p.peek_kw("NO") && p.peek_kw_nth(1, "INHERIT") {
        return Err(p.error(
            p.here(),
            "`NO INHERIT` is not supported by the schema model".to_string(),
        ));
    }
    constraint_attributes(p)?;
    Ok(ConstraintKind::Check(expr))
}

/// `REFERENCES t [(cols)] [MATCH SIMPLE] [ON DELETE a] [ON UPDATE a]`, after `REFERENCES`.
fn references(p: &mut Parser<'_>, columns: Vec<String>) -> PResult<ConstraintKind> {
    let ref_table = p.qualified("a table name")?;
    let ref_columns = if p.peek_punct(b'(') {
        Some(p.ident_list("a column name")?)
    } else {
        None
    };
    let (mut on_delete, mut on_update) = (FkAction::NoAction, FkAction::NoAction);
    loop {
        if p.eat_kw("MATCH") {
            if !p.eat_kw("SIMPLE") {
                return Err(p.error(
                    p.here(),
                    "only `MATCH SIMPLE` (the default) is supported by the schema model"
                        .to_string(),
                ));
            }
        } else if p.eat_kws(&["ON", "DELETE"]) {
            on_delete = fk_action(p)?;
        } else if p.eat_kws(&["ON", "UPDATE"]) {
            on_update = fk_action(p)?;
        } else {
            break;
        }
    }
    constraint_attributes(p)?;
    Ok(ConstraintKind::ForeignKey {
        columns,
        ref_table,
        ref_columns,
        on_delete,
        on_update,
    })
}

fn fk_action(p: &mut Parser<'_>) -> PResult<FkAction> {
    let action = if p.eat_kws(&["NO", "ACTION"]) {
        FkAction::NoAction
    } else if p.eat_kw("RESTRICT") {
        FkAction::Restrict
    } else if p.eat_kw("CASCADE") {
        FkAction::Cascade
    } else if p.eat_kws(&["SET", "NULL"]) {
        FkAction::SetNull
    } else if p.eat_kws(&["SET", "DEFAULT"]) {
        FkAction::SetDefault
    } else {
        return Err(p.unexpected("`NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`"));
    };
    if p.peek_punct(b'(') {
        return Err(p.error(
            p.here(),
            "a column list on `SET NULL`/`SET DEFAULT` is not supported by the schema model"
                .to_string(),
        ));
    }
    Ok(action)
}

/// `[NOT] DEFERRABLE`, `INITIALLY {IMMEDIATE|DEFERRED}`, `NOT VALID`: the defaults and
/// `NOT VALID` (which changes no definition) are accepted; deferral is not modelled.
fn constraint_attributes(p: &mut Parser<'_>) -> PResult<()> {
    loop {
        if p.eat_kws(&["NOT", "DEFERRABLE"])
            || p.eat_kws(&["INITIALLY", "IMMEDIATE"])
            || p.eat_kws(&["NOT", "VALID"])
        {
            continue;
        }
        if p.peek_kw("DEFERRABLE") || p.peek_kw("INITIALLY") {
            return Err(p.error(
                p.here(),
                "deferrable constraints are not supported by the schema model".to_string(),
            ));
        }
        return Ok(());
    }
}

/// `name type [column constraints]`; constraints other than NULL/NOT NULL/DEFAULT/
/// identity are pushed onto `constraints`, in order, as table constraints on this column.
pub(crate) fn column_def(
    p: &mut Parser<'_>,
    schema: &Schema,
    constraints: &mut Vec<ConstraintDef>,
) -> PResult<ColumnDef> {
    let name = p.ident("a column name")?;
    let ty = types::parse_type(p, schema)?;
    let mut nullability: Option<bool> = None;
    let mut default: Option<(Pos, Option<Expr>)> = None;
    let mut identity: Option<(Pos, Generated)> = None;
    let conflict = |p: &Parser<'_>, pos, what: &str| -> SyntaxError {
        p.error(pos, format!("{what} for column `{}`", name.value))
    };
    loop {
        let pos = p.here();
        let constraint_name = if p.eat_kw("CONSTRAINT") {
            Some(p.ident("a constraint name")?)
        } else {
            None
        };
        let null = if p.eat_kws(&["NOT", "NULL"]) {
            Some(false)
        } else if p.eat_kw("NULL") {
            Some(true)
        } else {
            None
        };
        let kind = if let Some(nullable) = null {
            if nullability.is_some_and(|n| n != nullable) {
                return Err(conflict(p, pos, "conflicting NULL/NOT NULL declarations"));
            }
            nullability = Some(nullable);
            continue;
        } else if p.eat_kw("DEFAULT") {
            if default.is_some() {
                return Err(conflict(p, pos, "multiple default values specified"));
            }
            let expr = p.expr_until(DEFAULT_STOP, "a default expression")?;
            default = Some((pos, normalize_default(expr)));
            continue;
        } else if p.eat_kw("GENERATED") {
            if identity.is_some() {
                return Err(conflict(p, pos, "multiple identity specifications"));
            }
            identity = Some((pos, identity_kind(p)?));
            continue;
        } else if p.eat_kws(&["PRIMARY", "KEY"]) {
            index_constraint_tail(p)?;
            ConstraintKind::PrimaryKey(vec![name.value.clone()])
        } else if p.eat_kw("UNIQUE") {
            nulls_distinct(p)?;
            index_constraint_tail(p)?;
            ConstraintKind::Unique(vec![name.value.clone()])
        } else if p.eat_kw("REFERENCES") {
            references(p, vec![name.value.clone()])?
        } else if p.eat_kw("CHECK") {
            check(p)?
        } else if p.peek_kw("COLLATE") {
            return Err(p.error(
                p.here(),
                "collations are not supported by the schema model".to_string(),
            ));
        } else if constraint_name.is_some() {
            return Err(p.unexpected("a column constraint"));
        } else {
            break;
        };
        constraints.push(ConstraintDef {
            name: constraint_name,
            kind,
            pos,
        });
    }
    if ty.serial {
        if let Some((pos, _)) = default {
            return Err(conflict(p, pos, "multiple default values specified"));
        }
        if nullability == Some(true) {
            return Err(conflict(
                p,
                name.pos,
                "conflicting NULL/NOT NULL declarations",
            ));
        }
    }
    if let Some((pos, _)) = &identity {
        if ty.serial || default.as_ref().is_some_and(|(_, d)| d.is_some()) {
            return Err(conflict(p, *pos, "both default and identity specified"));
        }
        if !ty.ty.is_integer() {
            return Err(p.error(
                *pos,
                format!(
                    "identity column `{}` must have type smallint, integer or bigint",
                    name.value
                ),
            ));
        }
    }
    let column = Column {
        name: name.value.clone(),
        nullable: nullability.unwrap_or(true) && !ty.serial && identity.is_none(),
        ty: ty.ty,
        default: default.and_then(|(_, d)| d),
        generated: identity.map(|(_, g)| g),
    };
    Ok(ColumnDef {
        name,
        column,
        serial: ty.serial,
    })
}

/// `{ALWAYS | BY DEFAULT} AS IDENTITY [(options)]`, after `GENERATED`.
pub(crate) fn identity_kind(p: &mut Parser<'_>) -> PResult<Generated> {
    let generated = if p.eat_kw("ALWAYS") {
        Generated::IdentityAlways
    } else if p.eat_kws(&["BY", "DEFAULT"]) {
        Generated::IdentityByDefault
    } else {
        return Err(p.unexpected("`ALWAYS` or `BY DEFAULT`"));
    };
    p.expect_kw("AS")?;
    if p.peek_punct(b'(') {
        return Err(p.error(
            p.here(),
            "generated columns (`GENERATED ALWAYS AS (expr) STORED`) are not supported by the \
             schema model"
                .to_string(),
        ));
    }
    p.expect_kw("IDENTITY")?;
    if p.peek_punct(b'(') {
        p.skip_parens()?;
    }
    Ok(generated)
}

/// A default as the catalog keeps it: `DEFAULT NULL` is no default at all, and a
/// sequence named `public.x` is printed `x`.
pub(crate) fn normalize_default(expr: Expr) -> Option<Expr> {
    let text = expr.as_str();
    let is_null = text.eq_ignore_ascii_case("null")
        || text
            .get(..6)
            .is_some_and(|head| head.eq_ignore_ascii_case("null::"));
    if is_null {
        return None;
    }
    match text.strip_prefix("nextval('public.") {
        Some(rest) => Some(Expr::new(&format!("nextval('{rest}"))),
        None => Some(expr),
    }
}
