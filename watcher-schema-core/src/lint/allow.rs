//! Lint's `-- watcher-schema: allow <rule>` comments: which rules a statement may break.
//! Hands the filter that drops silenced findings, and the names that are no rule.

use super::messages;
use super::rules::Pending;
use super::{find_rule, rule, RULES};

/// What follows `--` in an allow comment.
const MARKER: &str = "watcher-schema:";

/// The allow comments of one file.
pub(super) struct Allows<'a> {
    lines: Vec<&'a str>,
}

/// A rule name in an allow comment that names no rule, and where it is.
pub(super) struct Unknown<'a> {
    name: &'a str,
    /// 1-based line and column of the name.
    line: usize,
    column: usize,
}

impl<'a> Allows<'a> {
    pub(super) fn read(sql: &'a str) -> Allows<'a> {
        Allows {
            lines: sql.lines().collect(),
        }
    }

    /// Whether the comment lines right above `statement_line` (1-based) allow `rule`.
    pub(super) fn allows(&self, statement_line: usize, rule: &str) -> bool {
        self.lines[..statement_line.saturating_sub(1).min(self.lines.len())]
            .iter()
            .rev()
            .map_while(|line| line.trim_start().strip_prefix("--"))
            .filter_map(allowed_names)
            .any(|names| names.map(|(_, name)| name).any(|name| name == rule))
    }

    /// Every name in an allow comment of the file that is not a rule.
    pub(super) fn unknown(&self) -> impl Iterator<Item = Unknown<'a>> + '_ {
        self.lines.iter().enumerate().flat_map(|(index, line)| {
            let indent = line.len() - line.trim_start().len();
            line.trim_start()
                .strip_prefix("--")
                .and_then(allowed_names)
                .into_iter()
                .flatten()
                .filter(|(_, name)| find_rule(name).is_none())
                .map(move |(offset, name)| Unknown {
                    name,
                    line: index + 1,
                    // `offset` counts bytes after the `--`; columns count characters.
                    column: line[..indent + 2 + offset].chars().count() + 1,
                })
        })
    }
}

/// The names an allow comment lists, each with its byte offset in `comment` (the text after
/// `--`); `None` for any other comment.
fn allowed_names(comment: &str) -> Option<impl Iterator<Item = (usize, &str)>> {
    let rest = comment.trim_start().strip_prefix(MARKER)?.trim_start();
    let list = rest
        .strip_prefix("allow")
        .filter(|list| list.is_empty() || list.starts_with(char::is_whitespace))?;
    let names = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|name| !name.is_empty())
        // Each name is a slice of `comment`: its offset is the distance between them.
        .map(move |name| (name.as_ptr() as usize - comment.as_ptr() as usize, name));
    Some(names)
}

impl Unknown<'_> {
    pub(super) fn into_finding(self, path: &str) -> super::Finding {
        let known: Vec<&str> = RULES
            .iter()
            .map(|r| r.name)
            .filter(|n| *n != rule::UNKNOWN_RULE)
            .collect();
        Pending {
            text: messages::unknown_rule(self.name, &known),
            line: self.line,
            column: self.column,
            statement_line: self.line,
            blocking: false,
            dropped_key: None,
        }
        .into_finding(path, false)
    }
}
