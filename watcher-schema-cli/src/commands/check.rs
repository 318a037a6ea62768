//! `check`: for CI and alerting, everything that can be wrong in one run, each with its exit
//! code. Live: applied migrations changed or unknown here (24), pending migrations (3), and
//! the database (catalog → model) against the structs (4); while migrations are pending, the
//! database against its own migrations (changed by hand) and the chain's head against the
//! structs (no migration yet) instead, so pending changes are not called drift. `--offline`:
//! the structs against the chain's head (4). `--lint`, in either mode: the chain's risky statements (5). When
//! several apply, the exit code is the first of 24, 3, 4, 5. Differences come from core's
//! one comparison, in its words; column order is reported as information only.

use serde_json::json;
use watcher_schema_core::compare::{compare, Comparison, Expected, Sides};
use watcher_schema_runner::ChangedMigration;

use super::{lint, Context, LedgerState, Migrations};
use crate::args::{CheckArgs, Format};
use crate::drift::live_schema;
use crate::error::CliError;
use crate::exit_codes::ExitCode;
use crate::source::Sources;

pub(super) fn run(ctx: &Context, args: &CheckArgs) -> Result<i32, CliError> {
    let project = ctx.project(args.schema_src.as_deref())?;
    let migrations = Migrations::load(&project)?;
    let lint = match args.lint {
        true => Some(lint::read(&migrations.chain, args.strict)?),
        false => None,
    };
    let desired = Sources::read(&project.schema_src)?.schema()?;
    let head = migrations.chain.head().map(|m| m.version.clone());
    // The very comparison the macro makes at compile time, in the macro's words.
    let offline = || -> Result<Drift, CliError> {
        let model = migrations.chain.schema_at_head()?;
        Ok(Drift::new(
            Sides::migrations(head.as_deref()),
            compare(&model, &desired, &Expected::Structs),
        ))
    };
    let (drift, ledger) = if args.offline {
        (vec![offline()?], None)
    } else {
        let mut conn = ctx.connect()?;
        let state = LedgerState::read(&migrations, &mut conn)?;
        let live = live_schema(&mut conn)?;
        // Pending migrations, cleanly ahead of the database: what they will change is not
        // drift. The database is held against the chain where it stands, the structs
        // against the chain's head.
        let cleanly_behind =
            !state.pending.is_empty() && !state.mismatched() && state.in_progress.is_empty();
        let drift = if cleanly_behind {
            let at = state.current.clone();
            let applied = match &at {
                Some(version) => migrations.chain.schema_at(version)?,
                None => Default::default(),
            };
            let expected = format!(
                "its migrations (at {})",
                at.as_deref().unwrap_or("base, none applied")
            );
            let by_hand = Drift::new(
                Sides {
                    actual: "the database".into(),
                    expected: Expected::Schema(expected.clone()),
                },
                compare(&live, &applied, &Expected::Schema(expected)),
            );
            vec![by_hand, offline()?]
        } else {
            vec![Drift::new(
                Sides::database(),
                compare(&live, &desired, &Expected::Structs),
            )]
        };
        (drift, Some(state))
    };
    let report = Report {
        drift,
        ledger,
        lint,
    };
    report.print(ctx, args, head.as_deref());
    Ok(report.exit_code())
}

/// One comparison `check` makes: the two schemas, and what differs between them.
struct Drift {
    sides: Sides,
    comparison: Comparison,
}

impl Drift {
    fn new(sides: Sides, comparison: Comparison) -> Drift {
        Drift { sides, comparison }
    }

    /// Each difference as `(what, help)`; a database changed outside its migrations gets
    /// the help the comparison cannot give.
    fn messages(&self) -> Vec<(String, Option<String>)> {
        self.comparison
            .messages(&self.sides)
            .into_iter()
            .map(|message| match message.split_once("\nhelp: ") {
                Some((what, help)) => (what.to_string(), Some(help.to_string())),
                None => (
                    message,
                    matches!(self.sides.expected, Expected::Schema(_)).then(|| {
                        "the database was changed outside the migrations: undo that change, or \
                         write a migration that makes it"
                            .to_string()
                    }),
                ),
            })
            .collect()
    }
}

struct Report {
    /// The comparisons made: one, or two while migrations are pending.
    drift: Vec<Drift>,
    /// `None` offline.
    ledger: Option<LedgerState>,
    /// `None` without `--lint`.
    lint: Option<lint::Report>,
}

impl Report {
    fn offline(&self) -> bool {
        self.ledger.is_none()
    }

    fn pending(&self) -> &[String] {
        self.ledger.as_ref().map_or(&[], |l| &l.pending)
    }

    fn unknown(&self) -> &[String] {
        self.ledger.as_ref().map_or(&[], |l| &l.unknown)
    }

    fn changed(&self) -> &[ChangedMigration] {
        self.ledger.as_ref().map_or(&[], |l| &l.changed)
    }

    fn lint_failed(&self) -> bool {
        self.lint
            .as_ref()
            .is_some_and(|l| l.exit_code() != ExitCode::SUCCESS)
    }

    /// The exit code of each problem found, in precedence order: a ledger these files cannot
    /// vouch for (24) makes everything else suspect; pending migrations (3) explain drift;
    /// drift (4) is the running system; lint (5) concerns migrations not yet judged by a run.
    fn exit_codes(&self) -> Vec<i32> {
        let mut codes = Vec::new();
        if self.ledger.as_ref().is_some_and(LedgerState::mismatched) {
            codes.push(ExitCode::LEDGER_MISMATCH);
        }
        if !self.pending().is_empty() {
            codes.push(ExitCode::CHECK_PENDING);
        }
        if self.drift.iter().any(|d| !d.comparison.is_equal()) {
            codes.push(ExitCode::CHECK_DRIFT);
        }
        if self.lint_failed() {
            codes.push(ExitCode::CHECK_LINT);
        }
        codes
    }

    fn exit_code(&self) -> i32 {
        self.exit_codes()
            .first()
            .copied()
            .unwrap_or(ExitCode::SUCCESS)
    }

    fn print(&self, ctx: &Context, args: &CheckArgs, head: Option<&str>) {
        let messages: Vec<(String, Option<String>)> =
            self.drift.iter().flat_map(Drift::messages).collect();
        let column_order: Vec<(&Drift, &_)> = self
            .drift
            .iter()
            .flat_map(|d| d.comparison.column_order.iter().map(move |o| (d, o)))
            .collect();
        if args.format == Format::Json {
            let doc = json!({
                "ok": self.exit_code() == ExitCode::SUCCESS,
                "exit_code": self.exit_code(),
                "exit_codes": self.exit_codes(),
                "mode": if self.offline() { "offline" } else { "live" },
                "head": head,
                "pending": self.pending(),
                "unknown_applied": self.unknown(),
                "changed_applied": self.changed().iter().map(|c| json!({
                    "migration": c.name,
                    "recorded_checksum": c.recorded,
                    "checksum": c.current,
                })).collect::<Vec<_>>(),
                "differences": messages.iter().map(|(what, help)| {
                    json!({ "message": what, "help": help })
                }).collect::<Vec<_>>(),
                "column_order": column_order.iter().map(|(d, o)| json!({
                    "table": o.table,
                    "actual": o.actual,
                    "expected": o.expected,
                    "message": o.message(&d.sides),
                })).collect::<Vec<_>>(),
                "lint": self.lint.as_ref().map(lint::Report::json),
            });
            println!("{doc:#}");
            return;
        }
        let s = ctx.styles;
        for c in self.changed() {
            println!(
                "{} {} was applied, then its `up.sql` changed (checksum {} in the ledger, {} now)",
                s.bad("changed:"),
                c.name,
                c.recorded,
                c.current
            );
        }
        for v in self.unknown() {
            println!(
                "{} {v} is applied but not in the migrations: the database is newer than these files",
                s.bad("unknown:")
            );
        }
        for v in self.pending() {
            println!("{} {v}", s.warn("pending:"));
        }
        for (what, help) in &messages {
            println!("{} {what}", s.bad("drift:"));
            if let Some(help) = help {
                println!("       help: {help}");
            }
        }
        if args.verbose {
            for (d, order) in &column_order {
                println!("{} {}", s.dim("info:"), order.message(&d.sides));
            }
        }
        if let Some(lint) = &self.lint {
            lint.print(s);
        }
        let head = head.unwrap_or("base");
        let codes = self.exit_codes();
        if codes.is_empty() {
            if self.offline() {
                println!("ok: the structs match the migrations (head {head})");
            } else {
                println!("ok: the database is at head ({head}) and matches the structs");
            }
        }
        for code in codes {
            match code {
                ExitCode::LEDGER_MISMATCH => println!(
                    "{} the ledger disagrees with these migrations ({} changed after it ran, {} unknown)\n\
                     help: restore the migration files as they were applied, or, after checking the \
                     database matches them, record them with `watcher-schema stamp`",
                    s.bad("failed:"),
                    self.changed().len(),
                    self.unknown().len(),
                ),
                ExitCode::CHECK_PENDING => {
                    let n = self.pending().len();
                    println!(
                        "{} {n} migration{} pending\nhelp: run `watcher-schema upgrade head`",
                        s.warn("failed:"),
                        if n == 1 { " is" } else { "s are" }
                    )
                }
                ExitCode::CHECK_DRIFT if self.offline() => println!(
                    "{} the structs differ from the migrations (head {head})",
                    s.bad("failed:")
                ),
                ExitCode::CHECK_DRIFT if self.pending().is_empty() => println!(
                    "{} the database differs from the structs although every migration is applied\n\
                     help: run `watcher-schema check --offline`: if the structs differ from the \
                     migrations, generate a migration; otherwise the database was changed by hand",
                    s.bad("failed:")
                ),
                ExitCode::CHECK_DRIFT if self.drift.len() > 1 => println!(
                    "{} beyond the pending migrations, the database or the structs differ from \
                     the migrations",
                    s.bad("failed:")
                ),
                ExitCode::CHECK_DRIFT => println!(
                    "{} the database differs from the structs (an unfinished or unverifiable \
                     migration may explain it)",
                    s.bad("failed:")
                ),
                // Lint's own summary line above says why.
                _ => {}
            }
        }
    }
}
