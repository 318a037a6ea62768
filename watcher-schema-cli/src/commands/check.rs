//! `check`: for CI and alerting, everything that can be wrong in one run, each with its exit
//! code. Live: applied migrations changed or unknown here (24), pending migrations (3), and
//! the database (catalog → model) against the structs (4). `--offline`: the structs against
//! the chain's head (4). `--lint`, in either mode: the chain's risky statements (5). When
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
    let (sides, actual, ledger) = if args.offline {
        // The very comparison the macro makes at compile time, in the macro's words.
        let model = migrations.chain.schema_at_head()?;
        (Sides::migrations(head.as_deref()), model, None)
    } else {
        let mut conn = ctx.connect()?;
        let state = LedgerState::read(&migrations, &mut conn)?;
        let live = live_schema(&mut conn)?;
        (Sides::database(), live, Some(state))
    };
    let comparison = compare(&actual, &desired, &Expected::Structs);
    let report = Report {
        sides,
        comparison,
        ledger,
        lint,
    };
    report.print(ctx, args, head.as_deref());
    Ok(report.exit_code())
}

struct Report {
    sides: Sides,
    comparison: Comparison,
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
        if !self.comparison.is_equal() {
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
        let messages = self.comparison.messages(&self.sides);
        let split = |message: &String| match message.split_once("\nhelp: ") {
            Some((what, help)) => (what.to_string(), Some(help.to_string())),
            None => (message.clone(), None),
        };
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
                "differences": messages.iter().map(split).map(|(what, help)| {
                    json!({ "message": what, "help": help })
                }).collect::<Vec<_>>(),
                "column_order": self.comparison.column_order.iter().map(|o| json!({
                    "table": o.table,
                    "actual": o.actual,
                    "expected": o.expected,
                    "message": o.message(&self.sides),
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
        for (what, help) in messages.iter().map(split) {
            println!("{} {what}", s.bad("drift:"));
            if let Some(help) = help {
                println!("       help: {help}");
            }
        }
        if args.verbose {
            for order in &self.comparison.column_order {
                println!("{} {}", s.dim("info:"), order.message(&self.sides));
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
                ExitCode::CHECK_DRIFT => println!(
                    "{} the database differs from the structs (pending migrations may explain it)",
                    s.bad("failed:")
                ),
                // Lint's own summary line above says why.
                _ => {}
            }
        }
    }
}
