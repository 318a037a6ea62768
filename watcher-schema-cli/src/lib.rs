//! The `watcher-schema` command line: Alembic's commands over a watcher-schema migration chain.
//!
//! [`main`] parses the command line ([`args`]), runs one [`commands`] module, and maps its
//! error to a documented [`exit_codes`] value at the edge, with passwords scrubbed.
#![warn(missing_docs)]

pub mod args;
pub mod commands;
pub mod config;
pub mod db;
pub mod drift;
pub mod error;
pub mod exit_codes;
pub mod introspect;
pub mod output;
pub mod source;
pub mod url;

use clap::Parser;

use crate::args::Cli;
use crate::commands::Context;
use crate::output::Styles;

/// Runs `watcher-schema` with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` come here too, with exit code 0.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let errors = Styles::detect_stderr();
    let ctx = match Context::new(cli.global, Styles::detect()) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("{}", render_error(errors, &e.to_string()));
            return e.exit_code();
        }
    };
    match commands::run(cli.command, &ctx) {
        Ok(code) => code,
        Err(e) => {
            if let Some(report) = e.report() {
                eprint!("{report}");
            }
            eprintln!("{}", render_error(errors, &ctx.scrub(&e.to_string())));
            e.exit_code()
        }
    }
}

/// `error: message`, with `help:` lines indented under the message (as in the macro's
/// errors); other lines (rendered source reports) are printed as they are.
fn render_error(styles: Styles, message: &str) -> String {
    let indented = message.replace("\nhelp:", "\n       help:");
    format!("{} {indented}", styles.bad("error:"))
}
