//! Catalog introspection (written on branch `pg`).
