//! Private stand-in for `watcher_schema_core::replay::split_statements` until core's
//! splitter lands on main; delete this module then and import core's.

use watcher_schema_core::replay::Statement;

/// Splits a script into statements, honouring quotes, dollar quotes and comments.
pub(crate) fn split_statements(sql: &str) -> Vec<Statement<'_>> {
    let bytes = sql.as_bytes();
    let mut statements = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let skip_to = match b {
            b'-' if next == Some(b'-') => sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1),
            b'/' if next == Some(b'*') => block_comment_end(bytes, i),
            b'\'' | b'"' => {
                start.get_or_insert(i);
                let escapes = b == b'\'' && i > 0 && matches!(bytes[i - 1], b'e' | b'E');
                quoted_end(bytes, i, b, escapes)
            }
            b'$' => {
                start.get_or_insert(i);
                dollar_quoted_end(sql, i).unwrap_or(i + 1)
            }
            b';' => {
                if let Some(s) = start.take() {
                    statements.push(statement(sql, s, i));
                }
                i + 1
            }
            _ => {
                if !b.is_ascii_whitespace() {
                    start.get_or_insert(i);
                }
                i + 1
            }
        };
        i = skip_to;
    }
    if let Some(s) = start {
        let end = sql.trim_end().len().max(s);
        statements.push(statement(sql, s, end));
    }
    statements
}

fn statement(sql: &str, start: usize, end: usize) -> Statement<'_> {
    let before = &sql[..start];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(start, |n| start - n - 1) + 1;
    Statement {
        text: sql[start..end].trim_end(),
        offset: start,
        line,
        column,
    }
}

fn block_comment_end(bytes: &[u8], open: usize) -> usize {
    // PostgreSQL block comments nest.
    let (mut depth, mut i) = (0usize, open);
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn quoted_end(bytes: &[u8], open: usize, quote: u8, escapes: bool) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escapes => i += 2,
            b if b == quote && bytes.get(i + 1) == Some(&quote) => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn dollar_quoted_end(sql: &str, open: usize) -> Option<usize> {
    let rest = &sql[open + 1..];
    let tag_len = rest.find('$')?;
    let tag = &rest[..tag_len];
    if !tag.chars().all(|c| c.is_alphanumeric() || c == '_') || tag.starts_with(char::is_numeric) {
        return None;
    }
    let delimiter = &sql[open..open + tag_len + 2];
    let body = open + delimiter.len();
    sql[body..]
        .find(delimiter)
        .map(|n| body + n + delimiter.len())
        .or(Some(sql.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let sql = "CREATE TABLE a (x text DEFAULT ';');\n-- a; comment\nSELECT $f$;$f$ /* ; */;\nSELECT \"a;b\"";
        assert_eq!(
            texts(sql),
            [
                "CREATE TABLE a (x text DEFAULT ';')",
                "SELECT $f$;$f$ /* ; */",
                "SELECT \"a;b\""
            ]
        );
    }

    #[test]
    fn reports_line_and_column_of_first_token() {
        let stmts = split_statements("SELECT 1;\n\n  -- note\n  SELECT 2;");
        assert_eq!((stmts[1].line, stmts[1].column), (4, 3));
        assert_eq!(stmts[1].offset, "SELECT 1;\n\n  -- note\n  ".len());
    }

    #[test]
    fn skips_empty_statements_and_handles_escapes() {
        assert_eq!(texts(";;SELECT E'\\';';;"), ["SELECT E'\\';'"]);
        assert_eq!(texts("SELECT 'it''s;';"), ["SELECT 'it''s;'"]);
    }
}
