//! `--backup DIR`: a `pg_dump` of the database before `upgrade`/`downgrade` touches it, with
//! the password handed over in `PGPASSWORD`, never on `pg_dump`'s command line.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use watcher_schema_core::chain::format_version;

use super::Context;
use crate::error::CliError;

/// Dumps the database (custom format, for `pg_restore`) into
/// `dir/backup-<utc time>-before-<verb>.dump` and returns that path.
pub fn pg_dump(ctx: &Context, dir: &Path, verb: &str) -> Result<PathBuf, CliError> {
    let url = ctx.database_url()?;
    fs::create_dir_all(dir).map_err(|source| CliError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let file = dir.join(format!(
        "backup-{}-before-{verb}.dump",
        format_version(SystemTime::now())
    ));
    let (dbname, password) = url.split_password();
    let mut cmd = Command::new("pg_dump");
    cmd.arg("--format=custom")
        .arg("--file")
        .arg(&file)
        .arg("--dbname")
        .arg(&dbname);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    let failed = |message: String| CliError::Backup {
        file: file.clone(),
        message: url.scrub(&message),
    };
    let out = cmd.output().map_err(|e| {
        failed(format!(
            "cannot run `pg_dump`: {e}\nhelp: install the PostgreSQL client tools, or drop `--backup`"
        ))
    })?;
    if !out.status.success() {
        let _ = fs::remove_file(&file);
        return Err(failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    println!("{} {}", ctx.styles.good("backup"), file.display());
    Ok(file)
}
