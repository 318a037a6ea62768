//! Replay step 1: SQL text → [`Token`]s (byte span, kind, line and column), comments
//! and whitespace dropped. Hands tokens to the statement splitter and the parser.
//!
//! Tokens borrow nothing and own nothing: a token is a span of the script, so lexing a
//! migration allocates only the vector the caller collects them in.

use std::borrow::Cow;

/// A 1-based line and column (in characters) in a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An unquoted identifier or key word (`CREATE`, `address_id`).
    Ident,
    /// A `"quoted identifier"`.
    QuotedIdent,
    /// A string constant in one of its three spellings.
    String(StringStyle),
    /// A numeric constant.
    Number,
    /// A positional parameter, `$1`.
    Param,
    /// `::`.
    Typecast,
    /// One of `( ) [ ] , ; . : $`.
    Punct(u8),
    /// A run of operator characters: `=`, `<>`, `||`, `->>`...
    Operator,
    /// A psql meta-command to the end of its line (`\restrict key` in pg_dump output).
    MetaCommand,
}

/// How a string constant is spelled, which decides how to read its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringStyle {
    /// `'it''s'`.
    Standard,
    /// `E'it\'s'`.
    Escape,
    /// `$$it's$$` or `$tag$it's$tag$`.
    Dollar,
}

/// One token: a span of the script and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    pub pos: Pos,
}

impl Token {
    /// The token's source text.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    /// Whether this is the unquoted key word `kw` (given in upper case).
    pub fn is_keyword(&self, src: &str, kw: &str) -> bool {
        self.kind == TokenKind::Ident && self.text(src).eq_ignore_ascii_case(kw)
    }

    /// The identifier this token names: unquoted ones fold to lower case, quoted ones
    /// keep their case with `""` read as `"`.
    pub fn ident_value<'a>(&self, src: &'a str) -> Cow<'a, str> {
        let text = self.text(src);
        match self.kind {
            TokenKind::QuotedIdent => unescape_doubled(&text[1..text.len() - 1], '"'),
            _ if text.bytes().any(|b| b.is_ascii_uppercase()) => {
                Cow::Owned(text.to_ascii_lowercase())
            }
            _ => Cow::Borrowed(text),
        }
    }

    /// The value of a string constant (`None` for any other token).
    pub fn string_value<'a>(&self, src: &'a str) -> Option<Cow<'a, str>> {
        let text = self.text(src);
        match self.kind {
            TokenKind::String(StringStyle::Standard) => {
                Some(unescape_doubled(&text[1..text.len() - 1], '\''))
            }
            TokenKind::String(StringStyle::Escape) => {
                Some(Cow::Owned(unescape_backslashes(&text[2..text.len() - 1])))
            }
            TokenKind::String(StringStyle::Dollar) => {
                // The opening and closing delimiters are the same `$tag$`.
                let tag_len = text[1..].find('$').map_or(1, |i| i + 2);
                Some(Cow::Borrowed(&text[tag_len..text.len() - tag_len]))
            }
            _ => None,
        }
    }
}

/// `it''s` → `it's` (or `""` → `"` for identifiers).
fn unescape_doubled(inner: &str, quote: char) -> Cow<'_, str> {
    if inner.contains(quote) {
        let (doubled, single) = if quote == '"' {
            ("\"\"", "\"")
        } else {
            ("''", "'")
        };
        Cow::Owned(inner.replace(doubled, single))
    } else {
        Cow::Borrowed(inner)
    }
}

/// Reads the backslash escapes of an `E'...'` string (`''` is a quote there too).
fn unescape_backslashes(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                chars.next_if_eq(&'\'');
                out.push('\'');
            }
            '\\' => match chars.next() {
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some(d @ '0'..='7') => {
                    let mut code = d.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|c| c.to_digit(8)) {
                            Some(v) => {
                                code = code * 8 + v;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.extend(char::from_u32(code));
                }
                Some('x') => {
                    let mut code = 0;
                    for _ in 0..2 {
                        match chars.peek().and_then(|c| c.to_digit(16)) {
                            Some(v) => {
                                code = code * 16 + v;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.extend(char::from_u32(code));
                }
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

/// A script that cannot be tokenised: an unterminated literal or comment, a stray byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    /// Byte offset where the bad token starts.
    pub offset: usize,
    pub pos: Pos,
    pub message: &'static str,
}

/// Tokenises a script lazily; after an error it yields nothing more.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: usize,
    column: usize,
    /// Where the token being lexed starts.
    token_start: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            at: 0,
            line: 1,
            column: 1,
            token_start: 0,
        }
    }

    /// Where the next token (or the end of the script) is.
    pub fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    /// Moves past one byte, keeping line and column current (columns count characters,
    /// so UTF-8 continuation bytes do not advance them).
    fn bump(&mut self) {
        let Some(&b) = self.bytes.get(self.at) else {
            return;
        };
        self.at += 1;
        if b == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if b & 0xC0 != 0x80 {
            self.column += 1;
        }
    }

    fn bump_while(&mut self, pred: impl Fn(u8) -> bool) {
        while self.peek(0).is_some_and(&pred) {
            self.bump();
        }
    }

    fn bump_to(&mut self, offset: usize) {
        while self.at < offset {
            self.bump();
        }
    }

    /// Skips whitespace and comments; fails on an unterminated block comment.
    fn skip_trivia(&mut self) -> Result<(), LexError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(b), _) if b.is_ascii_whitespace() => self.bump(),
                (Some(b'-'), Some(b'-')) => self.bump_while(|b| b != b'\n'),
                (Some(b'/'), Some(b'*')) => self.skip_block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    /// Block comments nest in PostgreSQL, unlike in C.
    fn skip_block_comment(&mut self) -> Result<(), LexError> {
        let (offset, pos) = (self.at, self.pos());
        let mut depth = 0usize;
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.bump();
                    self.bump();
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.bump();
                    self.bump();
                    if depth == 0 {
                        return Ok(());
                    }
                }
                (Some(_), _) => self.bump(),
                (None, _) => {
                    return Err(LexError {
                        offset,
                        pos,
                        message: "unterminated `/*` comment",
                    })
                }
            }
        }
    }

    /// Moves past a quoted run that starts at the current byte (`'` or `"`) and ends at
    /// the same quote not doubled; `backslash` makes `\` escape the next byte.
    fn quoted(&mut self, quote: u8, backslash: bool) -> bool {
        self.bump();
        loop {
            match self.peek(0) {
                None => return false,
                Some(b'\\') if backslash => {
                    self.bump();
                    self.bump();
                }
                Some(b) if b == quote => {
                    self.bump();
                    if self.peek(0) != Some(quote) {
                        return true;
                    }
                    self.bump();
                }
                Some(_) => self.bump(),
            }
        }
    }

    /// `$tag$` at the current byte: the delimiter's length, if it is one.
    fn dollar_delimiter(&self) -> Option<usize> {
        let rest = &self.bytes[self.at + 1..];
        if rest.first() == Some(&b'$') {
            return Some(2);
        }
        if !rest.first().is_some_and(|&b| is_ident_start(b)) {
            return None;
        }
        let tag_len = rest
            .iter()
            .take_while(|&&b| is_ident_start(b) || b.is_ascii_digit())
            .count();
        (rest.get(tag_len) == Some(&b'$')).then_some(tag_len + 2)
    }

    fn lex_token(&mut self) -> Result<TokenKind, &'static str> {
        let b = self.bytes[self.at];
        let next = self.peek(1);
        let kind = match b {
            b'\'' => {
                if !self.quoted(b'\'', false) {
                    return Err("unterminated string literal");
                }
                TokenKind::String(StringStyle::Standard)
            }
            b'e' | b'E' if next == Some(b'\'') => {
                self.bump();
                if !self.quoted(b'\'', true) {
                    return Err("unterminated string literal");
                }
                TokenKind::String(StringStyle::Escape)
            }
            b'"' => {
                if !self.quoted(b'"', false) {
                    return Err("unterminated quoted identifier");
                }
                if self.at - self.token_start == 2 {
                    return Err("zero-length quoted identifier");
                }
                TokenKind::QuotedIdent
            }
            b'$' if next.is_some_and(|b| b.is_ascii_digit()) => {
                self.bump();
                self.bump_while(|b| b.is_ascii_digit());
                TokenKind::Param
            }
            b'$' => match self.dollar_delimiter() {
                Some(len) => {
                    let delimiter = &self.src[self.at..self.at + len];
                    let body = self.at + len;
                    let Some(close) = self.src[body..].find(delimiter) else {
                        return Err("unterminated dollar-quoted string");
                    };
                    self.bump_to(body + close + len);
                    TokenKind::String(StringStyle::Dollar)
                }
                None => {
                    self.bump();
                    TokenKind::Punct(b'$')
                }
            },
            b if is_ident_start(b) => {
                self.bump_while(|b| is_ident_start(b) || b.is_ascii_digit() || b == b'$');
                TokenKind::Ident
            }
            b'0'..=b'9' => {
                self.number();
                TokenKind::Number
            }
            b'.' if next.is_some_and(|b| b.is_ascii_digit()) => {
                self.number();
                TokenKind::Number
            }
            b':' if next == Some(b':') => {
                self.bump();
                self.bump();
                TokenKind::Typecast
            }
            b'(' | b')' | b'[' | b']' | b',' | b';' | b'.' | b':' => {
                self.bump();
                TokenKind::Punct(b)
            }
            b'\\' => {
                self.bump_while(|b| b != b'\n');
                TokenKind::MetaCommand
            }
            b if is_operator_char(b) => {
                self.bump();
                // An operator never contains the start of a comment.
                while self.peek(0).is_some_and(is_operator_char)
                    && !matches!(
                        (self.peek(0), self.peek(1)),
                        (Some(b'-'), Some(b'-')) | (Some(b'/'), Some(b'*'))
                    )
                {
                    self.bump();
                }
                TokenKind::Operator
            }
            _ => return Err("unexpected character"),
        };
        Ok(kind)
    }

    fn number(&mut self) {
        self.bump_while(|b| b.is_ascii_digit());
        if self.peek(0) == Some(b'.') && self.peek(1) != Some(b'.') {
            self.bump();
            self.bump_while(|b| b.is_ascii_digit());
        }
        let exponent = match (self.peek(0), self.peek(1), self.peek(2)) {
            (Some(b'e' | b'E'), Some(d), _) if d.is_ascii_digit() => true,
            (Some(b'e' | b'E'), Some(b'+' | b'-'), Some(d)) if d.is_ascii_digit() => true,
            _ => false,
        };
        if exponent {
            self.bump();
            self.bump();
            self.bump_while(|b| b.is_ascii_digit());
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Token, LexError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(e) = self.skip_trivia() {
            self.at = self.bytes.len();
            return Some(Err(e));
        }
        if self.at >= self.bytes.len() {
            return None;
        }
        let (start, pos) = (self.at, self.pos());
        self.token_start = start;
        match self.lex_token() {
            Ok(kind) => Some(Ok(Token {
                kind,
                start,
                end: self.at,
                pos,
            })),
            Err(message) => {
                self.at = self.bytes.len();
                Some(Err(LexError {
                    offset: start,
                    pos,
                    message,
                }))
            }
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_operator_char(b: u8) -> bool {
    matches!(
        b,
        b'+' | b'-'
            | b'*'
            | b'/'
            | b'<'
            | b'>'
            | b'='
            | b'~'
            | b'!'
            | b'@'
            | b'#'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        Lexer::new(src)
            .map(|t| t.expect("lexes"))
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn lexes_every_token_kind() {
        use TokenKind::*;
        assert_eq!(
            kinds("Ab \"Q\"\"x\" 'it''s' E'\\'' $$a$$ 1.5e3 $1 :: (a[1]) <> ->> ; . : \\x y\nz"),
            vec![
                (Ident, "Ab"),
                (QuotedIdent, "\"Q\"\"x\""),
                (String(StringStyle::Standard), "'it''s'"),
                (String(StringStyle::Escape), "E'\\''"),
                (String(StringStyle::Dollar), "$$a$$"),
                (Number, "1.5e3"),
                (Param, "$1"),
                (Typecast, "::"),
                (Punct(b'('), "("),
                (Ident, "a"),
                (Punct(b'['), "["),
                (Number, "1"),
                (Punct(b']'), "]"),
                (Punct(b')'), ")"),
                (Operator, "<>"),
                (Operator, "->>"),
                (Punct(b';'), ";"),
                (Punct(b'.'), "."),
                (Punct(b':'), ":"),
                (MetaCommand, "\\x y"),
                (Ident, "z"),
            ]
        );
    }

    #[test]
    fn drops_comments_including_nested_ones() {
        let src = "a -- line ; comment\n/* outer /* inner ; */ still ; */ b";
        let texts: Vec<_> = kinds(src).into_iter().map(|(_, t)| t).collect();
        assert_eq!(texts, ["a", "b"]);
    }

    #[test]
    fn operators_stop_before_a_comment() {
        let texts: Vec<_> = kinds("a =-- c\n b").into_iter().map(|(_, t)| t).collect();
        assert_eq!(texts, ["a", "=", "b"]);
    }

    #[test]
    fn dollar_quotes_need_the_same_tag_to_close() {
        let src = "$fn$ a $$ ; b $fn$ c";
        let texts: Vec<_> = kinds(src).into_iter().map(|(_, t)| t).collect();
        assert_eq!(texts, ["$fn$ a $$ ; b $fn$", "c"]);
    }

    #[test]
    fn identifiers_may_contain_dollar_signs() {
        assert_eq!(kinds("a$b"), vec![(TokenKind::Ident, "a$b")]);
    }

    #[test]
    fn counts_lines_and_characters() {
        let src = "é a\n  b";
        let positions: Vec<_> = Lexer::new(src)
            .map(|t| t.expect("lexes").pos)
            .map(|p| (p.line, p.column))
            .collect();
        assert_eq!(positions, [(1, 1), (1, 3), (2, 3)]);
    }

    #[test]
    fn reads_identifier_and_string_values() {
        let src = "MixedCase \"Keep\"\"Case\" 'it''s' E'a\\tb\\x41\\101\\'' $t$x$$y$t$";
        let tokens: Vec<Token> = Lexer::new(src).map(|t| t.expect("lexes")).collect();
        assert_eq!(tokens[0].ident_value(src), "mixedcase");
        assert_eq!(tokens[1].ident_value(src), "Keep\"Case");
        assert_eq!(tokens[2].string_value(src).as_deref(), Some("it's"));
        assert_eq!(tokens[3].string_value(src).as_deref(), Some("a\tbAA'"));
        assert_eq!(tokens[4].string_value(src).as_deref(), Some("x$$y"));
        assert_eq!(tokens[0].string_value(src), None);
    }

    proptest::proptest! {
        /// Whatever `sql` quotes, the lexer reads back as the same name or text.
        #[test]
        fn quoted_names_and_literals_read_back(text in "\\PC{1,20}") {
            let ident = crate::quote::quote_ident(&text);
            let tokens: Vec<Token> = Lexer::new(&ident).collect::<Result<_, _>>().unwrap_or_default();
            proptest::prop_assert_eq!(tokens.len(), 1, "{}", ident);
            proptest::prop_assert_eq!(tokens[0].ident_value(&ident), text.as_str());

            let literal = crate::quote::quote_literal(&text);
            let tokens: Vec<Token> = Lexer::new(&literal).collect::<Result<_, _>>().unwrap_or_default();
            proptest::prop_assert_eq!(tokens.len(), 1, "{}", literal);
            let value = tokens[0].string_value(&literal);
            proptest::prop_assert_eq!(value.as_deref(), Some(text.as_str()));
        }
    }

    #[test]
    fn reports_unterminated_literals_where_they_start() {
        for (src, message) in [
            ("a 'open", "unterminated string literal"),
            ("a E'open\\'", "unterminated string literal"),
            ("a \"open", "unterminated quoted identifier"),
            ("a $x$ open $y$", "unterminated dollar-quoted string"),
            ("a /* open /* */", "unterminated `/*` comment"),
            ("a \"\"", "zero-length quoted identifier"),
            ("a {", "unexpected character"),
        ] {
            let err = Lexer::new(src)
                .find_map(Result::err)
                .unwrap_or_else(|| panic!("{src:?} lexes"));
            assert_eq!(err.message, message, "{src:?}");
            assert_eq!(
                (err.pos.line, err.pos.column, err.offset),
                (1, 3, 2),
                "{src:?}"
            );
        }
    }
}
