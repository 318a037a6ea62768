//! Online migration SQL → [`Step`]s (docs/ONLINE.md): `BEGIN; … COMMIT;` blocks, single
//! statements and `-- watcher:repeat` batches, each named by its `-- step:` comment.
//! The runner executes them one by one, and the `--sql` script writer prints them.
//!
//! Only files whose metadata says `run_in_transaction = false` are cut into steps; a
//! transactional migration is one transaction, whatever it contains.

use std::fmt;

use crate::replay::{split_statements, Lexer, Statement, TokenKind};

/// The comment that names the step it precedes: `-- step: backfill address.input_hash`.
pub const STEP_COMMENT: &str = "step:";

/// The comment that makes the next `UPDATE`/`DELETE` a [`StepKind::Repeat`] step.
pub const REPEAT_MARKER: &str = "watcher:repeat";

/// How the runner executes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// `BEGIN; … COMMIT;`: one transaction, the progress record inside it.
    Transaction,
    /// One statement in autocommit (`CREATE INDEX CONCURRENTLY` needs it), then the
    /// progress record.
    Single,
    /// One `UPDATE`/`DELETE`, run again and again, each run its own transaction, until it
    /// affects no row.
    Repeat,
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            StepKind::Transaction => "transaction",
            StepKind::Single => "single statement",
            StepKind::Repeat => "repeated batch",
        })
    }
}

/// One step of an online migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<'a> {
    /// How it runs.
    pub kind: StepKind,
    /// The text of its `-- step:` comment, if it has one.
    pub description: Option<&'a str>,
    /// 1-based line of its first statement (the `BEGIN` of a transaction).
    pub line: usize,
    /// Its statements; a transaction's without the `BEGIN` and `COMMIT`.
    pub statements: Vec<Statement<'a>>,
}

impl Step<'_> {
    /// What to call the step in logs and errors: its description, or else its first
    /// statement on one line, shortened.
    pub fn label(&self) -> String {
        if let Some(description) = self.description {
            return description.to_owned();
        }
        let first = self.statements.first().map_or("(empty)", |s| s.text);
        let words = first.split_whitespace().collect::<Vec<_>>().join(" ");
        match words.char_indices().nth(60) {
            Some((cut, _)) => format!("{}…", &words[..cut]),
            None => words,
        }
    }

    /// The index name of a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name` step,
    /// as written (quotes kept), so the runner can check `pg_index` before and after it.
    /// `None` for anything else, and for an unnamed index.
    pub fn concurrent_index(&self) -> Option<&str> {
        if self.kind != StepKind::Single {
            return None;
        }
        let sql = self.statements.first()?.text;
        let words = words(sql);
        let rest = strip(&words, "CREATE")?;
        let rest = strip(rest, "UNIQUE").unwrap_or(rest);
        let mut rest = strip(strip(rest, "INDEX")?, "CONCURRENTLY")?;
        if rest.len() >= 3 && rest[0].keyword("IF") && rest[1].keyword("NOT") {
            rest = &rest[3..];
        }
        match rest {
            [name, on, ..] if on.keyword("ON") && !name.keyword("ON") => Some(name.text),
            _ => None,
        }
    }

    /// The table a [`StepKind::Repeat`] step's `UPDATE`/`DELETE` works on, as written, for
    /// its progress estimate (`pg_class.reltuples`). `None` for other steps.
    pub fn repeat_table(&self) -> Option<&str> {
        if self.kind != StepKind::Repeat {
            return None;
        }
        let statement = self.statements.first()?;
        let words = words(statement.text);
        let mut rest = match words.as_slice() {
            [update, rest @ ..] if update.keyword("UPDATE") => rest,
            [delete, from, rest @ ..] if delete.keyword("DELETE") && from.keyword("FROM") => rest,
            _ => return None,
        };
        if rest.first().is_some_and(|w| w.keyword("ONLY")) {
            rest = &rest[1..];
        }
        let first = rest.first()?;
        // A qualified name `schema.table` is three tokens; hand back their span.
        let end = match rest {
            [_, dot, last, ..] if dot.text == "." => last.end,
            _ => first.end,
        };
        Some(&statement.text[first.start..end])
    }
}

/// A token of a statement, for the few key-word checks above.
struct Word<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    quoted: bool,
}

impl Word<'_> {
    fn keyword(&self, kw: &str) -> bool {
        !self.quoted && self.text.eq_ignore_ascii_case(kw)
    }
}

/// `words` without its first word, when that is the key word `kw`.
fn strip<'w, 'a>(words: &'w [Word<'a>], kw: &str) -> Option<&'w [Word<'a>]> {
    match words {
        [first, rest @ ..] if first.keyword(kw) => Some(rest),
        _ => None,
    }
}

fn words(sql: &str) -> Vec<Word<'_>> {
    Lexer::new(sql)
        .map_while(Result::ok)
        .map(|t| Word {
            text: &sql[t.start..t.end],
            start: t.start,
            end: t.end,
            quoted: t.kind == TokenKind::QuotedIdent,
        })
        .collect()
}

/// A file the runner cannot cut into steps; each names the line to look at and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    /// A `BEGIN` with no `COMMIT` after it.
    BeginWithoutCommit {
        /// Line of the `BEGIN`.
        line: usize,
    },
    /// A `COMMIT` with no `BEGIN` before it.
    CommitWithoutBegin {
        /// Line of the `COMMIT`.
        line: usize,
    },
    /// A `BEGIN` inside a transaction step.
    NestedBegin {
        /// Line of the second `BEGIN`.
        line: usize,
        /// Line of the `BEGIN` still open.
        open: usize,
    },
    /// `-- watcher:repeat` before a statement that is not an `UPDATE` or `DELETE`.
    RepeatNotDml {
        /// Line of the marker.
        line: usize,
        /// The statement's first word.
        found: String,
    },
    /// `-- watcher:repeat` inside `BEGIN; … COMMIT;`.
    RepeatInTransaction {
        /// Line of the marker.
        line: usize,
    },
    /// `-- watcher:repeat` with no statement after it.
    RepeatAtEnd {
        /// Line of the marker.
        line: usize,
    },
}

impl StepError {
    /// The 1-based line the error is about.
    pub fn line(&self) -> usize {
        match self {
            StepError::BeginWithoutCommit { line }
            | StepError::CommitWithoutBegin { line }
            | StepError::NestedBegin { line, .. }
            | StepError::RepeatNotDml { line, .. }
            | StepError::RepeatInTransaction { line }
            | StepError::RepeatAtEnd { line } => *line,
        }
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line();
        match self {
            StepError::BeginWithoutCommit { .. } => write!(
                f,
                "line {line}: `BEGIN` has no `COMMIT`: end the transaction step with `COMMIT;`"
            ),
            StepError::CommitWithoutBegin { .. } => write!(
                f,
                "line {line}: `COMMIT` without `BEGIN`: start the transaction step with \
                 `BEGIN;`, or remove the `COMMIT`"
            ),
            StepError::NestedBegin { open, .. } => write!(
                f,
                "line {line}: `BEGIN` inside the transaction opened on line {open}: add \
                 `COMMIT;` before it"
            ),
            StepError::RepeatNotDml { found, .. } => write!(
                f,
                "line {line}: `-- {REPEAT_MARKER}` must precede one `UPDATE` or `DELETE`, \
                 not `{found}`: remove the marker"
            ),
            StepError::RepeatInTransaction { .. } => write!(
                f,
                "line {line}: `-- {REPEAT_MARKER}` inside `BEGIN`/`COMMIT`: a repeated batch \
                 runs in transactions of its own; move it out of the transaction step"
            ),
            StepError::RepeatAtEnd { .. } => write!(
                f,
                "line {line}: `-- {REPEAT_MARKER}` is not followed by a statement: add the \
                 `UPDATE`/`DELETE` it repeats, or remove the marker"
            ),
        }
    }
}

impl std::error::Error for StepError {}

/// What the comments between two statements say.
#[derive(Default)]
struct Gap<'a> {
    description: Option<&'a str>,
    /// Line of a `-- watcher:repeat` marker.
    repeat: Option<usize>,
}

/// Reads the `-- step:` and `-- watcher:repeat` comments in `text`, which starts on
/// line `first_line`.
fn read_gap(text: &str, first_line: usize) -> Gap<'_> {
    let mut gap = Gap::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches(|c: char| c == ';' || c.is_whitespace());
        let Some(comment) = line.strip_prefix("--") else {
            continue;
        };
        let comment = comment.trim();
        if let Some(description) = comment.strip_prefix(STEP_COMMENT) {
            gap.description = Some(description.trim());
        } else if comment == REPEAT_MARKER {
            gap.repeat = Some(first_line + i);
        }
    }
    gap
}

/// Cuts an online migration into steps, in file order.
///
/// ```
/// use watcher_schema_core::steps::{split, StepKind};
///
/// let steps = split(
///     "ALTER TABLE t ADD COLUMN c int;\n\
///      -- step: backfill t.c\n\
///      -- watcher:repeat\n\
///      UPDATE t SET c = 1 WHERE ctid = ANY (ARRAY(SELECT ctid FROM t WHERE c IS NULL LIMIT 5000));\n\
///      CREATE INDEX CONCURRENTLY ix_t_c ON t (c);\n\
///      BEGIN;\n\
///      ALTER TABLE t ALTER COLUMN c SET NOT NULL;\n\
///      COMMIT;\n",
/// )?;
/// let kinds: Vec<StepKind> = steps.iter().map(|s| s.kind).collect();
/// assert_eq!(kinds, [StepKind::Single, StepKind::Repeat, StepKind::Single, StepKind::Transaction]);
/// assert_eq!(steps[1].label(), "backfill t.c");
/// assert_eq!(steps[2].concurrent_index(), Some("ix_t_c"));
/// # Ok::<(), watcher_schema_core::steps::StepError>(())
/// ```
pub fn split(sql: &str) -> Result<Vec<Step<'_>>, StepError> {
    let mut steps = Vec::new();
    // The transaction step being read: its step and the line of its `BEGIN`.
    let mut open: Option<(Step<'_>, usize)> = None;
    let mut previous_end = 0;
    let mut pending_repeat = None;
    for statement in split_statements(sql) {
        let gap_line = 1 + sql[..previous_end].matches('\n').count();
        let gap = read_gap(&sql[previous_end..statement.offset], gap_line);
        previous_end = statement.offset + statement.text.len();
        let first = words(statement.text);
        let keyword = |kw: &str| first.first().is_some_and(|w| w.keyword(kw));
        let is_begin = keyword("BEGIN")
            || (keyword("START") && first.get(1).is_some_and(|w| w.keyword("TRANSACTION")));
        let is_commit = keyword("COMMIT") || keyword("END");
        if let Some(marker) = gap.repeat {
            if open.is_some() {
                return Err(StepError::RepeatInTransaction { line: marker });
            }
            if !(keyword("UPDATE") || keyword("DELETE")) {
                return Err(StepError::RepeatNotDml {
                    line: marker,
                    found: first.first().map_or("", |w| w.text).to_owned(),
                });
            }
            pending_repeat = Some(marker);
        }
        match open.take() {
            Some((_, begun)) if is_begin => {
                return Err(StepError::NestedBegin {
                    line: statement.line,
                    open: begun,
                })
            }
            Some((step, _)) if is_commit => steps.push(step),
            Some((mut step, begun)) => {
                step.statements.push(statement);
                open = Some((step, begun));
            }
            None if is_commit => {
                return Err(StepError::CommitWithoutBegin {
                    line: statement.line,
                })
            }
            None if is_begin => {
                let step = Step {
                    kind: StepKind::Transaction,
                    description: gap.description,
                    line: statement.line,
                    statements: Vec::new(),
                };
                open = Some((step, statement.line));
            }
            None => steps.push(Step {
                kind: if pending_repeat.take().is_some() {
                    StepKind::Repeat
                } else {
                    StepKind::Single
                },
                description: gap.description,
                line: statement.line,
                statements: vec![statement],
            }),
        }
    }
    if let Some((_, line)) = open {
        return Err(StepError::BeginWithoutCommit { line });
    }
    let tail_line = 1 + sql[..previous_end].matches('\n').count();
    if let Some(line) = read_gap(&sql[previous_end..], tail_line).repeat {
        return Err(StepError::RepeatAtEnd { line });
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONLINE: &str = "\
-- add the column nullable
ALTER TABLE address ADD COLUMN input_hash text;

-- step: backfill address.input_hash
-- watcher:repeat
UPDATE address SET input_hash = md5(name)
 WHERE ctid = ANY (ARRAY(SELECT ctid FROM address WHERE input_hash IS NULL LIMIT 5000
                         FOR UPDATE SKIP LOCKED));

-- step: check address.input_hash is set, not yet validated
ALTER TABLE address ADD CONSTRAINT address_input_hash_not_null
    CHECK (input_hash IS NOT NULL) NOT VALID;

-- step: index address.input_hash
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Ix_Address\" ON address (input_hash);

-- step: set address.input_hash NOT NULL
BEGIN;
ALTER TABLE address ALTER COLUMN input_hash SET NOT NULL;
ALTER TABLE address DROP CONSTRAINT address_input_hash_not_null;
COMMIT;
";

    #[test]
    fn cuts_an_online_migration_into_its_steps() {
        let steps = split(ONLINE).unwrap();
        let summary: Vec<(StepKind, usize, usize, String)> = steps
            .iter()
            .map(|s| (s.kind, s.line, s.statements.len(), s.label()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    StepKind::Single,
                    2,
                    1,
                    "ALTER TABLE address ADD COLUMN input_hash text".to_owned()
                ),
                (StepKind::Repeat, 6, 1, "backfill address.input_hash".into()),
                (
                    StepKind::Single,
                    11,
                    1,
                    "check address.input_hash is set, not yet validated".into()
                ),
                (StepKind::Single, 15, 1, "index address.input_hash".into()),
                (
                    StepKind::Transaction,
                    18,
                    2,
                    "set address.input_hash NOT NULL".into()
                ),
            ]
        );
        assert_eq!(steps[1].repeat_table(), Some("address"));
        assert_eq!(steps[3].concurrent_index(), Some("\"Ix_Address\""));
        assert_eq!(steps[0].concurrent_index(), None);
        assert!(steps[4].statements[1]
            .text
            .starts_with("ALTER TABLE address DROP"));
    }

    #[test]
    fn reads_the_index_name_and_the_repeated_table_in_their_spellings() {
        let single = |sql| split(sql).unwrap().remove(0);
        assert_eq!(
            single("create index concurrently ix on t (c);").concurrent_index(),
            Some("ix")
        );
        assert_eq!(
            single("CREATE INDEX CONCURRENTLY ON t (c);").concurrent_index(),
            None,
            "an unnamed index cannot be looked up"
        );
        assert_eq!(single("CREATE INDEX ix ON t (c);").concurrent_index(), None);
        let repeat = |sql: &str| {
            let sql = format!("-- watcher:repeat\n{sql}");
            split(&sql).unwrap()[0].repeat_table().map(str::to_owned)
        };
        assert_eq!(
            repeat("DELETE FROM ONLY public.t WHERE false;").as_deref(),
            Some("public.t")
        );
        assert_eq!(
            repeat("UPDATE \"T\" SET c = 1 WHERE false;").as_deref(),
            Some("\"T\"")
        );
    }

    #[test]
    fn a_step_comment_names_only_the_step_after_it() {
        let steps = split("-- step: one\nSELECT 1;\nSELECT 2; -- step: three\nSELECT 3;").unwrap();
        let labels: Vec<String> = steps.iter().map(Step::label).collect();
        assert_eq!(labels, ["one", "SELECT 2", "three"]);
    }

    #[test]
    fn rejects_begin_without_commit() {
        assert_eq!(
            split("SELECT 1;\nBEGIN;\nSELECT 2;\n"),
            Err(StepError::BeginWithoutCommit { line: 2 })
        );
        let message = StepError::BeginWithoutCommit { line: 2 }.to_string();
        assert!(
            message.contains("line 2") && message.contains("COMMIT;"),
            "{message}"
        );
    }

    #[test]
    fn rejects_commit_without_begin_and_nested_begin() {
        assert_eq!(
            split("SELECT 1;\nCOMMIT;"),
            Err(StepError::CommitWithoutBegin { line: 2 })
        );
        assert_eq!(
            split("BEGIN;\nSELECT 1;\nBEGIN;\nCOMMIT;"),
            Err(StepError::NestedBegin { line: 3, open: 1 })
        );
    }

    #[test]
    fn rejects_a_repeat_marker_before_a_statement_that_is_not_dml() {
        let error = split("SELECT 1;\n-- watcher:repeat\nALTER TABLE t ADD c int;").unwrap_err();
        assert_eq!(
            error,
            StepError::RepeatNotDml {
                line: 2,
                found: "ALTER".into()
            }
        );
        assert!(error.to_string().starts_with("line 2: "), "{error}");
    }

    #[test]
    fn rejects_a_repeat_marker_in_a_transaction_or_at_the_end() {
        assert_eq!(
            split("BEGIN;\n-- watcher:repeat\nUPDATE t SET c = 1;\nCOMMIT;"),
            Err(StepError::RepeatInTransaction { line: 2 })
        );
        assert_eq!(
            split("UPDATE t SET c = 1;\n\n-- watcher:repeat\n"),
            Err(StepError::RepeatAtEnd { line: 3 })
        );
    }

    #[test]
    fn semicolons_in_strings_and_bodies_do_not_cut_steps() {
        let sql = "DO $$ BEGIN PERFORM 1; END $$;\nINSERT INTO t VALUES ('a;b');";
        let steps = split(sql).unwrap();
        assert_eq!(steps.len(), 2);
        assert!(steps.iter().all(|s| s.kind == StepKind::Single));
    }
}
