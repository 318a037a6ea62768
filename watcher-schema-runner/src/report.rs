//! [`Report`]: what a run did, migration by migration, for the service's log and the
//! CLI's output.

use std::fmt;
use std::time::Duration;

/// What the runner did to one migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Ran `up.sql` and recorded the version.
    Upgrade,
    /// Ran `down.sql` and removed the version.
    Downgrade,
    /// Recorded the version (or its new checksum) without running SQL.
    Stamp,
    /// Removed the version without running SQL.
    Unstamp,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Action::Upgrade => "upgrade",
            Action::Downgrade => "downgrade",
            Action::Stamp => "stamp",
            Action::Unstamp => "unstamp",
        })
    }
}

/// One migration the runner acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RanMigration {
    /// The version, the 14-digit prefix of the name.
    pub version: String,
    /// The directory name, `<version>_<name>`.
    pub name: String,
    /// What was done.
    pub action: Action,
    /// How long its SQL and ledger write took (zero for stamps).
    pub duration: Duration,
}

/// What a run did, in order, and how long it took in all (lock wait included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The migrations acted on, in the order they were.
    pub migrations: Vec<RanMigration>,
    /// Wall time of the whole run, from connecting checks to unlock.
    pub total: Duration,
}

impl Report {
    /// Whether the run changed nothing.
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }
}

/// One line per migration: `upgrade   20251005124405_initial  12.3 ms`; nothing when
/// nothing ran.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.migrations.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{:<9} {}", m.action, m.name)?;
            if matches!(m.action, Action::Upgrade | Action::Downgrade) {
                write!(f, "  {:.1} ms", m.duration.as_secs_f64() * 1000.0)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_one_line_per_migration() {
        let report = Report {
            migrations: vec![
                RanMigration {
                    version: "20251005124405".into(),
                    name: "20251005124405_initial".into(),
                    action: Action::Upgrade,
                    duration: Duration::from_micros(12_345),
                },
                RanMigration {
                    version: "20251007183231".into(),
                    name: "20251007183231_drop_full_load".into(),
                    action: Action::Stamp,
                    duration: Duration::ZERO,
                },
            ],
            total: Duration::from_millis(20),
        };
        assert_eq!(
            report.to_string(),
            "upgrade   20251005124405_initial  12.3 ms\nstamp     20251007183231_drop_full_load"
        );
        assert_eq!(Report::default().to_string(), "");
    }
}
