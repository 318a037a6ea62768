//! `diagram`: the real head schema drawn in Mermaid (checked against its documented
//! `erDiagram` grammar) and DOT (parsed by Graphviz's `dot`), one migration's changes
//! marked, and the guide's copy of the head diagram kept current.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use watcher_schema_core::chain::Chain;
use watcher_schema_core::testing::check_mermaid_er;

use crate::support::{workspace, Project};

/// The head diagram the guide embeds (`watcher_schema::guide::diagram`).
const GUIDE_DIAGRAM: &str = "watcher-schema/src/docs/diagram.mmd";

#[test]
fn the_head_diagram_is_valid_mermaid_with_every_table_and_enum() {
    let p = Project::real();
    let run = p.run(&["diagram"]);
    run.ok();
    check_mermaid_er(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout));
    let head = Chain::load(&p.migrations())
        .and_then(|c| c.schema_at_head())
        .expect("the real chain replays");
    for table in head.tables.keys() {
        run.stdout_has(&format!("\n    {table} {{\n"));
    }
    for name in head.enums.keys() {
        run.stdout_has(&format!("\n    {name} {{\n        enum labels "));
    }
    run.stdout_has("    pipeline_type ||--o{ pipeline : \"pipeline_type_id\"\n");
}

#[test]
fn the_head_diagram_in_dot_is_read_by_graphviz() {
    let run = Project::real().run(&["diagram", "--format", "dot"]);
    run.ok();
    let mut dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run Graphviz's `dot` ({e}): install it (`apt-get install graphviz`)")
        });
    dot.stdin
        .take()
        .expect("dot's stdin")
        .write_all(run.stdout.as_bytes())
        .expect("write the diagram to dot");
    let out = dot.wait_with_output().expect("dot finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "dot rejected the diagram: {stderr}\n{}",
        run.stdout
    );
    assert!(stderr.trim().is_empty(), "dot warned: {stderr}");
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("pipeline_execution"), "the tables are drawn");
}

#[test]
fn changes_marks_what_one_migration_adds_and_drops() {
    // 20251019142513 replaces address.deprecated with address.address_metadata.
    let p = Project::real();
    let run = p.run(&["diagram", "--changes", "20251019142513"]);
    run.ok()
        .stdout_has("        jsonb address_metadata \"nullable, added\"\n")
        .stdout_has("        boolean deprecated \"dropped\"\n")
        .stdout_has("    class address changed\n");
    check_mermaid_er(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout));

    let dot = p.run(&["diagram", "--changes", "20251019142513", "--format", "dot"]);
    dot.ok().stdout_has("<S>deprecated boolean</S>");
    dot.stdout_has("address_metadata jsonb <I>nullable</I>");

    // A revision before it has neither column change; base has no table.
    let seed = p.run(&["diagram", "20251005124405"]);
    seed.ok();
    assert!(!seed.stdout.contains("address_metadata"), "{}", seed.stdout);
    p.run(&["diagram", "base"]).ok();
    assert_eq!(p.run(&["diagram", "base"]).stdout, "erDiagram\n");
}

#[test]
fn changes_of_base_and_an_unknown_revision_are_refused() {
    let p = Project::real();
    p.run(&["diagram", "--changes", "base"])
        .code(14)
        .stderr_has("`--changes` draws what one migration changes; name a migration");
    p.run(&["diagram", "19990101000000"])
        .code(10)
        .stderr_has("unknown revision `19990101000000`");
}

#[test]
fn the_guide_embeds_the_current_head_diagram() {
    let run = Project::real().run(&["diagram"]);
    run.ok();
    let path = workspace().join(GUIDE_DIAGRAM);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &run.stdout).expect("write the guide's diagram");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == run.stdout,
        "{} is not the head schema's diagram: a migration changed the schema.\n\
         help: refresh it with `cargo run -p watcher-schema-cli -- diagram > {GUIDE_DIAGRAM}` \
         (or `BLESS=1 cargo test -p watcher-schema-cli --test cli diagram`) and commit it\n\
         --- committed\n{committed}\n--- head\n{}",
        Path::new(GUIDE_DIAGRAM).display(),
        run.stdout
    );
}
