//! `check --lint`'s section of the report: the chain's risky statements (core's `lint`), one
//! finding per paragraph with why and the safer form. Errors fail `check` (exit 5); warnings
//! fail it only with `--strict`.

use serde_json::{json, Value};
use watcher_schema_core::chain::Chain;
use watcher_schema_core::lint::{lint_chain, Finding, Severity};

use crate::error::CliError;
use crate::exit_codes::ExitCode;
use crate::output::Styles;

/// Lints `chain` (the migrations only: no database, no struct sources).
pub(super) fn read(chain: &Chain, strict: bool) -> Result<Report, CliError> {
    Ok(Report {
        findings: lint_chain(chain)?,
        migrations: chain.len(),
        strict,
    })
}

/// A finding as the terminal shows it: the core's text, its severity coloured.
pub(crate) fn render(finding: &Finding, styles: Styles) -> String {
    let label = format!("{}[{}]", finding.severity, finding.rule);
    let label = match finding.severity {
        Severity::Error => styles.bad(label),
        Severity::Warning => styles.warn(label),
    };
    format!(
        "{}:{}:{}: {label}: {}\n  {} {}\n  {} {}",
        finding.path,
        finding.line,
        finding.column,
        finding.message,
        styles.dim("why:"),
        finding.why,
        styles.dim("help:"),
        finding.safer
    )
}

pub(super) struct Report {
    findings: Vec<Finding>,
    migrations: usize,
    strict: bool,
}

impl Report {
    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub(super) fn exit_code(&self) -> i32 {
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        if errors > 0 || (self.strict && warnings > 0) {
            ExitCode::CHECK_LINT
        } else {
            ExitCode::SUCCESS
        }
    }

    /// The section of `check --format json`.
    pub(super) fn json(&self) -> Value {
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        json!({
            "ok": self.exit_code() == ExitCode::SUCCESS,
            "strict": self.strict,
            "migrations": self.migrations,
            "errors": errors,
            "warnings": warnings,
            "findings": self.findings.iter().map(|f| json!({
                "rule": f.rule,
                "severity": f.severity.as_str(),
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "why": f.why,
                "help": f.safer,
            })).collect::<Vec<_>>(),
        })
    }

    /// Every finding, then one line that sums them up.
    pub(super) fn print(&self, s: Styles) {
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        for finding in &self.findings {
            println!("{}\n", render(finding, s));
        }
        let in_chain = format!(
            "in {} migration{}",
            self.migrations,
            plural(self.migrations)
        );
        let warnings_text = format!("{warnings} warning{}", plural(warnings));
        if errors > 0 {
            println!(
                "{} {errors} error{} and {warnings_text} {in_chain}",
                s.bad("failed:"),
                plural(errors)
            );
        } else if warnings > 0 && self.strict {
            println!("{} {warnings_text} {in_chain} (--strict)", s.bad("failed:"));
        } else if warnings > 0 {
            println!(
                "ok: no errors, {warnings_text} {in_chain}\n\
                 help: review each warning; once reviewed, silence it with \
                 `-- watcher-schema: allow <rule>` on the line above its statement"
            );
        } else {
            println!("ok: no risky statements {in_chain}");
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_rendering_is_the_cores_text() {
        let finding = Finding {
            rule: "renaming",
            severity: Severity::Warning,
            path: "migrations/20250101000000_x/up.sql".into(),
            line: 3,
            column: 7,
            message: "renaming table `a` to `b` breaks code that still uses `a`".into(),
            why: "why".into(),
            safer: "safer".into(),
        };
        assert_eq!(render(&finding, Styles::plain()), finding.to_string());
    }

    #[test]
    fn errors_fail_and_warnings_fail_only_when_strict() {
        let finding = |severity| Finding {
            rule: "r",
            severity,
            path: String::new(),
            line: 1,
            column: 1,
            message: String::new(),
            why: String::new(),
            safer: String::new(),
        };
        let report = |severity, strict| Report {
            findings: vec![finding(severity)],
            migrations: 1,
            strict,
        };
        assert_eq!(
            report(Severity::Warning, false).exit_code(),
            ExitCode::SUCCESS
        );
        assert_eq!(
            report(Severity::Warning, true).exit_code(),
            ExitCode::CHECK_LINT
        );
        assert_eq!(
            report(Severity::Error, false).exit_code(),
            ExitCode::CHECK_LINT
        );
    }
}
