//! Migration SQL → [`Schema`]: a hand-written lexer and recursive-descent parser read
//! PostgreSQL DDL into [`Op`]s, which [`op::apply`] applies one by one.
//!
//! The stages: `lexer` (text → tokens), `parser` (the cursor the grammar is written
//! with), `statement` (which statement is this), `definition` (columns and
//! constraints as written), `table`, `index` and `types` (the grammar of each
//! statement family), `names` (PostgreSQL's generated names).
//! No SQL parser crate: whatever build.rs and the macros depend on is paid for in every
//! user's build.

mod definition;
mod index;
mod lexer;
mod names;
mod parser;
mod statement;
mod table;
mod types;

pub use types::{parse_type_name, Enums, ParsedType};

#[cfg(test)]
mod tests;

use std::fmt;

use crate::model::Schema;
use crate::op::{self, Op};

pub(crate) use lexer::{Lexer, Pos, Token, TokenKind};
use parser::{Parser, SyntaxError};

/// A statement that replay could not parse or apply, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    /// The file (or other origin) the SQL came from.
    pub origin: String,
    /// 1-based line of the offending token.
    pub line: usize,
    /// 1-based column of the offending token.
    pub column: usize,
    /// What is wrong, and the fix where there is one.
    pub message: String,
}

impl ReplayError {
    fn new(origin: &str, pos: Pos, message: impl Into<String>) -> ReplayError {
        ReplayError {
            origin: origin.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ReplayError {}

/// One SQL statement of a script, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement text without the terminating `;`.
    pub text: &'a str,
    /// Byte offset of the statement's first token in the script.
    pub offset: usize,
    /// 1-based line of the statement's first token.
    pub line: usize,
    /// 1-based column of the statement's first token.
    pub column: usize,
}

/// Splits a script into statements, honouring quotes, dollar quotes and comments.
///
/// A statement ends at a `;` outside quotes, comments and parentheses (as in `psql`);
/// statements with no tokens are left out. A psql meta-command (`\restrict ...`) is a
/// statement of its own, its line. Each statement's text runs from its first
/// token to its last, leaving out comments around it. A script that cannot be tokenised (an unterminated
/// string, say) ends in one last statement that runs to the end of the script, so the
/// server reports the error where it is.
///
/// ```
/// use watcher_schema_core::replay::split_statements;
///
/// let script = "-- add a column\nALTER TABLE t ADD c text;\n\nSELECT ';';";
/// let statements = split_statements(script);
/// assert_eq!(statements.len(), 2);
/// assert_eq!(statements[0].text, "ALTER TABLE t ADD c text");
/// assert_eq!((statements[0].line, statements[0].column), (2, 1));
/// assert_eq!(statements[1].text, "SELECT ';'");
/// assert_eq!(statements[1].line, 4);
/// ```
pub fn split_statements(sql: &str) -> Vec<Statement<'_>> {
    let mut statements = Vec::new();
    // The first token of the statement being read and the end of its last token.
    let mut current: Option<(Token, usize)> = None;
    let mut depth = 0usize;
    let statement = |(first, end): (Token, usize)| Statement {
        text: &sql[first.start..end],
        offset: first.start,
        line: first.pos.line,
        column: first.pos.column,
    };
    for token in Lexer::new(sql) {
        match token {
            Ok(t) if t.kind == TokenKind::Punct(b';') && depth == 0 => {
                statements.extend(current.take().map(statement));
            }
            // psql runs a meta-command at once, outside the statement being read.
            Ok(t) if t.kind == TokenKind::MetaCommand => statements.push(statement((t, t.end))),
            Ok(t) => {
                match t.kind {
                    TokenKind::Punct(b'(') => depth += 1,
                    TokenKind::Punct(b')') => depth = depth.saturating_sub(1),
                    _ => {}
                }
                current.get_or_insert((t, t.end)).1 = t.end;
            }
            Err(e) => {
                let first = current.take().map_or(
                    Token {
                        kind: TokenKind::Ident,
                        start: e.offset,
                        end: e.offset,
                        pos: e.pos,
                    },
                    |(first, _)| first,
                );
                statements.push(statement((first, sql.len())));
            }
        }
    }
    statements.extend(current.map(statement));
    statements
}

/// pg_dump brackets its output in `\restrict` / `\unrestrict` (psql meta-commands that
/// guard the session); any other meta-command is an error.
fn meta_command(token: &Token, sql: &str, origin: &str) -> Result<(), ReplayError> {
    let text = token.text(sql);
    let command = text.split_whitespace().next().unwrap_or(text);
    if matches!(command, "\\restrict" | "\\unrestrict") {
        return Ok(());
    }
    Err(ReplayError::new(
        origin,
        token.pos,
        format!(
            "psql meta-command `{command}` is not SQL: replay cannot see its effect; remove it \
             from the migration"
        ),
    ))
}

/// Applies the DDL in `sql` (read from `origin`, a path used in messages) to `schema`.
///
/// Statements are parsed and applied one at a time, so each sees the schema the
/// statements before it left (an enum created above is a known type below). Statements
/// without schema effect (`INSERT`, `SET`, `COMMENT ON`, transaction control...) are
/// skipped; anything replay does not understand is an error, never ignored. At the end,
/// sequences that pg_dump-style SQL attaches to a column by hand are folded into serial
/// columns ([`Schema::fold_serials`]). On error, `schema` holds the effect of the
/// statements before the failing one.
///
/// ```
/// use watcher_schema_core::model::Schema;
/// use watcher_schema_core::replay::replay;
///
/// let mut schema = Schema::default();
/// replay(&mut schema, "CREATE TABLE pipeline (id serial PRIMARY KEY, name text);", "up.sql")?;
/// assert_eq!(schema.tables["pipeline"].columns.len(), 2);
///
/// let err = replay(&mut schema, "\nDROP TABLE nope;", "down.sql").unwrap_err();
/// assert_eq!(err.to_string(), "down.sql:2:12: table `nope` does not exist");
/// # Ok::<(), watcher_schema_core::replay::ReplayError>(())
/// ```
pub fn replay(schema: &mut Schema, sql: &str, origin: &str) -> Result<(), ReplayError> {
    replay_each(schema, sql, origin, |_, _| {})
}

/// One statement as replay read it, shown to [`replay_each`]'s visitor before its ops are
/// applied: for passes that judge how a statement changes the schema (lint).
pub(crate) struct Replayed<'a> {
    /// The whole script the statement is part of.
    pub src: &'a str,
    /// The statement's tokens, without its `;`.
    pub tokens: &'a [Token],
    /// The ops it stands for, in the order they are applied, each at the token it comes from.
    pub steps: &'a [(Pos, Op)],
}

/// [`replay`], calling `visit` with the schema as it is before each statement that
/// parsed, and the statement.
pub(crate) fn replay_each(
    schema: &mut Schema,
    sql: &str,
    origin: &str,
    mut visit: impl FnMut(&Schema, &Replayed<'_>),
) -> Result<(), ReplayError> {
    let mut lexer = Lexer::new(sql);
    let mut tokens = Vec::new();
    let mut steps = Vec::new();
    loop {
        tokens.clear();
        let mut depth = 0usize;
        let (end, last) = loop {
            match lexer.next() {
                None => break (lexer.pos(), true),
                Some(Err(e)) => return Err(ReplayError::new(origin, e.pos, e.message)),
                Some(Ok(t)) => {
                    match t.kind {
                        TokenKind::Punct(b';') if depth == 0 => break (t.pos, false),
                        TokenKind::MetaCommand => {
                            meta_command(&t, sql, origin)?;
                            continue;
                        }
                        TokenKind::Punct(b'(') => depth += 1,
                        TokenKind::Punct(b')') => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    tokens.push(t);
                }
            }
        };
        if !tokens.is_empty() {
            let mut p = Parser::new(sql, &tokens, end);
            steps.clear();
            statement::parse(&mut p, schema, &mut steps)
                .map_err(|SyntaxError { pos, message }| ReplayError::new(origin, pos, message))?;
            visit(
                schema,
                &Replayed {
                    src: sql,
                    tokens: &tokens,
                    steps: &steps,
                },
            );
            for (pos, op) in steps.drain(..) {
                op::apply(schema, &op).map_err(|e| ReplayError::new(origin, pos, e.0))?;
            }
        }
        if last {
            break;
        }
    }
    schema.fold_serials();
    Ok(())
}
