//! Bearer tokens: 32 random bytes shown once; only their SHA-256 is stored.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::Error;
use crate::state::AppState;

use super::{Actor, store};

pub const PREFIX: &str = "ll_";

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

/// Stores a token for the user; returns the token itself.
pub async fn issue(
    ex: &mut impl Exec,
    user_id: i64,
    kind: &str,
    label: &str,
    now: Millis,
    expires_at: Option<Millis>,
) -> DbResult<String> {
    let (token, hash) = generate();
    Q::new(
        "INSERT INTO tokens (user_id, token_hash, kind, label, created_at, expires_at, \
         last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $5)",
    )
    .bind(user_id)
    .bind(hash)
    .bind(kind)
    .bind(label)
    .bind(now)
    .bind(expires_at)
    .execute(ex)
    .await?;
    Ok(token)
}

pub async fn revoke(ex: &mut impl Exec, token: &str, now: Millis) -> DbResult<u64> {
    Q::new("UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(digest(token))
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

impl FromRequestParts<AppState> for Actor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Actor, Error> {
        let token = bearer(&parts.headers).ok_or_else(Error::unauthorized)?;
        let mut c = state.db.conn().await?;
        let now = state.clock.now();
        store::actor_for_token(&mut c, &digest(token), now)
            .await?
            .ok_or_else(Error::unauthorized)
    }
}
