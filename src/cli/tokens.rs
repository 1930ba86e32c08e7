//! `linli admin issue-token | list-tokens | revoke-token`: the tokens of an account, through
//! the same service as `GET`/`DELETE /api/v1/tokens`, acting as the system (an admin).

use crate::auth::model::TokenInfo;
use crate::auth::{Actor, service, store};
use crate::clock::format_local;
use crate::error::Error;
use crate::state::AppState;
use crate::web::{error::message_in, i18n::Lang};

/// The service's refusal as a sentence (the command line speaks English).
fn said(e: Error) -> String {
    message_in(Lang::En, &e)
}

async fn user_id(st: &AppState, username: &str) -> Result<i64, String> {
    let mut c = st.db.conn().await.map_err(|e| e.to_string())?;
    store::find_by_username(&mut c, username)
        .await
        .map_err(|e| e.to_string())?
        .map(|u| u.id)
        .ok_or_else(|| format!("no user {username:?}"))
}

/// Prints the token once, and says until when it lasts on standard error.
pub async fn issue(
    st: &AppState,
    username: &str,
    label: &str,
    days: Option<i64>,
) -> Result<(), String> {
    let owner = user_id(st, username).await?;
    let (token, info) = service::issue_api_token(st, &Actor::system(), owner, label, days)
        .await
        .map_err(said)?;
    println!("{token}");
    eprintln!(
        "token {} for {username} expires {}",
        info.id,
        format_local(info.expires_at)
    );
    Ok(())
}

/// One line per live token, newest first.
pub async fn list(st: &AppState, username: &str) -> Result<(), String> {
    let owner = user_id(st, username).await?;
    let mut cursor = None;
    println!(
        "{:>8}  {:<8} {:<24} {:<17} {:<17} last seen",
        "id", "kind", "label", "created", "expires"
    );
    loop {
        let page = service::list_tokens(st, &Actor::system(), Some(owner), None, cursor)
            .await
            .map_err(said)?;
        for t in &page.items {
            println!("{}", line(t));
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(()),
        }
    }
}

fn line(t: &TokenInfo) -> String {
    format!(
        "{:>8}  {:<8} {:<24} {:<17} {:<17} {}",
        t.id,
        t.kind.as_str(),
        t.label,
        format_local(t.created_at),
        format_local(t.expires_at),
        format_local(t.last_seen_at)
    )
}

pub async fn revoke(st: &AppState, id: i64) -> Result<(), String> {
    let t = service::revoke_token(st, &Actor::system(), id)
        .await
        .map_err(|e| match e.code {
            crate::error::Code::NotFound => format!("no live token with id {id}"),
            _ => said(e),
        })?;
    println!("revoked token {id} ({}, {:?})", t.kind.as_str(), t.label);
    Ok(())
}
