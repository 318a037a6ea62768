//! Migration SQL → [`Schema`]: parses DDL into [`Op`](crate::op::Op)s and applies them.

use std::fmt;

use crate::model::Schema;

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
pub fn split_statements(_sql: &str) -> Vec<Statement<'_>> {
    Vec::new()
}

/// Applies the DDL in `sql` (read from `origin`, a path used in messages) to `schema`.
pub fn replay(_schema: &mut Schema, _sql: &str, _origin: &str) -> Result<(), ReplayError> {
    Ok(())
}
