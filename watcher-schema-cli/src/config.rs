//! Command line → where things are: the migrations directory, the struct sources and the
//! database URL (flag, `DATABASE_URL`, `.env`), with the URL's password kept out of all output.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// The migrations directory name looked for when `--dir` is not given.
pub const MIGRATIONS_DIR: &str = "migrations";

/// The struct sources read by autogenerate and `check`, relative to the project root.
pub const SCHEMA_SRC: &str = "watcher-schema/src";

/// The environment variable (and `.env` key) holding the database URL.
pub const DATABASE_URL_VAR: &str = "DATABASE_URL";

/// Where the project lives on disk.
#[derive(Debug, Clone)]
pub struct Project {
    /// The migrations directory.
    pub migrations: PathBuf,
    /// The directory holding the `#[watcher_table]` struct sources.
    pub schema_src: PathBuf,
}

impl Project {
    /// Resolves the migrations directory (`--dir`, else the nearest `migrations/` in the
    /// current directory or a parent) and the struct sources (`--schema-src`, else
    /// `watcher-schema/src` beside the migrations directory).
    pub fn locate(
        cwd: &Path,
        dir: Option<&Path>,
        schema_src: Option<&Path>,
    ) -> Result<Project, CliError> {
        let migrations = match dir {
            Some(dir) => cwd.join(dir),
            None => cwd
                .ancestors()
                .map(|a| a.join(MIGRATIONS_DIR))
                .find(|m| m.is_dir())
                .ok_or_else(|| CliError::NoMigrationsDir {
                    start: cwd.to_path_buf(),
                })?,
        };
        let root = migrations.parent().unwrap_or(cwd);
        let schema_src = match schema_src {
            Some(src) => cwd.join(src),
            None => root.join(SCHEMA_SRC),
        };
        // Paths under the current directory print relative to it, as rustc's do.
        let relative = |p: PathBuf| match p.strip_prefix(cwd) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
            _ => p,
        };
        Ok(Project {
            migrations: relative(migrations),
            schema_src: relative(schema_src),
        })
    }
}

pub use crate::url::UrlSource;

/// A database URL (or libpq key/value string) whose password never reaches output:
/// `Display` prints it redacted; only [`DatabaseUrl::expose`] gives the real text.
#[derive(Clone)]
pub struct DatabaseUrl {
    raw: String,
    source: UrlSource,
}

impl DatabaseUrl {
    /// Wraps `raw`, read from `source`.
    pub fn new(raw: impl Into<String>, source: UrlSource) -> DatabaseUrl {
        DatabaseUrl {
            raw: raw.into(),
            source,
        }
    }

    /// Resolves the URL: `--database-url`, else `DATABASE_URL`, else `DATABASE_URL` in
    /// `<cwd>/.env`. `Ok(None)` when none is set; a `.env` that exists but cannot be read
    /// is an error.
    pub fn resolve(
        flag: Option<&str>,
        env: Option<String>,
        cwd: &Path,
    ) -> Result<Option<DatabaseUrl>, CliError> {
        if let Some(url) = flag {
            return Ok(Some(DatabaseUrl::new(url, UrlSource::Flag)));
        }
        if let Some(url) = env.filter(|u| !u.is_empty()) {
            return Ok(Some(DatabaseUrl::new(url, UrlSource::Env)));
        }
        let path = cwd.join(".env");
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CliError::Io { path, source }),
        };
        Ok(dotenv_value(&text, DATABASE_URL_VAR)
            .map(|url| DatabaseUrl::new(url, UrlSource::DotEnv)))
    }

    /// The URL with its password: for handing to a database client, never for printing.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    /// Where the URL came from.
    pub fn source(&self) -> UrlSource {
        self.source
    }

    /// The password, if the URL carries one.
    pub fn password(&self) -> Option<String> {
        password_span(&self.raw).map(|(start, end)| self.raw[start..end].to_string())
    }

    /// The URL without its password, and the password (percent-decoded when it was in a
    /// URL): for a child process, which gets the password in `PGPASSWORD` so that it never
    /// shows on a command line.
    pub fn split_password(&self) -> (String, Option<String>) {
        let Some((start, end)) = password_span(&self.raw) else {
            return (self.raw.clone(), None);
        };
        let password = &self.raw[start..end];
        let is_url = self.raw.contains("://");
        let before = &self.raw[..start];
        let after = &self.raw[end..];
        let stripped = if let Some(prefix) = before.strip_suffix("password=") {
            // A parameter: drop it with the separator after it, or before it when last.
            match after.strip_prefix(['&', ' ']) {
                Some(rest) => format!("{prefix}{rest}"),
                None => {
                    let prefix = prefix.strip_suffix(['&', '?', ' ']).unwrap_or(prefix);
                    format!("{prefix}{after}")
                }
            }
        } else {
            // `user:password@`: drop `:password`.
            format!("{}{after}", before.strip_suffix(':').unwrap_or(before))
        };
        let password = if is_url {
            percent_decode(password)
        } else {
            password.to_string()
        };
        (stripped, Some(password))
    }

    /// Replaces every occurrence of the password in `text` (a driver's error message, say)
    /// with `***`, so no message can leak it.
    pub fn scrub(&self, text: &str) -> String {
        match self.password() {
            // Very short passwords would blank out ordinary words; the URL itself is
            // always redacted structurally by `Display`.
            Some(pw) if pw.len() >= 3 => text.replace(&pw, "***"),
            _ => text.to_string(),
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match password_span(&self.raw) {
            Some((start, end)) => write!(f, "{}***{}", &self.raw[..start], &self.raw[end..]),
            None => f.write_str(&self.raw),
        }
    }
}

/// Debug output is redacted too, so `{:?}` in a log line is safe.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// `%40` → `@`; malformed escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Byte range of the password in a `postgres://user:pw@host/db` URL (or its
/// `?password=` parameter) or in a libpq `key=value` string.
fn password_span(raw: &str) -> Option<(usize, usize)> {
    if let Some(scheme_end) = raw.find("://") {
        let rest_start = scheme_end + 3;
        let rest = &raw[rest_start..];
        let query = rest.find('?').unwrap_or(rest.len());
        // The userinfo ends at the last `@` before the query; a host never contains `@`.
        if let Some(at) = rest[..query].rfind('@') {
            if let Some(colon) = rest[..at].find(':') {
                return Some((rest_start + colon + 1, rest_start + at));
            }
        }
        return param_span(raw, rest_start + query, &['?', '&']);
    }
    param_span(raw, 0, &[' '])
}

/// The value of a `password=` parameter in `raw[from..]`, parameters separated by one of
/// `seps` (`?`/`&` in a URL's query, spaces in a libpq key/value string).
fn param_span(raw: &str, from: usize, seps: &[char]) -> Option<(usize, usize)> {
    let mut offset = from;
    for part in raw[from..].split(seps) {
        if let Some(value) = part.strip_prefix("password=").filter(|v| !v.is_empty()) {
            let end = offset + part.len();
            return Some((end - value.len(), end));
        }
        // Every separator is one byte.
        offset += part.len() + 1;
    }
    None
}

/// The value of `key` in a `.env` file: `KEY=value` lines, optional `export `, `#`
/// comments, single- or double-quoted values. The last assignment wins, as in a shell.
pub fn dotenv_value(text: &str, key: &str) -> Option<String> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        if line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim() != key {
            continue;
        }
        let v = v.trim();
        let value = match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or_default().to_string(),
            _ => v
                .split(" #")
                .next()
                .unwrap_or_default()
                .trim_end()
                .to_string(),
        };
        found = Some(value);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(raw: &str) -> String {
        DatabaseUrl::new(raw, UrlSource::Flag).to_string()
    }

    #[test]
    fn redacts_url_passwords() {
        assert_eq!(
            shown("postgres://watcher:s3cret@db:5432/watcher"),
            "postgres://watcher:***@db:5432/watcher"
        );
        assert_eq!(
            shown("postgresql://u:p%40ss@host/db?sslmode=require"),
            "postgresql://u:***@host/db?sslmode=require"
        );
        assert_eq!(
            shown("postgres://u@host/db?sslmode=disable&password=hunter2"),
            "postgres://u@host/db?sslmode=disable&password=***"
        );
        assert_eq!(shown("postgres://u@host/db"), "postgres://u@host/db");
    }

    #[test]
    fn redacts_key_value_passwords() {
        assert_eq!(
            shown("host=db user=watcher password=s3cret dbname=w"),
            "host=db user=watcher password=*** dbname=w"
        );
        assert_eq!(shown("host=db dbname=w"), "host=db dbname=w");
    }

    #[test]
    fn scrubs_password_from_messages() {
        let url = DatabaseUrl::new("postgres://u:hunter2@h/d", UrlSource::Env);
        assert_eq!(url.scrub("bad hunter2 here"), "bad *** here");
        assert_eq!(format!("{url:?}"), "DatabaseUrl(postgres://u:***@h/d)");
    }

    #[test]
    fn splits_the_password_off_for_child_processes() {
        let split = |raw: &str| DatabaseUrl::new(raw, UrlSource::Flag).split_password();
        assert_eq!(
            split("postgres://u:p%40ss@h:5432/d"),
            (
                "postgres://u@h:5432/d".to_string(),
                Some("p@ss".to_string())
            )
        );
        assert_eq!(
            split("postgres://u@h/d?password=x&sslmode=disable"),
            (
                "postgres://u@h/d?sslmode=disable".to_string(),
                Some("x".to_string())
            )
        );
        assert_eq!(
            split("postgres://u@h/d?sslmode=disable&password=x"),
            (
                "postgres://u@h/d?sslmode=disable".to_string(),
                Some("x".to_string())
            )
        );
        assert_eq!(
            split("host=h password=x dbname=d"),
            ("host=h dbname=d".to_string(), Some("x".to_string()))
        );
        assert_eq!(
            split("postgres://u@h/d"),
            ("postgres://u@h/d".to_string(), None)
        );
    }

    #[test]
    fn reads_dotenv_values() {
        let text = "# comment\nOTHER=1\nexport DATABASE_URL=\"postgres://a:b@c/d\"\n";
        assert_eq!(
            dotenv_value(text, "DATABASE_URL").as_deref(),
            Some("postgres://a:b@c/d")
        );
        assert_eq!(
            dotenv_value(
                "DATABASE_URL=x # trailing\nDATABASE_URL='y'",
                "DATABASE_URL"
            )
            .as_deref(),
            Some("y")
        );
        assert_eq!(dotenv_value("DATABASE_URLX=1", "DATABASE_URL"), None);
    }

    #[test]
    fn flag_beats_env_beats_dotenv() {
        let dir = std::env::temp_dir();
        let url = DatabaseUrl::resolve(Some("f"), Some("e".into()), &dir).unwrap();
        assert_eq!(url.map(|u| u.source()), Some(UrlSource::Flag));
        let url = DatabaseUrl::resolve(None, Some("e".into()), &dir).unwrap();
        assert_eq!(url.map(|u| u.source()), Some(UrlSource::Env));
    }
}
