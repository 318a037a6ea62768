//! `check`: for CI and alerting. Live: fails when migrations are pending or the database
//! (catalog → model) differs from the structs. `--offline`: when the structs differ from
//! the chain's head. Differences print one per line, by name. `--lint` is its own report
//! (the `lint` module).

use serde_json::json;

use super::{Context, LedgerState, Migrations};
use crate::args::{CheckArgs, Format};
use watcher_schema_core::diag::drift::{compare_schema, Head};

use crate::drift::{differences, live_schema, Sides};
use crate::error::CliError;
use crate::exit_codes::ExitCode;
use crate::source::Sources;

pub(super) fn run(ctx: &Context, args: &CheckArgs) -> Result<i32, CliError> {
    if args.lint {
        return super::lint::run(ctx, args);
    }
    let project = ctx.project(args.schema_src.as_deref())?;
    let migrations = Migrations::load(&project)?;
    let desired = Sources::read(&project.schema_src)?.schema()?;
    let head = migrations.chain.head().map(|m| m.version.clone());
    let report = if args.offline {
        // The very comparison the macro makes at compile time, in the macro's words.
        let model = migrations.chain.schema_at_head()?;
        let differences = compare_schema(&model, &desired)
            .iter()
            .map(|d| Difference::from_message(&d.message(Head(head.as_deref()))))
            .collect();
        Report {
            offline: true,
            differences,
            pending: Vec::new(),
            unknown: Vec::new(),
        }
    } else {
        let mut conn = ctx.connect()?;
        let state = LedgerState::read(&migrations, &mut conn)?;
        let live = live_schema(&mut conn)?;
        let sides = Sides {
            from: "the database",
            to: "the structs",
        };
        Report {
            offline: false,
            differences: differences(&live, &desired, sides)
                .iter()
                .map(|d| Difference::from_message(d))
                .collect(),
            pending: state.pending,
            unknown: state.unknown,
        }
    };
    report.print(ctx, args.format, head.as_deref());
    Ok(report.exit_code())
}

/// One difference: what differs, and the fix when the catalogue gives one.
struct Difference {
    what: String,
    help: Option<String>,
}

impl Difference {
    /// Splits a catalogue message at its `help:` line.
    fn from_message(message: &str) -> Difference {
        match message.split_once("\nhelp: ") {
            Some((what, help)) => Difference {
                what: what.to_string(),
                help: Some(help.to_string()),
            },
            None => Difference {
                what: message.to_string(),
                help: None,
            },
        }
    }
}

struct Report {
    offline: bool,
    differences: Vec<Difference>,
    pending: Vec<String>,
    unknown: Vec<String>,
}

impl Report {
    /// A ledger this binary cannot trust beats pending migrations, which explain drift.
    fn exit_code(&self) -> i32 {
        if !self.unknown.is_empty() {
            ExitCode::LEDGER_MISMATCH
        } else if !self.pending.is_empty() {
            ExitCode::CHECK_PENDING
        } else if !self.differences.is_empty() {
            ExitCode::CHECK_DRIFT
        } else {
            ExitCode::SUCCESS
        }
    }

    fn print(&self, ctx: &Context, format: Format, head: Option<&str>) {
        if format == Format::Json {
            let doc = json!({
                "ok": self.exit_code() == ExitCode::SUCCESS,
                "mode": if self.offline { "offline" } else { "live" },
                "head": head,
                "pending": self.pending,
                "unknown_applied": self.unknown,
                "differences": self
                    .differences
                    .iter()
                    .map(|d| json!({ "message": d.what, "help": d.help }))
                    .collect::<Vec<_>>(),
            });
            println!("{doc:#}");
            return;
        }
        let s = ctx.styles;
        let head = head.unwrap_or("base");
        for v in &self.unknown {
            println!(
                "{} {v} is applied but not in the migrations: the database is newer than these files",
                s.bad("unknown:")
            );
        }
        for v in &self.pending {
            println!("{} {v}", s.warn("pending:"));
        }
        for d in &self.differences {
            println!("{} {}", s.bad("drift:"), d.what);
            if let Some(help) = &d.help {
                println!("       help: {help}");
            }
        }
        match self.exit_code() {
            ExitCode::SUCCESS if self.offline => {
                println!("ok: the structs match the migrations (head {head})")
            }
            ExitCode::SUCCESS => {
                println!("ok: the database is at head ({head}) and matches the structs")
            }
            ExitCode::CHECK_PENDING => println!(
                "{} {} migration{} pending\nhelp: run `watcher-schema upgrade head`",
                s.warn("failed:"),
                self.pending.len(),
                if self.pending.len() == 1 {
                    " is"
                } else {
                    "s are"
                }
            ),
            ExitCode::CHECK_DRIFT if self.offline => println!(
                "{} the structs differ from the migrations (head {head})",
                s.bad("failed:")
            ),
            ExitCode::CHECK_DRIFT => println!(
                "{} the database differs from the structs although every migration is applied\n\
                 help: run `watcher-schema check --offline`: if the structs differ from the \
                 migrations, generate a migration; otherwise the database was changed by hand",
                s.bad("failed:")
            ),
            _ => println!(
                "{} the ledger lists migrations these files do not have",
                s.bad("failed:")
            ),
        }
    }
}
