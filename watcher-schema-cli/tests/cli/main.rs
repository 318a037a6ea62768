//! Runs the real `watcher-schema` binary in temporary projects against real PostgreSQL
//! databases, asserting output and exit codes for every command.

mod support;

mod adopt;
mod check;
mod crash;
mod diagram;
mod errors;
mod generate;
mod help;
mod hints;
mod lint;
mod merge;
mod migrate;
mod online;
mod real_chain;
mod squash;
mod standby;
mod tls;
