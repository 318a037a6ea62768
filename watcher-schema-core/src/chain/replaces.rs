//! The header of a squashed migration's `up.sql`: which versions it replaces, with the
//! checksum each was applied with. Read by the chain reader (and the runner through it),
//! written by [`super::squash`]; a leaf, so that reading a chain never needs the squash.
//!
//! ```text
//! -- squash of 20251005124405_initial .. 20251011103728_add_address_input_hash
//! -- watcher-schema:replaces 20251005124405 <sha256 of its up.sql>
//! -- watcher-schema:replaces 20251007183231 <sha256 of its up.sql>
//! ```

use super::error::Problem;
use super::Migration;

/// The prefix of a header line naming one replaced migration.
pub const REPLACES: &str = "-- watcher-schema:replaces ";

/// One migration a squashed migration replaces: its version and the checksum of the
/// `up.sql` a database applied it with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Replaced {
    /// The replaced migration's version.
    pub version: String,
    /// The [`checksum`](super::checksum) of its `up.sql`.
    pub checksum: String,
}

/// The migrations a squashed migration's `up.sql` says it replaces, in chain order; empty
/// for an ordinary migration. Only the leading comment block is read. The error is the
/// 1-based line and what is wrong with it.
///
/// ```
/// use watcher_schema_core::chain::replaced;
///
/// let sum = "0".repeat(64);
/// let up = format!("-- squash\n-- watcher-schema:replaces 20251005124405 {sum}\n\nCREATE TABLE t ();\n");
/// assert_eq!(replaced(&up).unwrap()[0].version, "20251005124405");
/// assert!(replaced("CREATE TABLE t ();").unwrap().is_empty());
/// ```
pub fn replaced(up_sql: &str) -> Result<Vec<Replaced>, (usize, String)> {
    let mut found = Vec::new();
    for (index, line) in up_sql.lines().enumerate() {
        let line = line.trim_end();
        if !line.starts_with("--") {
            break;
        }
        let Some(rest) = line.strip_prefix(REPLACES) else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(version), Some(sum), None) = (words.next(), words.next(), words.next()) else {
            return Err((
                index + 1,
                format!("expected `{REPLACES}<version> <checksum>`, found `{line}`"),
            ));
        };
        super::version::parse_version(version).map_err(|reason| (index + 1, reason))?;
        if sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err((
                index + 1,
                format!("`{sum}` is not a checksum (64 hex digits of SHA-256)"),
            ));
        }
        found.push(Replaced {
            version: version.to_string(),
            checksum: sum.to_ascii_lowercase(),
        });
    }
    Ok(found)
}

impl Migration {
    /// The migrations this one replaces, if it is a squash (see [`replaced`]); a header the
    /// chain reader would reject reads as none.
    pub fn replaced(&self) -> Vec<Replaced> {
        replaced(&self.up_sql).unwrap_or_default()
    }
}

/// Problems of a directory holding a squash next to migrations it replaces: both would
/// apply the same change, so one must go (the replaced ones; git keeps their history).
pub(super) fn check_replaced(migrations: &[Migration], problems: &mut Vec<Problem>) {
    for squash in migrations {
        for entry in squash.replaced() {
            for other in migrations {
                if other.dir != squash.dir && other.version == entry.version {
                    let problem = Problem::Replaced {
                        dir: other.dir.clone(),
                        by: squash.dir.clone(),
                    };
                    if !problems
                        .iter()
                        .any(|p| matches!(p, Problem::Replaced { dir, .. } if *dir == other.dir))
                    {
                        problems.push(problem);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(c: char) -> String {
        c.to_string().repeat(64)
    }

    #[test]
    fn reads_the_leading_comment_block_only() {
        let up = format!(
            "-- squash\n{REPLACES}20251005124405 {}\n{REPLACES}20251007183231 {}\n\n\
             CREATE TABLE t ();\n{REPLACES}20251008100712 {}\n",
            sum('a'),
            sum('B'),
            sum('c')
        );
        let found = replaced(&up).unwrap();
        assert_eq!(
            found,
            vec![
                Replaced {
                    version: "20251005124405".into(),
                    checksum: sum('a')
                },
                Replaced {
                    version: "20251007183231".into(),
                    checksum: sum('b')
                },
            ]
        );
    }

    #[test]
    fn rejects_a_malformed_header_line_by_number() {
        let (line, message) =
            replaced(&format!("-- x\n{REPLACES}2025 {}\n", sum('a'))).unwrap_err();
        assert_eq!(line, 2);
        assert!(message.contains("14 digits"), "{message}");
        let (line, message) = replaced(&format!("{REPLACES}20251005124405 abc\n")).unwrap_err();
        assert_eq!(line, 1);
        assert!(message.contains("not a checksum"), "{message}");
        let (_, message) = replaced(&format!("{REPLACES}20251005124405\n")).unwrap_err();
        assert!(message.contains("expected"), "{message}");
    }
}
