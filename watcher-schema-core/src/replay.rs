//! Migration SQL → [`Schema`]: parses DDL into [`Op`]s and applies them.

use crate::model::Schema;

/// Applies the DDL in `sql` (read from `origin`, a path used in messages) to `schema`.
pub fn replay(_schema: &mut Schema, _sql: &str, _origin: &str) -> Result<(), String> {
    Ok(())
}
