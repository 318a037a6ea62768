//! `(from, to)` schemas → an ordered list of [`Op`]s that turns one into the other.

use crate::model::Schema;
use crate::op::Op;

/// The operations that turn `from` into `to`, in an order PostgreSQL accepts.
pub fn diff(_from: &Schema, _to: &Schema) -> Vec<Op> {
    Vec::new()
}
