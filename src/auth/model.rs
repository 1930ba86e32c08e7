//! The words of signing in and of tokens: where an attempt comes from, what a token is
//! for, and a token as its owner may see it (never the token itself, nor its hash).

use std::net::{IpAddr, Ipv6Addr};

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use crate::clock::Millis;
use crate::error::{Error, Result};

use super::Actor;

/// Where a sign-in comes from, as the lockout counts it and an account remembers it: an
/// IPv4 address; an IPv6 network of /64 (a home or a phone is given a whole /64 and picks
/// its addresses in it at will); or `unknown` when the server cannot tell (no connection
/// information: tests, or a server embedded without it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address(String);

impl Address {
    pub fn of(ip: Option<IpAddr>) -> Address {
        Address(match ip.map(crate::config::canonical) {
            None => "unknown".to_string(),
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A username and the password given with it, and the code of the second factor when the
/// caller gives it at once (the API; the login page asks for it on a second step).
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// Six digits from the authenticator app, or a recovery code.
    pub code: Option<&'a str>,
}

/// What a token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// Issued by `POST /api/v1/login`; lasts `session_hours`.
    Session,
    /// Issued by `linli admin issue-token` for a program; lasts `api_token_days` or `--days`.
    Api,
    /// A page session (the cookie); lasts `session_hours`, ends when idle.
    Web,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
            TokenKind::Web => "web",
        }
    }

    /// A kind as stored (the table's CHECK allows these three only).
    pub fn parse(s: &str) -> Result<TokenKind> {
        match s {
            "session" => Ok(TokenKind::Session),
            "api" => Ok(TokenKind::Api),
            "web" => Ok(TokenKind::Web),
            other => Err(Error::internal(format!("a token of kind {other:?}"))),
        }
    }
}

/// Signed in: the token to send back, until when it lasts, and who it is.
pub struct SignedIn {
    pub token: String,
    pub expires_at: Millis,
    pub actor: Actor,
}

/// What the login page's first step gives: a session, or a sign-in that waits for the
/// code of its second factor (the token goes into a short-lived cookie).
pub enum PageSignIn {
    Session(SignedIn),
    NeedsCode {
        challenge: String,
        expires_at: Millis,
    },
}

/// A live token, as its owner (or an admin) sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    /// The account it signs in as.
    pub user_id: i64,
    pub kind: TokenKind,
    /// What it is for (`login`, `page`, or what `issue-token --label` said).
    pub label: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub expires_at: Millis,
    /// When it was last used (to the minute).
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub last_seen_at: Millis,
}

/// One page of tokens, newest first. Pass `next_cursor` back as `cursor` for the next
/// page; it is null on the last one.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPage {
    pub items: Vec<TokenInfo>,
    pub next_cursor: Option<i64>,
}

/// Timestamps go out as RFC 3339 in China Standard Time.
fn as_rfc3339<S: Serializer>(ms: &Millis, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&crate::clock::rfc3339(*ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> String {
        Address::of(Some(s.parse().unwrap())).to_string()
    }

    #[test]
    fn an_address_is_an_ipv4_address_or_an_ipv6_network() {
        assert_eq!(at("203.0.113.7"), "203.0.113.7");
        assert_eq!(at("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(at("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(at("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(Address::of(None).as_str(), "unknown");
    }
}
