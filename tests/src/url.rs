//! `postgres://` URLs: the one given in `DATABASE_URL`, re-pointed at each test database.
//! Hands [`Server`](crate::Server) a URL per database name, and a password-free form for messages.

use crate::HarnessError;

/// A `postgres://user:password@host:port/database?options` URL, split so that the database
/// can be swapped while the credentials, host and options stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnUrl {
    /// `postgres://user:password@host:port`.
    authority: String,
    /// The database named in the URL, if any.
    database: Option<String>,
    /// `?options`, with its `?`, or empty.
    query: String,
}

impl ConnUrl {
    /// Parses `url`, which must use the `postgres` or `postgresql` scheme and name a host.
    pub(crate) fn parse(url: &str) -> Result<ConnUrl, HarnessError> {
        let bad = |reason| HarnessError::BadUrl {
            url: redact(url),
            reason,
        };
        let rest = url
            .strip_prefix("postgres://")
            .or_else(|| url.strip_prefix("postgresql://"))
            .ok_or_else(|| bad("it does not start with postgres:// or postgresql://"))?;
        let (before_query, query) = match rest.find('?') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host_part, database) = match before_query.find('/') {
            Some(i) => (&before_query[..i], Some(&before_query[i + 1..])),
            None => (before_query, None),
        };
        let host = host_part.rsplit('@').next().unwrap_or(host_part);
        if host.is_empty() {
            return Err(bad("it names no host"));
        }
        let scheme_len = url.len() - rest.len();
        Ok(ConnUrl {
            authority: url[..scheme_len + host_part.len()].to_string(),
            database: database.filter(|d| !d.is_empty()).map(str::to_string),
            query: query.to_string(),
        })
    }

    /// The database the URL names, if any.
    pub(crate) fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// The same server, user and options, connected to `database` (a plain identifier).
    pub(crate) fn with_database(&self, database: &str) -> String {
        format!("{}/{database}{}", self.authority, self.query)
    }
}

/// `url` with any password replaced by `***`, for messages.
pub(crate) fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?'])
        .map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    match authority[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &authority[..colon],
            &url[scheme_end + at..]
        ),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_the_database_and_keeps_the_rest() {
        let url = ConnUrl::parse("postgres://u:p@db.local:5433/app?sslmode=disable").unwrap();
        assert_eq!(url.database(), Some("app"));
        assert_eq!(
            url.with_database("t1"),
            "postgres://u:p@db.local:5433/t1?sslmode=disable"
        );
        let bare = ConnUrl::parse("postgresql://localhost").unwrap();
        assert_eq!(bare.database(), None);
        assert_eq!(bare.with_database("t2"), "postgresql://localhost/t2");
    }

    #[test]
    fn rejects_what_is_not_a_postgres_url() {
        let err = ConnUrl::parse("mysql://root:secret@localhost/app").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("DATABASE_URL `mysql://root:***@localhost/app` is not usable: it does not start with postgres://"),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
        let err = ConnUrl::parse("postgres:///app").unwrap_err();
        assert!(err.to_string().contains("it names no host"), "{err}");
    }

    #[test]
    fn redacts_only_the_password() {
        assert_eq!(redact("postgres://u:p@ss@h:1/d"), "postgres://u:***@h:1/d");
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(redact("postgres://h/d"), "postgres://h/d");
    }
}
