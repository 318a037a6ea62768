//! Replay step 2: a cursor over one statement's tokens with the small vocabulary the
//! grammar is written in (key words, identifiers, lists, captured expressions).
//!
//! Every failure is a [`SyntaxError`] at the offending token, ready to become a
//! [`ReplayError`](super::ReplayError).

use std::borrow::Cow;

use crate::model::{Expr, Schema, Table};
use crate::op::Op;

use super::lexer::{Pos, Token, TokenKind};

/// A statement replay cannot read, at the token that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

pub(crate) type PResult<T> = Result<T, SyntaxError>;

/// An identifier with where it was written, so later errors can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub value: String,
    pub pos: Pos,
}

/// The tokens of one statement (without its `;`) and a cursor into them.
pub(crate) struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    next: usize,
    /// Where "end of statement" errors point: the `;` or the end of the script.
    end: Pos,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, tokens: &'a [Token], end: Pos) -> Parser<'a> {
        Parser {
            src,
            tokens,
            next: 0,
            end,
        }
    }

    pub fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.next)
    }

    pub fn peek_nth(&self, n: usize) -> Option<&'a Token> {
        self.tokens.get(self.next + n)
    }

    pub fn bump(&mut self) -> Option<&'a Token> {
        let token = self.tokens.get(self.next)?;
        self.next += 1;
        Some(token)
    }

    pub fn at_end(&self) -> bool {
        self.next >= self.tokens.len()
    }

    /// Where the next token is (or the end of the statement).
    pub fn here(&self) -> Pos {
        self.peek().map_or(self.end, |t| t.pos)
    }

    /// The whole script the tokens index.
    pub fn src(&self) -> &'a str {
        self.src
    }

    pub fn text(&self, token: &Token) -> &'a str {
        token.text(self.src)
    }

    pub fn peek_kw(&self, kw: &str) -> bool {
        self.peek_kw_nth(0, kw)
    }

    pub fn peek_kw_nth(&self, n: usize, kw: &str) -> bool {
        self.peek_nth(n).is_some_and(|t| t.is_keyword(self.src, kw))
    }

    /// The next token, if it is one of the key words `kws`, as spelled in `kws`.
    pub fn peek_kw_in(&self, kws: &[&'static str]) -> Option<&'static str> {
        let token = self.peek()?;
        kws.iter()
            .copied()
            .find(|kw| token.is_keyword(self.src, kw))
    }

    pub fn eat_kw(&mut self, kw: &str) -> bool {
        let found = self.peek_kw(kw);
        if found {
            self.next += 1;
        }
        found
    }

    /// Consumes the key words `kws` if all of them come next, in order.
    pub fn eat_kws(&mut self, kws: &[&str]) -> bool {
        let found = kws
            .iter()
            .enumerate()
            .all(|(i, kw)| self.peek_kw_nth(i, kw));
        if found {
            self.next += kws.len();
        }
        found
    }

    pub fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{kw}`")))
        }
    }

    pub fn peek_punct(&self, c: u8) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Punct(c))
    }

    pub fn eat_punct(&mut self, c: u8) -> bool {
        let found = self.peek_punct(c);
        if found {
            self.next += 1;
        }
        found
    }

    pub fn expect_punct(&mut self, c: u8) -> PResult<()> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{}`", c as char)))
        }
    }

    /// An identifier (quoted or not); `what` names it in the error.
    pub fn ident(&mut self, what: &str) -> PResult<Name> {
        match self.peek() {
            Some(t) if matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent) => {
                self.next += 1;
                Ok(Name {
                    value: t.ident_value(self.src).into_owned(),
                    pos: t.pos,
                })
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// A possibly schema-qualified name: `x`, `public.x` (only `public` is modelled).
    pub fn qualified(&mut self, what: &str) -> PResult<Name> {
        let first = self.ident(what)?;
        if !self.eat_punct(b'.') {
            return Ok(first);
        }
        let second = self.ident(what)?;
        if first.value != "public" {
            return Err(self.error(
                first.pos,
                format!(
                    "schema `{}` is not supported: the schema model covers only `public`",
                    first.value
                ),
            ));
        }
        Ok(second)
    }

    /// A string constant's value.
    pub fn string(&mut self, what: &str) -> PResult<Cow<'a, str>> {
        match self.peek().and_then(|t| t.string_value(self.src)) {
            Some(value) => {
                self.next += 1;
                Ok(value)
            }
            None => Err(self.unexpected(what)),
        }
    }

    /// A non-negative integer constant (a type modifier, say).
    pub fn integer(&mut self, what: &str) -> PResult<u32> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Number => {
                let value = self.text(t).parse().map_err(|_| {
                    self.error(t.pos, format!("expected {what}, found `{}`", self.text(t)))
                })?;
                self.next += 1;
                Ok(value)
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// A signed integer (sequence options), skipped: only its syntax matters.
    pub fn skip_signed_integer(&mut self, what: &str) -> PResult<()> {
        if self
            .peek()
            .is_some_and(|t| t.kind == TokenKind::Operator && matches!(self.text(t), "-" | "+"))
        {
            self.next += 1;
        }
        match self.peek() {
            Some(t) if t.kind == TokenKind::Number => {
                self.next += 1;
                Ok(())
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// `(a, b, c)`: a parenthesised list of identifiers.
    pub fn ident_list(&mut self, what: &str) -> PResult<Vec<String>> {
        self.expect_punct(b'(')?;
        let mut names = Vec::new();
        loop {
            names.push(self.ident(what)?.value);
            if !self.eat_punct(b',') {
                break;
            }
        }
        self.expect_punct(b')')?;
        Ok(names)
    }

    /// Skips a balanced `( ... )` group (identity or sequence options).
    pub fn skip_parens(&mut self) -> PResult<()> {
        let open = self.here();
        self.expect_punct(b'(')?;
        let mut depth = 1usize;
        while let Some(t) = self.bump() {
            match t.kind {
                TokenKind::Punct(b'(') => depth += 1,
                TokenKind::Punct(b')') => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.error(open, "this `(` is never closed".to_string()))
    }

    /// `( expr )`: the expression inside the parentheses.
    pub fn paren_expr(&mut self, what: &str) -> PResult<Expr> {
        self.expect_punct(b'(')?;
        let expr = self.expr_until(&[], what)?;
        self.expect_punct(b')')?;
        Ok(expr)
    }

    /// An expression: every token up to a `,` or `)` at depth 0, one of the key words
    /// `stop` at depth 0, or the end of the statement. The first token is always taken,
    /// so `DEFAULT NULL NOT NULL` reads `NULL` as the expression.
    pub fn expr_until(&mut self, stop: &[&str], what: &str) -> PResult<Expr> {
        let first = self.next;
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t.kind {
                TokenKind::Punct(b'(' | b'[') => depth += 1,
                TokenKind::Punct(b')' | b']') if depth == 0 => break,
                TokenKind::Punct(b')' | b']') => depth -= 1,
                TokenKind::Punct(b',') if depth == 0 => break,
                TokenKind::Ident
                    if depth == 0
                        && self.next > first
                        && stop.iter().any(|kw| t.is_keyword(self.src, kw)) =>
                {
                    break
                }
                _ => {}
            }
            self.next += 1;
        }
        if depth > 0 {
            let open = self.tokens[first..self.next]
                .iter()
                .rev()
                .find(|t| matches!(t.kind, TokenKind::Punct(b'(' | b'[')))
                .map_or(self.here(), |t| t.pos);
            return Err(self.error(open, "this bracket is never closed".to_string()));
        }
        if self.next == first {
            return Err(self.unexpected(what));
        }
        Ok(Expr::new(&self.source_of(first, self.next)))
    }

    /// The text of tokens `from..to`, one space wherever the source had whitespace or a
    /// comment between two tokens, `public.` dropped after `::` (PostgreSQL prints types
    /// of the search path unqualified).
    pub fn source_of(&self, from: usize, to: usize) -> String {
        let tokens = &self.tokens[from..to];
        let mut out = String::with_capacity(tokens.last().map_or(0, |l| l.end - tokens[0].start));
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if i > 0 && tokens[i - 1].end != t.start {
                out.push(' ');
            }
            out.push_str(self.text(t));
            let qualified_cast = t.kind == TokenKind::Typecast
                && tokens
                    .get(i + 1)
                    .is_some_and(|n| n.is_keyword(self.src, "public"))
                && tokens
                    .get(i + 2)
                    .is_some_and(|n| n.kind == TokenKind::Punct(b'.'));
            i += if qualified_cast { 3 } else { 1 };
        }
        out
    }

    /// Index of the next token, to capture source text from.
    pub fn mark(&self) -> usize {
        self.next
    }

    /// Fails unless the whole statement has been read.
    pub fn expect_end(&self) -> PResult<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected("end of statement")),
        }
    }

    pub fn error(&self, pos: Pos, message: String) -> SyntaxError {
        SyntaxError { pos, message }
    }

    /// `expected X, found `y``, at the next token.
    pub fn unexpected(&self, expected: &str) -> SyntaxError {
        let message = match self.peek() {
            Some(t) => format!("expected {expected}, found `{}`", self.text(t)),
            None => format!("expected {expected}, found end of statement"),
        };
        self.error(self.here(), message)
    }
}

/// Ops with the position an error applying them should point at.
pub(crate) type Steps = Vec<(Pos, Op)>;

/// The table `name` must name; "table `x` does not exist" at the name otherwise.
pub(crate) fn existing_table<'s>(
    schema: &'s Schema,
    p: &Parser<'_>,
    name: &Name,
) -> PResult<&'s Table> {
    schema
        .tables
        .get(&name.value)
        .ok_or_else(|| p.error(name.pos, format!("table `{}` does not exist", name.value)))
}

/// `CASCADE` / `RESTRICT` at the end of a `DROP`; `true` for `CASCADE`.
pub(crate) fn drop_behaviour(p: &mut Parser<'_>) -> bool {
    if p.eat_kw("CASCADE") {
        return true;
    }
    p.eat_kw("RESTRICT");
    false
}

/// A comma-separated list of (qualified) names.
pub(crate) fn name_list(p: &mut Parser<'_>, what: &str) -> PResult<Vec<Name>> {
    let mut names = vec![p.qualified(what)?];
    while p.eat_punct(b',') {
        names.push(p.qualified(what)?);
    }
    Ok(names)
}
