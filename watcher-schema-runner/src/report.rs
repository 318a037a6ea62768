//! [`Report`]: what a run did, migration by migration, for the service's log and the
//! CLI's output.

use std::fmt;
use std::time::{Duration, SystemTime};

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

/// A migration partly applied: the first `step` of its `steps` steps ran in the direction
/// `action`, and the next run resumes at `step + 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InProgress {
    /// The migration's version.
    pub version: String,
    /// The direction it was going: [`Action::Upgrade`] or [`Action::Downgrade`].
    pub action: Action,
    /// How many steps are done.
    pub step: usize,
    /// How many steps it has.
    pub steps: usize,
    /// What the next step does (its `-- step:` comment or first statement), when the
    /// runner knows the migration and its steps still number `steps`.
    pub next: Option<String>,
    /// When the last step was recorded.
    pub updated_at: SystemTime,
}

/// `in progress, step 3/7: backfill address.input_hash` (`downgrade in progress, …` for a
/// downgrade).
impl fmt::Display for InProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.action == Action::Downgrade {
            f.write_str("downgrade ")?;
        }
        write!(f, "in progress, step {}/{}", self.step + 1, self.steps)?;
        if let Some(next) = &self.next {
            write!(f, ": {next}")?;
        }
        Ok(())
    }
}

/// Where a standby stands while [`Runner::wait_for_head`](crate::Runner::wait_for_head) waits for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandbyProgress {
    /// The head this binary carries, which the standby's ledger must list.
    pub expected_head: String,
    /// The newest version in the standby's ledger (`None`: no migration yet).
    pub standby_head: Option<String>,
    /// `pg_last_wal_replay_lsn()`: how far the standby has replayed its primary's WAL
    /// (`None` on a server not in recovery).
    pub replay_lsn: Option<String>,
    /// Whether WAL replay is paused (`pg_is_wal_replay_paused()`), which stops it short of
    /// the head however long the wait.
    pub replay_paused: bool,
    /// How long the runner has waited so far.
    pub waited: Duration,
    /// How long it waits in all.
    pub timeout: Duration,
}

/// `waiting for the hot standby to replay migration 2025… (its ledger is at 2025…, WAL
/// replayed to 0/3000148; 5 s of 300 s)`
impl fmt::Display for StandbyProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waiting for the hot standby to replay migration {} (its ledger is at {}",
            self.expected_head,
            self.standby_head.as_deref().unwrap_or("no migration"),
        )?;
        if let Some(lsn) = &self.replay_lsn {
            write!(f, ", WAL replayed to {lsn}")?;
        }
        if self.replay_paused {
            f.write_str(", replay paused")?;
        }
        write!(
            f,
            "; {:.0} s of {:.0} s)",
            self.waited.as_secs_f64(),
            self.timeout.as_secs_f64()
        )
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
