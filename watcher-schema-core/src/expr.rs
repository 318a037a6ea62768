//! SQL expressions (defaults, checks, index predicates) as the model holds them: the text as
//! written, compared by a key that ignores what PostgreSQL adds when it stores an expression.

mod grouped;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use crate::quote::{quote_ident, quote_literal};

/// A SQL expression. It keeps its text (whitespace collapsed, enclosing parentheses removed
/// unless they hold a subquery) for rendering, and compares by [`Expr::key`], so that `'n/a'`
/// written in a struct equals `'n/a'::text` as `pg_get_expr` prints it, and `a OR b > 0`
/// equals `((a) OR (b > 0))`.
///
/// The key drops casts (`::type`) and letter case outside quotes, and keeps grouping: the
/// expression is parsed by PostgreSQL's operator precedence and printed with the parentheses
/// that precedence needs, so `(a OR b) AND c` differs from `a OR b AND c` while redundant
/// parentheses make no difference. An expression that parser does not know (`EXTRACT(day
/// FROM x)`, say) falls back to a key without grouping parentheses, where two groupings
/// compare equal; casts that change meaning (`1::text || 2` against `1 || 2`) compare equal
/// too.
#[derive(Clone)]
pub struct Expr {
    text: String,
    key: String,
}

impl Expr {
    /// Normalises `text` into an expression.
    pub fn new(text: &str) -> Expr {
        let mut s = collapse_whitespace(text);
        while let Some(inner) = strip_enclosing_parens(&s) {
            // A subquery keeps its parentheses: without them it is no expression.
            if starts_query(inner) {
                break;
            }
            s = inner.trim().to_string();
        }
        let key = comparison_key(&s);
        Expr { text: s, key }
    }

    /// The normalised text, for rendering.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What equality compares.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The expression with column `from` called `to` (see [`rename_column`]).
    pub fn rename_column(&self, from: &str, to: &str) -> Expr {
        Expr::new(&rename_column(&self.text, from, to))
    }

    /// Whether the expression is a constant: literals, casts, signs, `ARRAY[...]`, and no
    /// column or function (not even a stable one such as `now()`). PostgreSQL stores such a
    /// default once in the catalog instead of writing it into every row.
    pub fn is_constant(&self) -> bool {
        let mut in_type = false;
        for token in tokenize(&self.text) {
            match token {
                Token::Literal(_) | Token::Number(_) => in_type = false,
                Token::Cast => in_type = true,
                Token::Open | Token::Close => {}
                Token::Punct(p) if matches!(p.as_str(), "[" | "]" | ",") => {}
                Token::Punct(p) if matches!(p.as_str(), "-" | "+") => in_type = false,
                // A type name after `::` (`character varying`, `public.t`, `integer[]`).
                Token::Punct(p) if in_type && p == "." => {}
                Token::Word(_) | Token::Quoted(_) if in_type => {}
                Token::Word(w) if matches!(w.as_str(), "true" | "false" | "null" | "array") => {}
                _ => return false,
            }
        }
        true
    }
}

impl Expr {
    /// Whether the expression names the column `column` (as [`Expr::rename_column`] finds it).
    pub fn mentions_column(&self, column: &str) -> bool {
        mentions_column(&self.text, column)
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        self.key == other.key
    }
}

impl Eq for Expr {}

impl Hash for Expr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl PartialOrd for Expr {
    fn partial_cmp(&self, other: &Expr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Expr {
    fn cmp(&self, other: &Expr) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expr({:?})", self.text)
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// SQL expression `text` with column `from` called `to`, as PostgreSQL rewrites a check, an
/// index predicate or an index expression when the column is renamed; the rest of the text
/// is kept as written. A word is the column unless it names a function (`from(`), a type
/// (after `::`) or a field (after `.`); quoted spellings count too.
pub fn rename_column(text: &str, from: &str, to: &str) -> String {
    replace_tokens(text, |tokens, i| {
        is_column_at(tokens, i, from).then(|| quote_ident(to).into_owned())
    })
}

/// `text` with column `column` replaced by the expression `value`, parenthesised: what a
/// check says of a row once the column holds `value` (the words as [`rename_column`]).
pub fn substitute_column(text: &str, column: &str, value: &str) -> String {
    replace_tokens(text, |tokens, i| {
        is_column_at(tokens, i, column).then(|| format!("({value})"))
    })
}

/// Whether token `i` names column `name`: not a function (`name(`), a type (after `::`)
/// or a field (after `.`).
fn is_column_at(tokens: &[(Token, Range<usize>)], i: usize, name: &str) -> bool {
    let prev = i.checked_sub(1).map(|p| &tokens[p].0);
    let next = tokens.get(i + 1).map(|(t, _)| t);
    names(&tokens[i].0, name)
        && !matches!(prev, Some(Token::Cast))
        && !matches!(prev, Some(Token::Punct(p)) if p == ".")
        && !matches!(next, Some(Token::Open))
}

/// Whether SQL expression `text` reads column `column` (a word as [`rename_column`] finds
/// one: not a function, a type or a field of that name, nor text inside a literal).
pub fn mentions_column(text: &str, column: &str) -> bool {
    let tokens = spanned(text);
    (0..tokens.len()).any(|i| is_column_at(&tokens, i, column))
}

/// `text` with the type `from` of its casts (`::from`, `::from[]`) called `to`, as
/// PostgreSQL prints an expression once an enum type is renamed.
pub fn rename_cast_type(text: &str, from: &str, to: &str) -> String {
    replace_tokens(text, |tokens, i| {
        let cast = i.checked_sub(1).is_some_and(|p| tokens[p].0 == Token::Cast);
        (cast && names(&tokens[i].0, from)).then(|| quote_ident(to).into_owned())
    })
}

/// `text` with each literal `'from'` cast to enum `ty` (`'from'::ty`) reading `'to'`, as
/// PostgreSQL prints an expression once the label is renamed (it stores the label, not
/// the text). A literal without the cast is left as written.
pub fn rename_label(text: &str, ty: &str, from: &str, to: &str) -> String {
    let literal = quote_literal(from);
    replace_tokens(text, |tokens, i| {
        let is_label = matches!(&tokens[i].0, Token::Literal(l) if *l == literal)
            && tokens.get(i + 1).is_some_and(|(t, _)| *t == Token::Cast)
            && tokens.get(i + 2).is_some_and(|(t, _)| names(t, ty));
        is_label.then(|| quote_literal(to))
    })
}

/// Whether `token` is the name `name`, unquoted or quoted.
fn names(token: &Token, name: &str) -> bool {
    match token {
        Token::Word(w) => *w == name,
        Token::Quoted(q) => q[1..q.len() - 1].replace("\"\"", "\"") == name,
        _ => false,
    }
}

/// `text` with each token `replace` returns a text for replaced by it, the rest as written.
fn replace_tokens(
    text: &str,
    replace: impl Fn(&[(Token, Range<usize>)], usize) -> Option<String>,
) -> String {
    let tokens = spanned(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (i, (_, range)) in tokens.iter().enumerate() {
        if let Some(new) = replace(&tokens, i) {
            out.extend(&chars[at..range.start]);
            out.push_str(&new);
            at = range.end;
        }
    }
    out.extend(&chars[at..]);
    out
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    for c in text.trim().chars() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c.is_whitespace() => pending_space = true,
            None => {
                if pending_space && !out.is_empty() {
                    let prev = out.chars().last().unwrap_or(' ');
                    if prev != '(' && c != ')' {
                        out.push(' ');
                    }
                }
                pending_space = false;
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// Whether `text` starts with `SELECT`, `WITH` or `VALUES`.
fn starts_query(text: &str) -> bool {
    let word: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    ["select", "with", "values"]
        .iter()
        .any(|q| word.eq_ignore_ascii_case(q))
}

/// `(a OR b)` → `a OR b`; `(a) OR (b)` → `None`.
fn strip_enclosing_parens(s: &str) -> Option<&str> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'(') || bytes.last() != Some(&b')') {
        return None;
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) => {
                if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 && i != bytes.len() - 1 {
                        return None;
                    }
                }
                _ => {}
            },
        }
    }
    Some(&s[1..s.len() - 1])
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An unquoted word, lower-cased.
    Word(String),
    /// A quoted identifier, quotes included.
    Quoted(String),
    /// A string literal, quotes included.
    Literal(String),
    /// A number.
    Number(String),
    /// `::`.
    Cast,
    Open,
    Close,
    /// Any other operator or punctuation.
    Punct(String),
}

fn tokenize(s: &str) -> Vec<Token> {
    spanned(s).into_iter().map(|(token, _)| token).collect()
}

/// The tokens of `s`, each with the range of `s`'s characters (not bytes) it covers.
fn spanned(s: &str) -> Vec<(Token, Range<usize>)> {
    let chars: Vec<char> = s.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            let text: String = chars[start..i].iter().collect();
            tokens.push((
                if c == '"' {
                    Token::Quoted(text)
                } else {
                    Token::Literal(text)
                },
                start..i,
            ));
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // E'...' and similar prefixed literals: keep the prefix with the literal.
            if i < chars.len() && chars[i] == '\'' && word.len() == 1 {
                let lit_start = i;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i = (i + 1).min(chars.len());
                let lit: String = chars[lit_start..i].iter().collect();
                tokens.push((
                    Token::Literal(format!("{}{lit}", word.to_lowercase())),
                    start..i,
                ));
            } else {
                tokens.push((Token::Word(word.to_lowercase()), start..i));
            }
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            tokens.push((Token::Number(chars[start..i].iter().collect()), start..i));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            i += 2;
            tokens.push((Token::Cast, start..i));
        } else if c == '(' {
            i += 1;
            tokens.push((Token::Open, start..i));
        } else if c == ')' {
            i += 1;
            tokens.push((Token::Close, start..i));
        } else {
            const OPERATOR: &str = "+-*/<>=~!@#%^&|`?";
            if OPERATOR.contains(c) {
                while i < chars.len() && OPERATOR.contains(chars[i]) {
                    i += 1;
                }
            } else {
                i += 1;
            }
            tokens.push((Token::Punct(chars[start..i].iter().collect()), start..i));
        }
    }
    tokens
}

/// Words after which `(` opens a group rather than a call's arguments.
const GROUPING_WORDS: &[&str] = &["and", "or", "not", "when", "then", "else", "case", "is"];

/// Type names that take more than one word.
const TYPE_SECOND_WORDS: &[&str] = &["varying", "precision", "with", "without", "time", "zone"];

fn comparison_key(s: &str) -> String {
    let tokens = tokenize(s);
    // Drop casts: `::` and the type name after it (`character varying(10)[]`, `public.x`).
    let mut kept: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] != Token::Cast {
            kept.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += 1;
        if matches!(tokens.get(i), Some(Token::Word(_) | Token::Quoted(_))) {
            i += 1;
        }
        loop {
            match (tokens.get(i), tokens.get(i + 1)) {
                (Some(Token::Punct(p)), Some(Token::Word(_) | Token::Quoted(_))) if p == "." => {
                    i += 2
                }
                (Some(Token::Word(w)), _) if TYPE_SECOND_WORDS.contains(&w.as_str()) => i += 1,
                (Some(Token::Open), Some(Token::Number(_))) => {
                    while i < tokens.len() && tokens[i] != Token::Close {
                        i += 1;
                    }
                    i += 1;
                }
                // `integer[]`; never the `]` that closes an `ARRAY[...]` around the cast.
                (Some(Token::Punct(p)), Some(Token::Punct(q))) if p == "[" && q == "]" => i += 2,
                _ => break,
            }
        }
        // A cast literal that reads as a number is that number: `'-1'::integer` is `-1`.
        if let Some(Token::Literal(lit)) = kept.last() {
            let inner = lit.trim_matches('\'');
            if lit.starts_with('\'') && inner.parse::<f64>().is_ok() {
                let number = inner.to_string();
                kept.pop();
                if let Some(rest) = number.strip_prefix('-') {
                    kept.push(Token::Punct("-".into()));
                    kept.push(Token::Number(rest.to_string()));
                } else {
                    kept.push(Token::Number(number));
                }
            }
        }
    }
    if let Some(key) = grouped::key(&kept) {
        return key;
    }
    // An expression the grouping-aware parser does not know: drop grouping parentheses,
    // keep those of calls and lists (two groupings of it then compare equal).
    let mut out: Vec<&Token> = Vec::with_capacity(kept.len());
    let mut stack: Vec<bool> = Vec::new();
    for (k, token) in kept.iter().enumerate() {
        match token {
            Token::Open => {
                let call = match k.checked_sub(1).map(|p| &kept[p]) {
                    Some(Token::Word(w)) => !GROUPING_WORDS.contains(&w.as_str()),
                    Some(Token::Quoted(_)) => true,
                    _ => false,
                };
                stack.push(call);
                if call {
                    out.push(token);
                }
            }
            Token::Close => {
                if stack.pop().unwrap_or(true) {
                    out.push(token);
                }
            }
            _ => out.push(token),
        }
    }
    let mut key = String::with_capacity(s.len());
    for token in out {
        if !key.is_empty() {
            key.push(' ');
        }
        match token {
            Token::Word(t)
            | Token::Quoted(t)
            | Token::Literal(t)
            | Token::Number(t)
            | Token::Punct(t) => key.push_str(t),
            Token::Cast => key.push_str("::"),
            Token::Open => key.push('('),
            Token::Close => key.push(')'),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renaming_an_enum_type_or_label_rewrites_casts_only() {
        assert_eq!(
            rename_cast_type(
                "(mood = 'sad'::mood) AND m::mood[] IS NOT NULL",
                "mood",
                "feeling"
            ),
            "(mood = 'sad'::feeling) AND m::feeling[] IS NOT NULL"
        );
        assert_eq!(
            rename_label(
                "mood <> 'sad'::mood OR 'sad'::other = x OR note = 'sad'",
                "mood",
                "sad",
                "blue"
            ),
            "mood <> 'blue'::mood OR 'sad'::other = x OR note = 'sad'"
        );
        assert_eq!(
            rename_label("'it''s'::mood", "mood", "it's", "its"),
            "'its'::mood"
        );
    }

    #[test]
    fn renames_a_column_where_it_is_one() {
        let renamed = |text: &str| {
            Expr::new(text)
                .rename_column("c0", "c0_r")
                .as_str()
                .to_string()
        };
        assert_eq!(renamed("c0 IS NOT NULL"), "c0_r IS NOT NULL");
        assert_eq!(
            renamed("(\"c0\" > 1) AND (C0 < 9)"),
            "(c0_r > 1) AND (c0_r < 9)"
        );
        // Not a literal, a function, a type, a member or a longer name.
        assert_eq!(
            renamed("c0(x) = 'c0' AND y::c0 = t.c0 AND c00 = 1e0"),
            "c0(x) = 'c0' AND y::c0 = t.c0 AND c00 = 1e0"
        );
    }

    #[test]
    fn substituting_a_column_puts_the_value_in_its_place() {
        assert_eq!(
            substitute_column("depth >= 0 AND depth < 100 AND f(depth)", "depth", "0"),
            "(0) >= 0 AND (0) < 100 AND f((0))"
        );
        assert_eq!(
            substitute_column("code IS NOT NULL AND code::text <> 'code'", "code", "NULL"),
            "(NULL) IS NOT NULL AND (NULL)::text <> 'code'"
        );
    }

    #[test]
    fn renaming_a_column_rewrites_the_column_only() {
        let cases = [
            (
                "length((fqn)::text) > 3",
                "length((qualified_name)::text) > 3",
            ),
            ("NOT deprecated", "NOT qualified_name"),
            (
                "fqn <> 'fqn' AND \"fqn\" IS NOT NULL",
                "qualified_name <> 'fqn' AND qualified_name IS NOT NULL",
            ),
            // A function, a type and a field of that name stay.
            (
                "fqn(x) = x::fqn AND (r).fqn > 0",
                "fqn(x) = x::fqn AND (r).fqn > 0",
            ),
            ("fqnx > 0", "fqnx > 0"),
        ];
        for (before, after) in cases {
            let from = if before.contains("deprecated") {
                "deprecated"
            } else {
                "fqn"
            };
            assert_eq!(
                rename_column(before, from, "qualified_name"),
                after,
                "{before}"
            );
        }
        assert_eq!(rename_column("a + b", "a", "Odd"), "\"Odd\" + b");
    }

    #[test]
    fn keeps_text_with_whitespace_collapsed_and_outer_parens_removed() {
        assert_eq!(
            Expr::new("((end_date IS NULL)   OR (end_date > start_date))").as_str(),
            "(end_date IS NULL) OR (end_date > start_date)"
        );
        assert_eq!(Expr::new(" ( a  =  'x  y' ) ").as_str(), "a = 'x  y'");
        assert_eq!(Expr::new("(a) OR (b)").as_str(), "(a) OR (b)");
        assert_eq!(Expr::new("now()").as_str(), "now()");
    }

    #[test]
    fn equals_what_postgres_stores() {
        let same = [
            ("'n/a'", "'n/a'::text"),
            ("'x'", "'x'::character varying"),
            ("-1", "'-1'::integer"),
            ("'DAY'", "'DAY'::datepartenum"),
            ("'{}'", "'{}'::integer[]"),
            ("'{}'::jsonb", "'{}'::jsonb"),
            ("now()", "now()"),
            ("CURRENT_TIMESTAMP", "current_timestamp"),
            ("a OR b > 0", "((a) OR (b > 0))"),
            ("end_date IS NOT NULL", "(end_date IS NOT NULL)"),
            ("status = 'x'", "((status)::text = 'x'::text)"),
            (
                "'2020-01-01'::timestamp with time zone",
                "'2020-01-01 00:00:00+00'::timestamptz",
            ),
        ];
        for (written, stored) in same.iter().take(11) {
            assert_eq!(
                Expr::new(written),
                Expr::new(stored),
                "{written} vs {stored}"
            );
        }
        let (a, b) = same[11];
        assert_ne!(
            Expr::new(a),
            Expr::new(b),
            "literal text is compared as written"
        );
    }

    #[test]
    fn keeps_the_parentheses_of_a_subquery() {
        let e = Expr::new("(SELECT max(id) FROM pipeline)");
        assert_eq!(e.as_str(), "(SELECT max(id) FROM pipeline)");
        assert_eq!(Expr::new("((select 1))").as_str(), "(select 1)");
        assert_eq!(e, Expr::new("( SELECT max(id)  FROM pipeline )"));
        assert_ne!(e, Expr::new("(SELECT min(id) FROM pipeline)"));
    }

    #[test]
    fn grouping_that_changes_the_meaning_is_a_difference() {
        let different = [
            ("(a OR b) AND c", "a OR b AND c"),
            ("(a OR b) AND c", "a OR (b AND c)"),
            ("a - (b - c)", "a - b - c"),
            ("(a + b) * c", "a + b * c"),
            ("NOT (a AND b)", "NOT a AND b"),
            ("(a = 1) IS NULL", "a = (1 IS NULL)"),
            ("-(a + b)", "-a + b"),
            ("(a || b)::text = c", "a || (b::text = c)"),
        ];
        for (a, b) in different {
            assert_ne!(Expr::new(a), Expr::new(b), "{a} vs {b}");
        }
    }

    #[test]
    fn grouping_that_precedence_implies_is_no_difference() {
        let same = [
            ("(a OR b) OR c", "a OR (b OR c)"),
            ("((a AND b) AND c)", "a AND b AND c"),
            ("(a + b) + c", "a + b + c"),
            ("a + (b * c)", "a + b * c"),
            (
                "((a > 0) AND (b < 0)) OR (c IS NULL)",
                "a > 0 AND b < 0 OR c IS NULL",
            ),
            ("(NOT (a))", "NOT a"),
            ("(x BETWEEN 1 AND 2) AND y", "x BETWEEN 1 AND 2 AND y"),
            (
                "((end_date IS NULL) OR (end_date > start_date))",
                "end_date IS NULL OR end_date > start_date",
            ),
            ("(lower((name)::text))", "lower(name)"),
            (
                "(status = ANY (ARRAY['a'::text, 'b'::text]))",
                "status = ANY (ARRAY['a', 'b'])",
            ),
            ("((a)::text || 'x'::text)", "a || 'x'"),
            (
                "(metadata ->> 'k'::text) IS NOT NULL",
                "metadata ->> 'k' IS NOT NULL",
            ),
        ];
        for (a, b) in same {
            assert_eq!(Expr::new(a), Expr::new(b), "{a} vs {b}");
        }
    }

    #[test]
    fn tells_different_expressions_apart() {
        let different = [
            ("false", "true"),
            ("'a'", "'A'"),
            ("lower(name)", "upper(name)"),
            ("f(a, b)", "f(a)"),
            ("a > 0", "a >= 0"),
            ("\"Name\" = 1", "name = 1"),
            ("nextval('a_seq'::regclass)", "nextval('b_seq'::regclass)"),
        ];
        for (a, b) in different {
            assert_ne!(Expr::new(a), Expr::new(b), "{a} vs {b}");
        }
    }
}
