//! The tokens a person holds: their own they may list and revoke, an admin anyone's
//! (`GET /api/v1/tokens`, `DELETE /api/v1/tokens/{id}`, `linli admin list-tokens` and
//! `revoke-token`). API tokens for programs are issued by `linli admin issue-token`, and
//! last `api_token_days` unless told otherwise. Issuing and revoking are audited.

use crate::audit;
use crate::clock::{DAY, Millis};
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::super::model::{TokenInfo, TokenKind, TokenPage};
use super::super::{Actor, rules, store, tokens};

/// Tokens on a page unless asked otherwise, and at most.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// The live tokens of `owner` (the actor themselves when not given), newest first, from
/// below `cursor`.
pub async fn list_tokens(
    st: &AppState,
    actor: &Actor,
    owner: Option<i64>,
    limit: Option<i64>,
    cursor: Option<i64>,
) -> Result<TokenPage> {
    let owner = owner.unwrap_or(actor.user_id);
    if !rules::may_manage_tokens_of(actor, owner) {
        return Err(Error::forbidden());
    }
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if limit < 1 {
        return Err(Error::query("limit"));
    }
    let limit = limit.min(MAX_LIMIT);
    let now = st.clock.now();
    let mut c = st.db.conn().await?;
    if owner != actor.user_id && store::find(&mut c, owner).await?.is_none() {
        return Err(Error::invalid("user_id", Code::UnknownUser));
    }
    let before = cursor.unwrap_or(i64::MAX);
    let mut items = tokens::live_of_user(&mut c, owner, now, before, limit + 1).await?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|t| t.id)
    } else {
        None
    };
    Ok(TokenPage { items, next_cursor })
}

/// Ends a live token at once. Someone else's token, for anyone but an admin, is not there.
pub async fn revoke_token(st: &AppState, actor: &Actor, id: i64) -> Result<TokenInfo> {
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    let token = tokens::find_live(&mut tx, id, now)
        .await?
        .filter(|t| rules::may_manage_tokens_of(actor, t.user_id))
        .ok_or_else(Error::not_found)?;
    tokens::revoke_id(&mut tx, id, now).await?;
    let detail = format!("kind={}", token.kind.as_str());
    audit::record(&mut tx, entry(actor, "revoke_token", id, &detail, now)).await?;
    tx.commit().await?;
    Ok(token)
}

/// The longest label a token may carry.
pub const MAX_LABEL: usize = 100;

/// Issues an API token for `user_id` lasting `days` (or `api_token_days`); gives the
/// token (shown once) and what is stored of it.
pub async fn issue_api_token(
    st: &AppState,
    actor: &Actor,
    user_id: i64,
    label: &str,
    days: Option<i64>,
) -> Result<(String, TokenInfo)> {
    if !rules::may_manage_tokens_of(actor, user_id) {
        return Err(Error::forbidden());
    }
    let label = label.trim();
    if label.chars().count() > MAX_LABEL {
        return Err(Error::too_long("label", MAX_LABEL));
    }
    let days = rules::token_days(days, st.settings.api_token_days)?;
    let now = st.clock.now();
    let expires_at = now + days * DAY;
    let mut tx = st.db.begin().await?;
    let (token, id) =
        tokens::issue_with_id(&mut tx, user_id, TokenKind::Api, label, now, expires_at).await?;
    let info = tokens::find_live(&mut tx, id, now)
        .await?
        .ok_or_else(|| Error::internal("a token just issued is not there"))?;
    let detail = format!("kind=api days={days}");
    audit::record(&mut tx, entry(actor, "issue_token", info.id, &detail, now)).await?;
    tx.commit().await?;
    Ok((token, info))
}

fn entry<'a>(
    actor: &Actor,
    action: &'a str,
    id: i64,
    detail: &'a str,
    now: Millis,
) -> audit::Entry<'a> {
    audit::Entry {
        at: now,
        user_id: actor.user_id,
        action,
        object_kind: "token",
        object_id: id,
        detail,
        place: None,
    }
}
