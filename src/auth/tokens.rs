//! Bearer tokens: 32 random bytes shown once; only their SHA-256 is stored. Every token
//! expires; its owner (or an admin) can list and revoke it by its id.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::clock::{MINUTE, Millis};
use crate::db::{DbResult, Exec, Q};
use crate::error::Error;
use crate::state::AppState;

use super::model::{TokenInfo, TokenKind};
use super::{Actor, store};

pub const PREFIX: &str = "ll_";

/// How often a token's "last seen" is written at most (it is read on every request).
pub const SEEN_EVERY: i64 = MINUTE;

/// A new token: (what the client keeps, what we store).
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = digest(&token);
    (token, hash)
}

pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Stores a token for the user, lasting until `expires_at`; returns the token itself.
pub async fn issue(
    ex: &mut impl Exec,
    user_id: i64,
    kind: TokenKind,
    label: &str,
    now: Millis,
    expires_at: Millis,
) -> DbResult<String> {
    Ok(issue_with_id(ex, user_id, kind, label, now, expires_at)
        .await?
        .0)
}

/// As [`issue`], also giving the new token's id.
pub async fn issue_with_id(
    ex: &mut impl Exec,
    user_id: i64,
    kind: TokenKind,
    label: &str,
    now: Millis,
    expires_at: Millis,
) -> DbResult<(String, i64)> {
    let (token, hash) = generate();
    let id = Q::new(
        "INSERT INTO tokens (user_id, token_hash, kind, label, created_at, expires_at, \
         last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(hash)
    .bind(kind.as_str())
    .bind(label)
    .bind(now)
    .bind(expires_at)
    .insert_id(ex)
    .await?;
    Ok((token, id))
}

/// Ends the token at once (logout).
pub async fn revoke(ex: &mut impl Exec, token: &str, now: Millis) -> DbResult<u64> {
    Q::new("UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(digest(token))
        .execute(ex)
        .await
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    kind: String,
    label: String,
    created_at: Millis,
    expires_at: Millis,
    last_seen_at: Millis,
}

impl TokenRow {
    fn parse(self) -> crate::error::Result<TokenInfo> {
        Ok(TokenInfo {
            id: self.id,
            user_id: self.user_id,
            kind: TokenKind::parse(&self.kind)?,
            label: self.label,
            created_at: self.created_at,
            expires_at: self.expires_at,
            last_seen_at: self.last_seen_at,
        })
    }
}

const LIVE: &str = "SELECT id, user_id, kind, label, created_at, expires_at, \
    COALESCE(last_seen_at, created_at) AS last_seen_at FROM tokens \
    WHERE revoked_at IS NULL AND expires_at > $1";

/// The live tokens of a user, newest first: at most `limit`, with ids below `before`.
pub async fn live_of_user(
    ex: &mut impl Exec,
    user_id: i64,
    now: Millis,
    before: i64,
    limit: i64,
) -> crate::error::Result<Vec<TokenInfo>> {
    let rows: Vec<TokenRow> = Q::new(format!(
        "{LIVE} AND user_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4"
    ))
    .bind(now)
    .bind(user_id)
    .bind(before)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(TokenRow::parse).collect()
}

/// A live token by its id.
pub async fn find_live(
    ex: &mut impl Exec,
    id: i64,
    now: Millis,
) -> crate::error::Result<Option<TokenInfo>> {
    let row: Option<TokenRow> = Q::new(format!("{LIVE} AND id = $2"))
        .bind(now)
        .bind(id)
        .fetch_optional(ex)
        .await?;
    row.map(TokenRow::parse).transpose()
}

/// Ends the token with this id at once.
pub async fn revoke_id(ex: &mut impl Exec, id: i64, now: Millis) -> DbResult<u64> {
    Q::new("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
}

/// Records that the token was used now.
pub async fn touch(ex: &mut impl Exec, id: i64, now: Millis) -> DbResult<u64> {
    Q::new("UPDATE tokens SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
}

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The caller of an API request: one query (the account with its links, and the token).
/// When the token was last seen more than [`SEEN_EVERY`] ago, that is written too: at
/// most one write a minute per token, however busy it is.
impl FromRequestParts<AppState> for Actor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Actor, Error> {
        let token = bearer(&parts.headers).ok_or_else(Error::unauthorized)?;
        let now = state.clock.now();
        let caller = {
            let mut c = state.db.conn().await?;
            store::caller_for_token(&mut c, &digest(token), now)
                .await?
                .ok_or_else(Error::unauthorized)?
        };
        if now - caller.last_seen_at > SEEN_EVERY {
            let seen = async {
                let mut tx = state.db.begin().await?;
                touch(&mut tx, caller.token_id, now).await?;
                tx.commit().await
            };
            if let Err(e) = seen.await {
                tracing::warn!(error = %e, "could not record token activity");
            }
        }
        Ok(caller.actor)
    }
}
