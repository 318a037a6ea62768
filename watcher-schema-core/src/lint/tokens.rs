//! Lint's view of a statement's tokens, for what replay's ops do not carry: `NOT VALID`,
//! `VALIDATE CONSTRAINT`, where `CONCURRENTLY` is written, the calls in a default.

use crate::model::Expr;
use crate::replay::{Lexer, Pos, Token, TokenKind};

/// One statement's tokens in its script.
pub(super) struct Statement<'s> {
    pub src: &'s str,
    pub tokens: &'s [Token],
}

impl Statement<'_> {
    /// 1-based line of the first token: `allow` comments end right above it.
    pub fn line(&self) -> usize {
        self.tokens.first().map_or(1, |t| t.pos.line)
    }

    fn keyword(&self, index: usize, kw: &str) -> bool {
        self.tokens
            .get(index)
            .is_some_and(|t| t.is_keyword(self.src, kw))
    }

    /// The first token that is the key word `kw`, at any depth.
    pub fn find_keyword(&self, kw: &str) -> Option<&Token> {
        self.tokens.iter().find(|t| t.is_keyword(self.src, kw))
    }

    /// Whether the clause that starts at `pos` (a constraint) says `NOT VALID` before the
    /// next `,` of its statement.
    pub fn not_valid_at(&self, pos: Pos) -> bool {
        let Some(start) = self.tokens.iter().position(|t| t.pos == pos) else {
            return false;
        };
        let mut depth = 0usize;
        for pair in self.tokens[start..].windows(2) {
            match pair[0].kind {
                TokenKind::Punct(b'(') => depth += 1,
                TokenKind::Punct(b')') => depth = depth.saturating_sub(1),
                TokenKind::Punct(b',') if depth == 0 => return false,
                _ if depth == 0
                    && pair[0].is_keyword(self.src, "NOT")
                    && pair[1].is_keyword(self.src, "VALID") =>
                {
                    return true
                }
                _ => {}
            }
        }
        false
    }

    /// `ALTER TABLE [IF EXISTS] [ONLY] [schema.]name ...`: the table's name and the index
    /// of the token after it.
    fn altered_table(&self) -> Option<(String, usize)> {
        if !(self.keyword(0, "ALTER") && self.keyword(1, "TABLE")) {
            return None;
        }
        let mut i = 2;
        if self.keyword(i, "IF") && self.keyword(i + 1, "EXISTS") {
            i += 2;
        }
        if self.keyword(i, "ONLY") {
            i += 1;
        }
        let name_at = |i: usize| {
            self.tokens
                .get(i)
                .filter(|t| matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent))
        };
        let mut name = name_at(i)?;
        while self
            .tokens
            .get(i + 1)
            .is_some_and(|t| t.kind == TokenKind::Punct(b'.'))
        {
            i += 2;
            name = name_at(i)?;
        }
        Some((name.ident_value(self.src).into_owned(), i + 1))
    }

    /// The `VALIDATE CONSTRAINT name` actions of an `ALTER TABLE`: its table, and each
    /// constraint with the position of its `VALIDATE`.
    pub fn validated(&self) -> Option<(String, Vec<(Pos, String)>)> {
        let (table, start) = self.altered_table()?;
        let mut found = Vec::new();
        let mut depth = 0usize;
        for (i, t) in self.tokens.iter().enumerate().skip(start) {
            match t.kind {
                TokenKind::Punct(b'(') => depth += 1,
                TokenKind::Punct(b')') => depth = depth.saturating_sub(1),
                _ if depth == 0
                    && t.is_keyword(self.src, "VALIDATE")
                    && self.keyword(i + 1, "CONSTRAINT") =>
                {
                    if let Some(name) = self.tokens.get(i + 2) {
                        found.push((t.pos, name.ident_value(self.src).into_owned()));
                    }
                }
                _ => {}
            }
        }
        Some((table, found))
    }

    /// `CREATE [UNIQUE] INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ...
    /// CONCURRENTLY`: the statement's leading words and its `CONCURRENTLY` token.
    pub fn concurrently(&self) -> Option<(&'static str, &Token)> {
        let at = |i: usize| {
            self.tokens
                .get(i)
                .filter(|t| t.is_keyword(self.src, "CONCURRENTLY"))
        };
        if self.keyword(0, "CREATE") && self.keyword(1, "INDEX") {
            at(2).map(|t| ("CREATE INDEX", t))
        } else if self.keyword(0, "CREATE") && self.keyword(1, "UNIQUE") && self.keyword(2, "INDEX")
        {
            at(3).map(|t| ("CREATE UNIQUE INDEX", t))
        } else if self.keyword(0, "DROP") && self.keyword(1, "INDEX") {
            at(2).map(|t| ("DROP INDEX", t))
        } else if self.keyword(0, "REINDEX") {
            self.find_keyword("CONCURRENTLY").map(|t| ("REINDEX", t))
        } else {
            None
        }
    }
}

/// Functions whose value differs per call, so that a default calling one is computed for
/// each existing row. PostgreSQL's own and the uuid-ossp and pgcrypto extensions'; a
/// function not listed here counts as stable.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "clock_timestamp",
    "currval",
    "gen_random_bytes",
    "gen_random_uuid",
    "lastval",
    "nextval",
    "random",
    "random_normal",
    "setval",
    "timeofday",
    "txid_current",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
];

/// The tokens of an expression; replay has lexed it already, so it lexes.
fn expr_tokens(expr: &Expr) -> Vec<Token> {
    Lexer::new(expr.as_str()).map_while(Result::ok).collect()
}

/// The first volatile function `expr` calls, as `name()`.
pub(super) fn volatile_call(expr: &Expr) -> Option<String> {
    let text = expr.as_str();
    expr_tokens(expr).windows(2).find_map(|pair| {
        let is_call = matches!(pair[0].kind, TokenKind::Ident | TokenKind::QuotedIdent)
            && pair[1].kind == TokenKind::Punct(b'(');
        let name = pair[0].ident_value(text);
        (is_call && VOLATILE_FUNCTIONS.contains(&name.as_ref())).then(|| format!("{name}()"))
    })
}

/// Whether `expr` is just the column `column`.
pub(super) fn is_column(expr: &Expr, column: &str) -> bool {
    let text = expr.as_str();
    matches!(expr_tokens(expr).as_slice(), [t] if t.ident_value(text) == column)
}

/// Whether `expr` is `column IS NOT NULL`.
pub(super) fn is_not_null_check(expr: &Expr, column: &str) -> bool {
    let text = expr.as_str();
    match expr_tokens(expr).as_slice() {
        [c, is, not, null] => {
            matches!(c.kind, TokenKind::Ident | TokenKind::QuotedIdent)
                && c.ident_value(text) == column
                && is.is_keyword(text, "IS")
                && not.is_keyword(text, "NOT")
                && null.is_keyword(text, "NULL")
        }
        _ => false,
    }
}
