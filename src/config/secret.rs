//! Settings that hold secrets. The server reads the real value (`expose`); everything that
//! shows a setting — `Debug`, `Display`, and the serialisation `linli config print` writes —
//! shows it redacted, so no log line, panic message or printed configuration carries a
//! password. How much is hidden depends on the secret: a key is hidden whole, a database
//! URL only its password (an operator still reads which server and database it names).

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What replaces a secret, or the secret part of a value.
pub const HIDDEN: &str = "***";

/// How a kind of secret is shown.
pub trait Redact {
    fn redact(value: &str) -> String;
}

/// A value shown as `***`, whatever it is (a key, a token).
#[derive(Debug)]
pub enum Whole {}

impl Redact for Whole {
    fn redact(_: &str) -> String {
        HIDDEN.to_string()
    }
}

/// A URL shown without its password: the one between `user:` and `@`, and any `password=`
/// or `sslpassword=` in its query.
#[derive(Debug)]
pub enum UrlPassword {}

impl Redact for UrlPassword {
    fn redact(url: &str) -> String {
        let Some(start) = url.find("://").map(|s| s + 3) else {
            return url.to_string();
        };
        let (head, query) = match url[start..].find('?') {
            Some(q) => url.split_at(start + q),
            None => (url, ""),
        };
        // The user information ends at the last `@` (a password may hold a raw `/`).
        let head = match head[start..].rfind('@').map(|at| start + at) {
            Some(at) => match head[start..at].find(':').map(|c| start + c) {
                Some(colon) => format!("{}{HIDDEN}{}", &head[..=colon], &head[at..]),
                None => head.to_string(),
            },
            None => head.to_string(),
        };
        head + &redact_query(query)
    }
}

/// `?sslmode=require&password=x` → `?sslmode=require&password=***`.
fn redact_query(query: &str) -> String {
    let Some(params) = query.strip_prefix('?') else {
        return query.to_string();
    };
    let params: Vec<String> = params
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _))
                if k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("sslpassword") =>
            {
                format!("{k}={HIDDEN}")
            }
            _ => p.to_string(),
        })
        .collect();
    format!("?{}", params.join("&"))
}

/// A secret setting: the real value for the server, the redacted one for everyone else.
pub struct Secret<R: Redact = Whole> {
    value: String,
    shown: PhantomData<fn() -> R>,
}

/// The database URL: shown without its password.
pub type DatabaseUrl = Secret<UrlPassword>;

impl<R: Redact> Secret<R> {
    pub fn new(value: impl Into<String>) -> Self {
        Secret {
            value: value.into(),
            shown: PhantomData,
        }
    }

    /// The real value, for the code that uses it (connecting, signing). Never log it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The value as it may be shown.
    pub fn redacted(&self) -> String {
        R::redact(&self.value)
    }
}

impl<R: Redact> Clone for Secret<R> {
    fn clone(&self) -> Self {
        Secret::new(self.value.clone())
    }
}

impl<R: Redact> PartialEq for Secret<R> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<R: Redact> From<String> for Secret<R> {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl<R: Redact> From<&str> for Secret<R> {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl<R: Redact> fmt::Debug for Secret<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl<R: Redact> fmt::Display for Secret<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Serialised redacted: what is serialised is printed or sent somewhere.
impl<R: Redact> Serialize for Secret<R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

impl<'de, R: Redact> Deserialize<'de> for Secret<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(url: &str) -> String {
        DatabaseUrl::from(url).to_string()
    }

    #[test]
    fn a_database_url_is_shown_without_its_password() {
        assert_eq!(
            shown("postgres://linli:s3cret@db.internal:5432/linli"),
            "postgres://linli:***@db.internal:5432/linli"
        );
        assert_eq!(shown("postgres://u:pa/ss@h/db"), "postgres://u:***@h/db");
        assert_eq!(shown("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            shown("postgres://u@h/db?sslmode=require&password=s3cret"),
            "postgres://u@h/db?sslmode=require&password=***"
        );
        assert_eq!(shown("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(shown("sqlite://linli.db"), "sqlite://linli.db");
        assert_eq!(
            shown("sqlite:///home/a@b/linli.db"),
            "sqlite:///home/a@b/linli.db"
        );
    }

    #[test]
    fn debug_and_serialisation_hide_it_and_the_server_still_reads_it() {
        let url = DatabaseUrl::from("postgres://u:s3cret@h/db");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(!serde_json::to_string(&url).unwrap().contains("s3cret"));
        assert_eq!(url.expose(), "postgres://u:s3cret@h/db");
        let key: Secret = Secret::new("k-123");
        assert_eq!(
            (format!("{key:?}"), key.to_string()),
            ("\"***\"".into(), "***".into())
        );
        assert_eq!(key.expose(), "k-123");
    }
}
