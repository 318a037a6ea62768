//! Struct source files → parsed `syn` files, and `syn::Error`s → rustc-style text with
//! file:line:column and the offending line underlined (the way cxx's gen reports errors).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use watcher_schema_core::diff::Hints;
use watcher_schema_core::model::Schema;
use watcher_schema_core::structs::Definitions;

use crate::error::CliError;

/// One `.rs` file of the struct sources, parsed.
pub struct SourceFile {
    /// Its path, as given (for messages).
    pub path: PathBuf,
    /// Its text (for underlining errors).
    pub text: String,
    /// Its syntax tree.
    pub syntax: syn::File,
    /// proc-macro2's name for the parsed text (`<parsed string N>`): how a span is traced
    /// back to its file. `None` for a file without tokens, where no span can point.
    label: Option<String>,
}

/// Every struct source file, parsed; errors anywhere in them render against the right file.
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Reads and parses every `.rs` file under `dir`, in path order so output is stable.
    /// Syntax errors in all files are reported together.
    pub fn read(dir: &Path) -> Result<Sources, CliError> {
        if !dir.is_dir() {
            return Err(CliError::NoSchemaSources {
                path: dir.to_path_buf(),
            });
        }
        let mut paths = Vec::new();
        collect_rs(dir, &mut paths)?;
        paths.sort();
        let mut files = Vec::new();
        let (mut report, mut count) = (String::new(), 0);
        for path in paths {
            let text = fs::read_to_string(&path).map_err(|source| CliError::Io {
                path: path.clone(),
                source,
            })?;
            match syn::parse_file(&text) {
                Ok(syntax) => {
                    let label = first_span(&syntax).map(|span| span.file());
                    files.push(SourceFile {
                        path,
                        text,
                        syntax,
                        label,
                    });
                }
                Err(e) => {
                    count += 1;
                    report.push_str(&render_in(Some((&path, &text)), e));
                }
            }
        }
        if count == 0 {
            Ok(Sources { files })
        } else {
            Err(CliError::InvalidSource { report, count })
        }
    }

    /// The parsed files, in path order.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Renders every error folded into `err` against the file its span points into.
    pub fn render(&self, err: syn::Error) -> String {
        let mut out = String::new();
        for e in err {
            let label = e.span().file();
            let file = self
                .files
                .iter()
                .find(|f| f.label.as_deref() == Some(label.as_str()))
                .map(|f| (f.path.as_path(), f.text.as_str()));
            out.push_str(&render_in(file, e));
        }
        out
    }
}

fn first_span(file: &syn::File) -> Option<proc_macro2::Span> {
    use quote::ToTokens;
    file.to_token_stream()
        .into_iter()
        .next()
        .map(|token| token.span())
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Every error folded into `err`, as
///
/// ```text
/// error: unknown key `primry_key`
///   --> watcher-schema/src/pipeline.rs:12:15
///    |
/// 12 |     #[watcher(primry_key)]
///    |               ^^^^^^^^^^
/// ```
///
/// `file` is where the spans point; without it only the messages are printed.
fn render_in(file: Option<(&Path, &str)>, err: syn::Error) -> String {
    let mut out = String::new();
    for e in err {
        let message = e.to_string();
        let (first, rest) = message.split_once('\n').unwrap_or((&message, ""));
        let _ = writeln!(out, "error: {first}");
        if let Some((path, text)) = file {
            underline(&mut out, path, text, e.span());
        }
        for help in rest.lines() {
            let _ = writeln!(out, "   = {}", help.trim_start());
        }
        out.push('\n');
    }
    out
}

/// The location line and the source line with the span underlined.
fn underline(out: &mut String, path: &Path, text: &str, span: proc_macro2::Span) {
    let (start, end) = (span.start(), span.end());
    let _ = writeln!(
        out,
        "  --> {}:{}:{}",
        path.display(),
        start.line,
        start.column + 1
    );
    let Some(line) = text.lines().nth(start.line.saturating_sub(1)) else {
        return;
    };
    let number = start.line.to_string();
    let pad = " ".repeat(number.len());
    // A span over several lines is underlined to the end of its first.
    let width = if end.line == start.line {
        end.column.saturating_sub(start.column).max(1)
    } else {
        line.chars().count().saturating_sub(start.column).max(1)
    };
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{number} | {line}");
    let _ = writeln!(
        out,
        "{pad} | {}{}",
        " ".repeat(start.column),
        "^".repeat(width)
    );
}

impl Sources {
    /// The schema the `#[watcher_table]`/`#[watcher_enum]` items declare, parsed and checked
    /// by the macro's own parser; every error in every file is reported at once.
    pub fn schema(&self) -> Result<Schema, CliError> {
        Ok(self.definitions()?.schema())
    }

    /// The schema, and the generator hints the history keys (`backfill`, `renamed_from`,
    /// `allow_destructive(...)`) add to `hints` from the command line.
    pub fn schema_and_hints(&self, hints: Hints) -> Result<(Schema, Hints), CliError> {
        let defs = self.definitions()?;
        Ok((defs.schema(), defs.hints(hints)))
    }

    fn definitions(&self) -> Result<Definitions<'_>, CliError> {
        Definitions::from_files(self.files.iter().map(|f| &f.syntax)).map_err(|e| {
            CliError::InvalidSource {
                count: e.clone().into_iter().count(),
                report: self.render(e),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlines_the_spanned_token() {
        let text = "struct A {\n    id: i32 i64,\n}\n";
        let err = syn::parse_file(text).err().unwrap();
        let shown = render_in(Some((Path::new("src/a.rs"), text)), err);
        assert_eq!(
            shown,
            "error: expected `,`\n  --> src/a.rs:2:13\n  |\n2 |     id: i32 i64,\n  |             ^^^\n\n"
        );
    }

    #[test]
    fn help_lines_follow_the_location() {
        let text = "fn f() {}\n";
        let file = syn::parse_file(text).unwrap();
        let err = syn::Error::new_spanned(&file.items[0], "bad item\nhelp: remove it");
        let shown = render_in(Some((Path::new("x.rs"), text)), err);
        assert!(
            shown.starts_with("error: bad item\n  --> x.rs:1:1\n"),
            "{shown}"
        );
        assert!(shown.ends_with("   = help: remove it\n\n"), "{shown}");
    }
}
