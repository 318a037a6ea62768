//! Reads the SQL text out of a Diesel [`Migration`]: Diesel hides it behind `run(conn)`,
//! so we hand the migration a connection that records what it is asked to execute.

use diesel::connection::{
    AnsiTransactionManager, CacheSize, Connection, Instrumentation, SimpleConnection,
};
use diesel::migration::Migration;
use diesel::pg::Pg;
use diesel::query_builder::{QueryFragment, QueryId};
use diesel::result::{ConnectionError, ConnectionResult, Error as DieselError, QueryResult};

/// A connection that executes nothing and keeps every batch it is given.
///
/// Diesel's migrations (embedded and file based alike) call `batch_execute` exactly once
/// with the whole file, so the recorded text is the file. Implementing `Connection` needs
/// Diesel's sealing trait from `diesel::internal`; the workspace pins diesel 2.3, and the
/// runner's tests read both kinds of source, so a change there fails loudly.
#[derive(Default)]
pub(crate) struct Capture {
    batches: Vec<String>,
    transaction_manager: AnsiTransactionManager,
    instrumentation: Option<Box<dyn Instrumentation>>,
}

/// Which of a migration's two scripts to read.
#[derive(Clone, Copy)]
pub(crate) enum Script {
    Up,
    Down,
}

impl Capture {
    /// Runs (or reverts) `migration` against a recorder and returns the SQL it sent.
    pub(crate) fn sql(
        migration: &dyn Migration<Pg>,
        script: Script,
    ) -> diesel::migration::Result<String> {
        let mut capture = Capture::default();
        match script {
            Script::Up => migration.run(&mut capture)?,
            Script::Down => migration.revert(&mut capture)?,
        }
        Ok(capture.batches.concat())
    }
}

impl SimpleConnection for Capture {
    fn batch_execute(&mut self, query: &str) -> QueryResult<()> {
        self.batches.push(query.to_owned());
        Ok(())
    }
}

impl diesel::internal::derives::multiconnection::ConnectionSealed for Capture {}

impl Connection for Capture {
    type Backend = Pg;
    type TransactionManager = AnsiTransactionManager;

    fn establish(_database_url: &str) -> ConnectionResult<Self> {
        Err(ConnectionError::BadConnection(
            "a capture connection records SQL and connects to nothing".to_owned(),
        ))
    }

    fn execute_returning_count<T>(&mut self, _source: &T) -> QueryResult<usize>
    where
        T: QueryFragment<Pg> + QueryId,
    {
        // SQL migrations only ever call `batch_execute`; a typed query here means a
        // migration written in Rust, whose SQL cannot be known without running it.
        Err(DieselError::QueryBuilderError(
            "only SQL migrations are supported: this migration runs a typed query".into(),
        ))
    }

    fn transaction_state(&mut self) -> &mut AnsiTransactionManager {
        &mut self.transaction_manager
    }

    fn instrumentation(&mut self) -> &mut dyn Instrumentation {
        &mut self.instrumentation
    }

    fn set_instrumentation(&mut self, instrumentation: impl Instrumentation) {
        self.instrumentation = Some(Box::new(instrumentation));
    }

    fn set_prepared_statement_cache_size(&mut self, _size: CacheSize) {}
}
