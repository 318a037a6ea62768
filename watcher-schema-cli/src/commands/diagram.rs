//! `diagram [REV] [--changes REV]`: the schema at a revision as an entity-relationship
//! diagram (core's `diagram`), or what one migration changes, marked, for review.

use watcher_schema_core::diagram::{self, Format};
use watcher_schema_core::model::Schema;
use watcher_schema_runner::RunError;

use super::{Context, Migrations};
use crate::args::{DiagramArgs, DiagramFormat};
use crate::error::CliError;

pub(super) fn run(ctx: &Context, args: &DiagramArgs) -> Result<(), CliError> {
    let migrations = Migrations::load(&ctx.project(None)?)?;
    let format = match args.format {
        DiagramFormat::Mermaid => Format::Mermaid,
        DiagramFormat::Dot => Format::Dot,
    };
    let text = match &args.changes {
        Some(rev) => {
            let version = resolve(&migrations, rev)?.ok_or_else(|| {
                CliError::Run(RunError::Target {
                    target: rev.clone(),
                    reason: "`--changes` draws what one migration changes; name a migration \
                             (`watcher-schema history` lists them)"
                        .into(),
                })
            })?;
            let chain = &migrations.chain;
            let parent = chain.find(&version).and_then(|m| m.parent.clone());
            let before = match parent {
                Some(parent) => chain.schema_at(&parent)?,
                None => Schema::default(),
            };
            diagram::render_changes(&before, &chain.schema_at(&version)?, format)
        }
        None => {
            let schema = match resolve(&migrations, &args.revision)? {
                Some(version) => migrations.chain.schema_at(&version)?,
                None => Schema::default(),
            };
            diagram::render(&schema, format)
        }
    };
    print!("{text}");
    Ok(())
}

/// `head`, `base` (`None`) or a revision id or unique prefix of one. `head` of an empty
/// chain is base.
fn resolve(migrations: &Migrations, rev: &str) -> Result<Option<String>, CliError> {
    match rev {
        "head" => Ok(migrations.chain.head().map(|m| m.version.clone())),
        "base" => Ok(None),
        rev => migrations.resolve_version(rev).map(Some),
    }
}
