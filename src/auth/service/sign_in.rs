//! Signing in with a username and password, from a client address.
//!
//! An address that failed too often lately is refused before anything else (no password
//! is checked from it). A locked account is refused too — unless the attempt comes from
//! an address the account signed in from before, so that failing on purpose locks out
//! the one failing, not the account's owner. Every failure counts against its address
//! (and a wrong password against its account as well); every sign-in and every failure
//! is in the audit log with its address.

use std::sync::LazyLock;

use crate::audit;
use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::super::lockout::{self, AddressLimit};
use super::super::model::{Address, Credentials, SignedIn, TokenKind};
use super::super::store::{self, UserRow};
use super::super::{password, rules, tokens};

/// A hash to verify against when the username is unknown, so that the answer takes as
/// long as for a known one.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password::hash("no such user here").unwrap_or_default());

/// Checks the credentials from `from` and, when they are right, issues a token of `kind`
/// (a `session` for the API, a `web` session for the pages).
pub async fn sign_in(
    st: &AppState,
    c: Credentials<'_>,
    from: &Address,
    kind: TokenKind,
) -> Result<SignedIn> {
    let now = st.clock.now();
    let (user, known) = {
        let mut conn = st.db.conn().await?;
        let address_lock = lockout::address_locked_until(&mut conn, from).await?;
        if let Err(refused) = rules::address_may_try(address_lock, now) {
            tracing::info!("login refused: the address is locked");
            return Err(refused);
        }
        // No username holds a control character (and PostgreSQL cannot compare text
        // holding a NUL): such a name is nobody's.
        let user = if c.username.chars().any(char::is_control) {
            None
        } else {
            store::find_by_username(&mut conn, c.username).await?
        }
        .filter(|u| u.active);
        let known = match &user {
            Some(u) if rules::is_locked(u.locked_until, now) => {
                let since = now - st.settings.known_address_days * DAY;
                lockout::is_known(&mut conn, u.id, from, since).await?
            }
            _ => false,
        };
        (user, known)
    };
    let Some(user) = user else {
        password::verify_async(c.password.to_string(), DUMMY_HASH.clone()).await;
        return Err(failed(st, Failure::NoAccount, from, now).await);
    };
    if let Err(refused) = rules::account_may_try(user.locked_until, known, now) {
        return Err(failed(st, Failure::Locked(&user, refused), from, now).await);
    }
    if !password::verify_async(c.password.to_string(), user.password_hash.clone()).await {
        return Err(failed(st, Failure::WrongPassword(&user), from, now).await);
    }
    succeeded(st, user, from, now, kind).await
}

/// Why an attempt failed.
enum Failure<'a> {
    /// No active account has the username.
    NoAccount,
    /// The account is locked and the address is not one it knows.
    Locked(&'a UserRow, Error),
    WrongPassword(&'a UserRow),
}

impl Failure<'_> {
    fn user(&self) -> Option<&UserRow> {
        match self {
            Failure::NoAccount => None,
            Failure::Locked(u, _) | Failure::WrongPassword(u) => Some(u),
        }
    }

    fn into_error(self) -> Error {
        match self {
            Failure::Locked(_, e) => e,
            _ => Error::new(Code::BadCredentials),
        }
    }
}

/// Counts the failure against the address (a wrong password against the account too)
/// and audits it, in one transaction; gives the error to answer.
async fn failed(st: &AppState, f: Failure<'_>, from: &Address, now: Millis) -> Error {
    let s = &st.settings;
    let window_start = now - s.address_window_minutes * MINUTE;
    let limit = AddressLimit {
        now,
        window_start,
        max: s.address_lockout_failures,
        lock_until: now + s.address_lockout_minutes * MINUTE,
    };
    let reason = match &f {
        Failure::Locked(_, e) => e.code,
        _ => Code::BadCredentials,
    };
    let counted = async {
        let mut tx = st.db.begin().await?;
        lockout::count_address_failure(&mut tx, from, limit).await?;
        lockout::forget_old_failures(&mut tx, window_start, now).await?;
        if let Failure::WrongPassword(u) = &f {
            let lock_until = now + s.lockout_minutes * MINUTE;
            store::record_failure(&mut tx, u.id, s.lockout_failures, lock_until).await?;
        }
        let detail = format!("address={from} reason={reason}");
        audit::record(&mut tx, entry(f.user(), "sign_in_failed", &detail, now)).await?;
        tx.commit().await
    };
    match counted.await {
        Ok(()) => {
            tracing::info!(user_id = f.user().map(|u| u.id), %reason, "login failed");
            f.into_error()
        }
        Err(e) => Error::from(e),
    }
}

/// The attempt succeeded: the address is remembered for the account, the failures in a
/// row start again, a token is issued and the sign-in audited, in one transaction.
async fn succeeded(
    st: &AppState,
    user: UserRow,
    from: &Address,
    now: Millis,
    kind: TokenKind,
) -> Result<SignedIn> {
    let s = &st.settings;
    let expires_at = now + s.session_hours * HOUR;
    let label = match kind {
        TokenKind::Web => "page",
        _ => "login",
    };
    let mut tx = st.db.begin().await?;
    store::record_success(&mut tx, user.id, now).await?;
    let forget_before = now - s.known_address_days * DAY;
    lockout::remember(&mut tx, user.id, from, now, forget_before).await?;
    let detail = format!("address={from}");
    audit::record(&mut tx, entry(Some(&user), "sign_in", &detail, now)).await?;
    let token = tokens::issue(&mut tx, user.id, kind, label, now, expires_at).await?;
    let actor = store::actor_of(&mut tx, user).await?;
    tx.commit().await?;
    tracing::info!(user_id = actor.user_id, "logged in");
    Ok(SignedIn {
        token,
        expires_at,
        actor,
    })
}

/// An audit entry about an account (or about no account: a username nobody has, which is
/// not written down — it may be a password typed in the wrong field). Found by the
/// account (`object_kind = 'user'`); no place, since auth sits below the roster.
fn entry<'a>(
    user: Option<&UserRow>,
    action: &'a str,
    detail: &'a str,
    now: Millis,
) -> audit::Entry<'a> {
    let id = user.map_or(0, |u| u.id);
    audit::Entry {
        at: now,
        user_id: id,
        action,
        object_kind: "user",
        object_id: id,
        detail,
        place: None,
    }
}
