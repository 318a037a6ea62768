//! [`Target`]s (`head`, `base`, a version, `+N`/`-N`) → the ordered list of migrations
//! to run, revert or stamp, from the known chain and the ledger. Pure; no database.

use std::fmt;
use std::str::FromStr;

use crate::error::RunError;
use crate::script::MigrationScript;

/// Where an upgrade, downgrade or stamp should leave the database, as Alembic writes it.
///
/// ```
/// use watcher_schema_runner::Target;
///
/// assert_eq!("head".parse::<Target>().unwrap(), Target::Head);
/// assert_eq!("-1".parse::<Target>().unwrap(), Target::Relative(-1));
/// assert_eq!(
///     "20251005124405".parse::<Target>().unwrap(),
///     Target::Version("20251005124405".into())
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// The newest migration.
    Head,
    /// Before the first migration: nothing applied.
    Base,
    /// A migration by version (`20251005124405`) or directory name.
    Version(String),
    /// `+N` migrations past, or `-N` before, the newest applied one.
    Relative(i64),
}

impl FromStr for Target {
    type Err = RunError;

    fn from_str(s: &str) -> Result<Self, RunError> {
        let s = s.trim();
        let invalid = |reason: &str| RunError::Target {
            target: s.to_owned(),
            reason: reason.to_owned(),
        };
        match s {
            "head" | "heads" => Ok(Target::Head),
            "base" => Ok(Target::Base),
            _ if s.starts_with(['+', '-']) => match s.parse::<i64>() {
                Ok(0) | Err(_) => Err(invalid("a relative target is `+N` or `-N` with N ≥ 1")),
                Ok(n) => Ok(Target::Relative(n)),
            },
            _ if s.starts_with(|c: char| c.is_ascii_digit()) => {
                let version = s.split('_').next().unwrap_or(s);
                if version.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Target::Version(version.to_owned()))
                } else {
                    Err(invalid("a version is the digits before the first `_`"))
                }
            }
            _ => Err(invalid(
                "expected `head`, `base`, a version such as `20251005124405`, `+N` or `-N`",
            )),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Head => f.write_str("head"),
            Target::Base => f.write_str("base"),
            Target::Version(v) => f.write_str(v),
            Target::Relative(n) => write!(f, "{n:+}"),
        }
    }
}

/// The known chain (sorted by version) and which of it the ledger says is applied.
pub(crate) struct Chain<'a> {
    pub(crate) known: &'a [MigrationScript],
    pub(crate) applied: Vec<bool>,
}

impl Chain<'_> {
    /// How many migrations, counted from the first, are at or below the newest applied.
    fn current_len(&self) -> usize {
        self.applied.iter().rposition(|&a| a).map_or(0, |i| i + 1)
    }

    fn position(&self, target: &Target, version: &str) -> Result<usize, RunError> {
        self.known
            .iter()
            .position(|m| m.version() == version)
            .ok_or_else(|| {
                error(
                    target,
                    "no migration has this version; `history` lists them",
                )
            })
    }

    /// The indices of the migrations an upgrade to `target` runs, in order.
    pub(crate) fn upgrade(&self, target: &Target) -> Result<Vec<usize>, RunError> {
        let pending = (0..self.known.len()).filter(|&i| !self.applied[i]);
        match target {
            Target::Head => Ok(pending.collect()),
            Target::Version(v) => {
                let end = self.position(target, v)?;
                if end + 1 < self.current_len() {
                    return Err(error(
                        target,
                        "is older than the newest applied migration; use downgrade",
                    ));
                }
                Ok(pending.filter(|&i| i <= end).collect())
            }
            Target::Relative(n) if *n > 0 => {
                let steps: Vec<usize> = pending.take(*n as usize).collect();
                if steps.len() < *n as usize {
                    return Err(error(
                        target,
                        &format!("only {} migrations are pending", steps.len()),
                    ));
                }
                Ok(steps)
            }
            Target::Relative(_) | Target::Base => {
                Err(error(target, "an upgrade goes forward; use downgrade"))
            }
        }
    }

    /// The indices of the migrations a downgrade to `target` reverts, newest first.
    pub(crate) fn downgrade(&self, target: &Target) -> Result<Vec<usize>, RunError> {
        let applied = (0..self.known.len()).rev().filter(|&i| self.applied[i]);
        let steps: Vec<usize> = match target {
            Target::Base => applied.collect(),
            Target::Version(v) => {
                let keep = self.position(target, v)?;
                if keep >= self.current_len() {
                    return Err(error(
                        target,
                        "is newer than the newest applied migration; use upgrade",
                    ));
                }
                applied.filter(|&i| i > keep).collect()
            }
            Target::Relative(n) if *n < 0 => {
                let count = n.unsigned_abs() as usize;
                let steps: Vec<usize> = applied.take(count).collect();
                if steps.len() < count {
                    return Err(error(
                        target,
                        &format!("only {} migrations are applied", steps.len()),
                    ));
                }
                steps
            }
            Target::Relative(_) | Target::Head => {
                return Err(error(target, "a downgrade goes back; use upgrade"))
            }
        };
        if let Some(&i) = steps.iter().find(|&&i| self.known[i].down().is_none()) {
            return Err(RunError::NoDownSql {
                name: self.known[i].name().to_owned(),
            });
        }
        Ok(steps)
    }

    /// How many migrations, from the first, the ledger should hold after stamping `target`.
    pub(crate) fn stamp_len(&self, target: &Target) -> Result<usize, RunError> {
        match target {
            Target::Head => Ok(self.known.len()),
            Target::Base => Ok(0),
            Target::Version(v) => Ok(self.position(target, v)? + 1),
            Target::Relative(n) => {
                let len = self.current_len() as i64 + n;
                if (0..=self.known.len() as i64).contains(&len) {
                    Ok(len as usize)
                } else {
                    Err(error(target, "goes past the ends of the chain"))
                }
            }
        }
    }

    /// Whether reaching `target` from the current state goes forward (`true`) or back.
    pub(crate) fn is_forward(&self, target: &Target) -> Result<bool, RunError> {
        Ok(match target {
            Target::Head => true,
            Target::Base => false,
            Target::Relative(n) => *n > 0,
            Target::Version(v) => self.position(target, v)? + 1 >= self.current_len(),
        })
    }
}

fn error(target: &Target, reason: &str) -> RunError {
    RunError::Target {
        target: target.to_string(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<MigrationScript> {
        ["1_a", "2_b", "3_c", "4_d"]
            .iter()
            .map(|n| MigrationScript::new(*n, "SELECT 1", Some("SELECT 1".into()), true))
            .collect()
    }

    fn chain(known: &[MigrationScript], applied: usize) -> Chain<'_> {
        Chain {
            known,
            applied: (0..known.len()).map(|i| i < applied).collect(),
        }
    }

    fn t(s: &str) -> Target {
        s.parse().unwrap()
    }

    #[test]
    fn parses_alembic_targets() {
        assert_eq!(t("base"), Target::Base);
        assert_eq!(t("+2"), Target::Relative(2));
        assert_eq!(
            t("20251005124405_initial"),
            Target::Version("20251005124405".into())
        );
        assert!("+0".parse::<Target>().is_err());
        assert!("latest".parse::<Target>().is_err());
        assert_eq!(Target::Relative(-3).to_string(), "-3");
    }

    #[test]
    fn upgrades_to_head_version_and_relative() {
        let k = known();
        let c = chain(&k, 1);
        assert_eq!(c.upgrade(&Target::Head).unwrap(), [1, 2, 3]);
        assert_eq!(c.upgrade(&t("3")).unwrap(), [1, 2]);
        assert_eq!(c.upgrade(&t("+1")).unwrap(), [1]);
        assert!(c.upgrade(&t("+4")).is_err());
        assert!(c.upgrade(&t("-1")).is_err());
        assert!(chain(&k, 3).upgrade(&t("1")).is_err());
        assert!(c.upgrade(&t("9")).is_err());
    }

    #[test]
    fn downgrades_newest_first() {
        let k = known();
        let c = chain(&k, 3);
        assert_eq!(c.downgrade(&Target::Base).unwrap(), [2, 1, 0]);
        assert_eq!(c.downgrade(&t("1")).unwrap(), [2, 1]);
        assert_eq!(c.downgrade(&t("-2")).unwrap(), [2, 1]);
        assert!(c.downgrade(&t("-4")).is_err());
        assert!(c.downgrade(&t("4")).is_err());
        assert!(c.downgrade(&Target::Head).is_err());
    }

    #[test]
    fn refuses_downgrade_through_a_migration_without_down_sql() {
        let mut k = known();
        k[1] = MigrationScript::new("2_b", "SELECT 1", None, true);
        let err = chain(&k, 3).downgrade(&Target::Base).unwrap_err();
        assert!(matches!(err, RunError::NoDownSql { name } if name == "2_b"));
    }

    #[test]
    fn stamps_absolute_and_relative() {
        let k = known();
        let c = chain(&k, 2);
        assert_eq!(c.stamp_len(&Target::Head).unwrap(), 4);
        assert_eq!(c.stamp_len(&t("1")).unwrap(), 1);
        assert_eq!(c.stamp_len(&t("-2")).unwrap(), 0);
        assert!(c.stamp_len(&t("+3")).is_err());
    }
}
