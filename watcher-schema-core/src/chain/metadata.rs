//! `metadata.toml`: a strict reader and the writer for the TOML subset watcher-schema writes.
//! Hands the chain reader each migration's parent and `run_in_transaction` flag.
//!
//! Diesel reads the same file (`migrations_internals::TomlMetadata`): it takes
//! `run_in_transaction` (serde default `false` when the key is absent, `true` when the file is
//! absent or unparsable) and ignores every other key, so `down_revision` does not disturb it.

use super::version::parse_version;

/// File name of the metadata inside a migration directory.
pub(crate) const FILE_NAME: &str = "metadata.toml";

const RUN_IN_TRANSACTION: &str = "run_in_transaction";
const DOWN_REVISION: &str = "down_revision";

/// What a `metadata.toml` says. `None` where a key is absent.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Metadata {
    pub run_in_transaction: Option<bool>,
    pub down_revision: Option<String>,
}

/// A line the reader does not accept: 1-based line number and what is wrong with it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct LineError {
    pub line: usize,
    pub message: String,
}

/// Renders the metadata of a migration; the root has no `parent`.
pub(crate) fn render(parent: Option<&str>, run_in_transaction: bool) -> String {
    let mut text = String::from(
        "# written by watcher-schema; `down_revision` links the chain like Alembic's\n",
    );
    text.push_str(&format!("{RUN_IN_TRANSACTION} = {run_in_transaction}\n"));
    if let Some(parent) = parent {
        text.push_str(&format!("{DOWN_REVISION} = \"{parent}\"\n"));
    }
    text
}

/// Reads `text`, reporting every line it does not accept.
///
/// Accepted: blank lines, `#` comments, and `key = value` with an optional trailing comment,
/// where the key is `run_in_transaction` (`true`/`false`) or `down_revision` (a quoted
/// version). Anything else (tables, other keys, escapes, repeated keys) is an error: the file
/// is ours, so a surprise in it is a mistake worth stopping for.
pub(crate) fn parse(text: &str) -> Result<Metadata, Vec<LineError>> {
    let mut metadata = Metadata::default();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if let Err(message) = parse_line(raw, &mut metadata) {
            errors.push(LineError { line, message });
        }
    }
    if errors.is_empty() {
        Ok(metadata)
    } else {
        Err(errors)
    }
}

fn parse_line(raw: &str, metadata: &mut Metadata) -> Result<(), String> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(());
    }
    if line.starts_with('[') {
        return Err(format!(
            "tables are not supported, found `{line}`; write `{RUN_IN_TRANSACTION} = true` \
             and `{DOWN_REVISION} = \"<version>\"` at the top level"
        ));
    }
    let Some((key, value)) = line.split_once('=') else {
        return Err(format!("expected `key = value`, found `{line}`"));
    };
    let (key, value) = (key.trim(), strip_comment(value.trim())?);
    match key {
        RUN_IN_TRANSACTION => {
            let flag = match value {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(format!(
                        "`{RUN_IN_TRANSACTION}` must be `true` or `false`, found `{value}`"
                    ))
                }
            };
            set_once(&mut metadata.run_in_transaction, key, flag)
        }
        DOWN_REVISION => {
            let Some(version) = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .filter(|v| !v.contains(['"', '\\']))
            else {
                return Err(format!(
                    "`{DOWN_REVISION}` must be a quoted version such as \
                     `\"20251005124405\"`, found `{value}`"
                ));
            };
            parse_version(version).map_err(|reason| format!("`{DOWN_REVISION}`: {reason}"))?;
            set_once(&mut metadata.down_revision, key, version.to_string())
        }
        _ => Err(format!(
            "unknown key `{key}`; metadata.toml takes only `{RUN_IN_TRANSACTION}` and \
             `{DOWN_REVISION}`"
        )),
    }
}

/// `"x" # note` → `"x"`. Values never contain `#` inside quotes (versions are digits), so
/// a `#` always starts a comment; a quote after it is still rejected by the value check.
fn strip_comment(value: &str) -> Result<&str, String> {
    let value = value.split_once('#').map_or(value, |(v, _)| v).trim();
    if value.is_empty() {
        Err("expected a value after `=`".to_string())
    } else {
        Ok(value)
    }
}

fn set_once<T>(slot: &mut Option<T>, key: &str, value: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("`{key}` is set twice; keep one"));
    }
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes() {
        let child = render(Some("20251005124405"), true);
        assert_eq!(
            parse(&child),
            Ok(Metadata {
                run_in_transaction: Some(true),
                down_revision: Some("20251005124405".into()),
            })
        );
        let root = render(None, false);
        assert!(!root.lines().any(|l| l.starts_with(DOWN_REVISION)));
        assert_eq!(
            parse(&root),
            Ok(Metadata {
                run_in_transaction: Some(false),
                down_revision: None,
            })
        );
    }

    #[test]
    fn accepts_comments_blank_lines_and_crlf() {
        let text = "\r\n# note\r\n  run_in_transaction=true   # trailing\r\n\r\n\
                    down_revision = \"20251005124405\"\r\n";
        let metadata = parse(text).unwrap();
        assert_eq!(metadata.run_in_transaction, Some(true));
        assert_eq!(metadata.down_revision.as_deref(), Some("20251005124405"));
    }

    #[test]
    fn reports_every_bad_line_with_its_number() {
        let text = "run_in_transaction = yes\n\
                    [diesel]\n\
                    down_revision = 20251005124405\n\
                    colour = \"blue\"\n\
                    just words\n\
                    down_revision = \"2025\"\n\
                    run_in_transaction =\n";
        let errors = parse(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7]);
        assert!(errors[0]
            .message
            .contains("must be `true` or `false`, found `yes`"));
        assert!(errors[1].message.contains("tables are not supported"));
        assert!(errors[2].message.contains("must be a quoted version"));
        assert!(errors[3].message.contains("unknown key `colour`"));
        assert!(errors[4].message.contains("expected `key = value`"));
        assert!(errors[5].message.contains("exactly 14 digits"));
        assert!(errors[6].message.contains("expected a value after `=`"));
    }

    #[test]
    fn rejects_a_repeated_key_and_escapes() {
        let errors = parse("run_in_transaction = true\nrun_in_transaction = false\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("set twice"));
        assert!(parse("down_revision = \"2025100512\\u0034405\"").is_err());
    }

    #[test]
    fn reports_absent_keys_as_none() {
        assert_eq!(parse("# nothing\n"), Ok(Metadata::default()));
    }
}
