//! Ledgers written before a squash → ledgers of the squashed chain: rows of the versions a
//! squashed migration replaces are recognised, checked against the checksums its header
//! lists, and folded into the squashed migration's row under the lock.
//!
//! The squashed migration has the version of the last one it replaces, so a database that
//! applied the old chain already has its row; folding deletes the other replaced rows and
//! records the squash's checksum in that row, which leaves the ledger a fresh database
//! would have. A ledger with replaced rows but not the last one applied only part of the
//! squash, whose SQL is gone: [`RunError::PartlySquashed`].

use std::collections::HashSet;

use diesel::pg::PgConnection;
use diesel::Connection;

use crate::error::{ChangedMigration, RunError};
use crate::ledger::{self, AppliedMigration};
use crate::script::MigrationScript;

/// The ledger writes that turn rows of replaced migrations into their squashes' rows.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Folding {
    /// Rows of replaced versions other than a squash's own, to delete.
    delete: Vec<String>,
    /// Squash rows to record the squash's checksum in: `(version, checksum)`.
    checksums: Vec<(String, String)>,
}

impl Folding {
    /// `rows` as they are once folded.
    fn apply(&self, mut rows: Vec<AppliedMigration>) -> Vec<AppliedMigration> {
        rows.retain(|r| !self.delete.contains(&r.version));
        for row in &mut rows {
            if let Some((_, sum)) = self.checksums.iter().find(|(v, _)| *v == row.version) {
                row.checksum = Some(sum.clone());
            }
        }
        rows
    }
}

/// What folding `rows` into the squashes among `known` takes, or why it must not happen:
/// a replaced row applied from another `up.sql` than the squash lists
/// ([`RunError::Changed`]), or replaced rows without the squash's own
/// ([`RunError::PartlySquashed`]).
pub(crate) fn plan(
    known: &[MigrationScript],
    rows: &[AppliedMigration],
) -> Result<Folding, RunError> {
    let mut folding = Folding::default();
    let mut changed = Vec::new();
    for squash in known.iter().filter(|m| !m.replaced().is_empty()) {
        let listed: HashSet<&str> = squash
            .replaced()
            .iter()
            .map(|r| r.version.as_str())
            .collect();
        let own = rows.iter().find(|r| r.version == squash.version());
        let others: Vec<&AppliedMigration> = rows
            .iter()
            .filter(|r| r.version != squash.version() && listed.contains(r.version.as_str()))
            .collect();
        if others.is_empty() {
            // A fresh database that applied the squash, or a ledger already folded: the
            // ordinary checksum check covers its row.
            continue;
        }
        let Some(own) = own else {
            return Err(RunError::PartlySquashed {
                squash: squash.name().to_owned(),
                applied: others.iter().map(|r| r.version.clone()).collect(),
                last: squash.version().to_owned(),
            });
        };
        // Each row must have been applied from a file the squash replaces; a row without a
        // checksum (Diesel's CLI wrote it) is taken on trust, as everywhere else.
        for row in others.iter().copied().chain([own]) {
            let Some(recorded) = &row.checksum else {
                continue;
            };
            let accepted = squash
                .replaced()
                .iter()
                .any(|r| r.version == row.version && r.checksum == *recorded)
                || (row.version == squash.version() && recorded == squash.checksum());
            if !accepted {
                let listed = squash
                    .replaced()
                    .iter()
                    .find(|r| r.version == row.version)
                    .map_or_else(|| squash.checksum().to_owned(), |r| r.checksum.clone());
                changed.push(ChangedMigration {
                    name: format!("{} (replaced by {})", row.version, squash.name()),
                    recorded: recorded.clone(),
                    current: listed,
                });
            }
        }
        folding
            .delete
            .extend(others.iter().map(|r| r.version.clone()));
        if own.checksum.as_deref() != Some(squash.checksum()) {
            folding
                .checksums
                .push((squash.version().to_owned(), squash.checksum().to_owned()));
        }
    }
    if !changed.is_empty() {
        return Err(RunError::Changed {
            migrations: changed,
        });
    }
    Ok(folding)
}

/// The ledger as the runner will leave it once folded, for read-only callers (`current`,
/// `history`, `check`): `rows` unchanged when they cannot be folded, so the refusal comes
/// from the write path, with its reason.
pub(crate) fn view(
    known: &[MigrationScript],
    rows: Vec<AppliedMigration>,
) -> Vec<AppliedMigration> {
    match plan(known, &rows) {
        Ok(folding) => folding.apply(rows),
        Err(_) => rows,
    }
}

/// `rows` as folding will leave them, and the folding: refuses what [`plan`] refuses.
/// Nothing is written, so the caller can check the folded rows first.
pub(crate) fn fold(
    known: &[MigrationScript],
    rows: Vec<AppliedMigration>,
) -> Result<(Vec<AppliedMigration>, Folding), RunError> {
    let folding = plan(known, &rows)?;
    Ok((folding.apply(rows), folding))
}

/// Writes `folding` to the ledger in one transaction; the caller holds the migration lock.
pub(crate) fn write(conn: &mut PgConnection, folding: &Folding) -> Result<(), RunError> {
    if *folding == Folding::default() {
        return Ok(());
    }
    conn.transaction(|conn| {
        for version in &folding.delete {
            ledger::delete(conn, version)?;
        }
        for (version, sum) in &folding.checksums {
            ledger::set_checksum(conn, version, sum)?;
        }
        Ok(())
    })
    .map_err(RunError::database(
        "cannot fold the rows of squashed migrations in the ledger",
    ))
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use watcher_schema_core::chain::{checksum, REPLACES};

    use super::*;

    const OLD: [(&str, &str); 3] = [
        ("20250101000000_a", "CREATE TABLE a ();"),
        ("20250102000000_b", "CREATE TABLE b ();"),
        ("20250103000000_c", "CREATE TABLE c ();"),
    ];

    /// A squash of the first two of `OLD`, then `OLD[2]`.
    fn known() -> Vec<MigrationScript> {
        let mut up = String::from("-- squash\n");
        for (name, sql) in &OLD[..2] {
            up.push_str(&format!("{REPLACES}{} {}\n", &name[..14], checksum(sql)));
        }
        up.push_str("\nCREATE TABLE a ();\nCREATE TABLE b ();\n");
        vec![
            MigrationScript::new("20250102000000_squashed", up, None, true),
            MigrationScript::new(OLD[2].0, OLD[2].1, None, true),
        ]
    }

    fn row(version: &str, checksum: Option<String>) -> AppliedMigration {
        AppliedMigration {
            version: version.into(),
            run_on: SystemTime::UNIX_EPOCH,
            checksum,
            duration: None,
        }
    }

    fn old_rows(count: usize) -> Vec<AppliedMigration> {
        OLD[..count]
            .iter()
            .map(|(name, sql)| row(&name[..14], Some(checksum(sql))))
            .collect()
    }

    #[test]
    fn folds_the_old_chain_into_the_squash() {
        let known = known();
        let folding = plan(&known, &old_rows(3)).unwrap();
        assert_eq!(folding.delete, ["20250101000000"]);
        assert_eq!(
            folding.checksums,
            [(
                "20250102000000".to_string(),
                known[0].checksum().to_string()
            )]
        );
        let versions: Vec<String> = view(&known, old_rows(3))
            .into_iter()
            .map(|r| r.version)
            .collect();
        assert_eq!(versions, ["20250102000000", "20250103000000"]);
    }

    #[test]
    fn leaves_a_fresh_or_folded_ledger_alone() {
        let known = known();
        let fresh = vec![row("20250102000000", Some(known[0].checksum().into()))];
        assert_eq!(plan(&known, &fresh).unwrap(), Folding::default());
        assert_eq!(plan(&known, &[]).unwrap(), Folding::default());
    }

    #[test]
    fn a_second_squash_recognises_both_earlier_ledgers() {
        // Squash of (the first squash, c): its list passes the first squash's list on.
        let first = &known()[0];
        let mut up = String::from("-- squash\n");
        for (name, sql) in &OLD {
            up.push_str(&format!("{REPLACES}{} {}\n", &name[..14], checksum(sql)));
        }
        up.push_str(&format!("{REPLACES}20250102000000 {}\n", first.checksum()));
        up.push_str("\nCREATE TABLE a ();\nCREATE TABLE b ();\nCREATE TABLE c ();\n");
        let second = vec![MigrationScript::new(
            "20250103000000_squashed",
            up,
            None,
            true,
        )];

        let folded = |rows: Vec<AppliedMigration>| -> Vec<String> {
            let folding = plan(&second, &rows).unwrap();
            assert_eq!(folding.checksums.len(), 1);
            folding.apply(rows).into_iter().map(|r| r.version).collect()
        };
        assert_eq!(folded(old_rows(3)), ["20250103000000"]);
        let after_first = vec![
            row("20250102000000", Some(first.checksum().into())),
            old_rows(3).remove(2),
        ];
        assert_eq!(folded(after_first), ["20250103000000"]);
    }

    #[test]
    fn refuses_part_of_a_squash() {
        let err = plan(&known(), &old_rows(1)).unwrap_err();
        assert!(
            matches!(&err, RunError::PartlySquashed { applied, last, .. }
                if applied == &["20250101000000"] && last == "20250102000000"),
            "{err}"
        );
        assert!(err
            .to_string()
            .contains("upgrade to 20250102000000 with a binary"));
    }

    #[test]
    fn refuses_a_replaced_row_applied_from_another_file() {
        let mut rows = old_rows(2);
        rows[0].checksum = Some(checksum("CREATE TABLE edited ();"));
        let err = plan(&known(), &rows).unwrap_err();
        assert!(
            matches!(&err, RunError::Changed { migrations } if migrations.len() == 1
                && migrations[0].name.starts_with("20250101000000")),
            "{err}"
        );
        rows[0].checksum = None;
        assert_eq!(plan(&known(), &rows).unwrap().delete, ["20250101000000"]);
    }
}
