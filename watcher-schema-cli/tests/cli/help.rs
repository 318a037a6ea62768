//! `--help` is pinned by a stored file: it is the command's user-facing documentation.

use std::path::Path;

use crate::support::Project;

fn check_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {} ({e}); run with BLESS=1", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from line {} (rerun with BLESS=1 and review the diff)\n\
             --- expected\n{expected}\n--- actual\n{actual}",
            path.display(),
            line + 1
        );
    }
}

#[test]
fn help_matches_snapshot() {
    let run = Project::new().run(&["--help"]);
    run.ok();
    check_snapshot("help.txt", &run.stdout);
}

#[test]
fn subcommand_help_matches_snapshots() {
    let project = Project::new();
    for command in [
        "current",
        "history",
        "heads",
        "show",
        "upgrade",
        "downgrade",
        "check",
        "revision",
        "merge",
        "squash",
        "stamp",
        "diagram",
    ] {
        let run = project.run(&[command, "--help"]);
        run.ok();
        check_snapshot(&format!("help-{command}.txt"), &run.stdout);
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    Project::new()
        .run(&["upgrade", "--bogus"])
        .code(2)
        .stderr_has("unexpected argument '--bogus'");
}

#[test]
fn help_lists_exit_codes() {
    Project::new()
        .run(&["--help"])
        .ok()
        .stdout_has("Exit codes:")
        .stdout_has("22  authentication failed");
}

#[test]
fn readme_documents_the_same_exit_codes() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(watcher_schema_cli::exit_codes::HELP),
        "README.md's exit code table differs from exit_codes::HELP:\n{}",
        watcher_schema_cli::exit_codes::HELP
    );
}
