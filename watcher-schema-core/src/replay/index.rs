//! Replay step 3d: `CREATE INDEX`, `DROP INDEX` and `ALTER INDEX ... RENAME` → index
//! ops, key elements spelled the way `pg_get_indexdef` prints them.

use std::borrow::Cow;

use crate::model::{Expr, Index, Schema};
use crate::op::Op;
use crate::quote::quote_ident;

use super::lexer::TokenKind;
use super::names::Namer;
use super::parser::{drop_behaviour, existing_table, name_list, Steps};
use super::parser::{Name, PResult, Parser};

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] table
/// [USING method] (elements) [INCLUDE (columns)] [WHERE predicate]`.
pub(crate) fn create_index(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("CREATE")?;
    let unique = p.eat_kw("UNIQUE");
    p.expect_kw("INDEX")?;
    let concurrently = p.eat_kw("CONCURRENTLY");
    let if_not_exists = p.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = if p.peek_kw("ON") {
        None
    } else {
        Some(p.qualified("an index name")?)
    };
    if if_not_exists && name.is_none() {
        return Err(p.unexpected("an index name after `IF NOT EXISTS`"));
    }
    p.expect_kw("ON")?;
    p.eat_kw("ONLY");
    let table = p.qualified("a table name")?;
    let method = if p.eat_kw("USING") {
        p.ident("an index method")?.value
    } else {
        "btree".to_string()
    };
    p.expect_punct(b'(')?;
    let mut elements = Vec::new();
    loop {
        elements.push(element(p)?);
        if !p.eat_punct(b',') {
            break;
        }
    }
    p.expect_punct(b')')?;
    let include = if p.eat_kw("INCLUDE") {
        p.ident_list("a column name")?
    } else {
        Vec::new()
    };
    if let Some(kw) = p.peek_kw_in(&["NULLS", "WITH", "TABLESPACE"]) {
        return Err(p.error(
            p.here(),
            format!("`{kw}` in `CREATE INDEX` is not supported by the schema model"),
        ));
    }
    let predicate = if p.eat_kw("WHERE") {
        Some(p.expr_until(&[], "an index predicate")?)
    } else {
        None
    };
    p.expect_end()?;
    existing_table(schema, p, &table)?;
    let columns = &schema.tables[&table.value].columns;
    for column in elements.iter().filter_map(|e| e.column.as_ref()) {
        if !columns.iter().any(|c| c.name == column.value) {
            return Err(p.error(
                column.pos,
                format!("column `{}.{}` does not exist", table.value, column.value),
            ));
        }
    }
    let (name, pos) = match name {
        Some(n) if if_not_exists && super::names::relation_exists(schema, &n.value) => {
            return Ok(())
        }
        Some(n) => (n.value, n.pos),
        None => {
            let mut parts = Vec::with_capacity(elements.len() + include.len());
            for e in &elements {
                match &e.name {
                    Some(n) => parts.push(n.as_str()),
                    None => {
                        return Err(p.error(
                            table.pos,
                            "an index on an expression needs a name: replay does not derive \
                             PostgreSQL's generated name for it"
                                .to_string(),
                        ))
                    }
                }
            }
            parts.extend(include.iter().map(String::as_str));
            let name = Namer::new(schema).index(&table.value, &parts);
            (name, table.pos)
        }
    };
    steps.push((
        pos,
        Op::CreateIndex {
            table: table.value,
            index: Index {
                name,
                unique,
                method,
                columns: elements.into_iter().map(|e| e.text).collect(),
                include,
                predicate,
            },
            concurrently,
        },
    ));
    Ok(())
}

/// One key element of an index.
struct Element {
    /// As `pg_get_indexdef` prints it: a bare column name, or an expression, then any
    /// operator class and non-default ordering.
    text: String,
    /// What PostgreSQL calls it in a generated index name: the column or the function.
    name: Option<String>,
    /// The column, when the element is one.
    column: Option<Name>,
}

fn element(p: &mut Parser<'_>) -> PResult<Element> {
    let function_call = p
        .peek()
        .is_some_and(|t| matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent))
        && p.peek_nth(1)
            .is_some_and(|t| t.kind == TokenKind::Punct(b'('));
    let (mut text, name, column) = if p.peek_punct(b'(') {
        let expr = p.paren_expr("an index expression")?;
        (expr.as_str().to_string(), None, None)
    } else if function_call {
        let start = p.mark();
        let function = p.ident("a function name")?.value;
        p.skip_parens()?;
        let expr = Expr::new(&p.source_of(start, p.mark()));
        (expr.as_str().to_string(), Some(function), None)
    } else {
        let column = p.ident("a column name or `(expression)`")?;
        (
            column.value.clone(),
            Some(column.value.clone()),
            Some(column),
        )
    };
    if p.peek_kw("COLLATE") {
        return Err(p.error(
            p.here(),
            "collations are not supported by the schema model".to_string(),
        ));
    }
    let mut decorated = false;
    let opclass = p
        .peek()
        .filter(|t| matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent))
        .is_some()
        && p.peek_kw_in(&["ASC", "DESC", "NULLS"]).is_none();
    if opclass {
        let class = p.qualified("an operator class")?.value;
        if p.peek_punct(b'(') {
            return Err(p.error(
                p.here(),
                "operator class parameters are not supported by the schema model".to_string(),
            ));
        }
        text = format!(
            "{} {}",
            quoted(&text, column.is_some()),
            quote_ident(&class)
        );
        decorated = true;
    }
    let descending = if p.eat_kw("DESC") {
        true
    } else {
        p.eat_kw("ASC");
        false
    };
    let nulls_first = if p.eat_kw("NULLS") {
        if p.eat_kw("FIRST") {
            Some(true)
        } else {
            p.expect_kw("LAST")?;
            Some(false)
        }
    } else {
        None
    };
    // PostgreSQL prints only what differs from the default: ascending with nulls
    // last, and descending implies nulls first.
    let suffix = match (descending, nulls_first) {
        (false, Some(true)) => " NULLS FIRST",
        (true, Some(false)) => " DESC NULLS LAST",
        (true, _) => " DESC",
        (false, _) => "",
    };
    if !suffix.is_empty() {
        if !decorated {
            text = quoted(&text, column.is_some()).to_string();
        }
        text.push_str(suffix);
    }
    Ok(Element { text, name, column })
}

/// A bare column is stored by name; once decorated it must be quoted as SQL.
fn quoted(text: &str, column: bool) -> Cow<'_, str> {
    if column {
        quote_ident(text)
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether an index (standalone, or the one behind a primary key or unique constraint)
/// is called `name`.
fn index_exists(schema: &Schema, name: &str) -> bool {
    schema.tables.values().any(|t| {
        t.indexes.contains_key(name)
            || t.uniques.contains_key(name)
            || t.primary_key.as_ref().is_some_and(|pk| pk.name == name)
    })
}

/// `DROP INDEX [CONCURRENTLY] [IF EXISTS] a, b [CASCADE|RESTRICT]`.
pub(crate) fn drop_index(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("DROP")?;
    p.expect_kw("INDEX")?;
    let concurrently = p.eat_kw("CONCURRENTLY");
    let if_exists = p.eat_kws(&["IF", "EXISTS"]);
    let names = name_list(p, "an index name")?;
    drop_behaviour(p);
    p.expect_end()?;
    for name in names {
        if if_exists && !index_exists(schema, &name.value) {
            continue;
        }
        steps.push((
            name.pos,
            Op::DropIndex {
                name: name.value,
                concurrently,
            },
        ));
    }
    Ok(())
}

/// `ALTER INDEX [IF EXISTS] a RENAME TO b`.
pub(crate) fn alter_index(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("ALTER")?;
    p.expect_kw("INDEX")?;
    let if_exists = p.eat_kws(&["IF", "EXISTS"]);
    let name = p.qualified("an index name")?;
    if !p.eat_kws(&["RENAME", "TO"]) {
        return Err(p.error(
            p.here(),
            "unsupported `ALTER INDEX` action: replay understands only `RENAME TO`".to_string(),
        ));
    }
    let to = p.ident("an index name")?.value;
    p.expect_end()?;
    if if_exists && !index_exists(schema, &name.value) {
        return Ok(());
    }
    steps.push((
        name.pos,
        Op::RenameIndex {
            from: name.value,
            to,
        },
    ));
    Ok(())
}
