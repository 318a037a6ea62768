// The user's guide, docs only (`docs/*.md`): one page per part of the attribute grammar,
// each ending with an example that runs as a doc test and the migration generated from it.
#![doc = include_str!("docs/guide.md")]
#![doc = generated_sql!("first_schema")]
#![doc = include_str!("docs/generated.md")]

/// The `up.sql` that `doc-fixtures/generate.sh` wrote for the example named `$fixture`,
/// as a SQL block: included, so the page always shows what the example compiles against.
macro_rules! generated_sql {
    ($fixture:literal) => {
        concat!(
            "\n\n`doc-fixtures/",
            $fixture,
            "`, generated from it by `watcher-schema revision --autogenerate`:\n\n```sql\n",
            include_str!(concat!(
                "../doc-fixtures/",
                $fixture,
                "/20250101000000_initial/up.sql"
            )),
            "```\n"
        )
    };
}
use generated_sql;

#[doc = include_str!("docs/columns.md")]
#[doc = generated_sql!("columns")]
pub mod columns {}

#[doc = include_str!("docs/keys.md")]
#[doc = generated_sql!("keys")]
pub mod keys {}

#[doc = include_str!("docs/enums.md")]
#[doc = generated_sql!("enums")]
pub mod enums {}

#[doc = include_str!("docs/foreign_keys.md")]
#[doc = generated_sql!("foreign_keys")]
pub mod foreign_keys {}

#[doc = include_str!("docs/indexes.md")]
#[doc = generated_sql!("indexes")]
pub mod indexes {}

#[doc = include_str!("docs/drift.md")]
pub mod drift {}

#[doc = include_str!("docs/boot.md")]
pub mod boot {}

#[doc = include_str!("docs/diagram.md")]
#[doc = concat!("\n```mermaid\n", include_str!("docs/diagram.mmd"), "```\n")]
pub mod diagram {}

#[doc = include_str!("docs/adding_a_table.md")]
#[doc = concat!(
    "\n```text\n",
    include_str!("../../tests/fixtures/second-crate/build.rs"),
    "```\n"
)]
#[doc = include_str!("docs/adding_a_table_2.md")]
#[doc = concat!(
    "\n`up.sql`:\n\n```sql\n",
    include_str!("../../tests/fixtures/second-crate/migrations/20250302000000_create_table_note_tag/up.sql"),
    "```\n\n`down.sql`:\n\n```sql\n",
    include_str!("../../tests/fixtures/second-crate/migrations/20250302000000_create_table_note_tag/down.sql"),
    "```\n"
)]
#[doc = include_str!("docs/adding_a_table_3.md")]
pub mod adding_a_table {}

#[doc = include_str!("docs/large_schemas.md")]
pub mod large_schemas {}

#[doc = include_str!("docs/evolving.md")]
pub mod evolving {}
