//! Where a database URL came from: a leaf that both the configuration (which finds the URL)
//! and the errors (which name its origin) use.

use std::fmt;

/// Where the database URL came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlSource {
    /// `--database-url`.
    Flag,
    /// The `DATABASE_URL` environment variable.
    Env,
    /// `DATABASE_URL` in `./.env`.
    DotEnv,
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlSource::Flag => "--database-url",
            UrlSource::Env => "DATABASE_URL",
            UrlSource::DotEnv => "DATABASE_URL in .env",
        })
    }
}
