//! Runner tests against real PostgreSQL; facts are checked through the `postgres` crate
//! and the catalog, not through Diesel.

mod support;

mod boot;
mod failure;
mod ledger;
mod lock;
mod offline;
mod online;
mod squash;
mod standby;
mod targets;
