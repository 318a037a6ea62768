//! The live database as a model, for `check` and `stamp --from-alembic`; both hold it
//! against the structs or a revision with core's one comparison (`watcher_schema_core::compare`).

use diesel::PgConnection;
use watcher_schema_core::model::Schema;

use crate::introspect::{introspect, IntrospectError};

/// Alembic's bookkeeping table, left behind in databases adopted with `stamp --from-alembic`.
pub const ALEMBIC_VERSION: &str = "alembic_version";

/// The live database as a model, without Alembic's bookkeeping table (the runner's ledger is
/// left out by introspection itself).
pub fn live_schema(conn: &mut PgConnection) -> Result<Schema, IntrospectError> {
    let mut schema = introspect(conn)?;
    schema.tables.remove(ALEMBIC_VERSION);
    Ok(schema)
}
