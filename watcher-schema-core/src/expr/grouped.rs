//! The comparison key of an expression that keeps its grouping: the tokens (casts already
//! dropped) are parsed by PostgreSQL's operator precedence and printed back with exactly the
//! parentheses that precedence needs. So `((a) OR (b > 0))` and `a OR b > 0` share a key, and
//! `(a OR b) AND c` and `a OR b AND c` do not. `AND` and `OR` are flattened, being
//! associative. An expression this parser does not know yields `None`.

use super::Token;

/// Binding strength, loosest first, as in PostgreSQL's table of operator precedence.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const IS: u8 = 4;
const COMPARE: u8 = 5;
const MEMBER: u8 = 6; // BETWEEN, IN, LIKE, ILIKE, SIMILAR TO
const OTHER: u8 = 7; // every other operator: `||`, `->>`, `@>`, `~`, ...
const ADD: u8 = 8;
const MUL: u8 = 9;
const POW: u8 = 10;
const AT: u8 = 11;
const COLLATE: u8 = 12;
const UNARY: u8 = 13;
const SUBSCRIPT: u8 = 14;
const PRIMARY: u8 = 15;

/// The key of `tokens`, or `None` when they are not an expression this parser knows.
pub(super) fn key(tokens: &[Token]) -> Option<String> {
    let mut parser = Parser { tokens, at: 0 };
    let node = parser.expr(0)?;
    (parser.at == tokens.len()).then(|| node.print())
}

#[derive(Debug)]
enum Node {
    /// A literal, number, (qualified) name or keyword constant, printed as is.
    Atom(String),
    /// `name(args)`.
    Call(String, Vec<Node>),
    /// `(a, b)` and `ARRAY[a, b]`: the opening text, the items, the closing text.
    List(&'static str, Vec<Node>, &'static str),
    /// Tokens kept verbatim (a subquery, a `CASE`), grouping parentheses and all.
    Raw(String),
    /// `a op b`.
    Binary(String, u8, Box<Node>, Box<Node>),
    /// `a AND b AND c`, `a OR b`.
    Chain(u8, Vec<Node>),
    /// `NOT a`, `-a`.
    Prefix(String, u8, Box<Node>),
    /// `a IS NULL`, `a NOTNULL`: the operand and the words after it.
    Postfix(Box<Node>, String, u8),
    /// `a [NOT] BETWEEN b AND c`.
    Between(Box<Node>, String, Box<Node>, Box<Node>),
    /// `a[i]`.
    Subscript(Box<Node>, Box<Node>),
}

impl Node {
    fn precedence(&self) -> u8 {
        match self {
            Node::Atom(_) | Node::Call(..) | Node::List(..) | Node::Raw(_) => PRIMARY,
            Node::Binary(_, p, ..) | Node::Prefix(_, p, _) | Node::Postfix(_, _, p) => *p,
            Node::Chain(p, _) => *p,
            Node::Between(..) => MEMBER,
            Node::Subscript(..) => SUBSCRIPT,
        }
    }

    fn print(&self) -> String {
        match self {
            Node::Atom(text) | Node::Raw(text) => text.clone(),
            Node::Call(name, args) => format!("{name} ( {} )", list(args)),
            Node::List(open, items, close) => format!("{open} {} {close}", list(items)),
            // Left-associative: the right operand binds tighter than the operator.
            Node::Binary(op, p, l, r) => {
                format!("{} {op} {}", l.operand(*p), r.operand(p + 1))
            }
            Node::Chain(p, items) => {
                let op = if *p == AND { " and " } else { " or " };
                items
                    .iter()
                    .map(|item| item.operand(p + 1))
                    .collect::<Vec<_>>()
                    .join(op)
            }
            Node::Prefix(op, p, e) => format!("{op} {}", e.operand(*p)),
            Node::Postfix(e, words, p) => format!("{} {words}", e.operand(p + 1)),
            Node::Between(e, words, lo, hi) => format!(
                "{} {words} {} and {}",
                e.operand(MEMBER + 1),
                lo.operand(MEMBER + 1),
                hi.operand(MEMBER + 1)
            ),
            Node::Subscript(e, i) => format!("{} [ {} ]", e.operand(SUBSCRIPT), i.print()),
        }
    }

    /// Printed where an operand must bind at least as tightly as `needed`.
    fn operand(&self, needed: u8) -> String {
        if self.precedence() < needed {
            format!("( {} )", self.print())
        } else {
            self.print()
        }
    }
}

fn list(items: &[Node]) -> String {
    items
        .iter()
        .map(Node::print)
        .collect::<Vec<_>>()
        .join(" , ")
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_word(&self, offset: usize) -> Option<&str> {
        match self.tokens.get(self.at + offset) {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn peek_punct(&self) -> Option<&str> {
        match self.peek() {
            Some(Token::Punct(p)) => Some(p),
            _ => None,
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(0) == Some(word);
        self.at += usize::from(found);
        found
    }

    fn eat_punct(&mut self, punct: &str) -> bool {
        let found = self.peek_punct() == Some(punct);
        self.at += usize::from(found);
        found
    }

    /// An expression whose operators all bind at least as tightly as `min`.
    fn expr(&mut self, min: u8) -> Option<Node> {
        let mut left = self.prefix()?;
        while let Some((p, words)) = self.infix() {
            if p < min {
                break;
            }
            self.at += words;
            left = self.complete(left, p, words)?;
        }
        Some(left)
    }

    fn prefix(&mut self) -> Option<Node> {
        if self.peek_word(0) == Some("not") {
            self.at += 1;
            return Some(Node::Prefix("not".into(), NOT, Box::new(self.expr(NOT)?)));
        }
        if let Some(op @ ("-" | "+")) = self.peek_punct() {
            let op = op.to_string();
            self.at += 1;
            return Some(Node::Prefix(op, UNARY, Box::new(self.expr(UNARY)?)));
        }
        self.primary()
    }

    /// The operator at the cursor: its precedence and how many tokens spell it.
    fn infix(&self) -> Option<(u8, usize)> {
        match self.peek()? {
            Token::Word(w) => match w.as_str() {
                "or" => Some((OR, 1)),
                "and" => Some((AND, 1)),
                "is" | "isnull" | "notnull" => Some((IS, 1)),
                "like" | "ilike" | "between" | "in" => Some((MEMBER, 1)),
                "similar" if self.peek_word(1) == Some("to") => Some((MEMBER, 2)),
                "not" => match self.peek_word(1)? {
                    "like" | "ilike" | "between" | "in" => Some((MEMBER, 2)),
                    "similar" if self.peek_word(2) == Some("to") => Some((MEMBER, 3)),
                    _ => None,
                },
                "at" if self.peek_word(1) == Some("time") && self.peek_word(2) == Some("zone") => {
                    Some((AT, 3))
                }
                "collate" => Some((COLLATE, 1)),
                _ => None,
            },
            Token::Punct(p) => match p.as_str() {
                "<" | ">" | "=" | "<=" | ">=" | "<>" | "!=" => Some((COMPARE, 1)),
                "+" | "-" => Some((ADD, 1)),
                "*" | "/" | "%" => Some((MUL, 1)),
                "^" => Some((POW, 1)),
                "[" => Some((SUBSCRIPT, 1)),
                "," | "]" | "." | ";" => None,
                _ => Some((OTHER, 1)),
            },
            _ => None,
        }
    }

    /// Reads the rest of the operator whose `words` tokens were just consumed.
    fn complete(&mut self, left: Node, p: u8, words: usize) -> Option<Node> {
        let spelled = self.tokens[self.at - words..self.at]
            .iter()
            .map(text)
            .collect::<Option<Vec<_>>>()?
            .join(" ");
        let left = Box::new(left);
        Some(match spelled.as_str() {
            "or" | "and" => {
                let right = self.expr(p + 1)?;
                let mut items = match *left {
                    Node::Chain(q, items) if q == p => items,
                    other => vec![other],
                };
                match right {
                    Node::Chain(q, more) if q == p => items.extend(more),
                    other => items.push(other),
                }
                Node::Chain(p, items)
            }
            "isnull" | "notnull" => Node::Postfix(left, spelled, IS),
            "is" => {
                let mut tail = Vec::new();
                if self.eat_word("not") {
                    tail.push("not".to_string());
                }
                match self.peek_word(0)? {
                    "null" | "true" | "false" | "unknown" | "document" => {
                        tail.push(self.peek_word(0)?.to_string());
                        self.at += 1;
                    }
                    "distinct" if self.peek_word(1) == Some("from") => {
                        self.at += 2;
                        let right = self.expr(IS + 1)?;
                        let op = format!(
                            "is {}distinct from",
                            if tail.is_empty() { "" } else { "not " }
                        );
                        return Some(Node::Binary(op, IS, left, Box::new(right)));
                    }
                    _ => return None,
                }
                Node::Postfix(left, format!("is {}", tail.join(" ")), IS)
            }
            "between" | "not between" => {
                self.eat_word("symmetric");
                let lo = self.expr(MEMBER + 1)?;
                if !self.eat_word("and") {
                    return None;
                }
                let hi = self.expr(MEMBER + 1)?;
                Node::Between(left, spelled, Box::new(lo), Box::new(hi))
            }
            "[" => {
                let index = self.expr(0)?;
                if !self.eat_punct("]") {
                    return None;
                }
                Node::Subscript(left, Box::new(index))
            }
            "collate" => {
                let collation = self.primary()?;
                Node::Binary(spelled, p, left, Box::new(collation))
            }
            _ => {
                let right = self.expr(p + 1)?;
                Node::Binary(spelled, p, left, Box::new(right))
            }
        })
    }

    fn primary(&mut self) -> Option<Node> {
        let token = self.peek()?.clone();
        self.at += 1;
        match token {
            Token::Literal(t) | Token::Number(t) => Some(Node::Atom(t)),
            Token::Open => self.parenthesized(),
            Token::Word(w) if w == "case" => self.raw_until_end(),
            Token::Word(w) if w == "array" && self.peek_punct() == Some("[") => {
                self.at += 1;
                let items = self.items("]")?;
                Some(Node::List("array [", items, "]"))
            }
            Token::Word(w)
                if matches!(self.peek(), Some(Token::Literal(_)))
                    && !matches!(w.as_str(), "and" | "or" | "not" | "is") =>
            {
                // A typed literal: `interval '1 day'`, `date '2020-01-01'`.
                let Some(Token::Literal(lit)) = self.peek().cloned() else {
                    return None;
                };
                self.at += 1;
                Some(Node::Atom(format!("{w} {lit}")))
            }
            Token::Word(w) if is_reserved(&w) => None,
            Token::Word(_) | Token::Quoted(_) => {
                let mut name = text(&token)?;
                while self.peek_punct() == Some(".") {
                    self.at += 1;
                    match self.peek() {
                        Some(t @ (Token::Word(_) | Token::Quoted(_))) => {
                            name = format!("{name} . {}", text(t)?);
                            self.at += 1;
                        }
                        Some(Token::Punct(p)) if p == "*" => {
                            name.push_str(" . *");
                            self.at += 1;
                        }
                        _ => return None,
                    }
                }
                if self.peek() == Some(&Token::Open) {
                    self.at += 1;
                    if self.peek() == Some(&Token::Close) {
                        self.at += 1;
                        return Some(Node::Call(name, Vec::new()));
                    }
                    if self.peek_punct() == Some("*") {
                        self.at += 1;
                        return self
                            .eat_close()
                            .then(|| Node::Call(name, vec![Node::Atom("*".into())]));
                    }
                    if matches!(self.peek_word(0), Some("select" | "with" | "values")) {
                        let inner = self.raw_until_close()?;
                        return Some(Node::Call(name, vec![inner]));
                    }
                    let args = self.items_close()?;
                    return Some(Node::Call(name, args));
                }
                Some(Node::Atom(name))
            }
            Token::Punct(_) | Token::Close | Token::Cast => None,
        }
    }

    /// After `(`: a subquery, a row or list, or a grouping (which leaves no trace).
    fn parenthesized(&mut self) -> Option<Node> {
        if matches!(self.peek_word(0), Some("select" | "with" | "values")) {
            return self.raw_until_close();
        }
        let mut items = self.items_close()?;
        Some(if items.len() == 1 {
            items.pop()?
        } else {
            Node::List("(", items, ")")
        })
    }

    fn eat_close(&mut self) -> bool {
        let found = self.peek() == Some(&Token::Close);
        self.at += usize::from(found);
        found
    }

    /// Comma-separated expressions up to a `)`.
    fn items_close(&mut self) -> Option<Vec<Node>> {
        let mut items = vec![self.expr(0)?];
        while self.eat_punct(",") {
            items.push(self.expr(0)?);
        }
        self.eat_close().then_some(items)
    }

    /// Comma-separated expressions up to `close` (a punctuation token).
    fn items(&mut self, close: &str) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        if self.eat_punct(close) {
            return Some(items);
        }
        items.push(self.expr(0)?);
        while self.eat_punct(",") {
            items.push(self.expr(0)?);
        }
        self.eat_punct(close).then_some(items)
    }

    /// A subquery after its `(`, verbatim, with the parentheses around it.
    fn raw_until_close(&mut self) -> Option<Node> {
        let mut depth = 1usize;
        let mut out = vec!["(".to_string()];
        while depth > 0 {
            let token = self.peek()?;
            match token {
                Token::Open => depth += 1,
                Token::Close => depth -= 1,
                _ => {}
            }
            out.push(text(token)?);
            self.at += 1;
        }
        Some(Node::Raw(out.join(" ")))
    }

    /// A `CASE` after its `case`, up to its `end`, verbatim.
    fn raw_until_end(&mut self) -> Option<Node> {
        let mut depth = 1usize;
        let mut out = vec!["case".to_string()];
        while depth > 0 {
            let token = self.peek()?;
            match token {
                Token::Word(w) if w == "case" => depth += 1,
                Token::Word(w) if w == "end" => depth -= 1,
                _ => {}
            }
            out.push(text(token)?);
            self.at += 1;
        }
        Some(Node::Raw(out.join(" ")))
    }
}

/// Words that cannot start an operand; meeting one there means a construct this parser
/// does not know (`EXTRACT(day FROM x)`, `x IN (SELECT ...)` it does; `FROM` alone it does not).
fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "is"
            | "in"
            | "like"
            | "ilike"
            | "between"
            | "from"
            | "for"
            | "then"
            | "else"
            | "end"
            | "when"
            | "as"
            | "by"
            | "order"
            | "distinct"
            | "select"
            | "with"
    )
}

fn text(token: &Token) -> Option<String> {
    Some(match token {
        Token::Word(t)
        | Token::Quoted(t)
        | Token::Literal(t)
        | Token::Number(t)
        | Token::Punct(t) => t.clone(),
        Token::Cast => "::".into(),
        Token::Open => "(".into(),
        Token::Close => ")".into(),
    })
}
