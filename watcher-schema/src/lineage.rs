//! Addresses (data sources and targets) and the lineage between them, with a closure table
//! holding every transitive source → target pair and its depth.

use chrono::{DateTime, Utc};

use crate::pipelines::Pipeline;
use crate::watcher_table;

/// A kind of address (database, table, file, ...).
#[watcher_table(unique_index(name = "ux_address_type_name_include", columns(name), include(id)))]
#[derive(Debug, Clone, PartialEq)]
pub struct AddressType {
    /// Serial id.
    #[watcher(primary_key)]
    pub id: i32,
    /// Unique name.
    #[watcher(max_length = 150)]
    pub name: String,
    /// Grouping for display.
    #[watcher(max_length = 150)]
    pub group_name: String,
    /// When the row was created.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    /// When the row was last updated.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A data source or target a pipeline reads or writes.
#[watcher_table(
    index(name = "ix_address_address_type_id", columns(address_type_id)),
    unique_index(name = "ux_address_name_include", columns(name), include(id))
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    /// Serial id.
    #[watcher(primary_key)]
    pub id: i32,
    /// Unique, fully qualified name.
    #[watcher(max_length = 150)]
    pub name: String,
    /// The address's type.
    #[watcher(references = AddressType)]
    pub address_type_id: i32,
    /// Database part of the name.
    #[watcher(max_length = 50)]
    pub database_name: Option<String>,
    /// Schema part of the name.
    #[watcher(max_length = 50)]
    pub schema_name: Option<String>,
    /// Table part of the name.
    #[watcher(max_length = 50)]
    pub table_name: Option<String>,
    /// The table's primary key column(s).
    #[watcher(max_length = 50)]
    pub primary_key: Option<String>,
    /// When the row was created.
    #[watcher(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    /// When the row was last updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Hash of the address's input, to tell a changed registration from a repeated one.
    /// Rows from before 20251011103728 get a deterministic stand-in that fits the column:
    /// the first 20 hex digits of the md5 of their (unique) name.
    #[watcher(max_length = 20, backfill = "left(md5(name), 20)")]
    pub input_hash: String,
    /// Free-form settings.
    pub address_metadata: Option<serde_json::Value>,
}

/// A direct source → target edge reported by a pipeline.
#[watcher_table(
    index(name = "ix_address_lineage_pipeline_id", columns(pipeline_id)),
    unique_index(
        name = "ux_address_lineage_source_target",
        columns(source_address_id, target_address_id)
    ),
    unique_index(
        name = "ux_address_lineage_target_source",
        columns(target_address_id, source_address_id)
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub struct AddressLineage {
    /// Bigserial id.
    #[watcher(primary_key)]
    pub id: i64,
    /// The pipeline that moves data along this edge.
    #[watcher(references = Pipeline)]
    pub pipeline_id: i32,
    /// Where the data comes from.
    #[watcher(references = Address)]
    pub source_address_id: i32,
    /// Where the data goes.
    #[watcher(references = Address)]
    pub target_address_id: i32,
}

/// Closure of [`AddressLineage`]: every transitive source → target pair with its depth.
#[watcher_table(
    index(
        name = "ix_address_lineage_closure_depth_source_include",
        columns(source_address_id, depth),
        include(target_address_id, lineage_path)
    ),
    index(
        name = "ix_address_lineage_closure_depth_target_include",
        columns(target_address_id, depth),
        include(source_address_id, lineage_path)
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub struct AddressLineageClosure {
    /// Upstream address.
    #[watcher(primary_key, references = Address)]
    pub source_address_id: i32,
    /// Downstream address.
    #[watcher(primary_key, references = Address)]
    pub target_address_id: i32,
    /// Number of edges between them (0 for an address and itself); part of the key, so
    /// that one pair can be linked along paths of different lengths.
    #[watcher(primary_key)]
    pub depth: i32,
    /// The addresses from source to target. Rows from before 20251018195622 hold the empty
    /// path: a closure row knows its ends and depth but not the addresses in between, so
    /// any other value would claim a path that may be false; a real path is never empty
    /// (it holds at least its source), so readers can tell "not recorded" apart.
    #[watcher(backfill = "'{}'")]
    pub lineage_path: Vec<i32>,
}
