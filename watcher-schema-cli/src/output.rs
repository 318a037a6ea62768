//! Terminal output: colours when stdout is a terminal and `NO_COLOR` is unset, plain text
//! otherwise, and the small formatting helpers every command shares.

use std::fmt::Display;
use std::io::IsTerminal;
use std::time::Duration;

/// Whether to colour output, decided once per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Styles {
    enabled: bool,
}

impl Styles {
    /// Colours for stdout: on a terminal unless `NO_COLOR` is set to anything non-empty
    /// (no-color.org).
    pub fn detect() -> Styles {
        Styles::when(std::io::stdout().is_terminal())
    }

    /// Colours for stderr, by the same rule.
    pub fn detect_stderr() -> Styles {
        Styles::when(std::io::stderr().is_terminal())
    }

    fn when(terminal: bool) -> Styles {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Styles {
            enabled: terminal && !no_color,
        }
    }

    /// No colours, whatever the terminal.
    pub fn plain() -> Styles {
        Styles { enabled: false }
    }

    fn paint(self, code: &str, text: impl Display) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Something that went well (an applied migration).
    pub fn good(self, text: impl Display) -> String {
        self.paint("32", text)
    }

    /// Something that needs attention (pending, warnings).
    pub fn warn(self, text: impl Display) -> String {
        self.paint("33", text)
    }

    /// Something wrong (errors, drift).
    pub fn bad(self, text: impl Display) -> String {
        self.paint("31", text)
    }

    /// A revision id or other name worth spotting.
    pub fn bold(self, text: impl Display) -> String {
        self.paint("1", text)
    }

    /// Secondary detail.
    pub fn dim(self, text: impl Display) -> String {
        self.paint("2", text)
    }
}

/// A duration the way the per-migration lines print it: `12ms`, `1.52s`.
pub fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_styles_add_no_escapes() {
        assert_eq!(Styles::plain().bad("x"), "x");
        assert_eq!(Styles { enabled: true }.bad("x"), "\x1b[31mx\x1b[0m");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_millis(12)), "12ms");
        assert_eq!(duration(Duration::from_millis(1520)), "1.52s");
    }
}
