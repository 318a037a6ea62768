//! The head model handed from a build script to the macros: the migrations' schema at
//! their head, rendered as SQL into `OUT_DIR`, read back and replayed by `#[watcher_table]`.
//!
//! The file is plain SQL that `replay` understands, preceded by a `-- head: <version>`
//! line (`-- head: none` for an empty chain), so a person can read what the macros compare
//! against in `target/.../out/watcher_schema_head.sql`.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::chain::{Chain, ChainError};
use crate::model::Schema;
use crate::replay::{self, ReplayError};
use crate::sql;

/// The file name, inside `OUT_DIR`, that build scripts write and the macros read.
pub const HEAD_MODEL_FILE: &str = "watcher_schema_head.sql";

const HEAD_PREFIX: &str = "-- head: ";

/// The migrations' schema at their head.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeadModel {
    /// The head migration's version, or `None` for an empty chain.
    pub head: Option<String>,
    /// The schema after every migration.
    pub schema: Schema,
}

/// Why the head model file could not be written or read.
#[derive(Debug)]
pub enum HeadModelError {
    /// Reading or writing the file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// The file does not start with the `-- head:` line: not written by this version.
    MissingHead {
        /// The file.
        path: PathBuf,
    },
    /// The SQL in the file did not replay.
    Replay(ReplayError),
    /// The migrations directory is not a valid chain.
    Chain(ChainError),
}

impl fmt::Display for HeadModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadModelError::Io { path, source } => {
                write!(f, "cannot access the head model `{}`: {source}", path.display())
            }
            HeadModelError::MissingHead { path } => write!(
                f,
                "`{}` has no `{HEAD_PREFIX}<version>` line; it was not written by `write_head_model`\nhelp: rebuild so that build.rs writes it again",
                path.display()
            ),
            HeadModelError::Replay(err) => write!(f, "the head model does not replay: {err}"),
            HeadModelError::Chain(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for HeadModelError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HeadModelError::Io { source, .. } => Some(source),
            HeadModelError::MissingHead { .. } => None,
            HeadModelError::Replay(err) => Some(err),
            HeadModelError::Chain(err) => Some(err),
        }
    }
}

/// The one call a build script makes: validates the chain in `migrations_dir`, replays it,
/// and writes its head model into `out_dir` (the build script's `OUT_DIR`), where
/// `#[watcher_table]` reads it. Returns the chain, for `cargo:rerun-if-changed` lines.
///
/// ```no_run
/// // build.rs
/// use std::path::Path;
///
/// let dir = Path::new("migrations");
/// let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
/// let chain = watcher_schema_core::head::write_build_model(dir, Path::new(&out_dir))
///     .unwrap_or_else(|err| panic!("{err}"));
/// println!("cargo:rerun-if-changed={}", dir.display());
/// for migration in &chain {
///     println!("cargo:rerun-if-changed={}", migration.dir.display());
/// }
/// ```
pub fn write_build_model(migrations_dir: &Path, out_dir: &Path) -> Result<Chain, HeadModelError> {
    let chain = Chain::load(migrations_dir).map_err(HeadModelError::Chain)?;
    let schema = chain.schema_at_head().map_err(HeadModelError::Chain)?;
    let head = chain.head().map(|m| m.version.as_str());
    write_head_model(out_dir, head, &render_schema(&schema))?;
    Ok(chain)
}

/// The file's text: the head line, then `schema_sql` (the schema rendered as SQL).
pub fn render_head_model(head: Option<&str>, schema_sql: &str) -> String {
    format!(
        "{HEAD_PREFIX}{}\n-- written by watcher-schema's build script; do not edit\n\n{schema_sql}",
        head.unwrap_or("none")
    )
}

/// Writes `$out_dir/watcher_schema_head.sql`, and only when its text changes, so that an
/// unchanged chain does not make the macros' crate look modified.
pub fn write_head_model(
    out_dir: &Path,
    head: Option<&str>,
    schema_sql: &str,
) -> Result<PathBuf, HeadModelError> {
    let path = out_dir.join(HEAD_MODEL_FILE);
    let text = render_head_model(head, schema_sql);
    if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        fs::write(&path, text).map_err(|source| HeadModelError::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(path)
}

/// Reads and replays a head model file.
pub fn read_head_model(path: &Path) -> Result<HeadModel, HeadModelError> {
    let text = fs::read_to_string(path).map_err(|source| HeadModelError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_head_model(&text, path)
}

/// Replays the text of a head model file read from `path` (used in messages).
pub fn parse_head_model(text: &str, path: &Path) -> Result<HeadModel, HeadModelError> {
    let head = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix(HEAD_PREFIX))
        .map(str::trim)
        .ok_or_else(|| HeadModelError::MissingHead {
            path: path.to_path_buf(),
        })?;
    let mut schema = Schema::default();
    replay::replay(&mut schema, text, &path.display().to_string())
        .map_err(HeadModelError::Replay)?;
    Ok(HeadModel {
        head: (head != "none").then(|| head.to_string()),
        schema,
    })
}

/// The SQL that creates `schema` in an empty database: `render(&diff(&Schema::default(),
/// schema))`. The head model file holds it; a squash starts from it.
pub fn render_schema(schema: &Schema) -> String {
    sql::render(&crate::diff::diff(&Schema::default(), schema))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_line_round_trips() {
        let text = render_head_model(Some("20251005124405"), "");
        let model = parse_head_model(&text, Path::new("x.sql")).unwrap();
        assert_eq!(model.head.as_deref(), Some("20251005124405"));
        let text = render_head_model(None, "");
        assert_eq!(
            parse_head_model(&text, Path::new("x.sql")).unwrap().head,
            None
        );
    }

    #[test]
    fn rejects_a_file_without_head_line() {
        let err =
            parse_head_model("CREATE TABLE t (id integer);", Path::new("out/x.sql")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`out/x.sql` has no `-- head: <version>` line; it was not written by `write_head_model`\nhelp: rebuild so that build.rs writes it again"
        );
    }

    #[test]
    fn the_reference_schema_survives_render_and_replay() {
        let reference = include_str!("../../tests/data/watcher-20251005124405.sql");
        let mut schema = Schema::default();
        replay::replay(&mut schema, reference, "reference").unwrap();
        let text = render_head_model(Some("20251005124405"), &render_schema(&schema));
        let model = parse_head_model(&text, Path::new("head.sql")).unwrap();
        assert_eq!(model.head.as_deref(), Some("20251005124405"));
        assert_eq!(model.schema, schema);
        assert_eq!(model.schema.tables.len(), 12);
    }

    #[test]
    fn build_model_of_a_chain_is_its_head() {
        let root = std::env::temp_dir().join(format!("watcher-build-model-{}", std::process::id()));
        let migrations = root.join("migrations");
        let initial = migrations.join("20250101000000_initial");
        fs::create_dir_all(&initial).unwrap();
        fs::write(
            initial.join("up.sql"),
            "CREATE TABLE t (id serial PRIMARY KEY);",
        )
        .unwrap();
        fs::write(initial.join("down.sql"), "DROP TABLE t;").unwrap();
        fs::write(initial.join("metadata.toml"), "run_in_transaction = true\n").unwrap();
        let chain = write_build_model(&migrations, &root).unwrap();
        assert_eq!(chain.len(), 1);
        let model = read_head_model(&root.join(HEAD_MODEL_FILE)).unwrap();
        assert_eq!(model.head.as_deref(), Some("20250101000000"));
        assert_eq!(model.schema, chain.schema_at_head().unwrap());
        let broken = write_build_model(&root.join("missing"), &root).unwrap_err();
        assert!(matches!(broken, HeadModelError::Chain(_)), "{broken}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn writes_only_when_the_text_changes() {
        let dir = std::env::temp_dir().join(format!("watcher-head-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = write_head_model(&dir, Some("1"), "").unwrap();
        let first = fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_head_model(&dir, Some("1"), "").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), first);
        write_head_model(&dir, Some("2"), "").unwrap();
        assert_eq!(read_head_model(&path).unwrap().head.as_deref(), Some("2"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
